import { SyncScheduleSchema, type SyncSchedule } from '../../../shared/schedule/schedule-model';
import type { WallClock } from '../../../shared/schedule/time-zone';
import { readSetting, writeSetting } from '../storage/settings';
import type { SiteDatabase } from '../storage/site-database';

const KEY = 'sup.schedule';

/** The top-level site's synchronization schedule, or undefined when none was ever saved. */
export function readSchedule(db: SiteDatabase): SyncSchedule | undefined {
  const parsed = SyncScheduleSchema.safeParse(readSetting(db, KEY));
  return parsed.success ? parsed.data : undefined;
}

export function writeSchedule(db: SiteDatabase, schedule: SyncSchedule): void {
  writeSetting(db, KEY, schedule);
}

const pad = (value: number) => String(value).padStart(2, '0');

export function wallClockText(clock: WallClock): string {
  return `${clock.year}-${pad(clock.month)}-${pad(clock.day)}T${pad(clock.hour)}:${pad(clock.minute)}`;
}
