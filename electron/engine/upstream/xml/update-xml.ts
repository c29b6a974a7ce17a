/**
 * Reads the update metadata XML (`upd:Update`) of one revision: identity, properties, localized text,
 * relationships and files. The XML is streamed through saxes and only the fields the engine keeps are collected
 * (no element tree is built: a full sync reads hundreds of thousands of these). Malformed or incomplete metadata is
 * an UpdateXmlError naming the UpdateID.
 */
import { SaxesParser, type SaxesTag } from 'saxes';
import type { CategoryType, LocalizedText, UpdateFile, UpdateIdentity, UpdateMetadata, UpdateType } from '../update-metadata';
import { MAX_XML_DEPTH } from './element-tree';

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
/** Elements whose text is kept, by local name. */
const TEXT_ELEMENTS = new Set(['Language', 'Title', 'Description', 'KBArticleID', 'SecurityBulletinID', 'MoreInfoUrl', 'SupportUrl']);

/**
 * A copy of a string that does not share memory with the document it was cut from: saxes hands out slices of the
 * whole XML, and an id or a title kept for the rest of a sync would otherwise keep every update's XML alive.
 */
const detached = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');
/** When the metadata is posted to another thread at once, the structured clone copies every string anyway. */
const asIs = (text: string): string => text;

const copyAll = (attributes: Record<string, string>, copy: (text: string) => string): Record<string, string> => {
  const result: Record<string, string> = {};
  for (const key in attributes) result[key] = copy(attributes[key]!);
  return result;
};

const localName = (name: string) => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

/** What the stream has collected so far. */
class Collected {
  rootName: string | undefined;
  identity: Record<string, string> | undefined;
  properties: Record<string, string> | undefined;
  readonly propertyText: Record<string, string> = {};
  categoryType: string | undefined;
  readonly localized: LocalizedText[] = [];
  readonly categoryGroups: string[][] = [];
  readonly prerequisites: string[] = [];
  readonly bundled: UpdateIdentity[] = [];
  readonly supersedes: string[] = [];
  readonly files: UpdateFile[] = [];
}

export interface ParseOptions {
  /** Copy kept strings out of the document (default); false when the result is posted to another thread at once. */
  detach?: boolean;
}

export function parseUpdateXml(xml: string, expected?: UpdateIdentity, options: ParseOptions = {}): UpdateMetadata {
  const label = expected?.updateId ?? 'unknown';
  const found = collect(xml, label, options.detach === false ? asIs : detached);
  if (found.rootName !== 'Update') throw new UpdateXmlError(label, `metadata root is <${found.rootName ?? ''}>, not <Update>`);
  const updateId = found.identity?.UpdateID?.toLowerCase();
  const revision = Number(found.identity?.RevisionNumber);
  if (updateId === undefined || !Number.isInteger(revision)) throw new UpdateXmlError(label, 'metadata has no valid UpdateIdentity');
  if (expected !== undefined && (updateId !== expected.updateId.toLowerCase() || revision !== expected.revision)) {
    throw new UpdateXmlError(label, `metadata describes ${updateId} revision ${revision}, not revision ${expected.revision}`);
  }
  const properties = found.properties;
  if (properties === undefined) throw new UpdateXmlError(updateId, 'metadata has no Properties');
  const type = properties.UpdateType as UpdateType | undefined;
  if (type === undefined || !UPDATE_TYPES.includes(type)) throw new UpdateXmlError(updateId, `unknown UpdateType ${JSON.stringify(properties.UpdateType)}`);
  const categoryType = found.categoryType as CategoryType | undefined;
  if (type === 'Category' && (categoryType === undefined || !CATEGORY_TYPES.includes(categoryType))) {
    throw new UpdateXmlError(updateId, `category has unknown CategoryType ${JSON.stringify(categoryType)}`);
  }
  if (found.localized.length === 0 || found.localized.every((text) => text.title === ''))
    throw new UpdateXmlError(updateId, 'metadata has no title in any language');

  const optional = <K extends string>(key: K, value: string | undefined) => (value === undefined || value === '' ? {} : { [key]: value });
  const text = found.propertyText;
  return {
    updateId,
    revision,
    type,
    ...(categoryType === undefined ? {} : { categoryType }),
    defaultLanguage: properties.DefaultPropertiesLanguage ?? 'en',
    localized: found.localized,
    ...optional('kb', text.KBArticleID),
    ...optional('bulletin', text.SecurityBulletinID),
    ...optional('msrcSeverity', properties.MsrcSeverity),
    ...optional('creationDate', properties.CreationDate),
    publicationState: properties.PublicationState === 'Expired' ? 'Expired' : 'Published',
    explicitlyDeployable: properties.ExplicitlyDeployable !== 'false',
    categoryGroups: found.categoryGroups,
    prerequisites: found.prerequisites,
    supersedes: found.supersedes,
    bundled: found.bundled,
    files: found.files,
    ...optional('moreInfoUrl', text.MoreInfoUrl),
    ...optional('supportUrl', text.SupportUrl),
  };
}

