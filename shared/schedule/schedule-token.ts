/**
 * ConfigMgr schedule tokens: the 16-hex-digit interval strings of SMS_ScheduleMethods (ReadFromString /
 * WriteToString). 64 bits, most significant first:
 *   start minute 6, hour 5, day 5, month 4, year-1970 6, minute duration 6 |
 *   hour duration 5, day duration 5, type 3, type-specific fields …, IsGMT 1 (last bit).
 * Types: 1 non-recurring, 2 interval (minute 6, hour 5, day 5 spans), 3 weekly (day 3 with 1 = Sunday,
 * weeks 3), 4 monthly by weekday (day 3, months 4, week order 3 with 0 = last), 5 monthly by date
 * (month day 5 with 0 = last day, months 4).
 */
import { effectiveRecurrence, type Recurrence, type SyncSchedule } from './schedule-model';

export interface ScheduleToken {
  start: { year: number; month: number; day: number; hour: number; minute: number };
  isGmt: boolean;
  duration: { days: number; hours: number; minutes: number };
  recurrence: Recurrence;
}

export class ScheduleTokenError extends Error {}

const TYPE = { none: 1, interval: 2, weekly: 3, monthlyByWeekday: 4, monthlyByDate: 5 } as const;

function field(value: number, bits: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw new ScheduleTokenError(`${name} ${value} does not fit a schedule token`);
  return value;
}

