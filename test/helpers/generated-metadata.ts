/**
 * Update metadata anywhere within what [MS-WSUSSS] and the update schema allow, drawn by fast-check: any XML 1.0
 * character (astral ones, right to left, combining marks, every character XML escapes, as text, entity or character
 * reference), any namespace prefix, attributes in any order, 1 to 37 languages, 0 to many files, superseded and
 * bundled updates, nesting up to well below the kept 256-level limit. And a catalog serving exactly those revisions.
 */
import fc from 'fast-check';
import { UPDATE_LANGUAGES } from '../../shared/languages';
import { SampleCatalog } from '../../electron/engine/upstream/service/catalog';
import type { RevisionData, RevisionFilter, UpstreamCatalog } from '../../electron/engine/upstream/service/upstream-catalog';
import type { FileUrl, UpdateIdentity } from '../../electron/engine/upstream/update-metadata';

const NS_UPDATE = 'http://schemas.microsoft.com/msus/2002/12/Update';
const NS_RULES = 'http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules';

/** One generated revision: what the upstream serves, and what a reader of it must find. */
export interface GeneratedUpdate {
  updateId: string;
  revision: number;
  productId: string;
  classificationId: string;
  xml: string;
  fileDigests: string[];
  fileUrls: FileUrl[];
  expected: {
    deployable: boolean;
    expired: boolean;
    defaultLanguage: string;
    texts: Array<{ language: string; title: string; description: string | null }>;
    files: Array<{ fileName: string; size: number; digest: string; url: string | null }>;
    supersedes: string[];
    bundled: string[];
  };
}

/** A character XML 1.0 allows, from every plane and script (no lone surrogates, no U+FFFE/FFFF, no C0 controls). */
const xmlChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'Windows Update KB 2026-12 x64 Édition — سلام שלום 日本語 中文 한국어 ภาษาไทย हिन्दी Ελληνικά café'.split('')) },
  { weight: 3, arbitrary: fc.constantFrom('<', '>', '&', '"', "'", '\t', '\n', '\r', ' ', '\u0301', '\u200f', '\u00a0', '\ufeff') },
  { weight: 2, arbitrary: fc.constantFrom('🛡️', '😀', '𝕏', '👩‍💻', '🇯🇵', '𠀋') },
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0xd7ff }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((code) => String.fromCodePoint(code)) },
);
const xmlText = (maxLength: number, minLength = 0) => fc.array(xmlChar, { minLength, maxLength }).map((chars) => chars.join(''));
/** Text that is not only white space once trimmed (a title must say something). */
const someText = (maxLength: number) => xmlText(maxLength).filter((text) => text.trim() !== '');

/** Escapes text as XML allows, varying how: entities, decimal or hex references, or the character as it is. */
function escapeVaried(text: string, pick: number, attribute: boolean): string {
  let out = '';
  let index = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const must = char === '<' || char === '&' || char === '\r' || (attribute && (char === '"' || char === '\t' || char === '\n'));
    const variant = (pick + index++) % 7;
    if (char === '<') out += '&lt;';
    else if (char === '&') out += variant === 0 ? '&#38;' : '&amp;';
    // Always escaped: "]]>" may not stand in character data.
    else if (char === '>') out += variant % 2 === 0 ? '&gt;' : '&#62;';
    else if (char === '"' && attribute) out += '&quot;';
    else if (char === "'" && variant === 1) out += '&apos;';
    else if (must || variant === 2) out += variant % 2 === 0 ? `&#${code};` : `&#x${code.toString(16).toUpperCase()};`;
    else out += char;
  }
  return out;
}

/** What an XML reader (saxes) gives for text written by escapeVaried and trimmed as the engine trims it. */
const readBack = (text: string) => text.trim();

const GUID = fc.uuid({ version: 4 });
const languages = fc.uniqueArray(fc.constantFrom(...UPDATE_LANGUAGES.map((language) => language.code)), { minLength: 1, maxLength: 37 });
const digest = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const prefix = fc.constantFrom('upd', 'u', 'x', 'Upd_1', '');

