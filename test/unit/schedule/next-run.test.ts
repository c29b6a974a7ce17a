import { describe, expect, it } from 'vitest';
import { nextRunAfter, nextRuns } from '../../../shared/schedule/next-run';
import { SyncScheduleSchema, type Recurrence, type SyncSchedule } from '../../../shared/schedule/schedule-model';
import { decodeScheduleToken, encodeScheduleToken, scheduleToToken, splitScheduleString, tokenToSchedule } from '../../../shared/schedule/schedule-token';

function custom(start: string, recurrence: Recurrence, utc = false): SyncSchedule {
  return { enabled: true, mode: 'custom', simple: { every: 7, unit: 'days' }, start, utc, startIsDefault: false, recurrence };
}
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());
const at = (text: string) => new Date(text);

describe('schedule validation', () => {
  it.each([
    [{ mode: 'simple', simple: { every: 24, unit: 'hours' } }, 'simple.every', 'A simple schedule runs every 1 to 23 hours'],
    [{ mode: 'simple', simple: { every: 5, unit: 'weeks' } }, 'simple.every', 'A simple schedule runs every 1 to 4 weeks'],
    [{ recurrence: { type: 'interval', every: 60, unit: 'minutes' } }, 'recurrence.every', 'A custom interval runs every 1 to 59 minutes'],
    [{ recurrence: { type: 'weekly', everyWeeks: 5, weekday: 2 } }, 'recurrence.everyWeeks', 'A weekly schedule recurs every 1 to 4 weeks'],
    [{ recurrence: { type: 'monthlyByDate', day: 32, everyMonths: 1 } }, 'recurrence.day', 'The day of the month is 1 to 31, or the last day'],
    [
      { recurrence: { type: 'monthlyByWeekday', week: 2, weekday: 2, everyMonths: 13 } },
      'recurrence.everyMonths',
      'A monthly schedule recurs every 1 to 12 months',
    ],
    [{ start: '2026-02-30T03:00' }, 'start', '2026-02-30T03:00 is not a valid date and time'],
  ])('rejects %j naming the field', (change, path, message) => {
    const schedule = { ...custom('2026-01-01T03:00', { type: 'none' }), ...change };
    const result = SyncScheduleSchema.safeParse(schedule);
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([expect.objectContaining({ path: path.split('.'), message })]);
  });
});