export function encodeScheduleToken(token: ScheduleToken): string {
  const { start, duration, recurrence } = token;
  const high =
    (field(start.minute, 6, 'Start minute') * 2 ** 26 +
      field(start.hour, 5, 'Start hour') * 2 ** 21 +
      field(start.day, 5, 'Start day') * 2 ** 16 +
      field(start.month, 4, 'Start month') * 2 ** 12 +
      field(start.year - 1970, 6, 'Start year (1970–2033)') * 2 ** 6 +
      field(duration.minutes, 6, 'Minute duration')) >>>
    0;
  let low = field(duration.hours, 5, 'Hour duration') * 2 ** 27 + field(duration.days, 5, 'Day duration') * 2 ** 22 + TYPE[recurrence.type] * 2 ** 19;
  switch (recurrence.type) {
    case 'none':
      break;
    case 'interval': {
      const span = field(recurrence.every, recurrence.unit === 'minutes' ? 6 : 5, 'Interval');
      low += recurrence.unit === 'minutes' ? span * 2 ** 13 : recurrence.unit === 'hours' ? span * 2 ** 8 : span * 2 ** 3;
      break;
    }
    case 'weekly':
      low += field(recurrence.weekday + 1, 3, 'Weekday') * 2 ** 16 + field(recurrence.everyWeeks, 3, 'Weeks') * 2 ** 13;
      break;
    case 'monthlyByWeekday':
      low +=
        field(recurrence.weekday + 1, 3, 'Weekday') * 2 ** 16 +
        field(recurrence.everyMonths, 4, 'Months') * 2 ** 12 +
        field(recurrence.week, 3, 'Week order') * 2 ** 9;
      break;
    case 'monthlyByDate':
      low += field(recurrence.day, 5, 'Month day') * 2 ** 14 + field(recurrence.everyMonths, 4, 'Months') * 2 ** 10;
      break;
  }
  low += token.isGmt ? 1 : 0;
  const hex = (value: number) => (value >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return hex(high) + hex(low);
}

export function decodeScheduleToken(text: string): ScheduleToken {
  if (!/^[0-9A-Fa-f]{16}$/.test(text)) throw new ScheduleTokenError(`"${text}" is not a schedule token (16 hexadecimal digits)`);
  const high = parseInt(text.slice(0, 8), 16);
  const low = parseInt(text.slice(8), 16);
  const bits = (word: number, from: number, count: number) => Math.floor(word / 2 ** (32 - from - count)) % 2 ** count;
  const type = bits(low, 10, 3);
  let recurrence: Recurrence;
  switch (type) {
    case 1:
      recurrence = { type: 'none' };
      break;
    case 2: {
      const minutes = bits(low, 13, 6);
      const hours = bits(low, 19, 5);
      const days = bits(low, 24, 5);
      recurrence =
        minutes > 0
          ? { type: 'interval', every: minutes, unit: 'minutes' }
          : hours > 0
            ? { type: 'interval', every: hours, unit: 'hours' }
            : { type: 'interval', every: days, unit: 'days' };
      break;
    }
    case 3:
      recurrence = { type: 'weekly', weekday: bits(low, 13, 3) - 1, everyWeeks: bits(low, 16, 3) };
      break;
    case 4:
      recurrence = { type: 'monthlyByWeekday', weekday: bits(low, 13, 3) - 1, everyMonths: bits(low, 16, 4), week: bits(low, 20, 3) };
      break;
    case 5:
      recurrence = { type: 'monthlyByDate', day: bits(low, 13, 5), everyMonths: bits(low, 18, 4) };
      break;
    default:
      throw new ScheduleTokenError(`Schedule token ${text} has unknown recurrence type ${type}`);
  }
  return {
    start: { minute: bits(high, 0, 6), hour: bits(high, 6, 5), day: bits(high, 11, 5), month: bits(high, 16, 4), year: 1970 + bits(high, 20, 6) },
    duration: { minutes: bits(high, 26, 6), hours: bits(low, 0, 5), days: bits(low, 5, 5) },
    isGmt: bits(low, 31, 1) === 1,
    recurrence,
  };
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The start ConfigMgr writes for simple schedules: SMS_ScheduleToken's default StartTime, 1970-02-01 00:00. */
const SIMPLE_START = { year: 1970, month: 2, day: 1, hour: 0, minute: 0 } as const;

/** The token of a synchronization schedule. A simple schedule is written as ConfigMgr writes one: from 1970-02-01 00:00, local time. */
export function scheduleToToken(schedule: SyncSchedule): string {
  const duration = schedule.duration ?? { days: 0, hours: 0, minutes: 0 };
  if (schedule.mode === 'simple') return encodeScheduleToken({ start: SIMPLE_START, isGmt: false, duration, recurrence: effectiveRecurrence(schedule) });
  const [date, time] = schedule.start.split('T') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return encodeScheduleToken({ start: { year, month, day, hour, minute }, isGmt: schedule.utc, duration, recurrence: effectiveRecurrence(schedule) });
}

/**
 * The tokens of a ConfigMgr schedule string: one or more 16-digit tokens written one after the other, as ConfigMgr
 * stores several schedules in one property.
 */
export function splitScheduleString(text: string): string[] {
  const compact = text.trim();
  if (compact.length === 0 || compact.length % 16 !== 0 || !/^[0-9A-Fa-f]+$/.test(compact)) {
    throw new ScheduleTokenError(`"${text}" is not a schedule string (one or more tokens of 16 hexadecimal digits)`);
  }
  return Array.from({ length: compact.length / 16 }, (_, index) => compact.slice(index * 16, index * 16 + 16).toUpperCase());
}

/** The schedule of one token; a token with ConfigMgr's simple-schedule start reads back as a simple schedule. */
export function tokenToSchedule(text: string): SyncSchedule {
  const token = decodeScheduleToken(text);
  const { start, recurrence } = token;
  const isZero = token.duration.days === 0 && token.duration.hours === 0 && token.duration.minutes === 0;
  const duration = isZero ? {} : { duration: token.duration };
  const simple = isSimpleStart(token) ? simpleOf(recurrence) : undefined;
  if (simple !== undefined) {
    return {
      enabled: true,
      mode: 'simple',
      simple,
      start: `${start.year}-${pad(start.month)}-${pad(start.day)}T${pad(start.hour)}:${pad(start.minute)}`,
      utc: false,
      startIsDefault: true,
      recurrence: { type: 'none' },
      ...duration,
    };
  }
  return {
    enabled: true,
    mode: 'custom',
    simple: { every: 7, unit: 'days' },
    start: `${start.year}-${pad(start.month)}-${pad(start.day)}T${pad(start.hour)}:${pad(start.minute)}`,
    utc: token.isGmt,
    startIsDefault: false,
    recurrence,
    ...duration,
  };
}

function isSimpleStart(token: ScheduleToken): boolean {
  const { start } = token;
  return (
    !token.isGmt &&
    start.year === SIMPLE_START.year &&
    start.month === SIMPLE_START.month &&
    start.day === SIMPLE_START.day &&
    start.hour === 0 &&
    start.minute === 0
  );
}

function simpleOf(recurrence: Recurrence): SyncSchedule['simple'] | undefined {
  if (recurrence.type !== 'interval') return undefined;
  // Weeks are days in a token: a simple schedule of 1 week reads back as 7 days, the same schedule.
  if (recurrence.unit === 'hours' && recurrence.every <= 23) return { every: recurrence.every, unit: 'hours' };
  if (recurrence.unit === 'days' && recurrence.every <= 31) return { every: recurrence.every, unit: 'days' };
  return undefined;
}
