/**
 * Reads the update metadata XML (`upd:Update`) of one revision: identity, properties, localized text,
 * relationships and files. Malformed or incomplete metadata is an UpdateXmlError naming the UpdateID.
 */
import type { CategoryType, LocalizedText, UpdateFile, UpdateIdentity, UpdateMetadata, UpdateType } from '../update-metadata';
import { child, children, parseXml, textAt, XmlParseError, type XmlElement } from './element-tree';

export class UpdateXmlError extends Error {
  constructor(
    readonly updateId: string,
    message: string,
  ) {
    super(`Update ${updateId}: ${message}`);
    this.name = 'UpdateXmlError';
  }
}

const UPDATE_TYPES: readonly UpdateType[] = ['Software', 'Category', 'Detectoid', 'Driver'];
const CATEGORY_TYPES: readonly CategoryType[] = ['Company', 'ProductFamily', 'Product', 'UpdateClassification'];

export function parseUpdateXml(xml: string, expected?: UpdateIdentity): UpdateMetadata {
  const label = expected?.updateId ?? 'unknown';
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    throw new UpdateXmlError(label, `metadata is not well-formed XML (${(error as XmlParseError).message})`);
  }
  if (root.name !== 'Update') throw new UpdateXmlError(label, `metadata root is <${root.name}>, not <Update>`);
  const identity = child(root, 'UpdateIdentity');
  const updateId = identity?.attributes.UpdateID?.toLowerCase();
  const revision = Number(identity?.attributes.RevisionNumber);
  if (updateId === undefined || !Number.isInteger(revision)) throw new UpdateXmlError(label, 'metadata has no valid UpdateIdentity');
  if (expected !== undefined && (updateId !== expected.updateId.toLowerCase() || revision !== expected.revision)) {
    throw new UpdateXmlError(label, `metadata describes ${updateId} revision ${revision}, not revision ${expected.revision}`);
  }

  const properties = child(root, 'Properties');
  if (properties === undefined) throw new UpdateXmlError(updateId, 'metadata has no Properties');
  const type = properties.attributes.UpdateType as UpdateType | undefined;
  if (type === undefined || !UPDATE_TYPES.includes(type)) {
    throw new UpdateXmlError(updateId, `unknown UpdateType ${JSON.stringify(properties.attributes.UpdateType)}`);
  }
  const categoryInfo = child(child(root, 'HandlerSpecificData'), 'CategoryInformation');
  const categoryType = categoryInfo?.attributes.CategoryType as CategoryType | undefined;
  if (type === 'Category' && (categoryType === undefined || !CATEGORY_TYPES.includes(categoryType))) {
    throw new UpdateXmlError(updateId, `category has unknown CategoryType ${JSON.stringify(categoryType)}`);
  }

  const localized: LocalizedText[] = children(child(root, 'LocalizedPropertiesCollection'), 'LocalizedProperties').map((entry) => {
    const description = textAt(entry, 'Description');
    return {
      language: textAt(entry, 'Language') ?? '',
      title: textAt(entry, 'Title') ?? '',
      ...(description === undefined || description === '' ? {} : { description }),
    };
  });
  if (localized.length === 0 || localized.every((text) => text.title === '')) {
    throw new UpdateXmlError(updateId, 'metadata has no title in any language');
  }

  const relationships = child(root, 'Relationships');
  const prerequisites = child(relationships, 'Prerequisites');
  const categoryGroups = children(prerequisites, 'AtLeastOne')
    .filter((group) => group.attributes.IsCategory === 'true')
    .map((group) => identitiesIn(group).map((id) => id.updateId));
  const plainPrerequisites = [
    ...children(prerequisites, 'UpdateIdentity'),
    ...children(prerequisites, 'AtLeastOne')
      .filter((group) => group.attributes.IsCategory !== 'true')
      .flatMap((group) => children(group, 'UpdateIdentity')),
  ].map((element) => (element.attributes.UpdateID ?? '').toLowerCase());
  const bundledElement = child(relationships, 'BundledUpdates');
  const bundled = [...identitiesIn(bundledElement), ...children(bundledElement, 'AtLeastOne').flatMap(identitiesIn)];

  const files: UpdateFile[] = children(child(root, 'Files'), 'File').map((file) => ({
    digest: file.attributes.Digest ?? '',
    fileName: file.attributes.FileName ?? '',
    size: Number(file.attributes.Size ?? 0),
  }));

  const optional = <K extends string>(key: K, value: string | undefined) => (value === undefined || value === '' ? {} : { [key]: value });
  return {
    updateId,
    revision,
    type,
    ...(categoryType === undefined ? {} : { categoryType }),
    defaultLanguage: properties.attributes.DefaultPropertiesLanguage ?? 'en',
    localized,
    ...optional('kb', textAt(properties, 'KBArticleID')),
    ...optional('bulletin', textAt(properties, 'SecurityBulletinID')),
    ...optional('msrcSeverity', properties.attributes.MsrcSeverity),
    ...optional('creationDate', properties.attributes.CreationDate),
    publicationState: properties.attributes.PublicationState === 'Expired' ? 'Expired' : 'Published',
    explicitlyDeployable: properties.attributes.ExplicitlyDeployable !== 'false',
    categoryGroups,
    prerequisites: plainPrerequisites,
    supersedes: children(child(relationships, 'SupersededUpdates'), 'UpdateIdentity').map((element) =>
      (element.attributes.UpdateID ?? '').toLowerCase(),
    ),
    bundled,
    files,
    ...optional('moreInfoUrl', textAt(properties, 'MoreInfoUrl')),
    ...optional('supportUrl', textAt(properties, 'SupportUrl')),
  };
}

function identitiesIn(element: XmlElement | undefined): UpdateIdentity[] {
  return children(element, 'UpdateIdentity').map((identity) => ({
    updateId: (identity.attributes.UpdateID ?? '').toLowerCase(),
    revision: Number(identity.attributes.RevisionNumber ?? 0),
  }));
}