/** One pass over the XML, keeping what parseUpdateXml needs; depth is capped (saxes is quadratic in nesting). */
function collect(xml: string, label: string, detach: (text: string) => string): Collected {
  const found = new Collected();
  const path: string[] = [];
  let text: string | undefined;
  let localizedEntry: Partial<Record<'Language' | 'Title' | 'Description', string>> | undefined;
  let group: { category: boolean; ids: string[] } | undefined;
  const parser = new SaxesParser({ position: false });
  let failure: string | undefined;
  parser.on('error', (error) => {
    failure ??= error.message;
  });
  parser.on('opentag', (tag: SaxesTag) => {
    if (path.length >= MAX_XML_DEPTH) throw new DepthError();
    const name = localName(tag.name);
    const parent = path[path.length - 1];
    const grand = path[path.length - 2];
    // Only the attributes of the few elements read below are copied out of the document (see detached).
    const attributes = tag.attributes as Record<string, string>;
    path.push(name);
    if (path.length === 1) {
      found.rootName = name;
      return;
    }
    if (TEXT_ELEMENTS.has(name)) text = '';
    switch (name) {
      case 'UpdateIdentity': {
        const id = detach((attributes.UpdateID ?? '').toLowerCase());
        if (path.length === 2) found.identity = copyAll(attributes, detach);
        else if (parent === 'AtLeastOne' && group !== undefined) group.ids.push(id);
        else if (parent === 'Prerequisites') found.prerequisites.push(id);
        else if (parent === 'SupersededUpdates') found.supersedes.push(id);
        else if (parent === 'BundledUpdates' || (parent === 'AtLeastOne' && grand === 'BundledUpdates'))
          found.bundled.push({ updateId: id, revision: Number(attributes.RevisionNumber ?? 0) });
        break;
      }
      case 'Properties':
        if (path.length === 2) found.properties = copyAll(attributes, detach);
        break;
      case 'CategoryInformation':
        if (parent === 'HandlerSpecificData') found.categoryType = attributes.CategoryType === undefined ? undefined : detach(attributes.CategoryType);
        break;
      case 'LocalizedProperties':
        localizedEntry = {};
        break;
      case 'AtLeastOne':
        if (parent === 'Prerequisites') group = { category: attributes.IsCategory === 'true', ids: [] };
        else if (parent === 'BundledUpdates') group = undefined;
        break;
      case 'File':
        if (parent === 'Files')
          found.files.push({ digest: detach(attributes.Digest ?? ''), fileName: detach(attributes.FileName ?? ''), size: Number(attributes.Size ?? 0) });
        break;
    }
  });
  const addText = (chunk: string) => {
    if (text !== undefined) text += chunk;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const name = path.pop()!;
    const parent = path[path.length - 1];
    if (text !== undefined && TEXT_ELEMENTS.has(name)) {
      const value = detach(text.trim());
      if (parent === 'LocalizedProperties' && localizedEntry !== undefined && (name === 'Language' || name === 'Title' || name === 'Description'))
        localizedEntry[name] = value;
      else if (parent === 'Properties') found.propertyText[name] = value;
      text = undefined;
    }
    if (name === 'LocalizedProperties' && localizedEntry !== undefined) {
      const description = localizedEntry.Description;
      found.localized.push({
        language: localizedEntry.Language ?? '',
        title: localizedEntry.Title ?? '',
        ...(description === undefined || description === '' ? {} : { description }),
      });
      localizedEntry = undefined;
    } else if (name === 'AtLeastOne' && group !== undefined && parent === 'Prerequisites') {
      if (group.category) found.categoryGroups.push(group.ids);
      else found.prerequisites.push(...group.ids);
      group = undefined;
    }
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof DepthError)
      throw new UpdateXmlError(label, `metadata is not well-formed XML (elements are nested deeper than ${MAX_XML_DEPTH} levels)`);
    failure ??= error instanceof Error ? error.message : String(error);
  }
  if (failure !== undefined) throw new UpdateXmlError(label, `metadata is not well-formed XML (${failure})`);
  return found;
}

class DepthError extends Error {}
