/**
 * The shape of Microsoft Update's metadata, which the built-in catalog reproduces so that no limit of our own making
 * passes every test and fails a real sync (SPEC §4, "the real catalog's shape"): how many files an update lists, in
 * how many languages it is described, how long its title and text run, how many updates a bundle holds and how many
 * an update supersedes. Drawn from the catalog's seed; `ExtremeShape` asks for one update of exactly a shape.
 */
import { UPDATE_LANGUAGES } from '../../../../shared/languages';
import type { ProductKind } from './catalog-data';
import type { SeededRandom } from './random';

/** The languages an update is described in: index into LANGUAGE_SETS (English always first). */
export const LANGUAGE_SETS: ReadonlyArray<readonly string[]> = [
  ['en'],
  ['en', 'de', 'fr', 'ja'],
  // Right-to-left (ar, he), CJK (ja, ko, zh-*), Cyrillic, Greek, Thai and Hindi (combining marks).
  ['en', 'de', 'fr', 'ja', 'ar', 'he', 'ko', 'zh-cn', 'zh-tw', 'ru', 'el', 'th', 'hi', 'es', 'it', 'pt-br'],
  // Every language the console knows Microsoft Update to offer (shared/languages.ts), English first.
  ['en', ...UPDATE_LANGUAGES.map((language) => language.code).filter((code) => code !== 'en')],
];
export const ALL_LANGUAGES_SET = 3;

/** Every language any update of the catalog is described in. */
export const CATALOG_LANGUAGES: readonly string[] = LANGUAGE_SETS[ALL_LANGUAGES_SET]!;

/** What one generated update carries beyond its facts; numbers, not arrays, so a 500,000-update catalog stays small. */
export interface UpdateShape {
  languageSet: number;
  /** Files the update lists itself (a bundle's files are its bundled updates'). */
  files: number;
  /** A title padded to this many characters (0: as generated). */
  titleChars: number;
  /** Extra description text per language, in UTF-8 bytes across all languages (0: none). */
  textBytes: number;
  /** Elements nested this deep in the applicability rules (0: the usual few levels). */
  depth: number;
}

/** One update of exactly this shape, added on demand (`POST /control/churn {"extreme": …}`). */
export interface ExtremeShape {
  /** Files listed (by the update, or by each bundled update when `bundled` is set). */
  files?: number;
  /** Size of the metadata XML to reach, in bytes (padded with descriptions in every language it carries). */
  xmlBytes?: number;
  /** How many languages it is described in: 1, 4, 16 or every one (the nearest set at or above). */
  languages?: number;
  /** Bundled updates it holds. */
  bundled?: number;
  /** Characters of its title. */
  titleChars?: number;
  /** How many of the previous updates of its chain it lists as superseded (a chain is made that long if needed). */
  supersedes?: number;
  /** Elements nested this deep in its applicability rules (past 256 it breaks the engine's kept XML depth limit). */
  depth?: number;
  /** The product (category ID) it belongs to; default Windows 11. */
  product?: string;
  /** The classification (category ID); default Security Updates. */
  classification?: string;
}

/** How often the extremes occur: a few in every thousand updates, as on Microsoft Update. */
export const SHAPE_RATES = {
  /** An update (or bundled update) listing 501 to 3,000 files: express cumulative updates, feature updates. */
  manyFiles: 0.004,
  /** A Windows cumulative update listing 50 to 500 files. */
  cumulativeFiles: 0.03,
  /** Metadata of 1 to 6 MB (release notes in every language). */
  hugeText: 0.0005,
  /** A title of 1,000 characters. */
  longTitle: 0.001,
  /** A Windows update that is a bundle of 100 updates (a feature update delivered as many packages). */
  hundredBundle: 0.0005,
  /** A cumulative update that lists up to 50 of the updates before it in its chain as superseded. */
  supersedesMany: 0.02,
} as const;

const LONG_TITLE_CHARS = 1_000;

export function languageSetFor(random: SeededRandom, kind: ProductKind, classification: string): number {
  if (kind === 'defender' || classification === 'Drivers') return 0;
  const roll = random.next();
  if (kind === 'windowsClient' || kind === 'windowsServer' || kind === 'm365' || kind === 'office') return roll < 0.35 ? ALL_LANGUAGES_SET : roll < 0.7 ? 2 : 1;
  return roll < 0.5 ? 1 : 2;
}

function fileCount(random: SeededRandom, kind: ProductKind, classification: string, languages: number): number {
  const roll = random.next();
  if (roll < SHAPE_RATES.manyFiles) return random.int(501, 3_000);
  const cumulative = (kind === 'windowsClient' || kind === 'windowsServer') && ['Security Updates', 'Updates', 'Update Rollups'].includes(classification);
  if (cumulative && roll < SHAPE_RATES.manyFiles + SHAPE_RATES.cumulativeFiles) return random.int(50, 500);
  // Office and SQL Server updates list a file per language they are described in.
  if (kind === 'office' || kind === 'sql') return LANGUAGE_SETS[languages]!.length;
  return 1 + Math.floor(random.next() ** 3 * 40);
}

/** The shape of a generated update (or bundled update). */
export function drawShape(random: SeededRandom, kind: ProductKind, classification: string, languageSet: number): UpdateShape {
  const files = fileCount(random, kind, classification, languageSet);
  const titleChars = random.next() < SHAPE_RATES.longTitle ? LONG_TITLE_CHARS : 0;
  const textBytes = random.next() < SHAPE_RATES.hugeText ? random.int(1_000_000, 6_000_000) : 0;
  return { languageSet, files, titleChars, textBytes, depth: 0 };
}

/** The language set of an extreme update: the smallest holding at least that many languages. */
export function languageSetOf(count: number | undefined): number {
  if (count === undefined) return 1;
  const index = LANGUAGE_SETS.findIndex((set) => set.length >= count);
  return index < 0 ? ALL_LANGUAGES_SET : index;
}
