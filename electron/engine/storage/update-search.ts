/**
 * The repository's search box against the full-text index (SQLite FTS4, "simple" tokenizer): the words typed, the
 * listing facts the index holds beside them (migration 7), and the same test done in JavaScript for the rows a page
 * walks, which must agree with the index word for word.
 */
import type { Database } from 'sql.js';
import { FACET } from './migrations';
import type { DoclistQuery, DoclistTerm } from './search-doclists';

/** The words of a search: each must start a word of the title, article ID or bulletin ID. */
export function searchTokens(search: string | undefined): { words: string[]; tokens: string[] } {
  const words = (search ?? '')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word.replace(/^KB(?=\d)/i, ''));
  // Letters and digits only: the index splits on everything else, and no word left can be an operator of the query
  // syntax (AND, OR, NOT and NEAR are only operators in capitals; these are lowered as the index lowers them).
  const tokens = words
    .flatMap((word) => word.split(/[^\p{L}\p{N}]+/u))
    .filter(Boolean)
    .map(lowerAscii);
  return { words, tokens };
}

/** What the listing filters ask of the facets column; a classification or product key, when one is chosen. */
export interface FacetFilter {
  includeBundled: boolean;
  includeRemoved: boolean;
  classificationKey?: number | null;
  productKey?: number | null;
}

/** The full-text query of a search: every token as a word prefix, and the facts the filters ask for. */
export function searchQuery(tokens: readonly string[], filter: FacetFilter): DoclistQuery {
  const all: DoclistTerm[] = tokens.map((text) => ({ text, prefix: true }));
  // A folder whose category is not in the database: a word no update has, so nothing matches.
  if (filter.classificationKey !== undefined) all.push({ text: `${FACET.classification}${filter.classificationKey ?? 'none'}`, prefix: false });
  if (filter.productKey !== undefined) all.push({ text: `${FACET.product}${filter.productKey ?? 'none'}`, prefix: false });
  if (!filter.includeBundled) all.push({ text: FACET.deployable, prefix: false });
  return { all, none: filter.includeRemoved ? [] : [{ text: FACET.removed, prefix: false }] };
}

/** A query as FTS4's MATCH text. */
export function matchText(query: DoclistQuery): string {
  const text = (term: DoclistTerm) => (term.prefix ? `${term.text}*` : term.text);
  return [...query.all.map(text), ...query.none.map((term) => `NOT ${text(term)}`)].join(' ');
}

/**
 * The index's words, in JavaScript: the simple tokenizer splits on ASCII characters other than letters and digits
 * (every other character belongs to a word) and lowers ASCII letters only. A token matches where it starts a word.
 */
const WORD_START = '(?:^|[\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f])';

export type WordTest = (title: string | null, kb: string | null, bulletin: string | null) => boolean;

export function wordTest(tokens: readonly string[]): WordTest {
  const patterns = tokens.map(
    (token) => new RegExp(WORD_START + Array.from(token, (char) => (/[a-z]/.test(char) ? `[${char}${char.toUpperCase()}]` : char)).join('')),
  );
  return (title, kb, bulletin) =>
    patterns.every((pattern) => (title !== null && pattern.test(title)) || (kb !== null && pattern.test(kb)) || (bulletin !== null && pattern.test(bulletin)));
}

/** The SQL function a page calls per row it walks; it tests the words of the search set last on its database. */
export const WORD_FILTER = 'usc_search_words';
const currentTests = new WeakMap<Database, WordTest>();

export function useWordTest(db: Database, test: WordTest): void {
  if (!currentTests.has(db)) {
    db.create_function(WORD_FILTER, (title: unknown, kb: unknown, bulletin: unknown) => (currentTests.get(db)!(text(title), text(kb), text(bulletin)) ? 1 : 0));
  }
  currentTests.set(db, test);
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const lowerAscii = (token: string): string => token.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
