/** The site hierarchy as the console shows it (last sync, content versions, drift, retries) and serving a site. */
import type { HierarchyEntry } from '../../../shared/contract';
import type { SiteCode } from '../../../shared/domain';
import { readSetting } from '../sites/settings';
import { lastSuccessfulRunStart } from '../sync/sync-queries';
import type { EngineContext, EngineHandlers } from './engine-context';

export function hierarchyHandlers(engine: EngineContext): Pick<EngineHandlers, 'getHierarchy' | 'serveSite'> {
  return {
    getHierarchy: () => hierarchyView(engine),
    serveSite: async ({ site, port, bind }) => {
      engine.sites.database(site);
      return { url: await engine.hierarchy.serve(site, port, bind) };
    },
  };
}

function hierarchyView(engine: EngineContext): HierarchyEntry[] {
  const { sites } = engine;
  const contentVersion = (code: SiteCode) => {
    try {
      return readSetting<number>(sites.database(code).db, 'sync.contentVersion') ?? 0;
    } catch {
      return 0;
    }
  };
  return sites.list().map((site) => {
    if (site.health.state !== 'ok') {
      return { site, lastRun: null, contentVersion: 0, parentContentVersion: null, drift: false, nextRetry: null, failures: 0, syncing: false };
    }
    const [last] = engine.runsOf(site.code, 1);
    const parent = site.parentCode;
    const parentLast = parent === null ? undefined : lastSuccessfulRunStart(sites.database(parent).db);
    const ownLast = lastSuccessfulRunStart(sites.database(site.code).db);
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
      ...engine.hierarchy.retryState(site.code),
      syncing: engine.syncs.isRunning(site.code),
    };
  });
}
