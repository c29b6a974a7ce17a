/** A worker killed in the middle of a sync: on restart the engine resumes it and ends where an uninterrupted sync ends. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../../shared/contract';
import type { SyncRun } from '../../../shared/domain';
import { startConsoleHost, type ConsoleHost } from '../../../electron/host/console-host';
import { builtPaths } from '../../helpers/built';
import { EVERY_CLASSIFICATION, EVERY_PRODUCT, snapshotUpdates, useSyncFixture } from '../../helpers/sync-fixture';
import { crashableWorkers } from '../../helpers/crashable-worker';

const fixture = useSyncFixture();
const hosts: ConsoleHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
});

function nextEvent<E extends ConsoleEvent['name']>(
  host: ConsoleHost,
  name: E,
  accept: (event: Extract<ConsoleEvent, { name: E }>) => boolean,
): Promise<Extract<ConsoleEvent, { name: E }>> {
  return new Promise((resolve) => {
    const off = host.onEvent((event) => {
      if (event.name === name && accept(event as Extract<ConsoleEvent, { name: E }>)) {
        off();
        resolve(event as Extract<ConsoleEvent, { name: E }>);
      }
    });
  });
}

describe('resume after a crash', () => {
  it('records a sync killed right after its first batch as interrupted, keeps that batch, resumes it and ends with the same database', async () => {
    const paths = builtPaths();
    const { url } = await fixture.service({ updates: 1200, maxUpdatesPerRequest: 20 });
    const config = {
      source: { kind: 'upstream' as const, url },
      products: EVERY_PRODUCT,
      classifications: EVERY_CLASSIFICATION,
      languages: ['en'],
      retryMinutes: 60,
    };

    const dataDir = fixture.tempDir();
    const workers = crashableWorkers();
    const host = await startConsoleHost({
      dataDir,
      workerPath: paths.workerPath,
      sqlWasmPath: paths.sqlWasmPath,
      tuning: { retryDelayMs: 0 },
      engine: { restartDelayMs: () => 10, createWorker: workers.createWorker },
    });
    hosts.push(host);
    expect(await host.dispatch('setSupConfig', { site: 'CEN', config })).toMatchObject({ ok: true });
    // The first batch committed (the metadata progress counts committed revisions): long before any checkpoint a whole-file save would have made.
    const applying = nextEvent(host, 'progress', (event) => event.payload.phase === 'metadata' && event.payload.done >= 1);
    expect(await host.dispatch('runSynchronization', { site: 'CEN', kind: 'full', trigger: 'schedule' })).toMatchObject({
      ok: true,
      value: { status: 'started' },
    });
    await applying;
    const starting: string[] = [];
    host.onEvent((event) => {
      if (event.name === 'engineStatus') starting.push(event.payload.message);
    });
    const resumed = nextEvent(host, 'syncFinished', (event) => event.payload.trigger === 'resume');
    await workers.crash();
    const run: SyncRun = (await resumed).payload;
    expect(run).toMatchObject({ outcome: 'succeeded', kind: 'full', trigger: 'resume' });
    // The killed first sync had set the repository's indexes aside: the restarted engine built them before serving
    // the site, and the console's status said so while it restarted.
    expect(starting.filter((message) => message.startsWith("Building the repository's indexes of CEN.sqlite"))).toHaveLength(1);

    const history = await host.dispatch('querySyncHistory', { site: 'CEN' });
    expect(history).toMatchObject({
      ok: true,
      value: [
        { trigger: 'resume', outcome: 'succeeded' },
        { trigger: 'schedule', outcome: 'interrupted' },
      ],
    });
    const interrupted = (history as { value: SyncRun[] }).value[1]!;
    // Every batch committed before the kill was on disk.
    expect(interrupted.counts.new).toBeGreaterThanOrEqual(20);
    // The resumed run only fetched what the interrupted one had not applied.
    expect(run.counts.new + interrupted.counts.new).toBeGreaterThanOrEqual(1200);

    const reference = await fixture.engine(fixture.tempDir());
    await fixture.configure(reference, url, { languages: ['en'] });
    await fixture.sync(reference, 'full');
    const page = await host.dispatch('queryUpdates', { site: 'CEN', limit: 1000, includeBundled: true, includeRemoved: true });
    const total = (page as { value: { total: number } }).value.total;
    const all: string[] = [];
    for (let offset = 0; offset < total; offset += 1000) {
      const chunk = (await host.dispatch('queryUpdates', { site: 'CEN', offset, limit: 1000, includeBundled: true, includeRemoved: true })) as {
        value: { rows: Array<{ updateId: string; revision: number; state: string; superseded: boolean; title: string }> };
      };
      all.push(...chunk.value.rows.map((row) => `${row.updateId} ${row.revision} ${row.state} ${row.superseded} ${row.title}`));
    }
    expect(all.sort()).toEqual(await snapshotUpdates(reference, total));
    // Searched from the full-text index the resumed run built: the same matches as the uninterrupted site's.
    for (const search of ['Update', 'Cumulative x64', 'Security']) {
      const query = { site: 'CEN', search, offset: 0, limit: 1000, sort: 'title', direction: 'asc', includeBundled: true, includeRemoved: true } as const;
      const mine = (await host.dispatch('queryUpdates', query)) as { value: { total: number; rows: Array<{ updateId: string }> } };
      const theirs = await reference.call('queryUpdates', query);
      expect(mine.value.total, search).toBe(theirs.total);
      expect(mine.value.rows.map((row) => row.updateId).sort(), search).toEqual(theirs.rows.map((row) => row.updateId).sort());
    }
  }, 60_000);
});
