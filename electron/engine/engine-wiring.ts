/**
 * The parts of the engine's wiring that are more than a `new`: which clock it runs on, what a synchronization of a
 * site is given, and what the scheduler reads and does for a site. The Engine constructor puts them together.
 */
import type { SiteCode } from '../../shared/domain';
import type { EngineOptions } from './engine-options';
import type { TraceLogWriter } from './log/trace-log-writer';
import { acceleratedClock, systemClock, type Clock } from './schedule/clock';
import { readSchedule } from './schedule/schedule-store';
import type { SchedulerHost } from './schedule/sync-scheduler';
import { readSetting, writeSetting } from './storage/settings';
import type { SiteRegistry } from './storage/site-registry';
import { inTransaction } from './storage/transaction';
import { readSupConfig, type EffectiveConfig } from './settings/sup-config';
import { SYNC_KEYS } from './sync/sync-keys';
import type { SyncContextFactory, SyncController } from './sync/sync-controller';
import type { ClientSettings, SyncSourceConnector } from './upstream/sync-source';

export function clockOf(options: EngineOptions): Clock {
  if (options.clock !== undefined) return options.clock;
  if (options.acceleratedClock !== undefined) return acceleratedClock(new Date(options.acceleratedClock.origin), options.acceleratedClock.speed);
  return options.now !== undefined ? { ...systemClock, now: options.now } : systemClock;
}

export function syncContextFactory(parts: {
  sites: SiteRegistry;
  connector: SyncSourceConnector;
  clock: Clock;
  logFor: (site: SiteCode) => TraceLogWriter;
  configFor: (site: SiteCode) => Promise<EffectiveConfig>;
  options: EngineOptions;
}): SyncContextFactory {
  const { options } = parts;
  const clientSettings: ClientSettings = {
    ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: () => options.retryDelayMs! }),
    ...(options.upstreamTimeoutMs === undefined ? {} : { timeoutMs: options.upstreamTimeoutMs }),
  };
  return (site) => {
    const parent = parts.sites.get(site).parentCode;
    return {
      site,
      database: parts.sites.database(site),
      // A child holds its parent's content: its version is the parent's, read when the run starts (what it copies).
      ...(parent === null ? {} : { parentContentVersion: () => readSetting<number>(parts.sites.database(parent), SYNC_KEYS.contentVersion) ?? 0 }),
      connector: parts.connector,
      log: parts.logFor(site),
      now: () => parts.clock.now(),
      clientSettings,
      loadConfig: () => parts.configFor(site),
      ...(options.stallMs === undefined ? {} : { stallMs: options.stallMs }),
      ...(options.deferIndexesUpTo === undefined ? {} : { deferIndexesUpTo: options.deferIndexesUpTo }),
      ...(options.fetchWorkerPath === undefined
        ? {}
        : {
            fetchWorker: {
              path: options.fetchWorkerPath,
              ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
              ...(options.upstreamTimeoutMs === undefined ? {} : { timeoutMs: options.upstreamTimeoutMs }),
              ...(options.fetchWorkers === undefined ? {} : { workers: options.fetchWorkers }),
            },
          }),
    };
  };
}

/** The top-level sites' schedules: child sites follow their parent, never a schedule of their own. */
export function scheduleHost(sites: SiteRegistry, syncs: SyncController, logFor: (site: SiteCode) => TraceLogWriter): SchedulerHost {
  return {
    scheduledSites: () =>
      sites
        .list()
        .filter((site) => site.parentCode === null && site.health.state === 'ok')
        .map((site) => site.code),
    readSchedule: (site) => readSchedule(sites.database(site)),
    readLastFired: (site) => {
      const text = readSetting<string>(sites.database(site), 'schedule.lastFired');
      return text === undefined ? undefined : new Date(text);
    },
    writeLastFired: (site, due) => {
      const database = sites.database(site);
      inTransaction(database, () => writeSetting(database, 'schedule.lastFired', due.toISOString()));
      database.save();
    },
    fire: (site, due, reason) => {
      const log = logFor(site);
      // A site that does not synchronize (kept current by catalog imports) has nothing to run on schedule: a
      // failed run and an hourly retry for each due time would only bury its real state.
      if (readSupConfig(sites.database(site)).source.kind === 'none') {
        log.writeNow(
          `The scheduled synchronization due at ${due.toISOString()} was skipped: the Software Update Point is set to "Do not synchronize" (catalog imports keep this site current).`,
        );
        return;
      }
      if (reason === 'missed')
        log.writeNow(`The scheduled synchronization due at ${due.toISOString()} was missed while the engine was not running; running it now.`);
      else if (reason === 'first')
        log.writeNow('Synchronization schedule saved with the default start: the first scheduled synchronization starts as soon as possible.');
      syncs.request(site, { kind: 'full', trigger: 'schedule', scheduledFor: due });
    },
  };
}
