/**
 * What the handler modules use of the engine: its parts, and the rules that must live in one place (a site's
 * top-level site, the refusal of what only a top-level site may do, a site's settings as a console sees them, its
 * runs as they are). Each handler module returns its part of the contract's handler map from this.
 */
import type { z } from 'zod';
import type { apiMethods, ApiMethodName, ApiResult, EngineMethodName } from '../../../shared/contract';
import { ApiError } from '../../../shared/errors';
import type { SiteCode, SupConfig, SyncRun } from '../../../shared/domain';
import type { ParentServices } from '../hierarchy/parent-services';
import type { SiteRetry } from '../retry/site-retry';
import type { TraceLogWriter } from '../log/trace-log-writer';
import type { Clock } from '../schedule/clock';
import type { SyncScheduler } from '../schedule/sync-scheduler';
import type { CredentialStore } from '../storage/credential-store';
import type { SiteRegistry } from '../storage/site-registry';
import { childSupConfig, readSupConfig, withoutSecrets, type EffectiveConfig } from '../settings/sup-config';
import type { SyncController } from '../sync/sync-controller';
import { listRuns } from '../storage/runs';

type ParsedParams<M extends ApiMethodName> = z.output<(typeof apiMethods)[M]['params']>;
export type EngineHandlers = {
  [M in EngineMethodName]: (params: ParsedParams<M>) => Promise<ApiResult<M>> | ApiResult<M>;
};

export interface EngineParts {
  sites: SiteRegistry;
  syncs: SyncController;
  scheduler: SyncScheduler;
  /** Sites served as upstream servers (to their children here, or with usc serve). */
  parents: ParentServices;
  /** The automatic retry of a failed sync. */
  retries: SiteRetry;
  /** The settings a site's sync follows (a child's: the top-level site's, from its parent). */
  configFor(site: SiteCode): Promise<EffectiveConfig>;
  credentials: CredentialStore;
  clock: Clock;
  timeZone: string;
  logFor(site: SiteCode): TraceLogWriter;
  /** Tells every console the list of sites changed. */
  publishSites(): void;
}

export interface EngineContext extends EngineParts {
  now(): Date;
  topLevelOf(site: SiteCode): SiteCode;
  /** Refuses, with the reason and who decides instead, what only the top-level site may do (a manual sync, its settings). */
  requireTopLevel(site: SiteCode, action: string): void;
  supConfigOf(site: SiteCode): SupConfig;
  runsOf(site: SiteCode, limit: number): SyncRun[];
  /** A run as the console is told of it: a failed one carries when its automatic retry runs. */
  withNextRetry(run: SyncRun): SyncRun;
}

export function engineContext(parts: EngineParts): EngineContext {
  const topLevelOf = (site: SiteCode): SiteCode => parts.sites.topLevelOf(site);
  return {
    ...parts,
    now: () => parts.clock.now(),
    topLevelOf,
    requireTopLevel(site, action) {
      const entry = parts.sites.get(site);
      if (entry.parentCode === null) return;
      throw new ApiError(
        'NOT_ALLOWED',
        `You cannot ${action} on ${site}: it is a child site. Child sites synchronize when their parent site ${entry.parentCode} asks them to, or on their own retry after a failed synchronization; the top-level site ${topLevelOf(site)} owns the settings.`,
      );
    },
    supConfigOf(site) {
      // A child's follow the top-level site's; the proxy password never leaves the engine.
      const topSite = topLevelOf(site);
      const top = readSupConfig(parts.sites.database(topSite));
      const parent = parts.sites.get(site).parentCode;
      const config = withoutSecrets(parent === null ? top : childSupConfig(top, readSupConfig(parts.sites.database(site)), parent));
      if (config.proxy === undefined) return config;
      return { ...config, proxy: { ...config.proxy, passwordSaved: parts.credentials.proxyPassword(topSite) !== undefined } };
    },
    withNextRetry: (run) => (run.outcome === 'failed' ? { ...run, nextRetry: parts.retries.state(run.site).nextRetry } : run),
    runsOf(site, limit) {
      // A run still marked running that this engine is not running was interrupted: this engine holds the data
      // folder, so nobody else runs it (a command's engine says so without writing it).
      return listRuns(parts.sites.database(site), site, limit).map((run) =>
        run.outcome === 'running' && !parts.syncs.isRunning(site)
          ? {
              ...run,
              outcome: 'interrupted',
              error: { code: 'INTERRUPTED', message: 'The engine stopped during this synchronization', update: null, again: false },
            }
          : run,
      );
    },
  };
}
