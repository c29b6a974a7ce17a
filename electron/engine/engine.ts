import { basename, join } from 'node:path';
import { isHostMethod, type ApiMethodName, type ConsoleEvent } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { SiteCode, SyncRun } from '../../shared/domain';
import { acquireDataFolderLock, dataFolderLayout, ensureDataFolder, type DataFolder } from './data-folder';
import { engineContext, type EngineContext, type EngineHandlers } from './handlers/engine-context';
import { hierarchyHandlers } from './handlers/hierarchy-handlers';
import { doctorHandlers } from './handlers/doctor-handlers';
import { logHandlers } from './handlers/log-handlers';
import { repositoryHandlers } from './handlers/repository-handlers';
import { scheduleHandlers } from './handlers/schedule-handlers';
import { siteHandlers } from './handlers/site-handlers';
import { supConfigHandlers } from './handlers/sup-config-handlers';
import { syncHandlers } from './handlers/sync-handlers';
import { catalogTransferHandlers } from './handlers/catalog-transfer-handlers';
import { HierarchyCoordinator } from './hierarchy/hierarchy-coordinator';
import { SYNC_COMPONENT } from './log/status-messages';
import { TraceLogWriter } from './log/trace-log-writer';
import { acceleratedClock, systemClock, type Clock } from './schedule/clock';
import { readSchedule } from './schedule/schedule-store';
import { SyncScheduler } from './schedule/sync-scheduler';
import { compactBlobStore } from './storage/blob-compaction';
import { CredentialStore } from './storage/credential-store';
import type { SiteDatabase } from './storage/site-database';
import { SiteRegistry } from './storage/site-registry';
import { readSetting, writeSetting } from './storage/settings';
import { loadSqlJs } from './storage/sqljs';
import { inTransaction } from './storage/transaction';
import { loadInstallation } from './installation';
import { describeNameUpgrade, readSupConfig, upgradeStoredSelection, withoutSecrets, writeSupConfig } from './sync/sup-config';
import { SyncController } from './sync/sync-controller';
import { markRunsInterrupted } from './storage/runs';
import { SyncSourceConnector, type ClientSettings } from './upstream/sync-source';

/** Engine settings that tests and benchmarks change; all JSON, so they cross into the worker. */
export interface EngineTuning {
  /** Size and seed of the built-in sample catalog. */
  sampleCatalog?: { updates: number; seed: number };
  logMaxBytes?: number;
  /** Fixed pause between retries of a transient upstream failure (default: exponential backoff). */
  retryDelayMs?: number;
  upstreamTimeoutMs?: number;
  /** The stall watchdog's limit in milliseconds, instead of the site's stallMinutes (tests). */
  stallMs?: number;
  /** The most revisions a site may hold after a sync that sets its indexes aside, instead of DEFER_INDEXES_UP_TO (tests). */
  deferIndexesUpTo?: number;
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
  /** Fetch workers per metadata fetch, instead of the choice by its size and the machine's cores (tests). */
  fetchWorkers?: number;
  now?: () => Date;
  clock?: Clock;
  /** What the engine is doing while it opens, when it takes long enough to say (upgrading a site database). */
  onStartup?: (message: string) => void;
}

export type EngineEventListener = (event: ConsoleEvent) => void;

