/**
 * The repository's searches are counted by reading FTS4's doclists in JavaScript: their answer must be FTS4's own,
 * for any query, on an index that inserts, deletes and rewrites documents have left in many segments (with deletion
 * entries, merged levels, trees of more than one level), and it must step aside, never guess, where it cannot read.
 */
import type { Database } from 'sql.js';
import { describe, expect, it } from 'vitest';
import { loadSqlJs } from '../../../electron/engine/storage/sqljs';
import { matchDoclists, type DoclistQuery } from '../../../electron/engine/storage/search-doclists';
import { matchText } from '../../../electron/engine/storage/update-search';
import { SeededRandom } from '../../../electron/engine/upstream/service/random';

const STEMS = ['cumulative', 'cumul', 'update', 'updates', 'windows', 'win', 'x64', 'x86', 'kb5034441', 'kb50', 'straße', 'ж', '中文', 'é', '2024', '05'];

function vocabulary(random: SeededRandom, size: number): string[] {
  const words = [...STEMS];
  while (words.length < size) {
    const letters = Array.from({ length: 2 + Math.floor(random.next() * 8) }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(random.next() * 36)]);
    words.push(letters.join(''));
  }
  return words;
}

function byIndex(db: Database, query: DoclistQuery): number[] {
  return (db.exec('SELECT docid FROM docs WHERE docs MATCH ? ORDER BY docid', [matchText(query)])[0]?.values ?? []).map((row) => Number(row[0]));
}

/** The first varint of a segment's root: the height of its tree. */
function heights(db: Database): number[] {
  return (db.exec('SELECT root FROM docs_segdir')[0]?.values ?? []).map((row) => (row[0] as Uint8Array)[0]!);
}

