/** Writes the update metadata XML (`upd:Update`) the built-in service serves for each revision. */
import { createHash } from 'node:crypto';
import { escapeXml } from '../xml/element-tree';
import { NS_CATEGORY_HANDLER, NS_UPDATE } from '../soap/protocol-names';
import type { CatalogCategory, CatalogUpdate } from './catalog';
import { englishDescription, englishTitle, localizedDescription, localizedTitle, type TitleFacts } from './catalog-text';

const PUBLISHER = '395392a0-19c0-48b7-a927-f7c15066d905';

function localizedBlock(texts: Array<{ language: string; title: string; description?: string }>): string {
  return `<upd:LocalizedPropertiesCollection>${texts
    .map(
      (text) =>
        `<upd:LocalizedProperties><upd:Language>${text.language}</upd:Language><upd:Title>${escapeXml(text.title)}</upd:Title>${
          text.description === undefined ? '' : `<upd:Description>${escapeXml(text.description)}</upd:Description>`
        }</upd:LocalizedProperties>`,
    )
    .join('')}</upd:LocalizedPropertiesCollection>`;
}

export function categoryXml(category: CatalogCategory): string {
  const parent =
    category.parentId === undefined
      ? ''
      : `<upd:Relationships><upd:Prerequisites><upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity UpdateID="${category.parentId}"/></upd:AtLeastOne></upd:Prerequisites></upd:Relationships>`;
  const prohibits = category.categoryType === 'UpdateClassification' ? 'ProhibitsSubcategories="true" ProhibitsUpdates="false"' : 'ProhibitsSubcategories="false" ProhibitsUpdates="false"';
  return (
    `<upd:Update xmlns:upd="${NS_UPDATE}" xmlns:cat="${NS_CATEGORY_HANDLER}">` +
    `<upd:UpdateIdentity UpdateID="${category.id}" RevisionNumber="${category.revision}"/>` +
    `<upd:Properties UpdateType="Category" DefaultPropertiesLanguage="en" PublicationState="Published" CreationDate="2015-07-01T00:00:00.000Z" PublisherID="${PUBLISHER}"/>` +
    localizedBlock([{ language: 'en', title: category.name, description: `${category.name} (${category.categoryType})` }]) +
    parent +
    `<upd:HandlerSpecificData type="cat:Category"><cat:CategoryInformation CategoryType="${category.categoryType}" ${prohibits} DisplayOrder="0" ExcludedByDefault="false"/></upd:HandlerSpecificData>` +
    `</upd:Update>`
  );
}

export function updateXml(update: CatalogUpdate, languages: readonly string[], parent?: CatalogUpdate): string {
  const source = parent ?? update;
  const facts: TitleFacts = {
    product: source.product,
    classification: source.classificationName,
    kb: source.kb,
    date: source.date,
    sequence: source.sequence,
    architecture: source.architecture,
  };
  const title = englishTitle(facts);
  const description = englishDescription(facts, update.revised);
  const texts = languages.map((language) => ({
    language,
    title: localizedTitle(title, language),
    description: localizedDescription(description, language),
  }));
  const isLeaf = parent !== undefined;
  const attributes = [
    `UpdateType="Software"`,
    `DefaultPropertiesLanguage="en"`,
    `ExplicitlyDeployable="${isLeaf ? 'false' : 'true'}"`,
    `AutoSelectOnWebSites="${source.classificationName === 'Security Updates' || source.classificationName === 'Critical Updates'}"`,
    ...(source.severity === undefined ? [] : [`MsrcSeverity="${source.severity}"`]),
    `IsPublic="false"`,
    `IsBeta="false"`,
    `PublicationState="${update.state === 'expired' ? 'Expired' : 'Published'}"`,
    `CreationDate="${source.date.toISOString()}"`,
    `PublisherID="${PUBLISHER}"`,
    `LegacyName="KB${source.kb}-${source.architecture}${isLeaf ? '-leaf' : ''}"`,
  ].join(' ');
  const properties =
    `<upd:Properties ${attributes}>` +
    `<upd:SupportUrl>https://support.microsoft.com/help/${source.kb}</upd:SupportUrl>` +
    (source.bulletin === undefined ? '' : `<upd:SecurityBulletinID>${source.bulletin}</upd:SecurityBulletinID>`) +
    `<upd:KBArticleID>${source.kb}</upd:KBArticleID>` +
    `<upd:MoreInfoUrl>https://support.microsoft.com/kb/${source.kb}</upd:MoreInfoUrl>` +
    `</upd:Properties>`;
  const prerequisites = isLeaf
    ? ''
    : `<upd:Prerequisites><upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity UpdateID="${source.product.id}"/></upd:AtLeastOne>` +
      `<upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity UpdateID="${source.classificationId}"/></upd:AtLeastOne></upd:Prerequisites>`;
  const bundled = update.childIds.length === 0 ? '' : `<upd:BundledUpdates>${update.childIds.map((id) => `<upd:UpdateIdentity UpdateID="${id}" RevisionNumber="${update.revision}"/>`).join('')}</upd:BundledUpdates>`;
  const superseded = update.supersedes.length === 0 ? '' : `<upd:SupersededUpdates>${update.supersedes.map((id) => `<upd:UpdateIdentity UpdateID="${id}"/>`).join('')}</upd:SupersededUpdates>`;
  const relationships = prerequisites + bundled + superseded === '' ? '' : `<upd:Relationships>${prerequisites}${bundled}${superseded}</upd:Relationships>`;
  // Leaf updates carry the payload files; large cumulative updates list one file per language pack, which is
  // what makes their metadata exceed the 5,120 bytes above which servers compress it.
  const fileCount = isLeaf ? 1 + (source.sequence % 3) * 12 : 0;
  const files =
    fileCount === 0
      ? ''
      : `<upd:Files>${Array.from({ length: fileCount }, (_, index) => {
          const digest = createHash('sha1').update(`${update.id}/${index}`).digest();
          return `<upd:File Digest="${digest.toString('base64')}" DigestAlgorithm="SHA1" FileName="windows-kb${source.kb}-${source.architecture.toLowerCase()}_${index}_${digest.toString('hex')}.cab" Size="${1_000_000 + index * 4_096}" Modified="${source.date.toISOString()}"/>`;
        }).join('')}</upd:Files>`;
  return (
    `<upd:Update xmlns:upd="${NS_UPDATE}">` +
    `<upd:UpdateIdentity UpdateID="${update.id}" RevisionNumber="${update.revision}"/>` +
    properties +
    localizedBlock(texts) +
    relationships +
    `<upd:ApplicabilityRules><upd:IsInstalled><bar:WmiQuery xmlns:bar="http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules" Namespace="root\\cimv2" WqlQuery="SELECT HotFixID FROM Win32_QuickFixEngineering WHERE HotFixID='KB${source.kb}'"/></upd:IsInstalled></upd:ApplicabilityRules>` +
    files +
    `</upd:Update>`
  );
}
