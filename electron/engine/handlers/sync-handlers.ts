/** Synchronizations: run, cancel, retry, their state, history, what each changed and the status messages. */
import { ApiError } from '../../../shared/errors';
import { listStatusMessages, runChanges } from '../sync/sync-queries';
import type { EngineContext, EngineHandlers } from './engine-context';

export function syncHandlers(
  engine: EngineContext,
): Pick<
  EngineHandlers,
  'runSynchronization' | 'cancelSynchronization' | 'getSyncState' | 'retrySynchronization' | 'querySyncHistory' | 'querySyncChanges' | 'queryStatusMessages'
> {
  const { sites, syncs, hierarchy, withNextRetry } = engine;
  return {
    runSynchronization: async ({ site, kind, trigger, wait }) => {
      sites.database(site);
      if (trigger === 'manual' || trigger === 'cli') engine.requireTopLevel(site, 'run a manual synchronization');
      const { status, done } = syncs.request(site, { kind, trigger });
      return { status, run: wait ? withNextRetry(await done) : null };
    },
    cancelSynchronization: ({ site }) => ({ cancelled: syncs.cancel(sites.get(site).code) }),
    getSyncState: ({ site }) => ({ site, ...syncs.state(sites.get(site).code), nextRetry: hierarchy.retryState(site).nextRetry }),
    retrySynchronization: ({ site }) => {
      const [last] = engine.runsOf(site, 1);
      if (last?.outcome !== 'failed') {
        throw new ApiError('NOT_ALLOWED', `Site ${site} has no failed synchronization to retry${last === undefined ? '' : ` (its last one ${last.outcome})`}.`);
      }
      return { status: hierarchy.retryNow(site).status };
    },
    querySyncHistory: ({ site, limit }) => engine.runsOf(site, limit).map((run, index) => (index === 0 ? withNextRetry(run) : run)),
    querySyncChanges: ({ site, runId, includeBundled }) => runChanges(sites.database(site).db, runId, includeBundled ?? false),
    queryStatusMessages: ({ site, limit }) => listStatusMessages(sites.database(site).db, site, limit),
  };
}
