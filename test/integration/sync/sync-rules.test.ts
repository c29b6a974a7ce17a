/** The synchronization rules of SPEC §3 against the built-in upstream service, with churn between syncs. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiParams } from '../../../shared/contract';
import type { SampleCatalog } from '../../../electron/engine/upstream/service/catalog';
import { parseTraceLine } from '../../../shared/trace-log';
import { selectRows } from '../../../electron/engine/storage/rows';
import { classificationId, productId, RETIRED_CLASSIFICATION, RETIRED_PRODUCT, snapshotUpdates, useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

/** The ids an update and its bundled children contribute. */
function withChildren(catalog: SampleCatalog, ids: string[]): string[] {
  return ids.flatMap((id) => [id, ...catalog.update(id)!.childIds]);
}

function listedCount(catalog: SampleCatalog): number {
  return catalog.updates.filter((update) => update.state !== 'removed').length;
}

/** A page of the repository as the console asks for it (updates it lists, 10 at a time, by title). */
async function listed(engine: Awaited<ReturnType<typeof fixture.engine>>, query: Partial<ApiParams<'queryUpdates'>>) {
  return await engine.call('queryUpdates', {
    site: 'CEN',
    offset: 0,
    limit: 10,
    sort: 'title',
    direction: 'asc',
    includeBundled: false,
    includeRemoved: false,
    ...query,
  });
}

async function statusIds(engine: Awaited<ReturnType<typeof fixture.engine>>) {
  const messages = await engine.call('queryStatusMessages', { site: 'CEN', limit: 1000 });
  return messages.reverse();
}

