/**
 * A large metadata fetch is shared between two fetch workers (the built fetch-worker.js, as the engine runs it): every
 * revision arrives once, a worker's failure stops the other without losing what it had on its way, and the next sync
 * fetches exactly what is missing.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUT_DIR } from '../../helpers/built';
import { snapshotUpdates, useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();
const fetchWorkerPath = join(OUT_DIR, 'engine', 'fetch-worker.js');

describe('metadata fetched by two workers', () => {
  it('brings every revision once: the same repository as one client fetching alone', async () => {
    const { url, service } = await fixture.service({ updates: 500, seed: 71, maxUpdatesPerRequest: 20 });
    const reference = await fixture.engine(fixture.tempDir());
    await fixture.configure(reference, url);
    const cookiesBefore = service.stats.requests.GetCookie ?? 0;
    const alone = await fixture.sync(reference, 'full');
    const cookiesAlone = (service.stats.requests.GetCookie ?? 0) - cookiesBefore;

    const shared = await fixture.engine(fixture.tempDir(), { fetchWorkerPath, fetchWorkers: 2 });
    await fixture.configure(shared, url);
    const servedBefore = service.stats.updatesServed;
    const run = await fixture.sync(shared, 'full');
    expect(run).toMatchObject({ outcome: 'succeeded', counts: alone.counts });
    // One sign-in for the whole sync: the workers fetch on the engine's cookie, as the in-thread client does.
    expect(cookiesAlone).toBe(1);
    expect((service.stats.requests.GetCookie ?? 0) - cookiesBefore - cookiesAlone).toBe(1);
    // Nothing was asked for twice.
    expect(service.stats.updatesServed - servedBefore).toBe(alone.counts.new + (await categoriesOf(reference)));
    const total = (await snapshotUpdates(reference)).length;
    expect(await snapshotUpdates(shared, total)).toEqual(await snapshotUpdates(reference, total));
  });

  it('stops the other worker when one fails, keeps what arrived, and the next sync fetches only what is missing', async () => {
    const { url, service } = await fixture.service({ updates: 500, seed: 72, maxUpdatesPerRequest: 20 });
    const reference = await fixture.engine(fixture.tempDir());
    await fixture.configure(reference, url);
    await fixture.sync(reference, 'full');

    const engine = await fixture.engine(fixture.tempDir(), { fetchWorkerPath, fetchWorkers: 2 });
    await fixture.configure(engine, url);
    // Metadata requests fail for good from the twelfth on: whichever worker meets it first fails its fetch.
    service.injectFault({ kind: 'http500', operation: 'GetUpdateData', after: 11, times: 100_000 });
    const failed = await fixture.sync(engine, 'full');
    expect(failed).toMatchObject({ outcome: 'failed' });
    expect(failed.counts.new).toBeGreaterThan(0);
    service.clearFaults();
    const servedBefore = service.stats.updatesServed;
    const resumed = await fixture.sync(engine, 'full');
    expect(resumed).toMatchObject({ outcome: 'succeeded' });
    // The second sync asked only for what the first did not apply (each revision is served once more at most when
    // an answer on its way was cut off by the failure).
    const reachable = (await snapshotUpdates(reference)).length;
    expect(failed.counts.new + resumed.counts.new).toBe(reachable);
    expect(service.stats.updatesServed - servedBefore).toBeLessThanOrEqual(resumed.counts.new + (await categoriesOf(reference)));
    expect(await snapshotUpdates(engine, reachable)).toEqual(await snapshotUpdates(reference, reachable));
  });

  it('is cancelled at once, both workers with it', async () => {
    const { url } = await fixture.service({ updates: 2_500, seed: 73, maxUpdatesPerRequest: 20 });
    const engine = await fixture.engine(fixture.tempDir(), { fetchWorkerPath, fetchWorkers: 2 });
    await fixture.configure(engine, url);
    const applying = new Promise<void>((resolve) => {
      const off = engine.onEvent((event) => {
        if (event.name === 'progress' && event.payload.phase === 'metadata' && event.payload.done > 0) {
          off();
          resolve();
        }
      });
    });
    const running = fixture.sync(engine, 'full');
    await applying;
    await engine.call('cancelSynchronization', { site: 'CEN' });
    const run = await running;
    expect(run).toMatchObject({ outcome: 'cancelled' });
    expect(run.counts.new).toBeGreaterThan(0);
  });
});

/** Categories, classifications and detectoids the site holds: fetched with the updates, counted apart. */
async function categoriesOf(engine: Awaited<ReturnType<ReturnType<typeof useSyncFixture>['engine']>>): Promise<number> {
  const db = engine.siteDatabase('CEN').db;
  return Number(db.exec('SELECT (SELECT count(*) FROM category) + (SELECT count(*) FROM detectoid)')[0]!.values[0]![0]);
}
