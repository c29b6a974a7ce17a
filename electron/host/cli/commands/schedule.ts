/** usc schedule: show or set the top-level site's synchronization schedule, also as a ConfigMgr schedule token. */
import type { ScheduleInfo } from '../../../../shared/contract';
import { SyncScheduleSchema, type SyncSchedule } from '../../../../shared/schedule/schedule-model';
import { ScheduleTokenError, splitScheduleString, tokenToSchedule } from '../../../../shared/schedule/schedule-token';
import { describeIssues } from '../../../../shared/validate';
import { callApi, CliError, withHost, type CliContext } from '../cli-context';

export interface ScheduleOptions {
  site: string;
  set: boolean;
  token?: string;
  every?: string;
  custom?: string;
  disable: boolean;
  json: boolean;
  showToken: boolean;
}

function parseSimple(text: string): SyncSchedule['simple'] {
  const match = /^(\d+)\s*(hours?|days?|weeks?)$/i.exec(text.trim());
  if (match === null) throw new CliError(`--every takes a number and a unit, such as "6 hours", "7 days" or "2 weeks", not "${text}".`, 2);
  const unit = match[2]!.toLowerCase().replace(/s?$/, 's') as SyncSchedule['simple']['unit'];
  return { every: Number(match[1]), unit };
}

export async function scheduleCommand(context: CliContext, options: ScheduleOptions): Promise<number> {
  const info = await withHost(context, async (host) => {
    const current = await callApi(host, 'getSchedule', { site: options.site });
    if (!options.set && !options.disable) return current;
    let schedule: SyncSchedule = { ...current.schedule, enabled: !options.disable };
    if (options.token !== undefined) {
      try {
        const [first, ...others] = splitScheduleString(options.token);
        schedule = tokenToSchedule(first!);
        if (others.length > 0) {
          context.io.err(
            `The schedule string holds ${others.length + 1} schedules; a Software Update Point synchronizes on one, so the first (${first}) is used and ${others.join(', ')} ignored.`,
          );
        }
      } catch (error) {
        throw new CliError((error as ScheduleTokenError).message, 2);
      }
    } else if (options.every !== undefined) {
      schedule = { ...schedule, enabled: true, mode: 'simple', simple: parseSimple(options.every), startIsDefault: true };
    } else if (options.custom !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(options.custom);
      } catch {
        throw new CliError(
          '--custom takes a JSON object: {"start":"2026-11-24T03:00","utc":false,"recurrence":{"type":"weekly","everyWeeks":1,"weekday":2}}',
          2,
        );
      }
      schedule = { ...schedule, enabled: true, mode: 'custom', startIsDefault: false, ...(parsed as Partial<SyncSchedule>) };
    }
    const checked = SyncScheduleSchema.safeParse(schedule);
    if (!checked.success) throw new CliError(`The schedule is not valid: ${describeIssues(checked.error)}`, 2);
    return callApi(host, 'setSchedule', { site: options.site, schedule: checked.data });
  });
  print(context, info, options);
  return 0;
}

function print(context: CliContext, info: ScheduleInfo, options: ScheduleOptions): void {
  if (options.showToken) return context.io.out(info.token);
  if (options.json) return context.io.out(JSON.stringify(info, null, 2));
  context.io.out(`Synchronization schedule of ${options.site}: ${info.description}`);
  context.io.out(`Schedule token: ${info.token}`);
  if (info.nextRuns.length > 0) {
    context.io.out(`Next runs (${info.timeZone}):`);
    // A default start runs as soon as the schedule is saved: the engine listed that run first.
    const firstNow = options.set && info.schedule.startIsDefault;
    info.nextRuns.forEach((run, index) =>
      context.io.out(
        `  ${new Date(run).toLocaleString('en-GB', { timeZone: info.timeZone })}  (${run})${index === 0 && firstNow ? '  now: the first run starts as soon as the engine runs this schedule' : ''}`,
      ),
    );
  }
}
