/**
 * Synchronization schedules as the Software Update Point's Synchronization Schedule tab defines them: a simple
 * schedule (every 1–23 hours, 1–31 days or 1–4 weeks; default every 7 days) or a custom one (start date and
 * time, optionally UTC, and a recurrence). Out-of-range values are rejected with a message naming the field.
 */
import { z } from 'zod';

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export const WEEK_ORDERS = ['last', 'first', 'second', 'third', 'fourth'] as const;

const whole = (label: string) => z.number({ error: `${label} must be a number` }).int(`${label} must be a whole number`);

export const RecurrenceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('interval'), every: whole('The interval'), unit: z.enum(['minutes', 'hours', 'days']) }),
  z.object({ type: z.literal('weekly'), everyWeeks: whole('Every … weeks'), weekday: whole('The weekday').min(0).max(6) }),
  /** day 0 means the last day of the month. */
  z.object({ type: z.literal('monthlyByDate'), day: whole('The day of the month'), everyMonths: whole('Every … months') }),
  /** week 0 means the last such weekday of the month, 1–4 the first to fourth. */
  z.object({
    type: z.literal('monthlyByWeekday'),
    week: whole('The week').min(0).max(4),
    weekday: whole('The weekday').min(0).max(6),
    everyMonths: whole('Every … months'),
  }),
]);
export type Recurrence = z.infer<typeof RecurrenceSchema>;

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

export const SyncScheduleSchema = z
  .object({
    enabled: z.boolean(),
    mode: z.enum(['simple', 'custom']),
    simple: z.object({ every: whole('The simple schedule interval'), unit: z.enum(['hours', 'days', 'weeks']) }),
    /** Start date and time as written in the dialog (wall-clock, `YYYY-MM-DDTHH:mm`), in UTC when `utc` is set. */
    start: z.string().regex(LOCAL_DATE_TIME, {
      // An empty box (a date picker cleared, or half filled) is asked for in the dialog's words; the ISO form is for
      // the command line, where it is typed.
      error: (issue) =>
        issue.input === '' ? 'Enter a start date and a start time' : 'The start must be a date and time written as YYYY-MM-DDTHH:mm, such as 2026-11-24T03:00',
    }),
    utc: z.boolean(),
    /** The start was left at its default (when the schedule was saved): the first run is as soon as possible. */
    startIsDefault: z.boolean(),
    recurrence: RecurrenceSchema,
    /** How long each run may last (ConfigMgr schedule tokens carry it; a synchronization runs until it is done). */
    duration: z
      .object({
        days: whole('The duration in days').min(0).max(31),
        hours: whole('The duration in hours').min(0).max(23),
        minutes: whole('The duration in minutes').min(0).max(59),
      })
      .optional(),
  })
  .superRefine((schedule, context) => {
    const problem = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });
    const { every, unit } = schedule.simple;
    const simpleRange = { hours: 23, days: 31, weeks: 4 }[unit];
    if (every < 1 || every > simpleRange) problem(['simple', 'every'], `A simple schedule runs every 1 to ${simpleRange} ${unit}`);
    const match = LOCAL_DATE_TIME.exec(schedule.start);
    if (match !== null) {
      const [, y, mo, d, h, mi] = match.map(Number);
      const date = new Date(Date.UTC(y!, mo! - 1, d, h, mi));
      if (date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d! || h! > 23 || mi! > 59)
        problem(['start'], `${schedule.start} is not a valid date and time`);
    }
    const recurrence = schedule.recurrence;
    switch (recurrence.type) {
      case 'interval': {
        const max = { minutes: 59, hours: 23, days: 31 }[recurrence.unit];
        if (recurrence.every < 1 || recurrence.every > max) problem(['recurrence', 'every'], `A custom interval runs every 1 to ${max} ${recurrence.unit}`);
        break;
      }
      case 'weekly':
        if (recurrence.everyWeeks < 1 || recurrence.everyWeeks > 4) problem(['recurrence', 'everyWeeks'], 'A weekly schedule recurs every 1 to 4 weeks');
        break;
      case 'monthlyByDate':
        if (recurrence.day < 0 || recurrence.day > 31) problem(['recurrence', 'day'], 'The day of the month is 1 to 31, or the last day');
        if (recurrence.everyMonths < 1 || recurrence.everyMonths > 12) problem(['recurrence', 'everyMonths'], 'A monthly schedule recurs every 1 to 12 months');
        break;
      case 'monthlyByWeekday':
        if (recurrence.everyMonths < 1 || recurrence.everyMonths > 12) problem(['recurrence', 'everyMonths'], 'A monthly schedule recurs every 1 to 12 months');
        break;
      case 'none':
        break;
    }
  });
