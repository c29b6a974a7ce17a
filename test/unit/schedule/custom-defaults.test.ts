import { describe, expect, it } from 'vitest';
import { customScheduleDefaults, defaultSchedule, describeSchedule, type SyncSchedule } from '../../../shared/schedule/schedule-model';

const now = new Date('2026-11-29T18:27:00Z'); // a Sunday

describe('the Custom Schedule dialog opens on a schedule that runs', () => {
  it('starts at the next whole hour and recurs weekly on that day, from a simple schedule or a past one-time start', () => {
    const expected = { mode: 'custom', start: '2026-11-29T19:00', recurrence: { type: 'weekly', everyWeeks: 1, weekday: 0 }, startIsDefault: false };
    expect(customScheduleDefaults(defaultSchedule(now), now)).toMatchObject(expected);
    const pastOnce: SyncSchedule = { ...defaultSchedule(now), mode: 'custom', start: '2026-11-29T18:26', recurrence: { type: 'none' } };
    expect(customScheduleDefaults(pastOnce, now)).toMatchObject(expected);
    // Late on a Saturday the next hour is Sunday: the weekday follows the start.
    const saturdayNight = new Date('2026-11-28T23:40:00Z');
    expect(customScheduleDefaults(defaultSchedule(saturdayNight), saturdayNight)).toMatchObject({ start: '2026-11-29T00:00', recurrence: { weekday: 0 } });
  });

  it('keeps a custom schedule already set: a recurrence, or a one-time start still to come', () => {
    const monthly: SyncSchedule = {
      ...defaultSchedule(now),
      mode: 'custom',
      start: '2026-01-01T03:00',
      recurrence: { type: 'monthlyByDate', day: 0, everyMonths: 1 },
    };
    expect(customScheduleDefaults(monthly, now)).toMatchObject({ start: '2026-01-01T03:00', recurrence: monthly.recurrence });
    const futureOnce: SyncSchedule = { ...defaultSchedule(now), mode: 'custom', start: '2026-12-24T22:00', recurrence: { type: 'none' } };
    expect(customScheduleDefaults(futureOnce, now).recurrence).toEqual({ type: 'none' });
  });

  it('reads "every day", "every hour", not "every 1 days"', () => {
    const every = (count: number, unit: 'minutes' | 'hours' | 'days') =>
      describeSchedule({ ...defaultSchedule(now), enabled: true, mode: 'custom', recurrence: { type: 'interval', every: count, unit } });
    expect(every(1, 'days')).toBe('Every day from 2026-11-29 18:27 UTC');
    expect(every(1, 'hours')).toMatch(/^Every hour from/);
    expect(every(3, 'days')).toMatch(/^Every 3 days from/);
  });
});
