/** Synchronizations: run, cancel, retry, their state, history, what each changed and the status messages. */
import { ApiError } from '../../../shared/errors';
import { SYNC_COMPONENT } from '../log/status-messages';
import { statusMessagesOf } from '../log/status-messages';
import { runChanges } from '../storage/runs';
import { readSetting, writeSetting } from '../storage/settings';
import { componentStatusCounts } from '../storage/status-messages';
import { inTransaction } from '../storage/transaction';
import type { EngineContext, EngineHandlers } from './engine-context';

const NO_MESSAGES = { errors: 0, warnings: 0, information: 0 };
/** Per component, when Reset Counts was last used (ConfigMgr's counts restart there; the messages are kept). */
const COUNTS_RESET_KEY = 'componentStatus.countsSince';

/**
 * A site set to "Do not synchronize" is kept current by catalog imports: a synchronization could only fail, and its
 * failed run and hourly retry would bury the site's real state. Refused before any run is recorded.
 */
function refuseWithoutSource(engine: EngineContext, site: string): void {
  if (engine.supConfigOf(site).source.kind !== 'none') return;
  throw new ApiError(
    'NOT_ALLOWED',
    `${site} is set to "Do not synchronize": it is kept current by catalog imports (Import Catalog…). To synchronize it, choose a source in its Software Update Point Properties.`,
  );
}

export function syncHandlers(
  engine: EngineContext,
): Pick<
  EngineHandlers,
  | 'runSynchronization'
  | 'cancelSynchronization'
  | 'getSyncState'
  | 'retrySynchronization'
  | 'querySyncHistory'
  | 'querySyncChanges'
  | 'queryStatusMessages'
  | 'getComponentStatus'
  | 'resetComponentCounts'
> {
  const { sites, syncs, retries, withNextRetry } = engine;
  return {
    runSynchronization: async ({ site, kind, trigger, wait }) => {
      sites.database(site);
      if (trigger === 'manual' || trigger === 'cli') engine.requireTopLevel(site, 'run a manual synchronization');
      refuseWithoutSource(engine, site);
      const { status, done } = syncs.request(site, { kind, trigger });
      return { status, run: wait ? withNextRetry(await done) : null };
    },
    cancelSynchronization: ({ site }) => ({ cancelled: syncs.cancel(sites.get(site).code) }),
    getSyncState: ({ site }) => ({ site, ...syncs.state(sites.get(site).code), nextRetry: retries.state(site).nextRetry }),
    retrySynchronization: ({ site }) => {
      const [last] = engine.runsOf(site, 1);
      if (last?.outcome !== 'failed') {
        throw new ApiError('NOT_ALLOWED', `Site ${site} has no failed synchronization to retry${last === undefined ? '' : ` (its last one ${last.outcome})`}.`);
      }
      refuseWithoutSource(engine, site);
      return { status: retries.runNow(site).status };
    },
    querySyncHistory: ({ site, limit }) => engine.runsOf(site, limit).map((run, index) => (index === 0 ? withNextRetry(run) : run)),
    querySyncChanges: ({ site, runId, includeBundled }) => runChanges(sites.database(site), runId, includeBundled ?? false),
    queryStatusMessages: ({ site, limit }) => statusMessagesOf(sites.database(site), site, limit),
    getComponentStatus: ({ site }) => {
      const now = engine.now().getTime();
      const since = { day: new Date(now - 24 * 3_600_000).toISOString(), week: new Date(now - 7 * 24 * 3_600_000).toISOString() };
      const database = sites.database(site);
      const resets = readSetting<Record<string, string>>(database, COUNTS_RESET_KEY) ?? {};
      const rows = componentStatusCounts(database, since, resets);
      // The component reports even before its first message: it is listed, with nothing counted.
      const components = rows.some((row) => row.component === SYNC_COMPONENT)
        ? rows
        : [{ component: SYNC_COMPONENT, day: NO_MESSAGES, week: NO_MESSAGES, lastMessageAt: null }, ...rows];
      return components.map((row) => ({
        component: row.component,
        state: row.day.errors > 0 ? 'critical' : row.day.warnings > 0 ? 'warning' : 'ok',
        last24Hours: row.day,
        last7Days: row.week,
        lastMessageAt: row.lastMessageAt,
        countsSince: resets[row.component] ?? null,
      }));
    },
    resetComponentCounts: ({ site, component }) => {
      const database = sites.database(site);
      const countsSince = engine.now().toISOString();
      inTransaction(database, () =>
        writeSetting(database, COUNTS_RESET_KEY, { ...(readSetting<Record<string, string>>(database, COUNTS_RESET_KEY) ?? {}), [component]: countsSince }),
      );
      database.save();
      return { component, countsSince };
    },
  };
}
