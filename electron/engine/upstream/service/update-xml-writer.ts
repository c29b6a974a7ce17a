/** Writes the update metadata XML (`upd:Update`) the built-in service serves for each revision. */
import { createHash } from 'node:crypto';
import { escapeXml } from '../xml/element-tree';
import { NS_CATEGORY_HANDLER, NS_UPDATE } from '../soap/protocol-names';
import { DETECTOIDS } from './catalog-data';
import type { CatalogCategory, CatalogDetectoid, CatalogUpdate } from './catalog-model';
import type { FileUrl } from './upstream-catalog';
import { englishDescription, englishTitle, localizedDescription, localizedTitle, paddedTitle, releaseNotes, type TitleFacts } from './catalog-text';
import { LANGUAGE_SETS } from './catalog-shape';

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
  const prohibits =
    category.categoryType === 'UpdateClassification'
      ? 'ProhibitsSubcategories="true" ProhibitsUpdates="false"'
      : 'ProhibitsSubcategories="false" ProhibitsUpdates="false"';
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

export function detectoidXml(detectoid: CatalogDetectoid): string {
  return (
    `<upd:Update xmlns:upd="${NS_UPDATE}">` +
    `<upd:UpdateIdentity UpdateID="${detectoid.id}" RevisionNumber="${detectoid.revision}"/>` +
    `<upd:Properties UpdateType="Detectoid" DefaultPropertiesLanguage="en" PublicationState="Published" CreationDate="2015-07-01T00:00:00.000Z" PublisherID="${PUBLISHER}"/>` +
    localizedBlock([{ language: 'en', title: detectoid.name }]) +
    `<upd:ApplicabilityRules><upd:IsInstalled><bar:Processor xmlns:bar="http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules" Architecture="${detectoid.architecture === 'ARM64' ? 12 : detectoid.architecture === 'x86' ? 0 : 9}"/></upd:IsInstalled></upd:ApplicabilityRules>` +
    `</upd:Update>`
  );
}

export interface UpdateFileEntry {
  digest: string;
  fileName: string;
  size: number;
}

/**
 * The payload files of a revision, as many as its shape says: a bundle lists none (its bundled updates carry them),
 * an express cumulative update hundreds, a feature update's package thousands.
 */
export function updateFiles(update: CatalogUpdate, parent?: CatalogUpdate): UpdateFileEntry[] {
  const source = parent ?? update;
  return Array.from({ length: update.shape.files }, (_, index) => {
    const digest = createHash('sha1').update(`${update.id}/${index}`).digest();
    const express = index % 3 === 1 ? 'express' : index % 3 === 2 ? 'psf' : 'cab';
    return {
      digest: digest.toString('base64'),
      fileName: `windows-kb${source.kb}-${source.architecture.toLowerCase()}-${express}_${index}_${digest.toString('hex')}.${express === 'psf' ? 'psf' : 'cab'}`,
      size: 1_000_000 + index * 4_096,
    };
  });
}

/** Where Microsoft Update's download servers keep each file (the MUUrl of ServerSyncUrlData). */
export function fileUrlsOf(files: UpdateFileEntry[], source: CatalogUpdate): FileUrl[] {
  const folder = source.classificationName === 'Security Updates' ? 'secu' : source.classificationName === 'Critical Updates' ? 'crup' : 'updt';
  const month = `${source.date.getUTCFullYear()}/${String(source.date.getUTCMonth() + 1).padStart(2, '0')}`;
  return files.map((file) => ({
    digest: file.digest,
    muUrl: `http://download.windowsupdate.com/d/msdownload/update/software/${folder}/${month}/${file.fileName}`,
  }));
}

const ARCHITECTURE_DETECTOID = new Map(
  DETECTOIDS.filter((detectoid) => detectoid.architecture !== undefined).map((detectoid) => [detectoid.architecture!, detectoid.id]),
);