const fileArb = fc.record({
  digest,
  name: someText(60),
  size: fc.integer({ min: 0, max: 2 ** 40 }),
  muUrl: fc.webUrl({ withQueryParameters: true }),
  ussUrl: fc.option(fc.webUrl(), { nil: undefined }),
});

export interface UpdateShapeLimits {
  minFiles?: number;
  maxFiles?: number;
  /** Characters of each description, at least (every language then has one). */
  minDescription?: number;
  maxDescription?: number;
}

/** An update's metadata as a publisher may write it. */
export function updateArbitrary(category: { productId: string; classificationId: string }, limits: UpdateShapeLimits = {}): fc.Arbitrary<GeneratedUpdate> {
  return fc
    .record({
      updateId: GUID,
      revision: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      prefix,
      deployable: fc.boolean(),
      expired: fc.boolean(),
      severity: fc.option(fc.constantFrom('Critical', 'Important', 'Moderate', 'Low'), { nil: undefined }),
      kb: fc.option(fc.integer({ min: 1, max: 99_999_999 }).map(String), { nil: undefined }),
      created: fc.date({ min: new Date('1996-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
      texts: languages.chain((codes) =>
        fc.tuple(
          ...codes.map((language) =>
            fc.record({
              language: fc.constant(language),
              title: someText(120),
              description:
                limits.minDescription === undefined
                  ? fc.option(xmlText(limits.maxDescription ?? 400), { nil: undefined })
                  : xmlText(limits.maxDescription ?? limits.minDescription, limits.minDescription),
            }),
          ),
        ),
      ),
      files: fc.uniqueArray(fileArb, { minLength: limits.minFiles ?? 0, maxLength: limits.maxFiles ?? 12, selector: (file) => file.digest }),
      supersedes: fc.uniqueArray(GUID, { maxLength: 60 }),
      bundled: fc.uniqueArray(GUID, { maxLength: 5 }),
      depth: fc.integer({ min: 0, max: 120 }),
      escapes: fc.nat(),
      reversedAttributes: fc.boolean(),
      driver: fc.boolean(),
    })
    .map((draw) => {
      const p = draw.prefix === '' ? '' : `${draw.prefix}:`;
      const ns = draw.prefix === '' ? `xmlns="${NS_UPDATE}"` : `xmlns:${draw.prefix}="${NS_UPDATE}"`;
      const esc = (text: string, attribute = false) => escapeVaried(text, draw.escapes, attribute);
      const defaultLanguage = draw.texts[0]!.language;
      const attributes = [
        `UpdateType="${draw.driver ? 'Driver' : 'Software'}"`,
        `DefaultPropertiesLanguage="${defaultLanguage}"`,
        `ExplicitlyDeployable="${draw.deployable}"`,
        ...(draw.severity === undefined ? [] : [`MsrcSeverity="${draw.severity}"`]),
        `PublicationState="${draw.expired ? 'Expired' : 'Published'}"`,
        `CreationDate="${draw.created.toISOString()}"`,
        `LegacyName="${esc(Array.from(draw.texts[0]!.title).slice(0, 40).join(''), true)}"`,
      ];
      if (draw.reversedAttributes) attributes.reverse();
      const rules = `${'<r:And>'.repeat(draw.depth)}<r:Processor Architecture="9"/>${'</r:And>'.repeat(draw.depth)}`;
      const xml =
        `<${p}Update ${ns} xmlns:r="${NS_RULES}">` +
        `<${p}UpdateIdentity UpdateID="${draw.updateId}" RevisionNumber="${draw.revision}"/>` +
        `<${p}Properties ${attributes.join(' ')}>${draw.kb === undefined ? '' : `<${p}KBArticleID>${draw.kb}</${p}KBArticleID>`}</${p}Properties>` +
        `<${p}LocalizedPropertiesCollection>${draw.texts
          .map(
            (text) =>
              `<${p}LocalizedProperties><${p}Language>${text.language}</${p}Language><${p}Title>${esc(text.title)}</${p}Title>` +
              `${text.description === undefined ? '' : `<${p}Description>${esc(text.description)}</${p}Description>`}</${p}LocalizedProperties>`,
          )
          .join('')}</${p}LocalizedPropertiesCollection>` +
        `<${p}Relationships><${p}Prerequisites><${p}AtLeastOne IsCategory="true"><${p}UpdateIdentity UpdateID="${category.productId}"/></${p}AtLeastOne>` +
        `<${p}AtLeastOne IsCategory="true"><${p}UpdateIdentity UpdateID="${category.classificationId}"/></${p}AtLeastOne></${p}Prerequisites>` +
        (draw.bundled.length === 0
          ? ''
          : `<${p}BundledUpdates>${draw.bundled.map((id) => `<${p}UpdateIdentity UpdateID="${id}" RevisionNumber="1"/>`).join('')}</${p}BundledUpdates>`) +
        (draw.supersedes.length === 0
          ? ''
          : `<${p}SupersededUpdates>${draw.supersedes.map((id) => `<${p}UpdateIdentity UpdateID="${id}"/>`).join('')}</${p}SupersededUpdates>`) +
        `</${p}Relationships>` +
        `<${p}ApplicabilityRules><${p}IsInstalled>${rules}</${p}IsInstalled></${p}ApplicabilityRules>` +
        (draw.files.length === 0
          ? ''
          : `<${p}Files>${draw.files
              .map(
                (file) =>
                  `<${p}File Digest="${file.digest}" DigestAlgorithm="SHA1" FileName="${esc(file.name, true)}" Size="${file.size}" Modified="${draw.created.toISOString()}"/>`,
              )
              .join('')}</${p}Files>`) +
        `</${p}Update>`;
      const fileUrls: FileUrl[] = draw.files.map((file) => ({
        digest: file.digest,
        muUrl: file.muUrl,
        ...(file.ussUrl === undefined ? {} : { ussUrl: file.ussUrl }),
      }));
      return {
        updateId: draw.updateId,
        revision: draw.revision,
        productId: category.productId,
        classificationId: category.classificationId,
        xml,
        fileDigests: draw.files.map((file) => file.digest),
        fileUrls,
        expected: {
          deployable: draw.deployable,
          expired: draw.expired,
          defaultLanguage,
          texts: draw.texts.map((text) => ({
            language: text.language,
            title: readBack(text.title),
            description: text.description === undefined || readBack(text.description) === '' ? null : readBack(text.description),
          })),
          // Attribute values are normalized by XML (a literal tab or newline reads as a space); ours are references.
          files: draw.files.map((file) => ({ fileName: file.name, size: file.size, digest: file.digest, url: file.muUrl })),
          supersedes: draw.supersedes,
          bundled: draw.bundled,
        },
      };
    });
}

/** An upstream catalog of the built-in categories and exactly these generated updates. */
export class GeneratedCatalog implements UpstreamCatalog {
  private readonly categories = SampleCatalog.generate({ updates: 0, seed: 7 });
  private readonly byId: Map<string, GeneratedUpdate>;

  constructor(readonly updates: GeneratedUpdate[]) {
    this.byId = new Map(updates.map((update) => [update.updateId, update]));
  }

  get languages(): readonly string[] {
    return this.categories.languages;
  }

  anchor(): string {
    return this.categories.anchor();
  }

  counterOf(anchor: string): number {
    return this.categories.counterOf(anchor);
  }

  listConfigRevisions(sinceCounter?: number): UpdateIdentity[] {
    return this.categories.listConfigRevisions(sinceCounter);
  }

  listUpdates(filter: RevisionFilter): UpdateIdentity[] {
    if (filter.sinceCounter !== undefined) return [];
    const products = new Set(filter.categories.map((item) => item.id.toLowerCase()));
    const classifications = new Set(filter.classifications.map((item) => item.id.toLowerCase()));
    const unfiltered = products.size === 0 && classifications.size === 0;
    return this.updates
      .filter((update) => unfiltered || (products.has(update.productId) && classifications.has(update.classificationId)))
      .map((update) => ({ updateId: update.updateId, revision: update.revision }));
  }

  revisionData(id: UpdateIdentity): RevisionData | undefined {
    const update = this.byId.get(id.updateId.toLowerCase());
    if (update === undefined) return this.categories.revisionData(id);
    return update.revision === id.revision ? { xml: update.xml, fileDigests: update.fileDigests, fileUrls: update.fileUrls } : undefined;
  }

  updateCount(): number {
    return this.updates.length;
  }
}
