/**
 * Whatever the engine writes reaches the disk: after each step of a site's life (settings, full and delta syncs with
 * new, revised, expired and removed updates, a schedule), the files on disk at that moment (the database and its
 * journal, as a crash would leave them) open to exactly the rows the engine holds in memory. Every statement form
 * the engine runs is collected, and each one that writes is one SQLite lets the journal hold.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SiteDatabase } from '../../../electron/engine/storage/site-database';
import { loadSqlJs } from '../../../electron/engine/storage/sqljs';
import { StatementClassifier, type StatementKind } from '../../../electron/engine/storage/statement-kind';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the write journal cannot miss a write the engine makes', () => {
  it('leaves on disk, after every step, exactly what the engine holds in memory', async () => {
    const forms = new Map<string, StatementKind['kind']>();
    const kindOf = StatementClassifier.prototype.kindOf;
    vi.spyOn(StatementClassifier.prototype, 'kindOf').mockImplementation(function (this: StatementClassifier, sql: string) {
      const kind = kindOf.call(this, sql);
      forms.set(sql, kind.kind);
      return kind;
    });
    const opened = [vi.spyOn(SiteDatabase, 'open'), vi.spyOn(SiteDatabase, 'create')];
    const live = (): SiteDatabase => {
      const sites = opened.flatMap((spy) => spy.mock.results.map((result) => result.value as SiteDatabase));
      const site = sites.reverse().find((candidate) => candidate.file.endsWith('CEN.sqlite'));
      if (site === undefined) throw new Error('CEN was never opened');
      return site;
    };

    const dataDir = fixture.tempDir();
    const { service, url } = await fixture.service({ updates: 400, seed: 11 });
    const engine = await fixture.engine(dataDir);
    const sql = await loadSqlJs();
    let crashes = 0;
    /** The files as a crash at this moment would leave them, opened as the next start would open them. */
    const expectDiskToHoldMemory = async (step: string) => {
      const file = live().file;
      const crashDir = join(dataDir, `crash-${++crashes}`);
      mkdirSync(crashDir);
      for (const suffix of ['', '.journal', `.blobs.${live().blobGeneration}`])
        if (existsSync(`${file}${suffix}`)) copyFileSync(`${file}${suffix}`, join(crashDir, `CEN.sqlite${suffix}`));
      const reopened = SiteDatabase.open(sql, join(crashDir, 'CEN.sqlite'));
      try {
        expect(rowsOf(reopened), `after ${step}, the database and journal on disk differ from memory`).toEqual(rowsOf(live()));
      } finally {
        reopened.close();
      }
    };

    await fixture.configure(engine, url);
    await expectDiskToHoldMemory('the settings');
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    await expectDiskToHoldMemory('the first full sync');
    service.churn({ add: 12, revise: 6, expire: 3 });
    expect((await fixture.sync(engine, 'delta')).outcome).toBe('succeeded');
    await expectDiskToHoldMemory('a delta sync');
    expect(existsSync(`${live().file}.journal`), 'the delta was journaled, not written whole').toBe(true);
    service.churn({ add: 4, revise: 3, remove: 2 });
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    await expectDiskToHoldMemory('a full sync with removals');
    await engine.call('setSchedule', {
      site: 'CEN',
      schedule: {
        enabled: true,
        mode: 'simple',
        simple: { every: 1, unit: 'days' },
        start: '2026-01-05T02:00',
        utc: true,
        startIsDefault: false,
        recurrence: { type: 'interval', every: 6, unit: 'hours' },
      },
    });
    await expectDiskToHoldMemory('a schedule');

    const writes = [...forms].filter(([, kind]) => kind !== 'read' && kind !== 'begin' && kind !== 'commit' && kind !== 'rollback' && kind !== 'savepoint');
    // Statement forms the engine depends on, each seen at least once and each one a journal can hold.
    for (const form of [/^\s*INSERT INTO/i, /^\s*INSERT OR REPLACE/i, /ON CONFLICT/i, /^\s*UPDATE/i, /^\s*DELETE/i, /INTO update_search/i])
      expect(
        writes.some(([text]) => form.test(text)),
        `no write of the form ${form}`,
      ).toBe(true);
    const unjournaled = writes.filter(([, kind]) => kind === 'other-write').map(([text]) => text.trim().split('\n')[0]);
    // Only schema changes go to disk as whole saves: creating and migrating a site, and the indexes a first sync sets
    // aside and builds again.
    for (const text of unjournaled) expect(text).toMatch(/^(CREATE|DROP|PRAGMA user_version|ALTER)/i);
  }, 60_000);
});

/**
 * Every row of every table of the file, in a stable order, but the save counter. The search index is compared by
 * what it finds, not by its b-tree segments: SQLite may lay out the same index in other segments when the same
 * inserts are replayed in fewer transactions.
 */
function rowsOf(site: SiteDatabase): Record<string, string[]> {
  const tables =
    site.db.exec(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT GLOB 'update_search_seg*' AND name != 'update_search_stat' ORDER BY name",
    )[0]?.values ?? [];
  const rows: Record<string, string[]> = {};
  for (const [name] of tables) {
    const values = site.db.exec(`SELECT * FROM "${String(name)}"`)[0]?.values ?? [];
    rows[String(name)] = values
      .map((row) => JSON.stringify(row.map((value) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value))))
      .filter((row) => !row.startsWith('["storage.generation"'))
      .sort();
  }
  for (const term of ['windows', 'security', 'office', 'x64', '2019', 'kb5000*', 'cumulative NOT preview'])
    rows[`update_search MATCH ${term}`] = (
      site.db.exec('SELECT docid FROM update_search WHERE update_search MATCH ? ORDER BY docid', [term])[0]?.values ?? []
    ).map(String);
  return rows;
}
