/** The Synchronization Schedule tab: read, preview and save a top-level site's schedule. */
import type { ScheduleInfo } from '../../../shared/contract';
import { nextRuns } from '../../../shared/schedule/next-run';
import { defaultSchedule, describeSchedule, type SyncSchedule } from '../../../shared/schedule/schedule-model';
import { scheduleToToken } from '../../../shared/schedule/schedule-token';
import { toWallClock } from '../../../shared/schedule/time-zone';
import { readSchedule, wallClockText, writeSchedule } from '../schedule/schedule-store';
import { readSetting, writeSetting } from '../storage/settings';
import { inTransaction } from '../storage/transaction';
import type { EngineContext, EngineHandlers } from './engine-context';

export function scheduleHandlers(engine: EngineContext): Pick<EngineHandlers, 'getSchedule' | 'setSchedule' | 'previewSchedule'> {
  /**
   * `firesAtStart`: a default start runs as soon as the schedule is saved (sync-scheduler.ts), so that run is listed
   * first, at its start (now), then the ones after it: what the preview shows is what saving runs.
   */
  const info = (schedule: SyncSchedule, count = 5, firesAtStart = false): ScheduleInfo => {
    const first = firesAtStart && schedule.startIsDefault ? nextRuns(schedule, new Date(0), engine.timeZone, 1) : [];
    const rest = nextRuns(schedule, first[0] ?? engine.now(), engine.timeZone, count - first.length);
    return {
      schedule,
      description: describeSchedule(schedule),
      token: scheduleToToken(schedule),
      nextRuns: [...first, ...rest].map((date) => date.toISOString()),
      timeZone: engine.timeZone,
    };
  };
  /** "Start as soon as possible" is stored as the moment it was saved, in the schedule's own time zone. */
  const withStart = (schedule: SyncSchedule): SyncSchedule =>
    schedule.startIsDefault ? { ...schedule, start: wallClockText(toWallClock(engine.now().getTime(), schedule.utc ? 'UTC' : engine.timeZone)) } : schedule;

  return {
    getSchedule: ({ site }) => info(readSchedule(engine.sites.database(engine.topLevelOf(site))) ?? defaultSchedule(engine.now())),
    setSchedule: ({ site, schedule }) => {
      engine.requireTopLevel(site, 'change the synchronization schedule');
      const database = engine.sites.database(site);
      const saved = readSchedule(database);
      // OK or Apply with the schedule as it was (a default start included) changes nothing and logs nothing: the
      // default start keeps the moment it was first saved.
      if (saved !== undefined && sameSchedule(saved, schedule)) return info(saved, 5, true);
      const normalized = withStart(schedule);
      inTransaction(database, () => {
        writeSchedule(database, normalized);
        // A new default start fires at once; otherwise runs before now are not "missed".
        const previous = readSetting<string>(database, 'schedule.lastFired');
        const keep = previous !== undefined && Date.parse(previous) > engine.now().getTime() ? previous : engine.now().toISOString();
        writeSetting(database, 'schedule.lastFired', normalized.startIsDefault ? undefined : keep);
      });
      database.save();
      engine.logFor(site).writeNow(`Synchronization schedule changed: ${describeSchedule(normalized)}.`);
      engine.scheduler.reschedule();
      return info(normalized, 5, true);
    },
    previewSchedule: ({ schedule, count }) => info(withStart(schedule), count, true),
  };
}

function sameSchedule(saved: SyncSchedule, proposed: SyncSchedule): boolean {
  // Keys in one order, whichever side built the object.
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([, item]) => item !== undefined)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([key, item]) => [key, canonical(item)]),
          )
        : value;
  const comparable = (schedule: SyncSchedule) => JSON.stringify(canonical(schedule.startIsDefault ? { ...schedule, start: '' } : schedule));
  return comparable(saved) === comparable(proposed);
}