describe('search doclists', () => {
  it('matches exactly the documents FTS4 matches, through inserts, deletions, rewrites and merges', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('CREATE VIRTUAL TABLE docs USING fts4(title, kb, bulletin, facets)');
    const random = new SeededRandom(23);
    const words = vocabulary(random, 3_000);
    const text = (count: number) => Array.from({ length: count }, () => (random.next() < 0.5 ? random.pick(STEMS) : random.pick(words))).join(' ');
    const facets = () => ['\u00b7c' + Math.floor(random.next() * 5), random.next() < 0.6 ? '\u00b7d' : '', random.next() < 0.1 ? '\u00b7r' : ''].join(' ');
    const row = (): [string, string | null, string | null, string] => [
      text(1 + Math.floor(random.next() * 12)),
      random.next() < 0.5 ? String(5_000_000 + Math.floor(random.next() * 1_000)) : null,
      random.next() < 0.3 ? text(1) : null,
      facets(),
    ];
    const live = new Set<number>();
    let nextDocid = 1;
    let compared = 0;
    let withSeveralSegments = 0;
    let deepest = 0;
    const check = (rounds: number) => {
      const limit = nextDocid + 1;
      for (let round = 0; round < rounds; round++) {
        const term = () => {
          const word = random.pick(random.next() < 0.7 ? STEMS : words);
          const cut = random.next() < 0.5 ? word : word.slice(0, 1 + Math.floor(random.next() * word.length));
          return { text: cut, prefix: random.next() < 0.8 };
        };
        const all = Array.from({ length: 1 + Math.floor(random.next() * 3) }, term);
        if (random.next() < 0.4) all.push({ text: '\u00b7d', prefix: false });
        if (random.next() < 0.2) all.push({ text: '\u00b7c' + Math.floor(random.next() * 6), prefix: false });
        const query: DoclistQuery = { all, none: random.next() < 0.4 ? [{ text: '\u00b7r', prefix: false }] : random.next() < 0.1 ? [term()] : [] };
        const docs = matchDoclists(db, 'docs', query, limit);
        expect(docs, matchText(query)).toBeDefined();
        const expected = byIndex(db, query);
        expect(docs!.docids(), matchText(query)).toEqual(expected);
        expect(docs!.count()).toBe(expected.length);
        expect(docs!.docids(3)).toEqual(expected.slice(0, 3));
        compared++;
      }
      const segments = Number(db.exec('SELECT count(*) FROM docs_segdir')[0]!.values[0]![0]);
      if (segments > 1) withSeveralSegments++;
      deepest = Math.max(deepest, ...heights(db));
    };

    for (let transaction = 0; transaction < 120; transaction++) {
      db.run('BEGIN');
      const operations = transaction % 40 === 0 ? 600 : 1 + Math.floor(random.next() * 25);
      for (let operation = 0; operation < operations; operation++) {
        const choice = random.next();
        const existing = live.size > 0 ? random.pick([...live]) : undefined;
        if (choice < 0.55 || existing === undefined) {
          db.run('INSERT INTO docs (docid, title, kb, bulletin, facets) VALUES (?, ?, ?, ?, ?)', [nextDocid, ...row()]);
          live.add(nextDocid++);
        } else if (choice < 0.7) {
          db.run('DELETE FROM docs WHERE docid = ?', [existing]);
          live.delete(existing);
        } else if (choice < 0.85) {
          db.run('UPDATE docs SET title = ?, facets = ? WHERE docid = ?', [text(1 + Math.floor(random.next() * 8)), facets(), existing]);
        } else {
          // Deleted and written again under the same docid in one transaction (as the repository rewrites a row).
          const [title, kb, bulletin, facet] = row();
          db.run('DELETE FROM docs WHERE docid = ?', [existing]);
          db.run('INSERT INTO docs (docid, title, kb, bulletin, facets) VALUES (?, ?, ?, ?, ?)', [existing, title, kb, bulletin, facet]);
        }
      }
      db.run('COMMIT');
      if (transaction % 10 === 9) check(15);
      if (transaction === 80) {
        db.run("INSERT INTO docs (docs) VALUES ('optimize')");
        check(30);
      }
    }
    check(60);
    expect(compared).toBeGreaterThan(250);
    // The index went through what the reader must handle: several segments at once, and trees with interior nodes.
    expect(withSeveralSegments).toBeGreaterThan(5);
    expect(deepest).toBe(1);
    expect(live.size).toBeGreaterThan(1_000);
  });

  it('walks a tree of three levels to the leaves of any word, and along them for a prefix', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('CREATE VIRTUAL TABLE docs USING fts4(title)');
    const random = new SeededRandom(29);
    // About 4 MB of doclists: a leaf each for most words, more leaves than one interior node of 4 KB can list.
    const words = vocabulary(random, 3_000);
    db.run('BEGIN');
    for (let docid = 1; docid <= 2_000; docid++) {
      db.run('INSERT INTO docs (docid, title) VALUES (?, ?)', [docid, Array.from({ length: 1_000 }, () => random.pick(words)).join(' ')]);
    }
    db.run('COMMIT');
    db.run("INSERT INTO docs (docs) VALUES ('optimize')");
    expect(Math.max(...heights(db))).toBe(2);
    for (let round = 0; round < 200; round++) {
      const word = random.pick(words);
      const query: DoclistQuery = { all: [{ text: word.slice(0, 1 + Math.floor(random.next() * word.length)), prefix: random.next() < 0.7 }], none: [] };
      expect(matchDoclists(db, 'docs', query, 2_001)!.docids(), matchText(query)).toEqual(byIndex(db, query));
    }
    // Before the first word and after the last: nothing, read as nothing.
    for (const text of ['0', 'zzzzzzzzzzzz', '']) expect(matchDoclists(db, 'docs', { all: [{ text, prefix: false }], none: [] }, 2_001)!.count()).toBe(0);
  });

  it('steps aside inside a transaction, for a docid beyond the limit and for a damaged node, never guessing', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('CREATE VIRTUAL TABLE docs USING fts4(title)');
    db.run('BEGIN');
    for (let docid = 1; docid <= 3_000; docid++) db.run('INSERT INTO docs (docid, title) VALUES (?, ?)', [docid, `cumulative update ${docid} windows`]);
    db.run('COMMIT');
    const query: DoclistQuery = { all: [{ text: 'cumulative', prefix: true }], none: [] };
    expect(matchDoclists(db, 'docs', query, 3_001)!.count()).toBe(3_000);

    // Inside an open transaction the pending words are in no segment yet: FTS4 must answer.
    db.run('BEGIN');
    db.run("INSERT INTO docs (docid, title) VALUES (3001, 'cumulative')");
    expect(matchDoclists(db, 'docs', query, 4_000)).toBeUndefined();
    db.run('COMMIT');
    expect(matchDoclists(db, 'docs', query, 4_000)!.count()).toBe(3_001);
    expect(matchDoclists(db, 'docs', query, 3_001)).toBeUndefined();
    expect(matchDoclists(db, 'docs', { all: [], none: [] }, 4_000)).toBeUndefined();

    // A leaf cut short: the reader sees it does not parse and leaves the query to FTS4.
    const leaf = db.exec('SELECT blockid, block FROM docs_segments ORDER BY length(block) DESC LIMIT 1')[0]!.values[0]!;
    db.run('UPDATE docs_segments SET block = ? WHERE blockid = ?', [(leaf[1] as Uint8Array).subarray(0, 40), leaf[0]!]);
    expect(matchDoclists(db, 'docs', query, 4_000)).toBeUndefined();
    // Nothing was left open: a write transaction starts.
    db.run('BEGIN IMMEDIATE');
    db.run('COMMIT');
  });
});
