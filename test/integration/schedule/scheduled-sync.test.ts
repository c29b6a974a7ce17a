import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyncSchedule } from '../../../shared/schedule/schedule-model';
import { ManualClock } from '../../helpers/manual-clock';
import { EVERY_CLASSIFICATION, EVERY_PRODUCT, useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

const everySixHours: SyncSchedule = {
  enabled: true,
  mode: 'custom',
  simple: { every: 7, unit: 'days' },
  start: '2026-11-23T00:00',
  utc: true,
  startIsDefault: false,
  recurrence: { type: 'interval', every: 6, unit: 'hours' },
};

describe('scheduled synchronization in the engine', () => {
  it('runs a full sync with trigger "schedule" at each due time, and queues one that falls due during a sync', async () => {
    const { url } = await fixture.service({ updates: 600, maxUpdatesPerRequest: 20 });
    const clock = new ManualClock(Date.parse('2026-11-23T05:00:00Z'));
    const engine = await fixture.engine(fixture.tempDir(), { clock });
    await fixture.configure(engine, url);
    const info = await engine.call('setSchedule', { site: 'CEN', schedule: everySixHours });
    expect(info.nextRuns.slice(0, 2)).toEqual(['2026-11-23T06:00:00.000Z', '2026-11-23T12:00:00.000Z']);
    expect(info.description).toBe('Every 6 hours from 2026-11-23 00:00 UTC');

    // A manual sync is running when the schedule falls due: the scheduled one waits, then runs.
    const manual = engine.syncs.request('CEN', { kind: 'delta', trigger: 'manual' });
    clock.advanceTo('2026-11-23T06:00:00Z');
    expect(engine.syncs.state('CEN')).toMatchObject({ running: { trigger: 'manual' }, pending: { kind: 'full', trigger: 'schedule' } });
    await manual.done;
    await engine.waitForSync('CEN');
    clock.advanceTo('2026-11-23T12:00:00Z');
    await engine.waitForSync('CEN');
    const history = await engine.call('querySyncHistory', { site: 'CEN', limit: 10 });
    expect(history.map((run) => `${run.trigger}/${run.kind}/${run.outcome}/${run.startedAt}`)).toEqual([
      'schedule/full/succeeded/2026-11-23T12:00:00.000Z',
      'schedule/full/succeeded/2026-11-23T06:00:00.000Z',
      'manual/full/succeeded/2026-11-23T05:00:00.000Z',
    ]);
  });

  it('lists the run a default start makes at once first, in the preview and in what saving answers, and runs it then', async () => {
    const { url } = await fixture.service({ updates: 50 });
    const now = Date.parse('2026-11-23T05:00:30Z');
    const clock = new ManualClock(now);
    const engine = await fixture.engine(fixture.tempDir(), { clock });
    await fixture.configure(engine, url);
    const asSoonAsSaved = { ...everySixHours, startIsDefault: true };
    const preview = await engine.call('previewSchedule', { site: 'CEN', schedule: asSoonAsSaved, count: 3 });
    const first = Date.parse(preview.nextRuns[0]!);
    // The start is now (to the minute): the run saving makes at once, then every 6 hours from it.
    expect(now - first).toBeGreaterThanOrEqual(0);
    expect(now - first).toBeLessThan(60_000);
    expect(preview.nextRuns.slice(1).map(Date.parse)).toEqual([first + 6 * 3_600_000, first + 12 * 3_600_000]);
    const saved = await engine.call('setSchedule', { site: 'CEN', schedule: asSoonAsSaved });
    expect(saved.nextRuns.slice(0, 3)).toEqual(preview.nextRuns);
    await engine.waitForSync('CEN');
    const [run] = await engine.call('querySyncHistory', { site: 'CEN', limit: 1 });
    expect(run).toMatchObject({ trigger: 'schedule', startedAt: new Date(now).toISOString() });
    // Once it ran, the schedule's next run is the one after it.
    expect(Date.parse((await engine.call('getSchedule', { site: 'CEN' })).nextRuns[0]!)).toBe(first + 6 * 3_600_000);
    // An explicit start in the past waits for its next listed time, and the preview says so.
    const explicit = await engine.call('previewSchedule', { site: 'CEN', schedule: everySixHours, count: 1 });
    expect(explicit.nextRuns).toEqual(['2026-11-23T06:00:00.000Z']);
  });

  it('skips the schedule of a site set to "Do not synchronize", saying so, with no failed run and no retry', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T05:00:00Z'));
    const engine = await fixture.engine(fixture.tempDir(), { clock });
    await fixture.configure(engine, 'http://127.0.0.1:9', { source: { kind: 'none' } });
    await engine.call('setSchedule', { site: 'CEN', schedule: everySixHours });
    clock.advanceTo('2026-11-23T12:00:00Z');
    await engine.waitForSync('CEN');
    expect(await engine.call('querySyncHistory', { site: 'CEN', limit: 10 })).toEqual([]);
    expect(await engine.call('getSyncState', { site: 'CEN' })).toMatchObject({ nextRetry: null });
    engine.logFor('CEN').flush();
    const log = readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log).toContain(
      'The scheduled synchronization due at 2026-11-23T06:00:00.000Z was skipped: the Software Update Point is set to "Do not synchronize"',
    );
    expect(log).toContain('The scheduled synchronization due at 2026-11-23T12:00:00.000Z was skipped');
  });

  it('refuses an invalid schedule with the field named, and keeps the old one', async () => {
    const engine = await fixture.engine(fixture.tempDir());
    await engine.call('setSchedule', { site: 'CEN', schedule: everySixHours });
    const host = {
      dispatch: (await import('../../../electron/host/dispatcher')).createDispatcher(
        { call: async (method, params) => ({ ok: true, value: await engine.callChecked(method, params) }) },
        {
          getInfo: () => {
            throw new Error('unused');
          },
        },
      ),
    };
    const outcome = await host.dispatch('setSchedule', {
      site: 'CEN',
      schedule: { ...everySixHours, recurrence: { type: 'interval', every: 24, unit: 'hours' } },
    });
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('schedule.recurrence.every: A custom interval runs every 1 to 23 hours') },
    });
    expect(await engine.call('getSchedule', { site: 'CEN' })).toMatchObject({ schedule: everySixHours });
  });
});

describe('a week of scheduled synchronizations, on a clock the test moves', () => {
  it('runs the 28 full syncs of a week of an every-6-hours schedule, in order, each at its time', async () => {
    const { url } = await fixture.service({ updates: 40 });
    const origin = Date.parse('2026-11-23T00:00:00.000Z');
    const clock = new ManualClock(origin);
    const engine = await fixture.engine(fixture.tempDir(), { clock });
    await fixture.configure(engine, url, { products: EVERY_PRODUCT, classifications: EVERY_CLASSIFICATION, languages: ['en'] });
    await engine.call('setSchedule', { site: 'CEN', schedule: everySixHours });
    for (let run = 1; run <= 28; run++) {
      clock.advanceTo(new Date(origin + run * 6 * 3_600_000));
      await engine.waitForSync('CEN');
    }
    const runs = (await engine.call('querySyncHistory', { site: 'CEN', limit: 100 })).slice().reverse();
    expect(runs).toHaveLength(28);
    runs.forEach((run, index) => {
      const due = new Date(origin + (index + 1) * 6 * 3_600_000).toISOString();
      expect(run, `run ${index + 1}`).toMatchObject({ trigger: 'schedule', kind: 'full', outcome: 'succeeded', scheduledFor: due, startedAt: due });
    });
    // Nothing else is armed than the next run.
    expect(clock.armed).toBe(1);
  });
});
