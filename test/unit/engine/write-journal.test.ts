import { appendFileSync, copyFileSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SiteDatabase } from '../../../electron/engine/sites/site-database';
import { loadSqlJs } from '../../../electron/engine/sites/sqljs';
import { inTransaction } from '../../../electron/engine/sites/transaction';
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

const bump = (site: SiteDatabase) => inTransaction(site.db, () => site.db.run("UPDATE setting SET value = CAST(value AS INTEGER) + 1 WHERE key = 'counter'"));
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

  it('ignores a line torn by a crash while it was appended', async () => {
    const { sql, file, site } = await newSite();
    bump(site);
    site.save();
    site.close();
    appendFileSync(`${file}.journal`, '{"generation":1,"statements":[{"sql":"UPDATE setting SET val');
    expect(counter(SiteDatabase.open(sql, file))).toBe(1);
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

  it('writes the whole file when the journal could not hold the change exactly', async () => {
    const { file, site } = await newSite();
    // Rows changed through a prepared statement are invisible to the journal: the change count gives them away.
    const statement = site.db.prepare("UPDATE setting SET value = '41' WHERE key = 'counter'");
    statement.run();
    statement.free();
    const before = readFileSync(file);
    site.save();
    expect(readFileSync(file).equals(before)).toBe(false);
    expect(existsSync(site.journalFile)).toBe(false);

    // A rolled-back transaction, a schema change, a binary parameter: the whole file too.
    const changes: Array<() => void> = [
      () => expect(() => inTransaction(site.db, () => {
        site.db.run("UPDATE setting SET value = '99' WHERE key = 'counter'");
        throw new Error('changed my mind');
      })).toThrow('changed my mind'),
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
});
