import { describe, expect, it } from 'vitest';
import { customScheduleDefaults, defaultSchedule, describeSchedule, type SyncSchedule } from '../../../shared/schedule/schedule-model';

const now = new Date('2026-11-29T18:27:00Z'); // a Sunday

describe('the Custom Schedule dialog opens on a schedule that runs', () => {
  /** The next whole hour after a time, on this machine's wall clock (the suite also runs in a half-hour zone). */
  const nextLocalHour = (time: Date) => {
    const next = new Date(time.getTime());
    next.setHours(next.getHours() + 1, 0, 0, 0);
    const pad = (value: number) => String(value).padStart(2, '0');
    return { start: `${next.getFullYear()}-${pad(next.getMonth() + 1)}-${pad(next.getDate())}T${pad(next.getHours())}:00`, weekday: next.getDay() };
  };

  it('starts in local time (UTC not ticked, as in ConfigMgr) at the next whole hour, recurring weekly on that day', () => {
    const { start, weekday } = nextLocalHour(now);
    const expected = { mode: 'custom', utc: false, start, recurrence: { type: 'weekly', everyWeeks: 1, weekday }, startIsDefault: false };
    expect(customScheduleDefaults(defaultSchedule(now), now)).toMatchObject(expected);
    const pastOnce: SyncSchedule = { ...defaultSchedule(now), mode: 'custom', start: '2026-11-29T18:26', recurrence: { type: 'none' } };
    expect(customScheduleDefaults(pastOnce, now)).toMatchObject(expected);
    // Late in a day the next hour is the next day: the weekday follows the start.
    const lateEvening = new Date(now.getTime());
    lateEvening.setHours(23, 40, 0, 0);
    const late = nextLocalHour(lateEvening);
    expect(late.weekday).toBe((lateEvening.getDay() + 1) % 7);
    expect(customScheduleDefaults(defaultSchedule(lateEvening), lateEvening)).toMatchObject({ start: late.start, recurrence: { weekday: late.weekday } });
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

describe('a start the dialog cannot use', () => {
  it('asks for a date and a time when the box is empty, and shows the written form for a malformed one', async () => {
    const { SyncScheduleSchema } = await import('../../../shared/schedule/schedule-model');
    const problem = (start: string) =>
      SyncScheduleSchema.safeParse({ ...defaultSchedule(now), start }).error?.issues.find((issue) => issue.path[0] === 'start')?.message;
    expect(problem('')).toBe('Enter a start date and a start time');
    expect(problem('24.11.2026 03:00')).toBe('The start must be a date and time written as YYYY-MM-DDTHH:mm, such as 2026-11-24T03:00');
    expect(problem('2026-02-30T03:00')).toBe('2026-02-30T03:00 is not a valid date and time');
    expect(problem('2026-11-24T03:00')).toBeUndefined();
  });
});
