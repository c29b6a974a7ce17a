import { describe, expect, it } from 'vitest';
import { SyncScheduler, type SchedulerHost } from '../../../electron/engine/schedule/sync-scheduler';
import type { SyncSchedule } from '../../../shared/schedule/schedule-model';
import { ManualClock } from '../../helpers/manual-clock';

function everySixHours(start = '2026-11-23T00:00'): SyncSchedule {
  return {
    enabled: true,
    mode: 'custom',
    simple: { every: 7, unit: 'days' },
    start,
    utc: true,
    startIsDefault: false,
    recurrence: { type: 'interval', every: 6, unit: 'hours' },
  };
}

function setup(schedule: SyncSchedule | undefined, lastFired?: string) {
  const state = { schedule, lastFired: lastFired === undefined ? undefined : new Date(lastFired) };
  const fired: Array<{ due: string; at: string; reason: string }> = [];
  const clock = new ManualClock(Date.parse('2026-11-23T00:00:00Z'));
  const host: SchedulerHost = {
    scheduledSites: () => ['CEN'],
    readSchedule: () => state.schedule,
    readLastFired: () => state.lastFired,
    writeLastFired: (_site, due) => {
      state.lastFired = due;
    },
    fire: (_site, due, reason) => fired.push({ due: due.toISOString(), at: clock.now().toISOString(), reason }),
  };
  const scheduler = new SyncScheduler(host, clock, 'Europe/Berlin');
  return { state, fired, clock, scheduler };
}

describe('sync scheduler', () => {
  it('fires at each due time with a single timer, and never early', () => {
    const { fired, clock, scheduler } = setup(everySixHours(), '2026-11-23T00:00:00Z');
    scheduler.start();
    expect(clock.armed).toBe(1);
    clock.advanceTo('2026-11-24T00:00:00Z');
    expect(fired).toEqual(
      ['2026-11-23T06:00', '2026-11-23T12:00', '2026-11-23T18:00', '2026-11-24T00:00'].map((time) => ({
        due: `${time}:00.000Z`,
        at: `${time}:00.000Z`,
        reason: 'due',
      })),
    );
    expect(clock.armed).toBe(1);
  });

  it('catches up once, logged as missed, after the console was closed across several due times', () => {
    const { fired, clock, scheduler } = setup(everySixHours('2026-11-19T00:00'), '2026-11-20T00:00:00Z');
    clock.time = Date.parse('2026-11-23T09:30:00Z');
    scheduler.start();
    expect(fired).toEqual([{ due: '2026-11-20T06:00:00.000Z', at: '2026-11-23T09:30:00.000Z', reason: 'missed' }]);
    clock.advanceTo('2026-11-23T12:00:00Z');
    expect(fired.at(-1)).toEqual({ due: '2026-11-23T12:00:00.000Z', at: '2026-11-23T12:00:00.000Z', reason: 'due' });
    expect(fired).toHaveLength(2);
  });

  it('runs a schedule left at its default start at once, then by recurrence', () => {
    const { fired, clock, scheduler } = setup({ ...everySixHours('2026-11-23T00:00'), startIsDefault: true });
    scheduler.start();
    expect(fired).toEqual([{ due: '2026-11-23T00:00:00.000Z', at: '2026-11-23T00:00:00.000Z', reason: 'first' }]);
    clock.advanceTo('2026-11-23T06:00:00Z');
    expect(fired).toHaveLength(2);
  });

  it('re-arms at once when the schedule is edited, without firing twice or losing the next run', () => {
    const { state, fired, clock, scheduler } = setup(everySixHours(), '2026-11-23T00:00:00Z');
    scheduler.start();
    clock.advanceTo('2026-11-23T05:00:00Z');
    // As the engine saves an edited schedule: runs before the edit are not "missed".
    state.schedule = { ...everySixHours(), recurrence: { type: 'interval', every: 1, unit: 'hours' } };
    state.lastFired = clock.now();
    scheduler.reschedule();
    expect(fired).toEqual([]);
    expect(clock.armed).toBe(1);
    expect(scheduler.upcoming('CEN')?.toISOString()).toBe('2026-11-23T06:00:00.000Z');
    clock.advanceTo('2026-11-23T07:00:00Z');
    expect(fired.map((entry) => entry.at)).toEqual(['2026-11-23T06:00:00.000Z', '2026-11-23T07:00:00.000Z']);
  });

  it('arms nothing when the schedule is disabled', () => {
    const { clock, scheduler } = setup({ ...everySixHours(), enabled: false });
    scheduler.start();
    expect(clock.armed).toBe(0);
  });
});
