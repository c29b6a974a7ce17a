/** A site set to "Do not synchronize" is kept current by catalog imports: a synchronization is refused, not failed. */
import { describe, expect, it } from 'vitest';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

describe('a site set to "Do not synchronize"', () => {
  it('refuses Run Synchronization and Retry with the reason, records no run and keeps no retry', async () => {
    const { url, service } = await fixture.service({ updates: 20, seed: 5 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    // A failed sync first: its automatic retry is pending.
    service.injectFault({ kind: 'http500', operation: 'GetConfigData', times: 50 });
    const failed = await fixture.sync(engine, 'delta');
    expect(failed.outcome).toBe('failed');
    expect((await engine.call('getSyncState', { site: 'CEN' })).nextRetry).not.toBeNull();
    service.clearFaults();

    await fixture.configure(engine, url, { source: { kind: 'none' } });
    // Set to "Do not synchronize", nothing is left to retry.
    expect((await engine.call('getSyncState', { site: 'CEN' })).nextRetry).toBeNull();
    const [entry] = await engine.call('getHierarchy', {});
    expect(entry).toMatchObject({ site: { code: 'CEN' }, sourceKind: 'none', nextRetry: null });

    for (const kind of ['delta', 'full'] as const) {
      for (const trigger of ['manual', 'cli', 'schedule'] as const) {
        await expect(engine.call('runSynchronization', { site: 'CEN', kind, trigger, wait: true })).rejects.toMatchObject({
          code: 'NOT_ALLOWED',
          message: expect.stringContaining('CEN is set to "Do not synchronize": it is kept current by catalog imports (Import Catalog…)'),
        });
      }
    }
    await expect(engine.call('retrySynchronization', { site: 'CEN' })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    // The failed run before is still the last one: no run was recorded for the refusals.
    const history = await engine.call('querySyncHistory', { site: 'CEN' });
    expect(history.map((run) => run.runId)).toEqual([failed.runId]);
  });
});