/** Elements nested `depth` levels deep (each an And of applicability rules), as a hostile or careless publisher might. */
function nestedRules(depth: number): string {
  if (depth <= 0) return '';
  return `${'<bar:And>'.repeat(depth)}<bar:WindowsVersion Comparison="GreaterThanOrEqualTo" MajorVersion="10"/>${'</bar:And>'.repeat(depth)}`;
}

export function updateXml(update: CatalogUpdate, parent?: CatalogUpdate): string {
  const source = parent ?? update;
  const languages = LANGUAGE_SETS[update.shape.languageSet] ?? LANGUAGE_SETS[0]!;
  const facts: TitleFacts = {
    product: source.product,
    classification: source.classificationName,
    kb: source.kb,
    date: source.date,
    sequence: source.sequence,
    architecture: source.architecture,
  };
  const title = paddedTitle(englishTitle(facts), update.shape.titleChars);
  const description = englishDescription(facts, update.revised);
  // Release notes in every language, so the metadata reaches the size its shape asks for.
  const notes = update.shape.textBytes > 0 ? releaseNotes(Math.ceil(update.shape.textBytes / languages.length)) : '';
  const texts = languages.map((language) => ({
    language,
    title: localizedTitle(title, language),
    description: localizedDescription(description, language) + notes,
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
    `CreationDate="${(source.revisedDate ?? source.date).toISOString()}"`,
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
  // Every update names its architecture's detectoid as a plain prerequisite, as Microsoft Update's updates do.
  const detectoid = `<upd:UpdateIdentity UpdateID="${ARCHITECTURE_DETECTOID.get(source.architecture)}"/>`;
  const prerequisites = isLeaf
    ? `<upd:Prerequisites>${detectoid}</upd:Prerequisites>`
    : `<upd:Prerequisites>${detectoid}<upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity UpdateID="${source.product.id}"/></upd:AtLeastOne>` +
      `<upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity UpdateID="${source.classificationId}"/></upd:AtLeastOne></upd:Prerequisites>`;
  const bundled =
    update.childIds.length === 0
      ? ''
      : `<upd:BundledUpdates>${update.childIds.map((id) => `<upd:UpdateIdentity UpdateID="${id}" RevisionNumber="${update.revision}"/>`).join('')}</upd:BundledUpdates>`;
  const superseded =
    update.supersedes.length === 0
      ? ''
      : `<upd:SupersededUpdates>${update.supersedes.map((id) => `<upd:UpdateIdentity UpdateID="${id}"/>`).join('')}</upd:SupersededUpdates>`;
  const relationships = prerequisites + bundled + superseded === '' ? '' : `<upd:Relationships>${prerequisites}${bundled}${superseded}</upd:Relationships>`;
  const fileEntries = updateFiles(update, parent);
  const files =
    fileEntries.length === 0
      ? ''
      : `<upd:Files>${fileEntries
          .map(
            (file) =>
              `<upd:File Digest="${file.digest}" DigestAlgorithm="SHA1" FileName="${file.fileName}" Size="${file.size}" Modified="${source.date.toISOString()}"/>`,
          )
          .join('')}</upd:Files>`;
  return (
    `<upd:Update xmlns:upd="${NS_UPDATE}">` +
    `<upd:UpdateIdentity UpdateID="${update.id}" RevisionNumber="${update.revision}"/>` +
    properties +
    localizedBlock(texts) +
    relationships +
    `<upd:ApplicabilityRules><upd:IsInstalled><bar:WmiQuery xmlns:bar="http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules" Namespace="root\\cimv2" WqlQuery="SELECT HotFixID FROM Win32_QuickFixEngineering WHERE HotFixID='KB${source.kb}'"/></upd:IsInstalled>` +
    (update.shape.depth > 0
      ? `<upd:IsInstallable xmlns:bar="http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules">${nestedRules(update.shape.depth)}</upd:IsInstallable>`
      : '') +
    `</upd:ApplicabilityRules>` +
    files +
    `</upd:Update>`
  );
}