/** The sync engine: owns the data folder and every site database. Runs in the worker, or in-process in tests. */
export class Engine {
  private readonly listeners = new Set<EngineEventListener>();
  private readonly handlers: EngineHandlers;
  private readonly context: EngineContext;
  private readonly logs = new Map<SiteCode, TraceLogWriter>();
  private readonly connector: SyncSourceConnector;
  private readonly credentials: CredentialStore;
  /** Sites with an export, or an import's file check, under way. */
  private readonly transfers = new Map<SiteCode, AbortController>();
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
    this.connector = new SyncSourceConnector(options.sampleCatalog, loadInstallation(folder.root));
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
      }),
      {
        progress: (payload) => this.emit({ name: 'progress', payload }),
        finished: (run) => {
          // A failed run's retry is scheduled first, so the console is told when it runs along with the failure.
          const nextRetry = run.outcome === 'failed' ? this.hierarchy.scheduleRetry(run.site) : null;
          this.emit({ name: 'syncFinished', payload: { ...run, nextRetry } });
          this.compactIfWorthIt(run.site);
          if (run.outcome === 'succeeded') this.hierarchy.afterSuccess(run.site);
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
        topLevelOf: (site) => this.context.topLevelOf(site),
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
        readSchedule: (site) => readSchedule(this.sites.database(site)),
        readLastFired: (site) => {
          const text = readSetting<string>(this.sites.database(site), 'schedule.lastFired');
          return text === undefined ? undefined : new Date(text);
        },
        writeLastFired: (site, due) => {
          const database = this.sites.database(site);
          inTransaction(database, () => writeSetting(database, 'schedule.lastFired', due.toISOString()));
          database.save();
        },
        fire: (site, due, reason) => {
          const log = this.logFor(site);
          // A site that does not synchronize (kept current by catalog imports) has nothing to run on schedule: a
          // failed run and an hourly retry for each due time would only bury its real state.
          if (readSupConfig(this.sites.database(site)).source.kind === 'none') {
            log.writeNow(
              `The scheduled synchronization due at ${due.toISOString()} was skipped: the Software Update Point is set to "Do not synchronize" (catalog imports keep this site current).`,
            );
            return;
          }
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
    this.context = engineContext({
      sites,
      syncs: this.syncs,
      scheduler: this.scheduler,
      hierarchy: this.hierarchy,
      credentials: this.credentials,
      clock: this.clock,
      timeZone: this.timeZone,
      logFor: (site) => this.logFor(site),
      publishSites: () => this.emit({ name: 'sitesChanged', payload: { sites: this.sites.list() } }),
    });
    this.handlers = {
      ...siteHandlers(this.context),
      ...supConfigHandlers(this.context, (source, settings) => this.connector.connect(source, settings)),
      ...scheduleHandlers(this.context),
      ...syncHandlers(this.context),
      ...repositoryHandlers(this.context),
      ...hierarchyHandlers(this.context),
      ...logHandlers(this.context),
      ...doctorHandlers(this.context, (source) => this.connector.urlOf(source), this.connector.account),
      ...catalogTransferHandlers(this.context, {
        exportsDir: join(folder.root, 'Exports'),
        transfers: this.transfers,
        emitProgress: (payload) => this.emit({ name: 'transferProgress', payload }),
      }),
    } satisfies EngineHandlers;
  }

  /** Passwords an earlier version kept inside a site database move to the owner-only credential store. */
  private moveSecretsOutOfDatabases(): void {
    for (const site of this.sites.list()) {
      if (site.health.state !== 'ok') continue;
      const database = this.sites.database(site.code);
      const stored = readSupConfig(database);
      const password = stored.proxy?.password;
      if (password === undefined) continue;
      this.credentials.setProxyPassword(site.code, password === '' ? undefined : password);
      inTransaction(database, () => writeSupConfig(database, withoutSecrets(stored)));
      database.save();
    }
  }

  /**
   * Selections an earlier release kept by name are kept by category ID from now on, wherever exactly one of the
   * site's categories has that name; each name and its ID go to wsyncmgr.log, and so does every name left as it was.
   */
  private selectByCategoryId(): void {
    for (const site of this.sites.list()) {
      if (site.health.state !== 'ok') continue;
      const database = this.sites.database(site.code);
      const upgrade = inTransaction(database, () => upgradeStoredSelection(database));
      if (upgrade === undefined) continue;
      if (upgrade.matched.length > 0) database.save();
      for (const line of describeNameUpgrade(upgrade, site.code)) this.logFor(site.code).writeNow(line);
    }
  }

  /** After a sync: when superseded records make up most of the blob store, it is compacted (rare, and logged). */
  private compactIfWorthIt(site: SiteCode): void {
    // An export reads records where they are: they stay there until it ends (the next sync compacts instead).
    if (this.transfers.has(site)) return;
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

  /** Marks syncs that were running when the engine stopped, and starts one to resume each. */
  private resumeInterrupted(): void {
    for (const site of this.sites.list()) {
      if (site.health.state !== 'ok') continue;
      const database = this.sites.database(site.code);
      const interrupted = inTransaction(database, () => markRunsInterrupted(database, this.clock.now()));
      if (interrupted.length === 0) continue;
      database.save();
      // An import is not resumed from the site's own source: the file is imported again by the administrator.
      const imports = interrupted.filter((run) => run.trigger === 'import');
      if (imports.length > 0) {
        this.logFor(site.code).writeNow(
          `The import of a catalog export (run ${imports.map((run) => run.runId).join(', ')}) was interrupted; what it applied is kept. Import the file again to complete it.`,
        );
      }
      const syncs = interrupted.filter((run) => run.trigger !== 'import');
      if (syncs.length === 0) continue;
      const kind = syncs.some((run) => run.kind === 'full') ? 'full' : 'delta';
      this.logFor(site.code).writeNow(
        `The previous synchronization (run ${syncs.map((run) => run.runId).join(', ')}) was interrupted; resuming it as a ${kind} sync.`,
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
      const sites = SiteRegistry.load(sql, folder.sitesDir, now(), (notice) =>
        options.onStartup?.(
          'indexUpdates' in notice
            ? `Building the repository's indexes of ${basename(notice.file)} (${notice.indexUpdates.toLocaleString('en-US')} updates), which its last synchronization was stopped before building (about 3 s per 100,000)…`
            : `Upgrading the site database ${basename(notice.file)} from schema ${notice.from} to ${notice.to}: once, after an update of the console; the more updates the site holds, the longer it takes (about 4 s per 100,000)…`,
        ),
      );
      const engine = new Engine(folder, sites, release, options);
      engine.moveSecretsOutOfDatabases();
      engine.selectByCategoryId();
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
