/**
 * When a synchronization schedule fires next. Local-time schedules keep their wall-clock time across
 * daylight-saving changes (a run never happens twice and is never skipped); UTC schedules use UTC.
 * Rules where the calendar is ambiguous:
 * - a monthly schedule on day 29–31 runs on the last day of months that are shorter (it is never skipped);
 * - "last weekday" is the last such weekday of each month;
 * - a wall-clock time skipped by the spring-forward change runs right after the gap, and an interval
 *   occurrence that falls on the same instant as the previous one is not repeated.
 */
import { effectiveRecurrence, type SyncSchedule } from './schedule-model';
import { addDays, daysInMonth, toInstant, toWallClock, wallClockAsUtc, weekdayOf, type WallClock } from './time-zone';

const MINUTE = 60_000;
const DAY = 86_400_000;

export function parseWallClock(text: string): WallClock {
  const [date, time] = text.split('T') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return { year, month, day, hour, minute };
}

/** The first run strictly after `after`, or null when the schedule is off or has no more runs. */
export function nextRunAfter(schedule: SyncSchedule, after: Date, timeZone: string): Date | null {
  return nextRuns(schedule, after, timeZone, 1)[0] ?? null;
}

export function nextRuns(schedule: SyncSchedule, after: Date, timeZone: string, count: number): Date[] {
  if (!schedule.enabled || count <= 0) return [];
  const zone = schedule.utc ? 'UTC' : timeZone;
  const start = parseWallClock(schedule.start);
  const startInstant = toInstant(start, zone);
  const afterMs = after.getTime();
  const afterWall = wallClockAsUtc(toWallClock(Math.max(afterMs, startInstant), zone));
  const startWall = wallClockAsUtc(start);
  const recurrence = effectiveRecurrence(schedule);
  const runs: Date[] = [];
  let previous = -Infinity;
  const accept = (wall: WallClock): boolean => {
    const instant = toInstant(wall, zone);
    if (instant <= previous || instant < startInstant) return false;
    previous = instant;
    if (instant > afterMs) runs.push(new Date(instant));
    return runs.length >= count;
  };

  switch (recurrence.type) {
    case 'none':
      accept(start);
      return runs;
    case 'interval': {
      if (recurrence.unit === 'days') {
        const elapsedDays = Math.floor((afterWall - startWall) / DAY);
        for (let k = Math.max(0, Math.floor(elapsedDays / recurrence.every) - 1); ; k++) if (accept(addDays(start, k * recurrence.every))) return runs;
      }
      const step = recurrence.every * (recurrence.unit === 'minutes' ? 1 : 60) * MINUTE;
      for (let k = Math.max(0, Math.floor((afterWall - startWall) / step) - 2); ; k++) {
        const wall = new Date(startWall + k * step);
        if (
          accept({ year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes() })
        )
          return runs;
      }
    }
    case 'weekly': {
      const first = addDays(start, (recurrence.weekday - weekdayOf(start) + 7) % 7);
      const period = 7 * recurrence.everyWeeks;
      const elapsedDays = Math.floor((afterWall - wallClockAsUtc(first)) / DAY);
      for (let k = Math.max(0, Math.floor(elapsedDays / period) - 1); ; k++) if (accept(addDays(first, k * period))) return runs;
    }
    case 'monthlyByDate':
    case 'monthlyByWeekday': {
      const afterClock = new Date(afterWall);
      const monthsElapsed = (afterClock.getUTCFullYear() - start.year) * 12 + afterClock.getUTCMonth() + 1 - start.month;
      for (let k = Math.max(0, Math.floor(monthsElapsed / recurrence.everyMonths) - 1); k < 12 * 400; k++) {
        const index = start.month - 1 + k * recurrence.everyMonths;
        const year = start.year + Math.floor(index / 12);
        const month = (index % 12) + 1;
        const day =
          recurrence.type === 'monthlyByDate' ? dayOfMonth(year, month, recurrence.day) : nthWeekday(year, month, recurrence.week, recurrence.weekday);
        if (accept({ year, month, day, hour: start.hour, minute: start.minute })) return runs;
      }
      return runs;
    }
  }
}

function dayOfMonth(year: number, month: number, day: number): number {
  const length = daysInMonth(year, month);
  return day === 0 ? length : Math.min(day, length);
}

/** week 1–4: the first to fourth such weekday; 0: the last one. */
function nthWeekday(year: number, month: number, week: number, weekday: number): number {
  if (week === 0) {
    const last = daysInMonth(year, month);
    const lastWeekday = new Date(Date.UTC(year, month - 1, last)).getUTCDay();
    return last - ((lastWeekday - weekday + 7) % 7);
  }
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((weekday - firstWeekday + 7) % 7) + (week - 1) * 7;
}