describe('synchronization rules', () => {
  it('makes the first sync full, whatever was asked, and fills the repository', async () => {
    const { catalog, url } = await fixture.service();
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    const run = await fixture.sync(engine, 'delta');
    expect(run).toMatchObject({ kind: 'full', trigger: 'manual', outcome: 'succeeded', fullReason: 'no previous successful synchronization' });
    expect(run.counts).toEqual({ new: listedCount(catalog), modified: 0, expired: 0, removed: 0, skipped: 0, failed: 0 });
    expect(run.anchorAfter).toBe(catalog.anchor());
    const page = await engine.call('queryUpdates', {
      site: 'CEN',
      offset: 0,
      limit: 5,
      sort: 'title',
      direction: 'asc',
      includeBundled: false,
      includeRemoved: false,
    });
    expect(page.total).toBe(catalog.updates.filter((update) => update.parentId === undefined).length);
    // Product and classification folders, and the search box, agree with the catalog.
    const windows11 = '72e7624a-5b00-45d2-b92f-e561c0a6a160';
    const byProduct = await engine.call('queryUpdates', {
      site: 'CEN',
      offset: 0,
      limit: 1000,
      sort: 'title',
      direction: 'asc',
      includeBundled: false,
      includeRemoved: false,
      productId: windows11,
    });
    expect(byProduct.total).toBe(catalog.updates.filter((update) => update.parentId === undefined && update.product.id === windows11).length);
    expect(byProduct.rows).toHaveLength(byProduct.total);
    expect(byProduct.rows.every((row) => row.products === 'Windows 11')).toBe(true);
    const someKb = catalog.updates[10]!.kb;
    const found = await listed(engine, { search: `KB${someKb}` });
    expect(found.rows.map((row) => row.kb)).toContain(String(someKb));
    // % and _ are text, not wildcards: no title holds them, so they find nothing (they once matched everything).
    for (const search of ['%', '_', 'Update%']) expect((await listed(engine, { search })).total, search).toBe(0);
    expect((await statusIds(engine)).map((message) => message.id)).toEqual([6701, 6704, 6705, 6702]);
  });

  it('delta after adding N inserts exactly N (with their bundled children) and skips revisions and expirations', async () => {
    const { service, catalog, url } = await fixture.service();
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    await fixture.sync(engine, 'full');

    const visible = async () => (await listed(engine, {})).total;
    const before = await visible();
    const added = service.churn({ add: 6 }).added;
    const delta = await fixture.sync(engine, 'delta');
    // The count the grid shows is kept between pages, and follows what a sync changed.
    expect(await visible()).toBe(before + 6);
    expect(delta).toMatchObject({ kind: 'delta', fullReason: null, outcome: 'succeeded' });
    expect(delta.counts).toEqual({ new: withChildren(catalog, added).length, modified: 0, expired: 0, removed: 0, skipped: 0, failed: 0 });
    const changes = await engine.call('querySyncChanges', { site: 'CEN', runId: delta.runId, includeBundled: true });
    expect(changes.map((change) => change.updateId).sort()).toEqual(withChildren(catalog, added).sort());
    // As the grid counts them: the six updates, their bundled updates inside them, in the run, its changes and the grid.
    expect(delta.listed).toEqual({ new: 6, modified: 0, expired: 0, removed: 0 });
    const listedChanges = await engine.call('querySyncChanges', { site: 'CEN', runId: delta.runId });
    expect(listedChanges.map((change) => change.updateId).sort()).toEqual([...added].sort());

    const snapshotBefore = await snapshotUpdates(engine);
    const churn = service.churn({ add: 2, revise: 3, expire: 2 });
    const second = await fixture.sync(engine, 'delta');
    expect(second.counts.new).toBe(withChildren(catalog, churn.added).length);
    expect(second.counts.skipped).toBe(withChildren(catalog, [...churn.revised, ...churn.expired]).length);
    expect(second.counts.modified + second.counts.expired + second.counts.removed).toBe(0);
    const after = await snapshotUpdates(engine);
    for (const id of [...churn.revised, ...churn.expired]) {
      expect(after.find((line) => line.startsWith(id))).toBe(snapshotBefore.find((line) => line.startsWith(id)));
    }
  });

  it('a full sync after revise, expire and remove applies exactly those', async () => {
    const { service, catalog, url } = await fixture.service();
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    await fixture.sync(engine, 'full');
    const churn = service.churn({ revise: 4, expire: 3, remove: 2 });
    const run = await fixture.sync(engine, 'full');
    expect(run.counts).toEqual({
      new: 0,
      modified: withChildren(catalog, churn.revised).length,
      expired: withChildren(catalog, churn.expired).length,
      removed: withChildren(catalog, churn.removed).length,
      skipped: 0,
      failed: 0,
    });
    const snapshot = await snapshotUpdates(engine);
    // The Yes/No columns sort alike: ascending is No first, descending Yes first.
    const firstBy = async (sort: 'state' | 'superseded', direction: 'asc' | 'desc') => (await listed(engine, { sort, direction })).rows[0]!;
    expect((await firstBy('state', 'asc')).state).toBe('published');
    expect((await firstBy('state', 'desc')).state).toBe('expired');
    expect((await firstBy('superseded', 'asc')).superseded).toBe(false);
    expect((await firstBy('superseded', 'desc')).superseded).toBe(true);
    for (const id of churn.revised) expect(snapshot.find((line) => line.startsWith(id))).toContain(` ${catalog.update(id)!.revision} published`);
    for (const id of churn.expired) expect(snapshot.find((line) => line.startsWith(id))).toContain(' expired ');
    for (const id of churn.removed) expect(snapshot.find((line) => line.startsWith(id))).toContain(' removed ');
    expect(run.listed).toEqual({ new: 0, modified: churn.revised.length, expired: churn.expired.length, removed: churn.removed.length });
    const changes = await engine.call('querySyncChanges', { site: 'CEN', runId: run.runId, includeBundled: true });
    expect(
      changes
        .filter((change) => change.change === 'removed')
        .map((change) => change.updateId)
        .sort(),
    ).toEqual(withChildren(catalog, churn.removed).sort());
    // The product folders follow: revised updates are listed once, removed ones no more.
    const folders = await engine.call('getRepositoryFolders', { site: 'CEN' });
    const offered = new Map<string, number>();
    for (const update of catalog.updates)
      if (update.parentId === undefined && update.state !== 'removed') offered.set(update.product.id, (offered.get(update.product.id) ?? 0) + 1);
    expect(Object.fromEntries(folders.products.map((folder) => [folder.id, folder.count]))).toEqual(Object.fromEntries(offered));
    for (const id of churn.revised) {
      const page = await engine.call('queryUpdates', {
        site: 'CEN',
        offset: 0,
        limit: 1000,
        sort: 'title',
        direction: 'asc',
        includeBundled: false,
        includeRemoved: false,
        productId: catalog.update(id)!.product.id,
      });
      expect(page.rows.filter((row) => row.updateId === id)).toHaveLength(1);
    }
  });

  it('turns a delta into a full sync after a configuration change, and says why', async () => {
    const { url } = await fixture.service();
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    await fixture.sync(engine, 'full');
    await fixture.configure(engine, url, { languages: ['en', 'fr'] });
    const run = await fixture.sync(engine, 'delta');
    expect(run).toMatchObject({ kind: 'full', fullReason: 'changes in the languages of the Software Update Point' });
    const log = readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log).toContain('Full sync required due to changes in the languages of the Software Update Point.');
  });

  it('reports selected products or classifications the upstream does not know', async () => {
    const { url } = await fixture.service();
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url, {
      products: [productId('Windows 11'), RETIRED_PRODUCT],
      classifications: [classificationId('Security Updates'), RETIRED_CLASSIFICATION],
    });
    const run = await fixture.sync(engine, 'full');
    expect(run.outcome).toBe('succeeded');
    expect(run.warnings).toEqual(
      expect.arrayContaining([
        `The upstream server does not know the product ${RETIRED_PRODUCT} selected on the Software Update Point`,
        `The upstream server does not know the classification ${RETIRED_CLASSIFICATION} selected on the Software Update Point`,
      ]),
    );
    const bad = await fixture.engine(fixture.tempDir());
    await fixture.configure(bad, url, { classifications: [RETIRED_CLASSIFICATION] });
    const failed = await fixture.sync(bad, 'full');
    expect(failed).toMatchObject({
      outcome: 'failed',
      error: { code: 'EMPTY_FILTER', message: 'Request filter does not contain any known classifications. Sync will do nothing' },
    });
  });

  it('ends an upstream failure in 6703 with the cause, keeping the data already synchronized', async () => {
    const { service, url } = await fixture.service();
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    await fixture.sync(engine, 'full');
    const before = await snapshotUpdates(engine);
    service.injectFault({ kind: 'http500', operation: 'GetRevisionIdList', times: 50 });
    const run = await fixture.sync(engine, 'full');
    expect(run).toMatchObject({ outcome: 'failed', error: { code: 'UPSTREAM_HTTP' } });
    expect(run.error!.message).toMatch(/HTTP 500.*gave up after 5 attempts/);
    const failure = (await statusIds(engine)).at(-1)!;
    expect(failure.id).toBe(6703);
    expect(failure.insertionStrings).toEqual(['UpstreamServer.GetRevisionIdList', run.error!.message]);
    expect(await snapshotUpdates(engine)).toEqual(before);
    const log = readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log).toContain('Sync failed. Will retry in 60 minutes');
  });

  it('cancels within a batch boundary, keeps whole batches only, writes history, and does not retry', async () => {
    const { url, service } = await fixture.service({ updates: 1500, maxUpdatesPerRequest: 20 });
    // A timeout far beyond the test's own: only the cancel can end the requests that hang below.
    const engine = await fixture.engine(fixture.tempDir(), { upstreamTimeoutMs: 3_600_000 });
    await fixture.configure(engine, url);
    const started = engine.syncs.request('CEN', { kind: 'full', trigger: 'schedule' });
    // Once batches have been applied, the upstream stops answering: the sync can only end by being cancelled.
    await new Promise<void>((resolve) => {
      const off = engine.onEvent((event) => {
        if (event.name === 'progress' && event.payload.phase === 'metadata' && event.payload.done >= 100) {
          off();
          service.injectFault({ kind: 'hang', operation: 'GetUpdateData', times: 10_000 });
          resolve();
        }
      });
    });
    expect(await engine.call('cancelSynchronization', { site: 'CEN' })).toEqual({ cancelled: true });
    const run = await started.done;
    expect(run).toMatchObject({ outcome: 'cancelled', error: { code: 'CANCELLED' } });
    expect(run.counts.new).toBeGreaterThan(0);
    const db = engine.siteDatabase('CEN').db;
    const stored = Number(db.exec('SELECT count(*) FROM software_update')[0]!.values[0]![0]);
    expect(stored).toBe(run.counts.new);
    // Whole batches: every stored update has its metadata in the blob store, and every deployable one its product.
    expect(selectRows(db, 'SELECT update_id FROM software_update WHERE blob_offset IS NULL')).toEqual([]);
    expect(
      selectRows(
        db,
        'SELECT update_id FROM software_update u WHERE deployable = 1 AND NOT EXISTS (SELECT 1 FROM update_product p WHERE p.update_key = u.update_key)',
      ),
    ).toEqual([]);
    expect((await statusIds(engine)).map((message) => message.id)).not.toContain(6703);
    const log = readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log).toContain('Sync cancelled; it will not be retried');
  });

  it('queues one request behind a running sync and joins later ones to it', async () => {
    const { url } = await fixture.service({ updates: 400 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    const first = engine.syncs.request('CEN', { kind: 'full', trigger: 'schedule' });
    const second = engine.syncs.request('CEN', { kind: 'delta', trigger: 'manual' });
    const third = engine.syncs.request('CEN', { kind: 'full', trigger: 'schedule' });
    expect([first.status, second.status, third.status]).toEqual(['started', 'queued', 'coalesced']);
    expect(engine.syncs.state('CEN')).toMatchObject({ running: { kind: 'full' }, pending: { kind: 'full' } });
    await Promise.all([first.done, second.done, third.done]);
    const history = await engine.call('querySyncHistory', { site: 'CEN', limit: 10 });
    expect(history.map((run) => `${run.kind}/${run.outcome}`)).toEqual(['full/succeeded', 'full/succeeded']);
    expect((await second.done).runId).toBe((await third.done).runId);
  });
});

