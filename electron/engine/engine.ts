import type { z } from 'zod';
import { apiMethods, isHostMethod, type ApiMethodName, type ApiResult, type ConsoleEvent, type EngineMethodName } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import { join } from 'node:path';
import type { SiteCode, SupConfig, SyncRun } from '../../shared/domain';
import { acquireDataFolderLock, dataFolderLayout, ensureDataFolder, type DataFolder } from './data-folder';
import { SYNC_COMPONENT } from './log/status-messages';
import { TraceLogWriter } from './log/trace-log-writer';
import { compactBlobStore } from './sites/blob-compaction';
import type { SiteDatabase } from './sites/site-database';
import { SiteRegistry } from './sites/site-registry';
import { loadSqlJs } from './sites/sqljs';
import { inTransaction } from './sites/transaction';
import { previewScope } from './sync/scope-preview';
import { childSupConfig, readSupConfig, withoutSecrets, writeSupConfig } from './sync/sup-config';
import { CredentialStore } from './sites/credential-store';
import { acceleratedClock, systemClock, type Clock } from './schedule/clock';
import { readSchedule, wallClockText, writeSchedule } from './schedule/schedule-store';
import { SyncScheduler } from './schedule/sync-scheduler';
import { readSetting, writeSetting } from './sites/settings';
import { nextRuns } from '../../shared/schedule/next-run';
import { defaultSchedule, describeSchedule, type SyncSchedule } from '../../shared/schedule/schedule-model';
import { scheduleToToken } from '../../shared/schedule/schedule-token';
import { toWallClock } from '../../shared/schedule/time-zone';
import type { HierarchyEntry, ScheduleInfo } from '../../shared/contract';
import { HierarchyCoordinator } from './hierarchy/hierarchy-coordinator';
import { SyncController } from './sync/sync-controller';
import { listRuns, listStatusMessages, runChanges, selectRows } from './sync/sync-queries';
import { queryUpdates, repositoryFolders } from './sync/update-queries';
import { updateDetails } from './sync/update-details';
import { SyncSourceConnector, type ClientSettings } from './upstream/sync-source';

type ParsedParams<M extends ApiMethodName> = z.output<(typeof apiMethods)[M]['params']>;
export type EngineHandlers = {
  [M in EngineMethodName]: (params: ParsedParams<M>) => Promise<ApiResult<M>> | ApiResult<M>;
};

/** Engine settings that tests and benchmarks change; all JSON, so they cross into the worker. */
export interface EngineTuning {
  /** Size and seed of the built-in sample catalog. */
  sampleCatalog?: { updates: number; seed: number };
  logMaxBytes?: number;
  /** Fixed pause between retries of a transient upstream failure (default: exponential backoff). */
  retryDelayMs?: number;
  upstreamTimeoutMs?: number;
  /** Resume interrupted synchronizations when the engine starts (default true). */
  resumeInterrupted?: boolean;
  /**
   * `service` (default): the engine of a console or of `usc service`: scheduler, retries, resumed syncs, child
   * notifications. `command`: started for one CLI command where no engine runs: it reads what it is asked to read and
   * writes what it is asked to write; it starts no synchronization of its own.
   */
  mode?: 'service' | 'command';
  /** IANA time zone for local-time schedules (default: the system's). */
  timeZone?: string;
  /** Run on virtual time: `speed` times faster than real time from `origin` (integration tests). */
  acceleratedClock?: { origin: string; speed: number };
}

export interface EngineOptions extends EngineTuning {
  dataDir: string;
  sqlWasmPath?: string;
  /** The built metadata fetch worker (out/engine/fetch-worker.js); without it metadata is fetched on the engine thread. */
  fetchWorkerPath?: string;
  now?: () => Date;
  clock?: Clock;
}

export type EngineEventListener = (event: ConsoleEvent) => void;

/** The sync engine: owns the data folder and every site database. Runs in the worker, or in-process in tests. */
export class Engine {
  private readonly listeners = new Set<EngineEventListener>();
  private readonly handlers: EngineHandlers;
  private readonly logs = new Map<SiteCode, TraceLogWriter>();
  private readonly connector: SyncSourceConnector;
  private readonly credentials: CredentialStore;
  readonly syncs: SyncController;
  readonly scheduler: SyncScheduler;
  readonly hierarchy: HierarchyCoordinator;
  readonly clock: Clock;
  readonly timeZone: string;

