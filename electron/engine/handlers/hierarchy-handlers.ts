/** The site hierarchy as the console shows it (last sync, content versions, drift, retries) and serving a site. */
import type { HierarchyEntry, SyncStatusRow } from '../../../shared/contract';
import { describeSyncSource, type SiteCode } from '../../../shared/domain';
import { readSetting } from '../storage/settings';
import { lastSuccessfulRun } from '../storage/runs';
import type { EngineContext, EngineHandlers } from './engine-context';

export function hierarchyHandlers(engine: EngineContext): Pick<EngineHandlers, 'getHierarchy' | 'serveSite' | 'getSyncStatus'> {
  return {
    getHierarchy: () => hierarchyView(engine),
    getSyncStatus: () => syncStatus(engine),
    serveSite: async ({ site, port, bind }) => {
      engine.sites.database(site);
      return { url: await engine.parents.serve(site, port, bind) };
    },
  };
}

/**
 * Synchronization Status, as MECM's view of it and more: per site its source, last success, last attempt and its
 * error, the state (syncing with phase and percent, failed, retrying, behind its parent), content versions, the next
 * scheduled sync and the next retry.
 */
export function syncStatus(engine: EngineContext): SyncStatusRow[] {
  return hierarchyView(engine).map((entry) => {
    const { site } = entry;
    const base = { site: site.code, name: site.name, parent: site.parentCode };
    if (site.health.state !== 'ok') {
      return {
        ...base,
        source: 'unknown (site database damaged)',
        state: 'damaged' as const,
        progress: null,
        lastSuccess: null,
        lastAttempt: null,
        lastError: { code: 'DATABASE_DAMAGED', message: site.health.message ?? 'The site database is damaged', update: null, again: false },
        contentVersion: 0,
        parentContentVersion: null,
        nextScheduled: null,
        nextRetry: null,
      };
    }
    const recent = engine.runsOf(site.code, 20);
    const [last] = recent;
    const success = lastSuccessfulRun(engine.sites.database(site.code));
    const progress = engine.syncs.state(site.code).progress;
    const state = entry.syncing
      ? 'syncing'
      : last?.outcome === 'failed'
        ? entry.nextRetry !== null
          ? 'retrying'
          : 'failed'
        : entry.drift
          ? 'behind'
          : last === undefined
            ? 'never'
            : 'synced';
    const source = engine.supConfigOf(site.code).source;
    const imported = recent.some((run) => run.trigger === 'import' && run.outcome === 'succeeded');
    return {
      ...base,
      // A site kept current by imports says so (its last import is its last successful sync).
      source:
        site.parentCode !== null && source.kind !== 'upstream'
          ? `Parent site ${site.parentCode}`
          : source.kind === 'none' && imported
            ? `${describeSyncSource(source)} (kept current by catalog imports)`
            : describeSyncSource(source),
      state,
      progress: progress === null ? null : { phase: progress.phase, percent: progress.percent },
      lastSuccess: success?.endedAt ?? null,
      lastAttempt: last === undefined ? null : { at: last.endedAt ?? last.startedAt, outcome: last.outcome, kind: last.kind, trigger: last.trigger },
      lastError: last?.error ?? null,
      contentVersion: entry.contentVersion,
      parentContentVersion: entry.parentContentVersion,
      // The schedule of a site that does not synchronize is skipped: it has no next scheduled sync.
      nextScheduled: source.kind === 'none' ? null : (engine.scheduler.upcoming(site.code)?.toISOString() ?? null),
      nextRetry: entry.nextRetry,
    };
  });
}

function hierarchyView(engine: EngineContext): HierarchyEntry[] {
  const { sites } = engine;
  const contentVersion = (code: SiteCode) => {
    try {
      return readSetting<number>(sites.database(code), 'sync.contentVersion') ?? 0;
    } catch {
      return 0;
    }
  };
  return sites.list().map((site) => {
    if (site.health.state !== 'ok') {
      return {
        site,
        lastRun: null,
        contentVersion: 0,
        parentContentVersion: null,
        drift: false,
        nextRetry: null,
        failures: 0,
        syncing: false,
        sourceKind: null,
      };
    }
    const [last] = engine.runsOf(site.code, 1);
    const parent = site.parentCode;
    const parentLast = parent === null ? undefined : lastSuccessfulRun(sites.database(parent))?.startedAt;
    const ownLast = lastSuccessfulRun(sites.database(site.code))?.startedAt;
    return {
      site,
      lastRun:
        last === undefined
          ? null
          : { outcome: last.outcome, kind: last.kind, trigger: last.trigger, at: last.endedAt ?? last.startedAt, error: last.error?.message ?? null },
      contentVersion: contentVersion(site.code),
      parentContentVersion: parent === null ? null : contentVersion(parent),
      // Behind when the parent has synchronized since the child last did.
      drift: parentLast !== undefined && (ownLast === undefined || ownLast < parentLast),
      ...engine.retries.state(site.code),
      syncing: engine.syncs.isRunning(site.code),
      sourceKind: engine.supConfigOf(site.code).source.kind,
    };
  });
}