describe('wsyncmgr.log', () => {
  it('is written in the site-server trace format with the full-sync line sequence and 6701 → 6704 → 6705 → 6702', async () => {
    const { url } = await fixture.service({ updates: 120 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    const run = await fixture.sync(engine, 'full');
    const all = readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8')
      .split('\r\n')
      .filter(Boolean);
    // Configuring the site is logged before the sync: what changed, once.
    expect(all[0]).toMatch(/^Synchronization source changed from Built-in sample catalog to Upstream update server /);
    const raw = all.slice(all.findIndex((line) => line.startsWith('Wakeup for')));
    const lines = raw.map((line) => parseTraceLine(line));
    expect(lines.every((line) => line !== undefined && line.component === 'SMS_WSUS_SYNC_MANAGER')).toBe(true);
    expect(raw[0]).toMatch(
      /^Wakeup for scheduled regular sync {2}\$\$<SMS_WSUS_SYNC_MANAGER><\d\d-\d\d-\d{4} \d\d:\d\d:\d\d\.\d{3}[+-]\d{3}><thread=4404 \(0x1134\)>$/,
    );
    const texts = lines.map((line) => line!.text);
    const host = new URL(url).host;
    const order = [
      'Wakeup for scheduled regular sync',
      'Starting Sync',
      'Performing sync on regular schedule',
      'STATMSG: ID=6701',
      'STATMSG: ID=6704',
      `Synchronizing WSUS server ${host} ...`,
      'sync: Starting WSUS synchronization',
      'sync: WSUS synchronizing categories',
      'sync: WSUS synchronizing updates',
      `Done synchronizing WSUS Server ${host}`,
      'STATMSG: ID=6705',
      `Synchronizing SMS database with WSUS server ${host} ...`,
      'sync: Starting SMS database synchronization',
      'Syncing all updates',
      'sync: SMS synchronizing updates',
      'Synchronizing update ',
      'sync: SMS synchronizing updates, processed',
      `Done synchronizing SMS with WSUS Server ${host}`,
      'Set content version of update source {',
      'STATMSG: ID=6702',
      'Sync succeeded',
      'Updated ',
      'Sync time: 0d00h00m',
    ];
    let cursor = 0;
    for (const expected of order) {
      const index = texts.findIndex((text, position) => position >= cursor && text.startsWith(expected));
      expect(index, `${expected} after line ${cursor}`).toBeGreaterThanOrEqual(cursor);
      cursor = index + 1;
    }
    expect(texts.filter((text) => text.startsWith('sync: SMS synchronizing updates, processed')).at(-1)).toMatch(/processed (\d+) out of \1 items \(100%\)$/);
    // One "Synchronizing update <guid> - <title>" line per update synchronized, never twice for one update.
    const perUpdate = texts
      .filter((text) => text.startsWith('Synchronizing update '))
      .map((text) => /^Synchronizing update ([0-9a-f-]{36}) - .+$/.exec(text)?.[1]);
    expect(perUpdate.every((id) => id !== undefined)).toBe(true);
    expect(new Set(perUpdate).size).toBe(perUpdate.length);
    expect(perUpdate.length).toBe(run.counts.new);
    expect(texts.find((text) => text.startsWith('Set content version'))).toMatch(/^Set content version of update source \{[0-9A-F-]{36}\} for site CEN to 1$/);
  });

  it('rolls over to wsyncmgr.lo_ at the configured size', async () => {
    const { url } = await fixture.service({ updates: 50 });
    const engine = await fixture.engine(fixture.tempDir(), { logMaxBytes: 3_000 });
    await fixture.configure(engine, url);
    await fixture.sync(engine, 'full');
    const previous = readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.lo_'), 'utf8');
    expect(previous.length).toBeGreaterThan(0);
    expect(previous.length).toBeLessThanOrEqual(3_000);
  });

  // ConfigMgr keeps one .lo_: a large sync's retry and 6709 lines rolled out of the log before the sync ended.
  it("keeps every file a sync rolls over until it ends, so its retries and stalls stay on disk; the next sync's rollover drops them", async () => {
    const { service, url } = await fixture.service({ updates: 60, seed: 3, maxUpdatesPerRequest: 10 });
    const engine = await fixture.engine(fixture.tempDir(), { logMaxBytes: 2_000, stallMs: 600, upstreamTimeoutMs: 60_000 });
    await fixture.configure(engine, url);
    const logs = join(engine.folder.logsDir, 'CEN');
    const onDisk = () =>
      readdirSync(logs)
        .filter((name) => name.startsWith('wsyncmgr'))
        .map((name) => readFileSync(join(logs, name), 'utf8'))
        .join('');
    // A retried request and a stall, both early in the sync.
    service.injectFault({ kind: 'http500', operation: 'GetUpdateData', times: 1 });
    service.injectFault({ kind: 'hang', operation: 'GetUpdateData', after: 1, times: 1 });
    const run = await fixture.sync(engine, 'full');
    expect(run.outcome).toBe('succeeded');
    const files = readdirSync(logs).filter((name) => /^wsyncmgr-\d+\.lo_$/.test(name));
    expect(files.length).toBeGreaterThan(3);
    const first = onDisk();
    expect(first).toMatch(/Retrying in/);
    expect(first).toMatch(/WARNING: sync: no progress for/);
    expect(first).toMatch(/STATMSG: ID=6709/);
    expect(first).toMatch(/STATMSG: ID=6701/);
    const tail = await engine.call('readLogTail', { site: 'CEN', maxLines: 100_000 });
    expect(tail.lines.some((line) => line.text.startsWith('WARNING: sync: no progress for'))).toBe(true);

    // Released: the next sync's rollovers keep ConfigMgr's one .lo_ of what came before it, and its own files.
    await fixture.sync(engine, 'full');
    expect(onDisk()).not.toMatch(/WARNING: sync: no progress for/);
    expect(readdirSync(logs).filter((name) => /^wsyncmgr-\d+\.lo_$/.test(name)).length).toBeLessThan(files.length + 3);
  });

  it('reads the log back from disk for a console that opens later: the rolled-over files first, parsed into columns', async () => {
    const { url } = await fixture.service({ updates: 50 });
    const engine = await fixture.engine(fixture.tempDir(), { logMaxBytes: 3_000 });
    await fixture.configure(engine, url);
    await fixture.sync(engine, 'full');
    const logs = join(engine.folder.logsDir, 'CEN');
    // The generations the sync kept (oldest first), the .lo_, then the current file.
    const generations = readdirSync(logs)
      .map((name) => /^wsyncmgr-(\d+)\.lo_$/.exec(name))
      .filter((match) => match !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map((match) => match[0]);
    expect(generations.length).toBeGreaterThan(0);
    const onDisk = [...generations, 'wsyncmgr.lo_', 'wsyncmgr.log']
      .map((name) => readFileSync(join(logs, name), 'utf8'))
      .join('')
      .split(/\r?\n/)
      .filter((line) => line !== '');
    const current = readFileSync(join(logs, 'wsyncmgr.log'), 'utf8')
      .split(/\r?\n/)
      .filter((line) => line !== '');

    const all = await engine.call('readLogTail', { site: 'CEN', maxLines: 100_000 });
    expect(all.file).toBe(join(logs, 'wsyncmgr.log'));
    expect(all.truncated).toBe(false);
    expect(all.lines.map((line) => line.text)).toEqual(onDisk);
    expect(all.lines.length).toBeGreaterThan(current.length);
    const done = all.lines.find((line) => line.text.includes('STATMSG: ID=6702'))!;
    expect(done).toMatchObject({ component: 'SMS_WSUS_SYNC_MANAGER', severity: 'info' });
    expect(done.time).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{3}$/);
    expect(done.thread).toBeGreaterThan(0);

    const last = await engine.call('readLogTail', { site: 'CEN', maxLines: 3 });
    expect(last).toMatchObject({ truncated: true });
    expect(last.lines.map((line) => line.text)).toEqual(onDisk.slice(-3));
  });
});
