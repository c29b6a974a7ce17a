import { basename, join } from 'node:path';
import { isHostMethod, type ApiMethodName, type ApiParams, type ApiResult, type ConsoleEvent, type EngineMethodName } from '../../shared/contract';
import { checkCall } from '../../shared/validate';
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
import { ChildNotifier } from './hierarchy/child-notifier';
import { effectiveConfig } from './hierarchy/effective-config';
import { ParentServices } from './hierarchy/parent-services';
import { SiteRetry } from './retry/site-retry';
import { clockOf, scheduleHost, syncContextFactory } from './engine-wiring';
import { SYNC_COMPONENT } from './log/status-messages';
import { TraceLogWriter } from './log/trace-log-writer';
import type { Clock } from './schedule/clock';
import type { EngineOptions } from './engine-options';
import { SyncScheduler } from './schedule/sync-scheduler';
import { blobDamageOf } from './storage/blob-damage';
import { Notifier } from './notify/notifier';
import { notifyHandlers } from './handlers/notify-handlers';
import { listExportHandlers } from './handlers/list-export-handlers';
import { compactBlobStore } from './storage/blob-compaction';
import { CredentialStore } from './storage/credential-store';
import type { SiteDatabase } from './storage/site-database';
import { SiteRegistry } from './storage/site-registry';
import { loadSqlJs } from './storage/sqljs';
import { inTransaction } from './storage/transaction';
import { loadInstallation } from './installation';
import { describeNameUpgrade, readSupConfig, upgradeStoredSelection, withoutSecrets, writeSupConfig } from './settings/sup-config';
import { SyncController } from './sync/sync-controller';
import { markRunsInterrupted } from './storage/runs';
import { SyncSourceConnector } from './upstream/sync-source';

export type { EngineOptions, EngineTuning } from './engine-options';

export type EngineEventListener = (event: ConsoleEvent) => void;

/** The sync engine: owns the data folder and every site database. Runs in the worker, or in-process in tests. */
export class Engine {
  private readonly listeners = new Set<EngineEventListener>();
  private readonly handlers: EngineHandlers;
  private readonly context: EngineContext;
  private readonly logs = new Map<SiteCode, TraceLogWriter>();
  /** The stored-metadata damage each site last showed consoles (publishIfDamageChanged). */
  private readonly damageShown = new Map<SiteCode, number>();
  private readonly connector: SyncSourceConnector;
  private readonly credentials: CredentialStore;
  /** Sites with an export, or an import's file check, under way. */
  private readonly transfers = new Map<SiteCode, AbortController>();
  readonly syncs: SyncController;
  readonly scheduler: SyncScheduler;
  readonly clock: Clock;
  readonly timeZone: string;
  private readonly parents: ParentServices;
  private readonly retries: SiteRetry;
  private readonly children: ChildNotifier;
  /** E-mail and webhook notifications of every finished run, and the scheduled digests. */
  private readonly notifier: Notifier;

