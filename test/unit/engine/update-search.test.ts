/**
 * A search's first pages test each walked row's words in JavaScript while its count comes from the full-text index:
 * both must find the same rows, or the page and the total disagree. Fuzzed with titles mixing case, punctuation,
 * letters beyond ASCII (which the index neither splits on nor lowers) and characters outside the BMP.
 */
import { describe, expect, it } from 'vitest';
import { loadSqlJs } from '../../../electron/engine/storage/sqljs';
import { matchText, searchQuery, searchTokens, wordTest } from '../../../electron/engine/storage/update-search';
import { SeededRandom } from '../../../electron/engine/upstream/service/random';

const PIECES = [
  'Cumulative',
  'UPDATE',
  'update',
  'x64',
  'KB5034441',
  'Windows',
  'é',
  'É',
  'straße',
  'Ж',
  '中文',
  '™',
  '·',
  '—',
  '😀',
  '2024-05',
  'ms16',
  'MS16',
  '.NET',
  'C#',
  '_',
  '%',
  'a',
  'A',
];
const GAPS = [' ', '-', '(', ')', '/', '.', ',', ':', '', '"', "'", '*'];

describe('search words', () => {
  it('finds in JavaScript exactly the rows the full-text index finds, for any title and any search', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('CREATE VIRTUAL TABLE docs USING fts4(title, kb, bulletin)');
    const random = new SeededRandom(11);
    const phrase = (length: number) => Array.from({ length }, () => random.pick(PIECES) + random.pick(GAPS)).join('');
    const rows: Array<[string, string | null, string | null]> = [];
    for (let i = 1; i <= 400; i++) {
      const row: [string, string | null, string | null] = [
        phrase(1 + Math.floor(random.next() * 6)),
        random.next() < 0.5 ? String(5_000_000 + i) : null,
        random.next() < 0.3 ? phrase(1) : null,
      ];
      rows.push(row);
      db.run('INSERT INTO docs (docid, title, kb, bulletin) VALUES (?, ?, ?, ?)', [i, ...row]);
    }
    let compared = 0;
    for (let round = 0; round < 300; round++) {
      // A search is pieces of titles, cut anywhere, in any case: what an administrator types.
      const source = random.pick(rows)[0];
      const start = Math.floor(random.next() * source.length);
      const typed = source.slice(start, start + 1 + Math.floor(random.next() * 12));
      const search = random.next() < 0.3 ? typed.toUpperCase() : random.next() < 0.2 ? `${typed} ${random.pick(PIECES)}` : typed;
      const { tokens } = searchTokens(search);
      if (tokens.length === 0) continue;
      const match = matchText(searchQuery(tokens, { includeBundled: true, includeRemoved: true }));
      const byIndex = (db.exec('SELECT docid FROM docs WHERE docs MATCH ? ORDER BY docid', [match])[0]?.values ?? []).map((row) => Number(row[0]));
      const test = wordTest(tokens);
      const byWords = rows.flatMap((row, index) => (test(...row) ? [index + 1] : []));
      expect(byWords, `search ${JSON.stringify(search)} as ${match}`).toEqual(byIndex);
      compared++;
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('writes the filters as facet words that no typed word can match or start', () => {
    expect(matchText(searchQuery(['cumulative'], { includeBundled: false, includeRemoved: false }))).toBe('cumulative* \u00b7d NOT \u00b7r');
    expect(matchText(searchQuery(['a'], { includeBundled: true, includeRemoved: true, classificationKey: 4, productKey: null }))).toBe(
      'a* \u00b7c4 \u00b7pnone',
    );
    // Typed operators and punctuation are words, lowered as the index lowers them: never query syntax.
    expect(searchTokens('Windows OR NOT "x64" ·d KB5034441').tokens).toEqual(['windows', 'or', 'not', 'x64', 'd', '5034441']);
  });
});
