import { SyncScheduleSchema, type SyncSchedule } from '../../shared/schedule/schedule-model';

/** Problems of a schedule keyed by field path (e.g. "simple.every"), to show beside each field. */
export function scheduleErrors(schedule: SyncSchedule): Record<string, string> {
  const result = SyncScheduleSchema.safeParse(schedule);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((issue) => [issue.path.join('.'), issue.message]));
}
