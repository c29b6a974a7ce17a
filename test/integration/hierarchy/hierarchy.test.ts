/** A three-level hierarchy (CEN → PR1, PR2; PR1 → SE1) syncing down from a built-in upstream. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import type { SyncRun } from '../../../shared/domain';
import { ManualClock } from '../../helpers/manual-clock';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

async function snapshot(engine: Engine, site: string): Promise<string[]> {
  const { rows } = await engine.call('queryUpdates', {
    site,
    offset: 0,
    limit: 1000,
    includeBundled: true,
    includeRemoved: false,
    sort: 'title',
    direction: 'asc',
  });
  return rows.map((row) => `${row.updateId} ${row.revision} ${row.state}`).sort();
}

/** Resolves when every listed site has finished one more sync. */
function finished(engine: Engine, sites: string[]): Promise<Map<string, SyncRun>> {
  const runs = new Map<string, SyncRun>();
  return new Promise((resolve) => {
    const off = engine.onEvent((event) => {
      if (event.name === 'syncFinished' && sites.includes(event.payload.site)) {
        runs.set(event.payload.site, event.payload);
        if (runs.size === sites.length) {
          off();
          resolve(runs);
        }
      }
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function hierarchy(clock?: ManualClock) {
  const upstream = await fixture.service({ updates: 250 });
  const engine = await fixture.engine(fixture.tempDir(), clock === undefined ? {} : { clock });
  await fixture.configure(engine, upstream.url);
  await engine.call('addSite', { code: 'PR1', name: 'Primary 1', parent: 'CEN' });
  await engine.call('addSite', { code: 'PR2', name: 'Primary 2', parent: 'CEN' });
  await engine.call('addSite', { code: 'SE1', name: 'Secondary 1', parent: 'PR1' });
  return { ...upstream, engine };
}

describe('site hierarchy', () => {
  it('cascades a top-level sync down every level; every site ends with the same updates as CEN', async () => {
    const { engine } = await hierarchy();
    const all = finished(engine, ['CEN', 'PR1', 'PR2', 'SE1']);
    await engine.call('runSynchronization', { site: 'CEN', kind: 'full', trigger: 'schedule', wait: false });
    const runs = await all;
    expect(runs.get('PR1')).toMatchObject({ kind: 'full', trigger: 'parent', outcome: 'succeeded' });
    expect(runs.get('SE1')).toMatchObject({ kind: 'full', trigger: 'parent', outcome: 'succeeded' });
    const reference = await snapshot(engine, 'CEN');
    expect(reference.length).toBeGreaterThan(250);
    for (const site of ['PR1', 'PR2', 'SE1']) expect(await snapshot(engine, site), site).toEqual(reference);
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    expect(readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8')).toContain('Sending sync notification to child site(s): PR1, PR2');
    const childLog = readFileSync(join(engine.folder.logsDir, 'SE1', 'wsyncmgr.log'), 'utf8');
    expect(childLog).toContain('Performing sync on parent request');
    expect(childLog).toMatch(/Successfully synced site with parent PR1, version 1/);
  });

  it('a delta sync at CEN still triggers full syncs below, which pick up the new updates', async () => {
    const { engine, service } = await hierarchy();
    let all = finished(engine, ['CEN', 'PR1', 'PR2', 'SE1']);
    await engine.call('runSynchronization', { site: 'CEN', kind: 'full', trigger: 'schedule', wait: false });
    await all;
    service.churn({ add: 5, revise: 2 });
    all = finished(engine, ['CEN', 'PR1', 'PR2', 'SE1']);
    await engine.call('runSynchronization', { site: 'CEN', kind: 'delta', trigger: 'manual', wait: false });
    const runs = await all;
    expect(runs.get('CEN')).toMatchObject({ kind: 'delta' });
    expect(runs.get('PR2')).toMatchObject({ kind: 'full', trigger: 'parent' });
    expect(runs.get('PR2')!.counts.new).toBe(runs.get('CEN')!.counts.new);
    expect(await snapshot(engine, 'SE1')).toEqual(await snapshot(engine, 'CEN'));
  });

  it("gives a child its parent's content version, the one it holds, not a counter of its own (as ConfigMgr shows it)", async () => {
    const upstream = await fixture.service({ updates: 40 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, upstream.url);
    for (const kind of ['full', 'delta'] as const) {
      const done = finished(engine, ['CEN']);
      await engine.call('runSynchronization', { site: 'CEN', kind, trigger: 'manual', wait: false });
      await done;
    }
    // A child added later: its first sync is its own first, but it copies what CEN holds at version 3.
    await engine.call('addSite', { code: 'PR1', name: 'Primary 1', parent: 'CEN' });
    const all = finished(engine, ['CEN', 'PR1']);
    await engine.call('runSynchronization', { site: 'CEN', kind: 'delta', trigger: 'manual', wait: false });
    await all;
    const view = await engine.call('getHierarchy', {});
    expect(view.find((entry) => entry.site.code === 'CEN')).toMatchObject({ contentVersion: 3, parentContentVersion: null });
    expect(view.find((entry) => entry.site.code === 'PR1')).toMatchObject({ contentVersion: 3, parentContentVersion: 3, drift: false });
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    expect(readFileSync(join(engine.folder.logsDir, 'PR1', 'wsyncmgr.log'), 'utf8')).toContain('Successfully synced site with parent CEN, version 3');
  });

  it("keeps a parent's notification in the child's database until an engine that runs syncs start the child's sync", async () => {
    const upstream = await fixture.service({ updates: 40 });
    const dir = fixture.tempDir();
    const command = await fixture.engine(dir, { mode: 'command' });
    await fixture.configure(command, upstream.url);
    await command.call('addSite', { code: 'PR1', name: 'Primary 1', parent: 'CEN' });
    await command.call('runSynchronization', { site: 'CEN', kind: 'full', trigger: 'cli', wait: true });
    // A one-shot command: no child sync, and nothing lost.
    expect(await command.call('querySyncHistory', { site: 'PR1', limit: 5 })).toEqual([]);
    await command.close();

    // The next engine that runs syncs delivers it as it starts (its sync may end before this test could listen).
    const engine = await fixture.engine(dir);
    await expect
      .poll(async () => (await engine.call('querySyncHistory', { site: 'PR1', limit: 5 }))[0], { timeout: 20_000 })
      .toMatchObject({ trigger: 'parent', kind: 'full', outcome: 'succeeded' });
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    expect(readFileSync(join(engine.folder.logsDir, 'PR1', 'wsyncmgr.log'), 'utf8')).toMatch(/Found parent sync notification file CEN\.SYN, sent /);
    // Consumed by that sync, and saved so: the next start has nothing to deliver.
    await engine.close();
    const again = await fixture.engine(dir, { mode: 'command' });
    const { pendingNotification } = await import('../../../electron/engine/hierarchy/child-notifier');
    expect(pendingNotification(again.siteDatabase('PR1'))).toBeUndefined();
  });

  it('refuses a manual sync on a child site, with the reason', async () => {
    const { engine } = await hierarchy();
    await expect(engine.call('runSynchronization', { site: 'PR1', kind: 'delta', trigger: 'manual', wait: false })).rejects.toMatchObject({
      code: 'NOT_ALLOWED',
      message: expect.stringContaining(
        'You cannot run a manual synchronization on PR1: it is a child site. Child sites synchronize when their parent site CEN asks them to',
      ),
    });
    await expect(
      engine.call('setSupConfig', {
        site: 'SE1',
        config: { source: { kind: 'sample' }, products: [], classifications: [], languages: ['en'], retryMinutes: 60 },
      }),
    ).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    // A child's source is its parent, said so (not the sample catalog), and only a child has one.
    expect(await engine.call('getSupConfig', { site: 'SE1' })).toMatchObject({ source: { kind: 'parent', site: 'PR1' } });
    const top = await engine.call('getSupConfig', { site: 'CEN' });
    await expect(engine.call('setSupConfig', { site: 'CEN', config: { ...top, source: { kind: 'parent', site: 'PR1' } } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'CEN is the top-level site: it has no parent to synchronize from.',
    });
  });

  it('validates sites: unique codes, a known parent, no removal of a parent or of the top-level site', async () => {
    const { engine } = await hierarchy();
    await expect(engine.call('addSite', { code: 'PR1', name: 'Again', parent: 'CEN' })).rejects.toMatchObject({
      message: 'A site with code PR1 already exists.',
    });
    await expect(engine.call('addSite', { code: 'PR9', name: 'Orphan', parent: 'XYZ' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.call('removeSite', { site: 'PR1' })).rejects.toMatchObject({ message: 'Site PR1 has child sites (SE1); remove or move them first.' });
    await expect(engine.call('removeSite', { site: 'CEN' })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    const removed = await engine.call('removeSite', { site: 'SE1' });
    expect(removed.keptAs).toMatch(/SE1\.sqlite\.removed-/);
    expect((await engine.call('listSites', {})).map((site) => site.code)).toEqual(['CEN', 'PR1', 'PR2']);
  });

  it('a child whose parent is unreachable fails with 6703, retries with backoff on schedule, and succeeds once the parent is back', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    const { engine } = await hierarchy(clock);
    const port = await freePort();
    // PR2 is a child on "another machine": pointed at its parent's URL, where nothing answers yet.
    const pr2 = await engine.call('getSupConfig', { site: 'PR2' });
    const database = engine.siteDatabase('PR2');
    const { writeSupConfig } = await import('../../../electron/engine/settings/sup-config');
    writeSupConfig(database, {
      ...pr2,
      source: { kind: 'upstream', url: `http://127.0.0.1:${port}` },
    });

    const all = finished(engine, ['CEN', 'PR1', 'PR2', 'SE1']);
    await engine.call('runSynchronization', { site: 'CEN', kind: 'full', trigger: 'schedule', wait: false });
    const runs = await all;
    expect(runs.get('PR2')).toMatchObject({ outcome: 'failed', error: { code: 'UPSTREAM_NETWORK' } });
    expect(runs.get('PR1')).toMatchObject({ outcome: 'succeeded' });
    expect(runs.get('SE1')).toMatchObject({ outcome: 'succeeded' });
    const status = await engine.call('queryStatusMessages', { site: 'PR2', limit: 1 });
    expect(status[0]).toMatchObject({
      id: 6703,
      insertionStrings: ['UpstreamServer.GetAuthConfig', expect.stringContaining('Could not reach the upstream server')],
    });
    let view = await engine.call('getHierarchy', {});
    expect(view.find((entry) => entry.site.code === 'PR2')).toMatchObject({ nextRetry: '2026-11-23T09:00:00.000Z', failures: 1, drift: true });
    // Synchronization Status: three levels, one failed child, each row saying what an administrator asks first.
    const rows = Object.fromEntries((await engine.call('getSyncStatus', {})).map((row) => [row.site, row]));
    expect(Object.keys(rows).sort()).toEqual(['CEN', 'PR1', 'PR2', 'SE1']);
    expect(rows.CEN).toMatchObject({ parent: null, state: 'synced', lastError: null, contentVersion: 1, parentContentVersion: null, nextRetry: null });
    expect(rows.CEN!.lastSuccess).not.toBeNull();
    expect(rows.PR1).toMatchObject({ parent: 'CEN', source: 'Parent site CEN', state: 'synced', contentVersion: 1, parentContentVersion: 1 });
    expect(rows.SE1).toMatchObject({ parent: 'PR1', source: 'Parent site PR1', state: 'synced', parentContentVersion: 1 });
    expect(rows.PR2).toMatchObject({
      parent: 'CEN',
      state: 'retrying',
      lastSuccess: null,
      lastAttempt: { outcome: 'failed', kind: 'full', trigger: 'parent' },
      lastError: { code: 'UPSTREAM_NETWORK' },
      contentVersion: 0,
      parentContentVersion: 1,
      nextRetry: '2026-11-23T09:00:00.000Z',
    });
    expect(rows.PR2!.source).toContain(`127.0.0.1:${port}`);

    // Still down at the first retry: the next one waits twice as long.
    let retry = finished(engine, ['PR2']);
    clock.advanceTo('2026-11-23T09:00:00Z');
    expect((await retry).get('PR2')).toMatchObject({ trigger: 'retry', outcome: 'failed' });
    view = await engine.call('getHierarchy', {});
    expect(view.find((entry) => entry.site.code === 'PR2')).toMatchObject({ nextRetry: '2026-11-23T11:00:00.000Z', failures: 2 });

    // The parent comes back on that address.
    await engine.call('serveSite', { site: 'CEN', port, bind: '127.0.0.1' });
    retry = finished(engine, ['PR2']);
    clock.advanceTo('2026-11-23T11:00:00Z');
    expect((await retry).get('PR2')).toMatchObject({ trigger: 'retry', outcome: 'succeeded' });
    expect(await snapshot(engine, 'PR2')).toEqual(await snapshot(engine, 'CEN'));
    view = await engine.call('getHierarchy', {});
    expect(view.find((entry) => entry.site.code === 'PR2')).toMatchObject({ nextRetry: null, failures: 0, drift: false });
  }, 30_000);
});