  private constructor(
    readonly folder: DataFolder,
    private readonly sites: SiteRegistry,
    private readonly releaseLock: () => void,
    private readonly options: EngineOptions,
  ) {
    this.clock =
      options.clock ??
      (options.acceleratedClock !== undefined
        ? acceleratedClock(new Date(options.acceleratedClock.origin), options.acceleratedClock.speed)
        : options.now !== undefined
          ? { ...systemClock, now: options.now }
          : systemClock);
    const now = () => this.clock.now();
    this.credentials = new CredentialStore(join(folder.root, 'credentials.json'));
    this.timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
    this.connector = new SyncSourceConnector(options.sampleCatalog);
    const clientSettings: ClientSettings = {
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: () => options.retryDelayMs! }),
      ...(options.upstreamTimeoutMs === undefined ? {} : { timeoutMs: options.upstreamTimeoutMs }),
    };
    this.syncs = new SyncController(
      (site) => ({
        site,
        database: this.sites.database(site),
        connector: this.connector,
        log: this.logFor(site),
        now,
        clientSettings,
        loadConfig: () => this.hierarchy.configFor(site),
        ...(options.fetchWorkerPath === undefined
          ? {}
          : {
              fetchWorker: {
                path: options.fetchWorkerPath,
                ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
                ...(options.upstreamTimeoutMs === undefined ? {} : { timeoutMs: options.upstreamTimeoutMs }),
              },
            }),
      }),
      {
        progress: (payload) => this.emit({ name: 'progress', payload }),
        finished: (payload) => {
          this.emit({ name: 'syncFinished', payload });
          this.compactIfWorthIt(payload.site);
          this.hierarchy.afterSync(payload);
        },
      },
    );
    this.hierarchy = new HierarchyCoordinator(
      {
        parentOf: (site) => this.sites.get(site).parentCode,
        childrenOf: (site) =>
          this.sites
            .list()
            .filter((entry) => entry.parentCode === site && entry.health.state === 'ok')
            .map((entry) => entry.code),
        topLevelOf: (site) => this.topLevelFor(site),
        database: (site) => this.sites.database(site),
        logFor: (site) => this.logFor(site),
        siteCodes: () =>
          this.sites
            .list()
            .filter((entry) => entry.health.state === 'ok')
            .map((entry) => entry.code),
        proxyPassword: (site) => this.credentials.proxyPassword(site),
      },
      this.syncs,
      this.clock,
      options.mode !== 'command',
    );
    this.scheduler = new SyncScheduler(
      {
        scheduledSites: () =>
          this.sites
            .list()
            .filter((site) => site.parentCode === null && site.health.state === 'ok')
            .map((site) => site.code),
        readSchedule: (site) => readSchedule(this.sites.database(site).db),
        readLastFired: (site) => {
          const text = readSetting<string>(this.sites.database(site).db, 'schedule.lastFired');
          return text === undefined ? undefined : new Date(text);
        },
        writeLastFired: (site, due) => {
          const database = this.sites.database(site);
          inTransaction(database.db, () => writeSetting(database.db, 'schedule.lastFired', due.toISOString()));
          database.save();
        },
        fire: (site, due, reason) => {
          const log = this.logFor(site);
          if (reason === 'missed')
            log.writeNow(`The scheduled synchronization due at ${due.toISOString()} was missed while the engine was not running; running it now.`);
          else if (reason === 'first')
            log.writeNow('Synchronization schedule saved with the default start: the first scheduled synchronization starts as soon as possible.');
          this.syncs.request(site, { kind: 'full', trigger: 'schedule', scheduledFor: due });
        },
      },
      this.clock,
      this.timeZone,
    );
    const scheduleInfo = (schedule: SyncSchedule, count = 5): ScheduleInfo => ({
      schedule,
      description: describeSchedule(schedule),
      token: scheduleToToken(schedule),
      nextRuns: nextRuns(schedule, now(), this.timeZone, count).map((date) => date.toISOString()),
      timeZone: this.timeZone,
    });
    this.handlers = {
      getSchedule: ({ site }) => scheduleInfo(readSchedule(this.sites.database(this.topLevelFor(site)).db) ?? defaultSchedule(now())),
      setSchedule: ({ site, schedule }) => {
        this.requireTopLevel(site, 'change the synchronization schedule');
        const database = this.sites.database(site);
        const normalized = schedule.startIsDefault
          ? { ...schedule, start: wallClockText(toWallClock(now().getTime(), schedule.utc ? 'UTC' : this.timeZone)) }
          : schedule;
        inTransaction(database.db, () => {
          writeSchedule(database.db, normalized);
          // A new default start fires at once; otherwise runs before now are not "missed".
          const previous = readSetting<string>(database.db, 'schedule.lastFired');
          const keep = previous !== undefined && Date.parse(previous) > now().getTime() ? previous : now().toISOString();
          writeSetting(database.db, 'schedule.lastFired', normalized.startIsDefault ? undefined : keep);
        });
        database.save();
        this.logFor(site).writeNow(`Synchronization schedule changed: ${describeSchedule(normalized)}.`);
        this.scheduler.reschedule();
        return scheduleInfo(normalized);
      },
      previewSchedule: ({ schedule, count }) =>
        scheduleInfo(
          schedule.startIsDefault ? { ...schedule, start: wallClockText(toWallClock(now().getTime(), schedule.utc ? 'UTC' : this.timeZone)) } : schedule,
          count,
        ),
      listSites: () => this.sites.list(),
      getSite: ({ site }) => this.sites.get(site),
      getSupConfig: ({ site }) => this.supConfigOf(site),
      previewSupScope: ({ site, config }) => previewScope(this.sites.database(this.topLevelFor(site)).db, this.supConfigOf(site), config),
      setSupConfig: ({ site, config }) => {
        const database = this.sites.database(site);
        const entry = this.sites.get(site);
        if (entry.parentCode !== null) {
          // A child keeps only its source (its parent, or a parent elsewhere) and its retry interval.
          const top = this.supConfigOf(this.topLevelFor(site));
          const owned = (['products', 'classifications', 'languages'] as const).filter((key) => JSON.stringify(config[key]) !== JSON.stringify(top[key]));
          if (owned.length > 0) this.requireTopLevel(site, `change the ${owned.join(', ')} of the Software Update Point`);
          if (config.source.kind !== 'upstream' && config.source.kind !== 'sample') {
            throw new ApiError('BAD_REQUEST', `A child site synchronizes from its parent: its source can only be the parent's URL.`);
          }
          const own = readSupConfig(database.db);
          const source = config.source.kind === 'upstream' ? config.source : own.source;
          inTransaction(database.db, () =>
            writeSupConfig(database.db, { ...own, source: config.source.kind === 'sample' ? { kind: 'sample' } : source, retryMinutes: config.retryMinutes }),
          );
          database.save();
          return this.supConfigOf(site);
        }
        // The password goes to the credential store: absent keeps the saved one (the console never has it), '' forgets it.
        const password = config.proxy?.password;
        if (config.proxy === undefined) this.credentials.setProxyPassword(site, undefined);
        else if (password !== undefined) this.credentials.setProxyPassword(site, password === '' ? undefined : password);
        inTransaction(database.db, () => writeSupConfig(database.db, withoutSecrets(config)));
        database.save();
        return this.supConfigOf(site);
      },
      runSynchronization: async ({ site, kind, trigger, wait }) => {
        this.sites.database(site);
        if (trigger === 'manual' || trigger === 'cli') this.requireTopLevel(site, 'run a manual synchronization');
        const { status, done } = this.syncs.request(site, { kind, trigger });
        return { status, run: wait ? await done : null };
      },
      cancelSynchronization: ({ site }) => ({ cancelled: this.syncs.cancel(this.sites.get(site).code) }),
      getSyncState: ({ site }) => ({ site, ...this.syncs.state(this.sites.get(site).code), nextRetry: this.hierarchy.retryState(site).nextRetry }),
      addSite: ({ code, name, parent }) => {
        const parentSite = this.sites.get(parent);
        if (parentSite.health.state !== 'ok') throw new ApiError('NOT_ALLOWED', `Site ${parent} cannot have child sites while its database is damaged.`);
        this.sites.createSite({ code, name, parentCode: parent }, now());
        this.publishSites();
        return this.sites.get(code);
      },
      updateSite: ({ site, name, parent }) => {
        const database = this.sites.database(site);
        const entry = this.sites.get(site);
        if (parent !== undefined && parent !== entry.parentCode) {
          if (entry.parentCode === null) throw new ApiError('NOT_ALLOWED', `${site} is the top-level site; it has no parent to change.`);
          this.sites.database(parent);
          for (let ancestor: string | null = parent; ancestor !== null; ancestor = this.sites.get(ancestor).parentCode) {
            if (ancestor === site) throw new ApiError('NOT_ALLOWED', `${parent} is below ${site}; a site cannot move under itself.`);
          }
        }
        inTransaction(database.db, () => {
          if (name !== undefined) database.db.run('UPDATE site SET name = ?', [name]);
          if (parent !== undefined && entry.parentCode !== null) database.db.run('UPDATE site SET parent_code = ?', [parent]);
        });
        database.save();
        this.publishSites();
        return this.sites.get(site);
      },
      removeSite: ({ site }) => {
        const entry = this.sites.get(site);
        const children = this.sites.list().filter((candidate) => candidate.parentCode === site);
        if (children.length > 0) {
          throw new ApiError('NOT_ALLOWED', `Site ${site} has child sites (${children.map((child) => child.code).join(', ')}); remove or move them first.`);
        }
        if (entry.parentCode === null) throw new ApiError('NOT_ALLOWED', `${site} is the top-level site; it cannot be removed.`);
        if (this.syncs.isRunning(site)) throw new ApiError('NOT_ALLOWED', `Site ${site} is synchronizing; cancel or wait for the synchronization first.`);
        const keptAs = this.sites.removeSite(site, now());
        this.publishSites();
        return { removed: site, keptAs };
      },
      restoreSite: ({ site }) => {
        const restored = this.sites.restoreSite(site, now());
        this.logFor(site).writeNow(
          `Site database restored from ${restored.restoredFrom}; the damaged files were kept as ${restored.keptAside.join(', ') || '(none)'}.`,
        );
        this.publishSites();
        return restored;
      },
      getHierarchy: () => this.hierarchyView(),
      listCategories: ({ site }) =>
        selectRows(
          this.sites.database(this.topLevelFor(site)).db,
          'SELECT category_id, name, category_type, parent_id FROM category ORDER BY category_type, name',
        ).map((row) => ({
          id: String(row.category_id),
          name: String(row.name),
          type: String(row.category_type) as 'Company' | 'ProductFamily' | 'Product' | 'UpdateClassification',
          parentId: row.parent_id === null ? null : String(row.parent_id),
        })),
      serveSite: async ({ site, port, bind }) => {
        this.sites.database(site);
        return { url: await this.hierarchy.serve(site, port, bind) };
      },
      retrySynchronization: ({ site }) => {
        const runs = this.runsOf(site, 1);
        if (runs[0]?.outcome !== 'failed') {
          throw new ApiError(
            'NOT_ALLOWED',
            `Site ${site} has no failed synchronization to retry${runs[0] === undefined ? '' : ` (its last one ${runs[0].outcome})`}.`,
          );
        }
        return { status: this.hierarchy.retryNow(site).status };
      },
      querySyncHistory: ({ site, limit }) => this.runsOf(site, limit),
      querySyncChanges: ({ site, runId }) => runChanges(this.sites.database(site).db, runId),
      queryUpdates: (query) => queryUpdates(this.sites.database(query.site).db, query),
      getUpdateDetails: ({ site, updateId }) => {
        const database = this.sites.database(site);
        const details = updateDetails(database, updateId, this.supConfigOf(site).languages);
        if (details === undefined) throw new ApiError('NOT_FOUND', `Site ${site} has no update ${updateId}.`);
        return details;
      },
      getRepositoryFolders: ({ site }) => repositoryFolders(this.sites.database(site).db),
      queryStatusMessages: ({ site, limit }) => listStatusMessages(this.sites.database(site).db, site, limit),
    };
  }

  /** A site's Software Update Point settings as a console sees them: a child's follow the top-level site's; no password. */
  private supConfigOf(site: SiteCode): SupConfig {
    const topSite = this.topLevelFor(site);
    const top = readSupConfig(this.sites.database(topSite).db);
    const config = this.sites.get(site).parentCode === null ? top : childSupConfig(top, readSupConfig(this.sites.database(site).db));
    if (config.proxy === undefined) return config;
    return { ...withoutSecrets(config), proxy: { ...withoutSecrets(config).proxy!, passwordSaved: this.credentials.proxyPassword(topSite) !== undefined } };
  }

  /** Passwords an earlier version kept inside a site database move to the owner-only credential store. */
  private moveSecretsOutOfDatabases(): void {
    for (const site of this.sites.list()) {
      if (site.health.state !== 'ok') continue;
      const database = this.sites.database(site.code);
      const stored = readSupConfig(database.db);
      const password = stored.proxy?.password;
      if (password === undefined) continue;
      this.credentials.setProxyPassword(site.code, password === '' ? undefined : password);
      inTransaction(database.db, () => writeSupConfig(database.db, withoutSecrets(stored)));
      database.save();
    }
  }

  /**
   * A site's runs, newest first. A run still marked running that this engine is not running was interrupted (this
   * engine holds the data folder, so nobody else runs it); a command's engine says so without writing it.
   */
  private runsOf(site: SiteCode, limit: number): SyncRun[] {
    return listRuns(this.sites.database(site).db, site, limit).map((run) =>
      run.outcome === 'running' && !this.syncs.isRunning(site)
        ? { ...run, outcome: 'interrupted', error: { code: 'INTERRUPTED', message: 'The engine stopped during this synchronization' } }
        : run,
    );
  }

  private publishSites(): void {
    this.emit({ name: 'sitesChanged', payload: { sites: this.sites.list() } });
  }

  private hierarchyView(): HierarchyEntry[] {
    const contentVersion = (code: SiteCode) => {
      try {
        return readSetting<number>(this.sites.database(code).db, 'sync.contentVersion') ?? 0;
      } catch {
        return 0;
      }
    };
    const lastSuccessOf = (code: SiteCode) => {
      const [row] = selectRows(this.sites.database(code).db, "SELECT started_at FROM sync_run WHERE outcome = 'succeeded' ORDER BY run_id DESC LIMIT 1");
      return row === undefined ? undefined : String(row.started_at);
    };
    return this.sites.list().map((site) => {
      if (site.health.state !== 'ok') {
        return { site, lastRun: null, contentVersion: 0, parentContentVersion: null, drift: false, nextRetry: null, failures: 0, syncing: false };
      }
      const [last] = this.runsOf(site.code, 1);
      const parent = site.parentCode;
      const parentLast = parent === null ? undefined : lastSuccessOf(parent);
      const ownLast = lastSuccessOf(site.code);
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
        ...this.hierarchy.retryState(site.code),
        syncing: this.syncs.isRunning(site.code),
      };
    });
  }

  /** After a sync: when superseded records make up most of the blob store, it is compacted (rare, and logged). */
  private compactIfWorthIt(site: SiteCode): void {
    try {
      const result = compactBlobStore(this.sites.database(site));
      if (result.compacted) {
        this.logFor(site).writeNow(
          `Compacted the metadata store: ${result.liveRecords} records kept, ${Math.round(result.bytesBefore / 2 ** 20)} MiB down to ${Math.round(result.bytesAfter / 2 ** 20)} MiB.`,
        );
      }
    } catch (error) {
      this.logFor(site).writeNow(
        `WARNING: Could not compact the metadata store: ${error instanceof Error ? error.message : String(error)}. It stays as it was.`,
      );
    }
  }

  /** A site's open database (tests, benchmarks, maintenance commands). */
  siteDatabase(site: SiteCode): SiteDatabase {
    return this.sites.database(site);
  }

  /** The site's wsyncmgr.log, under Logs/<site>/. */
  logFor(site: SiteCode): TraceLogWriter {
    let log = this.logs.get(site);
    if (log === undefined) {
      log = new TraceLogWriter({
        file: join(this.folder.logsDir, site, 'wsyncmgr.log'),
        component: SYNC_COMPONENT,
        now: () => this.clock.now(),
        ...(this.options.logMaxBytes === undefined ? {} : { maxBytes: this.options.logMaxBytes }),
        onLines: (lines) => this.emit({ name: 'log', payload: { site, file: 'wsyncmgr.log', lines } }),
      });
      this.logs.set(site, log);
    }
    return log;
  }

  private topLevelFor(site: SiteCode): SiteCode {
    let current = this.sites.get(site);
    while (current.parentCode !== null) current = this.sites.get(current.parentCode);
    return current.code;
  }

  private requireTopLevel(site: SiteCode, action: string): void {
    const entry = this.sites.get(site);
    if (entry.parentCode !== null) {
      throw new ApiError(
        'NOT_ALLOWED',
        `You cannot ${action} on ${site}: it is a child site. Child sites synchronize when their parent site ${entry.parentCode} asks them to, or on their own retry after a failed synchronization; the top-level site ${this.topLevelFor(site)} owns the settings.`,
      );
    }
  }

  /** Marks syncs that were running when the engine stopped, and starts one to resume each. */
  private resumeInterrupted(): void {
    for (const site of this.sites.list()) {
      if (site.health.state !== 'ok') continue;
      const db = this.sites.database(site.code).db;
      const interrupted = selectRows(db, "SELECT run_id, kind FROM sync_run WHERE outcome = 'running'");
      if (interrupted.length === 0) continue;
      inTransaction(db, () =>
        db.run(
          "UPDATE sync_run SET outcome = 'interrupted', ended_at = ?, error_code = 'INTERRUPTED', error_message = 'The engine stopped during this synchronization' WHERE outcome = 'running'",
          [this.clock.now().toISOString()],
        ),
      );
      this.sites.database(site.code).save();
      const kind = interrupted.some((run) => run.kind === 'full') ? 'full' : 'delta';
      this.logFor(site.code).writeNow(
        `The previous synchronization (run ${interrupted.map((run) => run.run_id).join(', ')}) was interrupted; resuming it as a ${kind} sync.`,
      );
      if (this.options.resumeInterrupted !== false) this.syncs.request(site.code, { kind, trigger: 'resume' });
    }
  }

  /** Waits for a site's current and queued synchronizations (tests, CLI). */
  async waitForSync(site: SiteCode): Promise<SyncRun | undefined> {
    let last: SyncRun | undefined;
    while (this.syncs.isRunning(site)) {
      last = await new Promise<SyncRun>((resolve) => {
        const off = this.onEvent((event) => {
          if (event.name === 'syncFinished' && event.payload.site === site) {
            off();
            resolve(event.payload);
          }
        });
      });
    }
    return last;
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const now = options.now ?? (() => new Date());
    const folder = dataFolderLayout(options.dataDir);
    ensureDataFolder(folder);
    const release = acquireDataFolderLock(folder, now());
    try {
      const sql = await loadSqlJs(options.sqlWasmPath);
      const sites = SiteRegistry.load(sql, folder.sitesDir, now());
      const engine = new Engine(folder, sites, release, options);
      engine.moveSecretsOutOfDatabases();
      if (options.mode !== 'command') {
        engine.resumeInterrupted();
        engine.hierarchy.restoreRetries();
        engine.scheduler.start();
      }
      return engine;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Runs one call whose params were already validated against the contract. */
  async call(method: ApiMethodName, params: unknown): Promise<unknown> {
    if (isHostMethod(method)) {
      throw new ApiError('BAD_REQUEST', `${method} is answered by the console host, not the engine.`);
    }
    const handler = this.handlers[method] as (params: unknown) => unknown;
    return handler(params);
  }

  onEvent(listener: EngineEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected emit(event: ConsoleEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Stops running syncs (their applied batches are kept), saves and releases the data folder. */
  async close(): Promise<void> {
    this.scheduler.stop();
    await this.syncs.stopAll();
    await this.hierarchy.close();
    for (const log of this.logs.values()) log.flush();
    await this.connector.close();
    this.sites.close();
    this.releaseLock();
  }
}