  /** Wiring, in dependency order: each part is made from the parts above it. */
  private constructor(
    readonly folder: DataFolder,
    private readonly sites: SiteRegistry,
    private readonly releaseLock: () => void,
    private readonly options: EngineOptions,
  ) {
    this.clock = clockOf(options);
    this.timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
    this.credentials = new CredentialStore(join(folder.root, 'credentials.json'));
    this.connector = new SyncSourceConnector(options.sampleCatalog, loadInstallation(folder.root));
    // The logs are kept by the engine (logFor, below the constructor): each needs only the clock.
    const logFor = (site: SiteCode) => this.logFor(site);
    this.parents = new ParentServices(sites, logFor);
    const configFor = (site: SiteCode) => effectiveConfig(site, { sites, credentials: this.credentials, parents: this.parents });
    this.syncs = new SyncController(syncContextFactory({ sites, connector: this.connector, clock: this.clock, logFor, configFor, options }));
    const automatic = options.mode !== 'command';
    const usableSites = () => sites.list().filter((entry) => entry.health.state === 'ok');
    this.retries = new SiteRetry(
      {
        parentOf: (site) => sites.get(site).parentCode,
        database: (site) => sites.database(site),
        logFor,
        siteCodes: () => usableSites().map((entry) => entry.code),
      },
      this.syncs,
      this.clock,
      automatic,
    );
    this.children = new ChildNotifier(
      {
        childrenOf: (site) =>
          usableSites()
            .filter((entry) => entry.parentCode === site)
            .map((entry) => entry.code),
        siteCodes: () => usableSites().map((entry) => entry.code),
        database: (site) => sites.database(site),
        logFor,
      },
      this.syncs,
      automatic,
    );
    this.syncs.listen({
      progress: (payload) => this.emit({ name: 'progress', payload }),
      finished: (run) => {
        // A failed run's retry is scheduled first, so the console is told when it runs along with the failure.
        const nextRetry = run.outcome === 'failed' ? this.retries.afterFailure(run.site) : null;
        this.emit({ name: 'syncFinished', payload: { ...run, nextRetry } });
        this.notifier.afterRun({ ...run, nextRetry });
        this.compactIfWorthIt(run.site);
        this.publishIfDamageChanged(run.site);
        if (run.outcome !== 'succeeded') return;
        this.keepBackup(run);
        this.retries.afterSuccess(run.site);
        this.children.afterSuccess(run.site, this.clock.now());
      },
    });
    this.notifier = new Notifier({
      sites,
      credentials: this.credentials,
      clock: this.clock,
      logFor,
      topLevelOf: (site) => sites.topLevelOf(site),
      retryAtOf: (site) => this.retries.state(site).nextRetry,
      transportOf: (site) => {
        const config = readSupConfig(sites.database(site));
        const password = config.proxy === undefined ? undefined : this.credentials.proxyPassword(site);
        return {
          ...(config.extraCaCertificates === undefined ? {} : { extraCaCertificates: config.extraCaCertificates }),
          ...(config.proxy === undefined
            ? {}
            : {
                proxy: {
                  url: config.proxy.url,
                  ...(config.proxy.username === undefined ? {} : { username: config.proxy.username }),
                  ...(password === undefined ? {} : { password }),
                },
              }),
        };
      },
      ...(options.notifyRetryDelaysMs === undefined ? {} : { retryDelaysMs: options.notifyRetryDelaysMs }),
      ...(options.notifyListLimit === undefined ? {} : { listLimit: options.notifyListLimit }),
    });
    this.scheduler = new SyncScheduler(scheduleHost(sites, this.syncs, logFor), this.clock, this.timeZone);
    this.context = engineContext({
      sites,
      syncs: this.syncs,
      scheduler: this.scheduler,
      parents: this.parents,
      retries: this.retries,
      configFor,
      credentials: this.credentials,
      clock: this.clock,
      timeZone: this.timeZone,
      logFor,
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
      ...notifyHandlers(this.context, this.notifier),
      ...doctorHandlers(this.context, (source) => this.connector.urlOf(source), this.connector.account),
      ...catalogTransferHandlers(this.context, {
        exportsDir: join(folder.root, 'Exports'),
        transfers: this.transfers,
        emitProgress: (payload) => this.emit({ name: 'transferProgress', payload }),
      }),
      ...listExportHandlers(this.context, {
        exportsDir: join(folder.root, 'Exports'),
        transfers: this.transfers,
        emitProgress: (payload) => this.emit({ name: 'transferProgress', payload }),
      }),
    } satisfies EngineHandlers;
  }

  /** Passwords an earlier version kept inside a site database move to the owner-only credential store. */
  /** A synchronization that changed the site leaves a backup of what it made (site-database.ts, snapshot). */
  private keepBackup(run: SyncRun): void {
    const { counts } = run;
    if (counts.new + counts.modified + counts.expired + counts.removed === 0) return;
    try {
      this.sites.database(run.site).snapshot();
    } catch (error) {
      this.logFor(run.site).writeNow(
        `WARNING: Could not keep a backup of the site database after this synchronization: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** What opening each site database mended, in its wsyncmgr.log, where the administrator looks for it. */
  private logOpenRepairs(): void {
    for (const site of this.sites.list()) {
      if (site.health.state !== 'ok') continue;
      for (const repair of this.sites.database(site.code).repairs.splice(0)) this.logFor(site.code).writeNow(`WARNING: ${repair}`);
    }
  }

  private moveSecretsOutOfDatabases(): void {
    for (const site of this.sites.list()) {
      if (site.health.state !== 'ok') continue;
      const database = this.sites.database(site.code);
      const stored = readSupConfig(database);
      const password = stored.proxy?.password;
      if (password === undefined) continue;
      this.credentials.setProxyPassword(site.code, password === '' ? undefined : password);
      inTransaction(database, () => writeSupConfig(database, withoutSecrets(stored)));
      // The whole file: a journal line would leave the line that held the password beside it until the next one.
      database.saveWhole();
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

  /** Consoles show a site's stored-metadata damage: told when a sync repaired it or found more. */
  private publishIfDamageChanged(site: SiteCode): void {
    const count = blobDamageOf(this.sites.database(site)).records;
    if ((this.damageShown.get(site) ?? 0) === count) return;
    this.damageShown.set(site, count);
    this.emit({ name: 'sitesChanged', payload: { sites: this.sites.list() } });
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
      engine.logOpenRepairs();
      engine.moveSecretsOutOfDatabases();
      engine.selectByCategoryId();
      if (options.mode !== 'command') {
        engine.resumeInterrupted();
        engine.children.deliverPending();
        engine.retries.restore();
        engine.scheduler.start();
        engine.notifier.start();
      }
      return engine;
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Runs one call in-process, typed by the contract: its params are checked by the method's schema, as the worker
   * checks what a host sends, and a bad one throws BAD_REQUEST.
   */
  async call<M extends EngineMethodName>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    const checked = checkCall(method, params);
    if (!checked.ok) throw new ApiError(checked.error.code, checked.error.message);
    return (await this.callChecked(method, checked.value.params)) as ApiResult<M>;
  }

  /** Runs one call whose params were already checked against the contract (the worker's path). */
  async callChecked(method: ApiMethodName, params: unknown): Promise<unknown> {
    if (isHostMethod(method)) {
      throw new ApiError('BAD_REQUEST', `${method} is answered by the console host, not the engine.`);
    }
    const handler = this.handlers[method] as (params: unknown) => unknown;
    return handler(params);
  }

  /** The sites this engine serves as an upstream server now (to children here, or to `usc serve`'s clients). */
  get servedSites(): SiteCode[] {
    return this.parents.served;
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
    this.retries.close();
    this.children.close();
    this.notifier.close();
    await this.parents.close();
    for (const log of this.logs.values()) log.flush();
    await this.connector.close();
    this.sites.close();
    this.releaseLock();
  }
}