describe('next runs', () => {
  it('is off when the schedule is disabled', () => {
    expect(nextRunAfter({ ...custom('2026-01-01T03:00', { type: 'none' }), enabled: false }, at('2025-01-01T00:00Z'), 'UTC')).toBeNull();
  });

  it('runs a non-recurring schedule once', () => {
    const schedule = custom('2026-05-01T22:00', { type: 'none' });
    expect(iso(nextRuns(schedule, at('2026-01-01T00:00Z'), 'Europe/Berlin', 3))).toEqual(['2026-05-01T20:00:00.000Z']);
    expect(nextRunAfter(schedule, at('2026-05-01T20:00Z'), 'Europe/Berlin')).toBeNull();
  });

  it('starts a simple schedule left at its default start as soon as possible, then every 7 days', () => {
    const saved = at('2026-11-23T21:10:00Z');
    const schedule: SyncSchedule = {
      enabled: true,
      mode: 'simple',
      simple: { every: 7, unit: 'days' },
      start: '2026-11-23T21:10',
      utc: true,
      startIsDefault: true,
      recurrence: { type: 'none' },
    };
    expect(iso(nextRuns(schedule, new Date(saved.getTime() - 1), 'Europe/Berlin', 3))).toEqual([
      '2026-11-23T21:10:00.000Z',
      '2026-11-30T21:10:00.000Z',
      '2026-12-07T21:10:00.000Z',
    ]);
  });

  it('keeps the wall-clock time of an every-6-hours schedule across spring-forward (Europe/Berlin)', () => {
    const schedule = custom('2026-03-28T00:00', { type: 'interval', every: 6, unit: 'hours' });
    expect(iso(nextRuns(schedule, at('2026-03-28T12:00Z'), 'Europe/Berlin', 5))).toEqual([
      '2026-03-28T17:00:00.000Z', // 18:00 CET
      '2026-03-28T23:00:00.000Z', // 00:00 CET
      '2026-03-29T04:00:00.000Z', // 06:00 CEST: 5 hours later, no run lost
      '2026-03-29T10:00:00.000Z',
      '2026-03-29T16:00:00.000Z',
    ]);
  });

  it('runs a daily 02:30 schedule after the gap on spring-forward and once on fall-back (Europe/Berlin)', () => {
    const schedule = custom('2026-03-27T02:30', { type: 'interval', every: 1, unit: 'days' });
    expect(iso(nextRuns(schedule, at('2026-03-27T12:00Z'), 'Europe/Berlin', 3))).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    const autumn = custom('2026-10-24T02:30', { type: 'interval', every: 1, unit: 'days' });
    expect(iso(nextRuns(autumn, at('2026-10-24T12:00Z'), 'Europe/Berlin', 2))).toEqual([
      '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST); the repeated hour does not run again
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('does not run twice in the repeated hour of fall-back (hourly, America/New_York)', () => {
    const schedule = custom('2026-10-31T00:00', { type: 'interval', every: 1, unit: 'hours' });
    expect(iso(nextRuns(schedule, at('2026-11-01T04:30Z'), 'America/New_York', 4))).toEqual([
      '2026-11-01T05:00:00.000Z', // 01:00 EDT
      '2026-11-01T07:00:00.000Z', // 02:00 EST (01:00 EST is the same wall-clock time: not repeated)
      '2026-11-01T08:00:00.000Z',
      '2026-11-01T09:00:00.000Z',
    ]);
  });

  it('keeps 03:00 local for a weekly schedule across spring-forward (America/New_York)', () => {
    const schedule = custom('2026-02-24T03:00', { type: 'weekly', everyWeeks: 1, weekday: 0 });
    expect(iso(nextRuns(schedule, at('2026-03-01T00:00Z'), 'America/New_York', 3))).toEqual([
      '2026-03-01T08:00:00.000Z', // Sunday 03:00 EST
      '2026-03-08T07:00:00.000Z', // Sunday 03:00 EDT (the change day)
      '2026-03-15T07:00:00.000Z',
    ]);
  });

  it('runs every 2 weeks on the chosen weekday, from the first one on or after the start', () => {
    const schedule = custom('2026-01-01T04:00', { type: 'weekly', everyWeeks: 2, weekday: 1 }, true);
    expect(iso(nextRuns(schedule, at('2025-12-01T00:00Z'), 'UTC', 3))).toEqual([
      '2026-01-05T04:00:00.000Z',
      '2026-01-19T04:00:00.000Z',
      '2026-02-02T04:00:00.000Z',
    ]);
  });

  it('runs a day-31 monthly schedule on the last day of shorter months, and handles leap years', () => {
    const schedule = custom('2028-01-31T01:00', { type: 'monthlyByDate', day: 31, everyMonths: 1 }, true);
    expect(iso(nextRuns(schedule, at('2028-01-01T00:00Z'), 'UTC', 5))).toEqual([
      '2028-01-31T01:00:00.000Z',
      '2028-02-29T01:00:00.000Z',
      '2028-03-31T01:00:00.000Z',
      '2028-04-30T01:00:00.000Z',
      '2028-05-31T01:00:00.000Z',
    ]);
    const last = custom('2027-01-10T01:00', { type: 'monthlyByDate', day: 0, everyMonths: 1 }, true);
    expect(iso(nextRuns(last, at('2027-01-01T00:00Z'), 'UTC', 2))).toEqual(['2027-01-31T01:00:00.000Z', '2027-02-28T01:00:00.000Z']);
  });

  it('runs monthly every 3 months from the start month', () => {
    const schedule = custom('2026-02-15T06:00', { type: 'monthlyByDate', day: 15, everyMonths: 3 }, true);
    expect(iso(nextRuns(schedule, at('2026-03-01T00:00Z'), 'UTC', 3))).toEqual([
      '2026-05-15T06:00:00.000Z',
      '2026-08-15T06:00:00.000Z',
      '2026-11-15T06:00:00.000Z',
    ]);
  });

  it('runs on the second Tuesday (Patch Tuesday) at 03:00 Berlin time', () => {
    const schedule = custom('2026-01-01T03:00', { type: 'monthlyByWeekday', week: 2, weekday: 2, everyMonths: 1 });
    expect(iso(nextRuns(schedule, at('2026-01-01T00:00Z'), 'Europe/Berlin', 3))).toEqual([
      '2026-01-13T02:00:00.000Z',
      '2026-02-10T02:00:00.000Z',
      '2026-03-10T02:00:00.000Z',
    ]);
  });

  it('finds the last Friday of every month, in 30- and 31-day months and in a leap February', () => {
    const schedule = custom('2028-01-01T22:00', { type: 'monthlyByWeekday', week: 0, weekday: 5, everyMonths: 1 }, true);
    expect(iso(nextRuns(schedule, at('2028-01-01T00:00Z'), 'UTC', 4))).toEqual([
      '2028-01-28T22:00:00.000Z',
      '2028-02-25T22:00:00.000Z',
      '2028-03-31T22:00:00.000Z',
      '2028-04-28T22:00:00.000Z',
    ]);
  });

  it('ignores the local time zone for UTC schedules', () => {
    const schedule = custom('2026-03-28T02:30', { type: 'interval', every: 1, unit: 'days' }, true);
    expect(iso(nextRuns(schedule, at('2026-03-28T12:00Z'), 'Europe/Berlin', 2))).toEqual(['2026-03-29T02:30:00.000Z', '2026-03-30T02:30:00.000Z']);
  });

  it('finds the next run far after the start quickly', () => {
    const schedule = custom('2026-01-01T00:00', { type: 'interval', every: 1, unit: 'minutes' }, true);
    expect(nextRunAfter(schedule, at('2031-06-01T12:00:30Z'), 'UTC')?.toISOString()).toBe('2031-06-01T12:01:00.000Z');
  });
});

describe('schedule tokens', () => {
  it('decodes the published example 1033BC7B10100010 (every 2 days from 11/19/2019 01:04, 2 h 59 min)', () => {
    expect(decodeScheduleToken('1033BC7B10100010')).toEqual({
      start: { year: 2019, month: 11, day: 19, hour: 1, minute: 4 },
      duration: { days: 0, hours: 2, minutes: 59 },
      isGmt: false,
      recurrence: { type: 'interval', every: 2, unit: 'days' },
    });
    expect(encodeScheduleToken(decodeScheduleToken('1033BC7B10100010'))).toBe('1033BC7B10100010');
  });

  it.each<Recurrence>([
    { type: 'none' },
    { type: 'interval', every: 45, unit: 'minutes' },
    { type: 'interval', every: 6, unit: 'hours' },
    { type: 'interval', every: 31, unit: 'days' },
    { type: 'weekly', everyWeeks: 4, weekday: 6 },
    { type: 'monthlyByWeekday', week: 0, weekday: 5, everyMonths: 12 },
    { type: 'monthlyByWeekday', week: 2, weekday: 2, everyMonths: 1 },
    { type: 'monthlyByDate', day: 0, everyMonths: 3 },
    { type: 'monthlyByDate', day: 31, everyMonths: 1 },
  ])('round-trips %j through a token', (recurrence) => {
    for (const utc of [false, true]) {
      const schedule = custom('2026-11-24T03:15', recurrence, utc);
      const token = scheduleToToken(schedule);
      expect(token).toMatch(/^[0-9A-F]{16}$/);
      expect(tokenToSchedule(token)).toEqual(schedule);
    }
  });

  it('keeps the duration fields: 1033BC7B10100010 set as a schedule prints back as 1033BC7B10100010', () => {
    const schedule = tokenToSchedule('1033BC7B10100010');
    expect(schedule).toMatchObject({
      mode: 'custom',
      start: '2019-11-19T01:04',
      duration: { days: 0, hours: 2, minutes: 59 },
      recurrence: { type: 'interval', every: 2, unit: 'days' },
    });
    expect(scheduleToToken(schedule)).toBe('1033BC7B10100010');
  });

  it('writes simple schedules with the start ConfigMgr uses for them (1970-02-01 00:00, local), and reads them back as simple', () => {
    const simple = (every: number, unit: 'hours' | 'days'): SyncSchedule => ({
      enabled: true,
      mode: 'simple',
      simple: { every, unit },
      start: '2026-11-24T03:15',
      utc: true,
      startIsDefault: false,
      recurrence: { type: 'none' },
    });
    // Every 7 days from 1970-02-01 00:00 is the token ConfigMgr writes for its default simple schedule.
    expect(scheduleToToken(simple(7, 'days'))).toBe('0001200000100038');
    expect(decodeScheduleToken(scheduleToToken(simple(6, 'hours')))).toMatchObject({
      start: { year: 1970, month: 2, day: 1, hour: 0, minute: 0 },
      isGmt: false,
      recurrence: { type: 'interval', every: 6, unit: 'hours' },
    });
    expect(tokenToSchedule('0001200000100038')).toMatchObject({ mode: 'simple', simple: { every: 7, unit: 'days' }, startIsDefault: true });
    expect(scheduleToToken({ ...simple(2, 'days'), mode: 'simple', simple: { every: 2, unit: 'weeks' } })).toBe(scheduleToToken(simple(14, 'days')));
  });

  it('reads schedule strings of several tokens, as ConfigMgr stores them', () => {
    expect(splitScheduleString('0001200000100038')).toEqual(['0001200000100038']);
    expect(splitScheduleString('00012000001000381033bc7b10100010')).toEqual(['0001200000100038', '1033BC7B10100010']);
    expect(() => splitScheduleString('0001200000100038123')).toThrow(/not a schedule string/);
    expect(() => splitScheduleString('')).toThrow(/not a schedule string/);
  });

  it('rejects malformed tokens', () => {
    expect(() => decodeScheduleToken('12345')).toThrow(/16 hexadecimal digits/);
    expect(() => decodeScheduleToken('0000000000000000')).toThrow(/unknown recurrence type 0/);
  });
});
