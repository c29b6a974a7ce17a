import { appendFileSync, copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SiteDatabase, SiteDatabaseDamagedError } from '../../../electron/engine/storage/site-database';
import { loadSqlJs } from '../../../electron/engine/storage/sqljs';
import { inSavepoint, inTransaction } from '../../../electron/engine/storage/transaction';
import { StatementClassifier } from '../../../electron/engine/storage/statement-kind';
import type { BindParams } from 'sql.js';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

async function newSite() {
  const sql = await loadSqlJs();
  const file = join(tempDir(), 'CEN.sqlite');
  const site = SiteDatabase.create(sql, file, { code: 'CEN', name: 'Central Site', parentCode: null, createdAt: 'now' });
  site.db.run("INSERT INTO setting (key, value) VALUES ('counter', '0')");
  site.saveWhole();
  return { sql, file, site };
}

const bump = (site: SiteDatabase) => inTransaction(site, () => site.db.run("UPDATE setting SET value = CAST(value AS INTEGER) + 1 WHERE key = 'counter'"));
const counter = (site: SiteDatabase) => Number(site.db.exec("SELECT value FROM setting WHERE key = 'counter'")[0]?.values[0]?.[0]);

describe('small saves go to the journal, not the whole file', () => {
  it('appends a few plain statements to the journal, leaves the file alone, and replays them on open', async () => {
    const { sql, file, site } = await newSite();
    const before = readFileSync(file);
    bump(site);
    site.save();
    bump(site);
    site.db.run("INSERT INTO setting (key, value) VALUES ('note', ?)", ['kept "quoted" text']);
    site.save();
    site.save(); // nothing new: nothing written
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readFileSync(site.journalFile, 'utf8').trim().split('\n')).toHaveLength(2);
    site.close();

    const reopened = SiteDatabase.open(sql, file);
    expect(counter(reopened)).toBe(2);
    expect(reopened.db.exec("SELECT value FROM setting WHERE key = 'note'")[0]?.values).toEqual([['kept "quoted" text']]);
    // Reopening twice replays the same lines on the same file: still 2, not 4.
    reopened.close();
    const again = SiteDatabase.open(sql, file);
    expect(counter(again)).toBe(2);
    again.saveWhole();
    expect(existsSync(again.journalFile)).toBe(false);
    again.close();
    expect(counter(SiteDatabase.open(sql, file))).toBe(2);
  });

  it('folds the journal into the file at rest once replaying it would cost more than the budget, never during a sync', async () => {
    const { sql, file, site } = await newSite();
    const before = readFileSync(file);
    bump(site);
    site.save('during-sync');
    expect(site.journalReplayCostMs).toBeGreaterThan(0);
    site.replayBudgetMs = 0;
    bump(site);
    site.save('during-sync');
    // During a sync the journal only grows: each fold would copy the whole database.
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(site.journalFile)).toBe(true);
    site.close();

    // Reopened, the journal costs what its replay took; the next save at rest folds it.
    const reopened = SiteDatabase.open(sql, file);
    expect(reopened.journalReplayCostMs).toBeGreaterThan(0);
    reopened.replayBudgetMs = 0;
    bump(reopened);
    reopened.save();
    expect(existsSync(reopened.journalFile)).toBe(false);
    expect(reopened.journalReplayCostMs).toBe(0);
    expect(counter(reopened)).toBe(3);
    reopened.close();
    expect(counter(SiteDatabase.open(sql, file))).toBe(3);

    // Under the budget, it stays a journal line.
    const cheap = SiteDatabase.open(sql, file);
    const folded = readFileSync(file);
    bump(cheap);
    cheap.save();
    expect(readFileSync(file).equals(folded)).toBe(true);
    expect(existsSync(cheap.journalFile)).toBe(true);
    cheap.close();
  });

  it('cuts off a line torn by a crash while it was appended, so the next save does not join it', async () => {
    const { sql, file, site } = await newSite();
    bump(site);
    site.save();
    site.close();
    const whole = readFileSync(`${file}.journal`, 'utf8');
    appendFileSync(`${file}.journal`, '0badf00d {"generation":2,"seq":2,"statements":[{"sql":"UPDATE setting SET val');
    const reopened = SiteDatabase.open(sql, file);
    expect(counter(reopened)).toBe(1);
    expect(readFileSync(`${file}.journal`, 'utf8')).toBe(whole);
    expect(reopened.repairs).toEqual([
      expect.stringMatching(/^Cut a torn last entry \(\d+ bytes\) off the journal .*every confirmed save \(1\) was applied\.$/),
    ]);
    // The next save starts a line of its own: the site opens with it, not "damaged".
    bump(reopened);
    reopened.save();
    reopened.close();
    expect(counter(SiteDatabase.open(sql, file))).toBe(2);
  });

  it('reports a journal cut short by whole saves, naming the saves lost, instead of opening without them', async () => {
    const { sql, file, site } = await newSite();
    for (let index = 0; index < 5; index++) {
      bump(site);
      site.save();
    }
    site.close();
    const lines = readFileSync(`${file}.journal`, 'utf8').split('\n');
    // The last two saves gone, and part of the one before (as `truncate -s -N` does): not a torn append.
    const cut = `${lines.slice(0, 3).join('\n')}\n${lines[3]!.slice(0, 20)}`;
    writeFileSync(`${file}.journal`, cut);
    expect(() => SiteDatabase.open(sql, file)).toThrow(/it ends at save 3, but 5 saves were written: saves 4 to 5 are missing/);
    // Reported, and left as it was for the administrator to decide.
    expect(readFileSync(`${file}.journal`, 'utf8')).toBe(cut);
    writeFileSync(`${file}.journal`, `${lines.slice(0, 4).join('\n')}\n`);
    expect(() => SiteDatabase.open(sql, file)).toThrow(/save 5 is missing/);
  });

  it('skips a journal the whole file already holds (a crash between writing the file and dropping the journal)', async () => {
    const { sql, file, site } = await newSite();
    bump(site);
    site.save();
    copyFileSync(site.journalFile, `${file}.kept`);
    site.saveWhole();
    site.close();
    renameSync(`${file}.kept`, `${file}.journal`);
    expect(counter(SiteDatabase.open(sql, file))).toBe(1);
  });

  it('journals prepared statements and drops a rolled-back transaction', async () => {
    const { sql, file, site } = await newSite();
    const before = readFileSync(file);
    const statement = site.db.prepare("UPDATE setting SET value = CAST(value AS INTEGER) + ? WHERE key = 'counter'");
    inTransaction(site, () => statement.run([40]));
    statement.free();
    expect(() =>
      inTransaction(site, () => {
        site.db.run("UPDATE setting SET value = '99' WHERE key = 'counter'");
        throw new Error('changed my mind');
      }),
    ).toThrow('changed my mind');
    site.save();
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readFileSync(site.journalFile, 'utf8').trim().split('\n')).toHaveLength(1);
    site.close();
    expect(counter(SiteDatabase.open(sql, file))).toBe(40);
  });

  it('drops what a savepoint rolled back and keeps the rest of its transaction, still journaled (one update fails alone)', async () => {
    const { sql, file, site } = await newSite();
    const before = readFileSync(file);
    inTransaction(site, () => {
      expect(inSavepoint(site, () => site.db.run("UPDATE setting SET value = '10' WHERE key = 'counter'"))).toBeUndefined();
      const failed = inSavepoint(site, () => {
        site.db.run("UPDATE setting SET value = '999' WHERE key = 'counter'");
        site.db.run("INSERT INTO setting (key, value) VALUES ('note', 'from the failed entry')");
        throw new Error('this entry cannot be applied');
      });
      expect(failed).toBeInstanceOf(Error);
      expect(inSavepoint(site, () => site.db.run("UPDATE setting SET value = CAST(value AS INTEGER) + 5 WHERE key = 'counter'"))).toBeUndefined();
    });
    expect(counter(site)).toBe(15);
    site.save();
    // Journaled (not a whole-file save), and what the savepoint rolled back is not in it.
    expect(readFileSync(file).equals(before)).toBe(true);
    const journal = readFileSync(site.journalFile, 'utf8');
    expect(journal).not.toContain('999');
    expect(journal).not.toContain('from the failed entry');
    site.close();
    const reopened = SiteDatabase.open(sql, file);
    expect(counter(reopened)).toBe(15);
    expect(reopened.db.exec("SELECT count(*) FROM setting WHERE key = 'note'")[0]?.values).toEqual([[0]]);
    reopened.close();
  });

  it('writes each statement once per line however often it ran, and still replays lines written with a text per run', async () => {
    const { sql, file, site } = await newSite();
    const statement = site.db.prepare("UPDATE setting SET value = CAST(value AS INTEGER) + ? WHERE key = 'counter'");
    inTransaction(site, () => {
      for (let step = 1; step <= 50; step++) statement.run([step]);
      site.db.run("INSERT INTO setting (key, value) VALUES ('note', ?)", ['once']);
    });
    statement.free();
    site.save();
    const [line] = readFileSync(site.journalFile, 'utf8').trim().split('\n');
    expect(line!.split('CAST(value AS INTEGER)')).toHaveLength(2);
    const entry = JSON.parse(line!.slice(9)) as { texts: string[]; runs: Array<[number, unknown]> };
    expect(entry.texts).toHaveLength(2);
    expect(entry.runs).toHaveLength(51);
    site.close();
    expect(counter(SiteDatabase.open(sql, file))).toBe(1275);

    // The same save as the journal wrote it before: every run with its own text.
    const older = JSON.stringify({
      generation: (JSON.parse(line!.slice(9)) as { generation: number }).generation,
      seq: 1,
      statements: entry.runs.map(([text, params]) => ({ sql: entry.texts[text], params })),
    });
    writeFileSync(`${file}.journal`, `${crc32(older).toString(16).padStart(8, '0')} ${older}\n`);
    const reopened = SiteDatabase.open(sql, file);
    expect(counter(reopened)).toBe(1275);
    expect(reopened.db.exec("SELECT value FROM setting WHERE key = 'note'")[0]?.values).toEqual([['once']]);
    reopened.close();
  });

  it('writes the whole file when the journal could not hold the change exactly', async () => {
    const { file, site } = await newSite();
    const changes: Array<() => void> = [
      // A row change the wrappers cannot see the parameters of: stepped by hand instead of run.
      () => {
        const statement = site.db.prepare("UPDATE setting SET value = '41' WHERE key = 'counter'");
        statement.step();
        statement.free();
      },
      () => site.db.exec("UPDATE setting SET value = '41' WHERE key = 'counter'"),
      () => site.db.run('CREATE TABLE extra (x)'),
      () => site.db.run('INSERT INTO extra VALUES (?)', [new Uint8Array([1, 2])]),
    ];
    for (const change of changes) {
      const previous = readFileSync(file);
      change();
      site.save();
      expect(readFileSync(file).equals(previous)).toBe(false);
      expect(existsSync(site.journalFile)).toBe(false);
    }
    expect(counter(site)).toBe(41);
  });

  it("leaves a query's scratch table in the temporary schema out of the journal and out of the file, but not a write to the file hidden behind one", async () => {
    const { sql, file, site } = await newSite();
    const before = readFileSync(file);
    site.db.exec('CREATE TEMP TABLE scratch (docid INTEGER PRIMARY KEY)');
    site.db.exec('INSERT INTO temp.scratch (docid) SELECT rowid FROM setting WHERE key = ?', ['counter']);
    site.db.exec('DELETE FROM temp.scratch');
    site.save();
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(site.journalFile)).toBe(false);
    // Two statements in one exec, the second on the file: the whole file is written.
    site.db.exec("DELETE FROM temp.scratch; UPDATE setting SET value = '7' WHERE key = 'counter'");
    site.save();
    expect(readFileSync(file).equals(before)).toBe(false);
    site.close();
    expect(counter(SiteDatabase.open(sql, file))).toBe(7);
  });

  it.each([
    ['an unreadable line before the last', (lines: string[]) => [lines[0]!, 'garbage that is not JSON', lines[1]!]],
    ['a line whose checksum fails', (lines: string[]) => [lines[0]!.replace('"seq":1', '"seq":1 '), lines[1]!]],
    ['a line of a newer generation', (lines: string[]) => [resign(lines[0]!.replace('"generation":2', '"generation":7')), lines[1]!]],
    ['a gap in the sequence', (lines: string[]) => [lines[1]!]],
    ['a statement that is not a row change', (lines: string[]) => [resign(lines[0]!.replace(/"texts":\["[^"]*"/, '"texts":["DROP TABLE setting"')), lines[1]!]],
    ['a run naming a statement the line does not hold', (lines: string[]) => [resign(lines[0]!.replace('"runs":[[0,', '"runs":[[5,')), lines[1]!]],
    ['a line in neither format', (lines: string[]) => [resign(lines[0]!.replace('"texts":', '"words":')), lines[1]!]],
  ])('reports the site damaged for %s, replays nothing and leaves the journal as it was', async (_label, edit) => {
    const { sql, file, site } = await newSite();
    bump(site);
    site.save();
    bump(site);
    site.save();
    site.close();
    const lines = readFileSync(`${file}.journal`, 'utf8').trim().split('\n');
    const damaged = `${edit(lines).join('\n')}\n`;
    writeFileSync(`${file}.journal`, damaged);
    const fileBefore = readFileSync(file);
    expect(() => SiteDatabase.open(sql, file)).toThrow(SiteDatabaseDamagedError);
    expect(() => SiteDatabase.open(sql, file)).toThrow(/journal .* cannot be applied|cannot be replayed|holds saves that cannot be applied/);
    expect(readFileSync(`${file}.journal`, 'utf8')).toBe(damaged);
    expect(readFileSync(file).equals(fileBefore)).toBe(true);
  });

  it('never replays onto the wrong base: a fuzzed journal either opens as a prefix of the saves or is reported damaged', async () => {
    const { sql, file, site } = await newSite();
    for (let index = 0; index < 6; index++) {
      bump(site);
      site.db.run("INSERT OR REPLACE INTO setting (key, value) VALUES ('history', ?)", [String(index + 1)]);
      site.save();
    }
    site.close();
    const journal = readFileSync(`${file}.journal`);
    const random = mulberry(2026);
    for (let round = 0; round < 150; round++) {
      const fuzzed = Buffer.from(journal);
      const kind = round % 3;
      if (kind === 0) {
        // A crash cut the file at some byte.
        writeFileSync(`${file}.journal`, fuzzed.subarray(0, Math.floor(random() * fuzzed.length)));
      } else {
        // Bytes changed on disk.
        for (let flips = 0; flips < 1 + Math.floor(random() * 3); flips++) fuzzed[Math.floor(random() * fuzzed.length)] = Math.floor(random() * 256);
        writeFileSync(`${file}.journal`, fuzzed);
      }
      let opened: SiteDatabase | undefined;
      try {
        opened = SiteDatabase.open(sql, file);
      } catch (error) {
        expect(error).toBeInstanceOf(SiteDatabaseDamagedError);
        continue;
      }
      // Opened: what it holds is the state after some number of whole saves, never a mix.
      const saves = counter(opened);
      const history = opened.db.exec("SELECT value FROM setting WHERE key = 'history'")[0]?.values[0]?.[0];
      expect(saves).toBeGreaterThanOrEqual(0);
      expect(saves).toBeLessThanOrEqual(6);
      expect(history === undefined ? 0 : Number(history)).toBe(saves);
      opened.close();
    }
  });
});

describe('SQLite, not the text, says which statements write and which can be journaled', () => {
  const journaled = (site: SiteDatabase, file: string, before: Buffer) => {
    site.save();
    return readFileSync(file).equals(before) && existsSync(site.journalFile);
  };

  it.each([
    [
      'a CTE write',
      "WITH next(value) AS (SELECT CAST(value AS INTEGER) + 1 FROM setting WHERE key = 'counter') UPDATE setting SET value = (SELECT value FROM next) WHERE key = 'counter'",
    ],
    ['a write behind a line comment', "-- one more\nUPDATE setting SET value = CAST(value AS INTEGER) + 1 WHERE key = 'counter'"],
    ['a write behind a block comment', "/* one more */ UPDATE setting SET value = CAST(value AS INTEGER) + 1 WHERE key = 'counter'"],
    ['an upsert', "INSERT INTO setting (key, value) VALUES ('counter', '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"],
    ['a REPLACE', "REPLACE INTO setting (key, value) VALUES ('counter', '1')"],
    [
      'a write through a CTE with INSERT … SELECT',
      "WITH one(k, v) AS (VALUES ('counter', '1')) INSERT OR REPLACE INTO setting (key, value) SELECT k, v FROM one",
    ],
  ])('journals %s, in run and in a prepared statement, and replays it after a crash', async (_label, sql) => {
    const { sql: sqlJs, file, site } = await newSite();
    const before = readFileSync(file);
    inTransaction(site, () => site.db.run(sql));
    const statement = site.db.prepare(sql);
    inTransaction(site, () => statement.run());
    statement.free();
    const expected = counter(site);
    expect(expected).toBeGreaterThan(0);
    expect(journaled(site, file, before)).toBe(true);
    expect(readFileSync(site.journalFile, 'utf8')).toContain(JSON.stringify(sql).slice(1, 30));
    // No whole save: the journal alone carries the writes to the next open.
    const reopened = SiteDatabase.open(sqlJs, file);
    expect(counter(reopened)).toBe(expected);
    reopened.close();
  });

  it('leaves what getRowsModified() reports as the statement left it, with and without parameters', async () => {
    const { site } = await newSite();
    site.db.run("INSERT INTO setting (key, value) VALUES ('a', '1'), ('b', '1'), ('c', '1')");
    // Each text is new to the classifier, so it is compiled (EXPLAIN) the first time it is seen.
    site.db.run("UPDATE setting SET value = '2' WHERE key IN ('a', 'b', 'c') AND value = ?", ['1']);
    expect(site.db.getRowsModified()).toBe(3);
    site.db.run("UPDATE setting SET value = '3' WHERE key IN ('a', 'b')");
    expect(site.db.getRowsModified()).toBe(2);
    const statement = site.db.prepare("UPDATE setting SET value = '4' WHERE key = ?");
    statement.run(['c']);
    statement.free();
    expect(site.db.getRowsModified()).toBe(1);
  });

  it('takes a text that starts with SELECT for a query without compiling it, and asks SQLite about every other text', async () => {
    const { site } = await newSite();
    const prepared: string[] = [];
    const prepare = site.db.prepare.bind(site.db);
    const classifier = new StatementClassifier(site.db, (sql: string, params?: BindParams) => {
      prepared.push(sql);
      return prepare(sql, params);
    });
    for (const query of ['SELECT value FROM setting WHERE key = ?', '/* page */ -- of 200\n  select count(*) FROM setting', 'SELECT 1;']) {
      expect(classifier.kindOf(query)).toEqual({ kind: 'read' });
    }
    expect(prepared).toEqual([]);
    // Not a plain SELECT: compiled and judged by its program.
    expect(classifier.kindOf("WITH x(v) AS (SELECT 1) UPDATE setting SET value = (SELECT v FROM x) WHERE key = 'counter'").kind).toBe('row-write');
    expect(classifier.kindOf("SELECT 1; DELETE FROM setting WHERE key = 'counter'").kind).toBe('read');
    expect(classifier.scriptOf("SELECT 1; DELETE FROM setting WHERE key = 'counter'")?.map((statement) => statement.kind.kind)).toEqual(['read', 'row-write']);
    expect(prepared.length).toBeGreaterThanOrEqual(2);
    expect(prepared.every((sql) => sql.startsWith('EXPLAIN '))).toBe(true);
  });

  it('journals each statement of a script run without parameters, and replays them all', async () => {
    const { sql, file, site } = await newSite();
    const before = readFileSync(file);
    site.db.run("UPDATE setting SET value = '5' WHERE key = 'counter'; /* and */ INSERT INTO setting (key, value) VALUES ('note', 'second')");
    expect(journaled(site, file, before)).toBe(true);
    site.close();
    const reopened = SiteDatabase.open(sql, file);
    expect(counter(reopened)).toBe(5);
    expect(reopened.db.exec("SELECT value FROM setting WHERE key = 'note'")[0]?.values).toEqual([['second']]);
    reopened.close();
  });

  it('writes the whole file after a script that failed part-way (its first statements stay applied)', async () => {
    const { sql, file, site } = await newSite();
    const before = readFileSync(file);
    expect(() => site.db.run("UPDATE setting SET value = '6' WHERE key = 'counter'; INSERT INTO setting (key, value) VALUES ('counter', 'duplicate')")).toThrow(
      /UNIQUE/,
    );
    expect(journaled(site, file, before)).toBe(false);
    site.close();
    expect(counter(SiteDatabase.open(sql, file))).toBe(6);
  });

  it.each([
    [
      'a write that reads a temporary table',
      (site: SiteDatabase) => {
        site.db.exec('CREATE TEMP TABLE scratch (n INTEGER)');
        site.db.exec('INSERT INTO temp.scratch (n) VALUES (8)');
        site.db.run("UPDATE setting SET value = (SELECT n FROM temp.scratch) WHERE key = 'counter'");
      },
      8,
    ],
    [
      'a write whose result a replay cannot reproduce',
      (site: SiteDatabase) => {
        site.db.run("UPDATE setting SET value = CAST(abs(random()) % 1 AS INTEGER) + 9 WHERE key = 'counter'");
      },
      9,
    ],
    [
      'a change of the database header',
      (site: SiteDatabase) => {
        site.db.run('PRAGMA user_version = 7');
        site.db.run("UPDATE setting SET value = '10' WHERE key = 'counter'");
      },
      10,
    ],
    [
      'a write with RETURNING stepped by hand',
      (site: SiteDatabase) => {
        const statement = site.db.prepare("UPDATE setting SET value = '11' WHERE key = 'counter' RETURNING value");
        while (statement.step()) statement.get();
        statement.free();
      },
      11,
    ],
  ])('writes the whole file for %s', async (_label, change, expected) => {
    const { sql, file, site } = await newSite();
    const before = readFileSync(file);
    change(site);
    expect(journaled(site, file, before)).toBe(false);
    site.close();
    expect(counter(SiteDatabase.open(sql, file))).toBe(expected);
  });

  it('refuses to replay a line holding what the journal never writes, however it reads', async () => {
    const { sql, file, site } = await newSite();
    bump(site);
    site.save();
    site.close();
    const [line] = readFileSync(`${file}.journal`, 'utf8').trim().split('\n');
    for (const text of [
      '/* UPDATE */ DROP TABLE setting',
      'WITH x AS (SELECT 1) SELECT * FROM x',
      'PRAGMA user_version = 1',
      'INSERT INTO temp.nothing VALUES (1)',
    ]) {
      writeFileSync(`${file}.journal`, `${resign(line!.replace(/"texts":\["[^"]*"/, `"texts":${JSON.stringify([text])}`))}\n`);
      expect(() => SiteDatabase.open(sql, file)).toThrow(SiteDatabaseDamagedError);
    }
  });
});

/** A journal line with its checksum written again (a change no checksum catches, for the rules after it). */
function resign(line: string): string {
  const entry = line.slice(9);
  return `${crc32(entry).toString(16).padStart(8, '0')} ${entry}`;
}

function mulberry(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