export type SyncSchedule = z.infer<typeof SyncScheduleSchema>;

export function defaultSchedule(now: Date): SyncSchedule {
  return {
    enabled: false,
    mode: 'simple',
    simple: { every: 7, unit: 'days' },
    start: now.toISOString().slice(0, 16),
    utc: true,
    startIsDefault: true,
    recurrence: { type: 'none' },
  };
}

/**
 * What the Custom Schedule dialog opens with. A custom schedule already set is kept as it is; otherwise (a simple
 * schedule, or a one-time start that has passed and would never run) it starts at the next whole hour and recurs
 * weekly on that day, which is what an administrator setting up a custom schedule most often wants.
 */
export function customScheduleDefaults(schedule: SyncSchedule, now: Date): SyncSchedule {
  const keep = schedule.mode === 'custom' && (schedule.recurrence.type !== 'none' || startTime(schedule) > now.getTime());
  if (keep) return { ...schedule, startIsDefault: false };
  // A new custom schedule is in local time, as ConfigMgr's Custom Schedule starts (UTC is a box to tick).
  const next = new Date(now.getTime());
  next.setHours(next.getHours() + 1, 0, 0, 0);
  const pad = (value: number) => String(value).padStart(2, '0');
  const [year, month, day, hour, weekday] = [next.getFullYear(), next.getMonth() + 1, next.getDate(), next.getHours(), next.getDay()];
  return {
    ...schedule,
    utc: false,
    mode: 'custom',
    startIsDefault: false,
    start: `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:00`,
    recurrence: { type: 'weekly', everyWeeks: 1, weekday },
  };
}

/** The start of a schedule as a time (its wall-clock start read in UTC or in this machine's zone). */
function startTime(schedule: SyncSchedule): number {
  return schedule.utc ? Date.parse(`${schedule.start}:00Z`) : new Date(`${schedule.start}:00`).getTime();
}

/** The recurrence a schedule follows: a simple schedule is an interval from its start. */
export function effectiveRecurrence(schedule: SyncSchedule): Recurrence {
  if (schedule.mode === 'custom') return schedule.recurrence;
  const { every, unit } = schedule.simple;
  return unit === 'weeks' ? { type: 'interval', every: every * 7, unit: 'days' } : { type: 'interval', every, unit };
}

export function describeSchedule(schedule: SyncSchedule): string {
  if (!schedule.enabled) return 'Synchronization is not scheduled';
  const recurrence = effectiveRecurrence(schedule);
  const start = `${schedule.start.replace('T', ' ')}${schedule.utc ? ' UTC' : ''}`;
  switch (recurrence.type) {
    case 'none':
      return `Once, at ${start}`;
    case 'interval':
      return `Every ${recurrence.every === 1 ? recurrence.unit.replace(/s$/, '') : `${recurrence.every} ${recurrence.unit}`} from ${start}`;
    case 'weekly':
      return `Every ${recurrence.everyWeeks === 1 ? '' : `${recurrence.everyWeeks} `}week${recurrence.everyWeeks === 1 ? '' : 's'} on ${WEEKDAYS[recurrence.weekday]} from ${start}`;
    case 'monthlyByDate':
      return `On ${recurrence.day === 0 ? 'the last day' : `day ${recurrence.day}`} of every ${recurrence.everyMonths === 1 ? '' : `${recurrence.everyMonths} `}month${recurrence.everyMonths === 1 ? '' : 's'} from ${start}`;
    case 'monthlyByWeekday':
      return `On the ${WEEK_ORDERS[recurrence.week]} ${WEEKDAYS[recurrence.weekday]} of every ${recurrence.everyMonths === 1 ? '' : `${recurrence.everyMonths} `}month${recurrence.everyMonths === 1 ? '' : 's'} from ${start}`;
  }
}
