/**
 * A sync that writes at least as many updates as the site holds (every first sync) sets the repository's sort and
 * search indexes aside and builds them once at its end; a smaller one keeps them row by row. Whatever the run's
 * outcome, and after a stop in the middle, the database ends with the schema's own indexes and a sound search index.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { deferIndexes, deferredIndexes } from '../../../electron/engine/storage/deferred-indexes';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

const BUILDING = "Building the repository's sort and search indexes for";

/** The update table's index definitions, as sqlite_master holds them. */
const indexesOf = (db: Database) =>
  db.exec("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'software_update' AND sql IS NOT NULL ORDER BY name")[0]?.values ?? [];

/** The full-text index's own check: it compares every word it holds with the rows it reads them from. */
const checkSearchIndex = (db: Database) => db.run("INSERT INTO update_search (update_search) VALUES ('integrity-check')");

const logOf = (engine: Engine) => readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');

async function searchTotal(engine: Engine, search: string): Promise<number> {
  return (
    await engine.call('queryUpdates', {
      site: 'CEN',
      search,
      offset: 0,
      limit: 50,
      sort: 'title',
      direction: 'asc',
      includeBundled: true,
      includeRemoved: true,
    })
  ).total;
}

describe('the repository indexes of a large sync', () => {
  it('are built once at the end of a first sync and of any sync that writes most of the catalog; a small sync keeps them as it goes', async () => {
    const { url, catalog } = await fixture.service({ updates: 300, seed: 61 });
    const schema = indexesOf((await fixture.engine(fixture.tempDir())).siteDatabase('CEN').db);
    expect(schema.length).toBeGreaterThanOrEqual(10);

    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    expect(await fixture.sync(engine, 'full')).toMatchObject({ outcome: 'succeeded' });
    const db = engine.siteDatabase('CEN').db;
    const stored = Number(db.exec('SELECT count(*) FROM software_update')[0]!.values[0]![0]);
    expect(logOf(engine).split(BUILDING)).toHaveLength(2);
    expect(logOf(engine)).toContain(`${BUILDING} ${stored} updates`);
    expect(indexesOf(db)).toEqual(schema);
    expect(deferredIndexes(engine.siteDatabase('CEN'))).toBeUndefined();
    checkSearchIndex(db);
    const kb = catalog.updates.find((update) => update.kb !== undefined)!.kb;
    expect(await searchTotal(engine, `KB${kb}`)).toBeGreaterThan(0);

    // A few new updates: kept in the indexes as they are written, searchable at once, nothing built at the end.
    const added = catalog.churn({ add: 6 });
    expect(await fixture.sync(engine, 'delta')).toMatchObject({ outcome: 'succeeded' });
    expect(logOf(engine).split(BUILDING)).toHaveLength(2);
    const newKb = catalog.updates.find((update) => added.added.includes(update.id) && update.kb !== undefined)?.kb;
    if (newKb !== undefined) expect(await searchTotal(engine, `KB${newKb}`)).toBeGreaterThan(0);
    checkSearchIndex(db);

    // More new updates than the site holds, with revisions and removals: set aside and built again. Rows changed
    // meanwhile get their new words only (the index's check fails on a stale word).
    catalog.churn({ add: 450, revise: 20, remove: 10 });
    expect(await fixture.sync(engine, 'full')).toMatchObject({ outcome: 'succeeded' });
    expect(logOf(engine).split(BUILDING)).toHaveLength(3);
    expect(indexesOf(db)).toEqual(schema);
    checkSearchIndex(db);
    expect(Number(db.exec('SELECT count(*) FROM software_update')[0]!.values[0]![0])).toBeGreaterThan(2 * stored);
  });

  it('are kept row by row by a first sync that would leave the site above the limit (memory at catalog scale)', async () => {
    const { url } = await fixture.service({ updates: 200, seed: 63 });
    const engine = await fixture.engine(fixture.tempDir(), { deferIndexesUpTo: 100 });
    await fixture.configure(engine, url);
    expect(await fixture.sync(engine, 'full')).toMatchObject({ outcome: 'succeeded' });
    const db = engine.siteDatabase('CEN').db;
    expect(Number(db.exec('SELECT count(*) FROM software_update')[0]!.values[0]![0])).toBeGreaterThan(100);
    expect(logOf(engine)).not.toContain(BUILDING);
    checkSearchIndex(db);
    expect(await searchTotal(engine, 'Update')).toBeGreaterThan(0);
  });

  it('are built at the end of a sync that fails, and when a site is opened after a stop that left them aside', async () => {
    const { url, service } = await fixture.service({ updates: 200, seed: 62, maxUpdatesPerRequest: 20 });
    const dataDir = fixture.tempDir();
    const engine = await fixture.engine(dataDir);
    await fixture.configure(engine, url);
    // The upstream fails every metadata request after the tenth (the categories take the first few): the run fails with what arrived kept.
    service.injectFault({ kind: 'http500', operation: 'GetUpdateData', after: 10, times: 1_000 });
    expect(await fixture.sync(engine, 'full')).toMatchObject({ outcome: 'failed' });
    const db = engine.siteDatabase('CEN').db;
    expect(Number(db.exec('SELECT count(*) FROM software_update')[0]!.values[0]![0])).toBeGreaterThan(0);
    expect(logOf(engine)).toContain(BUILDING);
    expect(deferredIndexes(engine.siteDatabase('CEN'))).toBeUndefined();
    checkSearchIndex(db);
    service.clearFaults();
    expect(await fixture.sync(engine, 'full')).toMatchObject({ outcome: 'succeeded' });
    const schema = indexesOf(db);

    // What a sync stopped in the middle leaves on disk: the indexes dropped, their definitions kept, the search
    // index stale (here emptied). The next open builds them before anything reads the site, and says so.
    deferIndexes(engine.siteDatabase('CEN'));
    db.run('DELETE FROM update_search_segdir');
    engine.siteDatabase('CEN').saveWhole();
    await engine.close();
    const messages: string[] = [];
    const reopened = await fixture.engine(dataDir, { onStartup: (message) => messages.push(message) });
    const after = reopened.siteDatabase('CEN').db;
    expect(messages).toEqual([expect.stringMatching(/^Building the repository's indexes of CEN\.sqlite \([\d,]+ updates\)/)]);
    expect(indexesOf(after)).toEqual(schema);
    expect(deferredIndexes(reopened.siteDatabase('CEN'))).toBeUndefined();
    checkSearchIndex(after);
    expect(await searchTotal(reopened, 'Update')).toBeGreaterThan(0);
    // Built once: the file on disk has them, so the next open says nothing.
    await reopened.close();
    const quiet: string[] = [];
    await fixture.engine(dataDir, { onStartup: (message) => quiet.push(message) });
    expect(quiet).toEqual([]);
  });
});
