/**
 * One synchronization of one site, start to finish (SPEC §3.4): connect → categories (and detectoids) → update list
 * → metadata fetched and applied batch by batch (each batch one transaction, durable as soon as it is committed,
 * overlapping with the next fetches) → finish (anchors, history, status). Writes wsyncmgr.log and status messages
 * 6701 → 6704 → 6705 → 6702 / 6703.
 *
 * The outcome is the truth: `succeeded` only when every revision the sync set out to fetch was applied and saved.
 * A revision that could not be fetched or read fails the sync (6703 "Failed to sync some of the updates"); what did
 * arrive is kept, the anchor stays where it was, and the next sync fetches exactly what is missing.
 */
import { randomUUID } from 'node:crypto';
import type { Progress, SyncPhase } from '../../../shared/contract';
import { durationText } from '../../../shared/time-text';
import { updateLanguage } from '../../../shared/languages';
import { DEFAULT_STALL_MINUTES, type SiteCode, type SyncKind, type SyncRun, type SyncTrigger } from '../../../shared/domain';
import { reportStatus } from '../log/status-messages';
import type { TraceLogWriter } from '../log/trace-log-writer';
import { SiteSaveError } from '../storage/save-error';
import { JOURNAL_LIMIT_AT_REST, JOURNAL_LIMIT_DURING_SYNC, type SiteDatabase } from '../storage/site-database';
import { buildDeferredIndexes, deferIndexes, deferredIndexes, updateCount } from '../storage/deferred-indexes';
import { readSetting, writeSetting } from '../storage/settings';
import { inSavepoint, inTransaction } from '../storage/transaction';
import { encodeRevision } from '../storage/blob-store';
import type { MetadataFailure, RevisionList, ServerConfig, UpstreamClient, UpstreamNotice } from '../upstream/client/upstream-client';
import type { FetchedBatch } from '../upstream/fetch/fetch-protocol';
import { fetchInWorker, fetchWorkersFor } from '../upstream/fetch/remote-fetcher';
import type { RevisionPayload, UpdateIdentity, UpdateMetadata } from '../upstream/update-metadata';
import { UpstreamError } from '../upstream/client/upstream-error';
import type { ClientSettings, SyncSourceConnector } from '../upstream/sync-source';
import { titleOf } from '../upstream/update-metadata';

/** A batch as the sync applies it: from the in-thread client (the raw payload) or the fetch worker (the encoded record). */
interface ArrivedBatch {
  revisions: Array<{ metadata: UpdateMetadata; payload?: RevisionPayload; record?: Uint8Array }>;
  failures: MetadataFailure[];
}
import { resolveFilter, resolveFilterIn, upgradeNames } from './category-selection';
import { categoryRows } from '../storage/categories';
import {
  configFingerprint,
  describeConfigChange,
  describeNameUpgrade,
  readSupConfig,
  serverNameOf,
  upgradeStoredSelection,
  type EffectiveConfig,
} from './sup-config';
import { addPending, planDeltaSync, planFullSync, type SyncPlan } from './sync-plan';
import { languageProblems, mergeLanguages, readKeptConfig, writeKeptConfig } from './upstream-config';
import { insertRun, markRunEnded, markRunSucceeded, readRun, runOutcome, saveRunCounts, setRunKind, setRunWarnings } from '../storage/runs';
import { UpdateStore, type ChangeKind } from '../storage/update-store';

/** The abort reason of an engine shutdown: the run stays `running` on disk, so the next start resumes it. */
export const SHUTDOWN = 'engine shutdown';
const STALLED = 'stalled';

export interface SyncRequest {
  kind: SyncKind;
  trigger: SyncTrigger;
  /** Parent site code when the trigger is a parent's request. */
  parent?: string;
  /** Due time, for a scheduled run. */
  scheduledFor?: Date;
  /**
   * An import: the export file served on loopback takes the place of the site's source (and of its proxy); the
   * selection it was exported with tells what the file cannot hold.
   */
  import?: { url: string; serverName: string; file: string; exportedWith: { products: string[]; classifications: string[]; languages: string[] } };
}

export interface SyncContext {
  site: SiteCode;
  database: SiteDatabase;
  connector: SyncSourceConnector;
  log: TraceLogWriter;
  now: () => Date;
  signal: AbortSignal;
  onProgress: (progress: Progress) => void;
  clientSettings?: ClientSettings;
  /** The settings this sync follows; a child site's come from the top-level site, its source is its parent. */
  loadConfig?: () => Promise<EffectiveConfig>;
  /**
   * Fetch metadata in a worker thread of its own (the built fetch-worker.js), so parsing and compression run beside
   * the engine's writes; without it (running from source) the in-thread client fetches.
   */
  fetchWorker?: {
    path: string;
    retryDelayMs?: number;
    timeoutMs?: number;
    /** Workers per fetch, instead of fetchWorkersFor's choice (tests). */
    workers?: number;
  };
  /** The stall watchdog's limit, instead of the settings' stallMinutes (tests). */
  stallMs?: number;
  /** Instead of DEFER_INDEXES_UP_TO (tests). */
  deferIndexesUpTo?: number;
}

/**
 * The most revisions a site may hold after a sync that sets its indexes aside. Built at the end, the indexes and the
 * search index make the in-memory database file grow by about half at once (sql.js grows it by copies of 1.125 times
 * its size, freed only by the next garbage collection), while the sync's memory is at its highest: at 643,531
 * revisions the peak RSS of `usc sync` went from 1,989 MiB to 2.0–2.5 GiB, above the 2 GiB a catalog sync may take.
 * At 128,662 (100,000 updates) the peak stays near 600 MiB, and the sync is 9 s of CPU cheaper.
 */
export const DEFER_INDEXES_UP_TO = 300_000;

/** Times the watchdog abandons stuck requests and retries before the sync fails with STALLED. */
export const STALL_RETRIES = 2;

export class SyncCancelled extends Error {}

class SyncFailure extends Error {
  constructor(
    readonly code: string,
    readonly source: string,
    message: string,
  ) {
    super(message);
  }
}

/** The upstream's identity changed mid-sync: anchors are reset and the sync starts over as a full one, once. */
class ServerChanged extends Error {}

export const SYNC_KEYS = {
  updateAnchor: 'sync.updateAnchor',
  configAnchor: 'sync.configAnchor',
  fingerprint: 'sync.configFingerprint',
  contentVersion: 'sync.contentVersion',
  updateSourceId: 'sync.updateSourceId',
} as const;

const WAKEUP: Record<SyncTrigger, string[]> = {
  manual: ['Wakeup by inbox drop', 'Found local sync request file', 'Starting Sync', 'Performing sync on local request'],
  cli: ['Wakeup by inbox drop', 'Found local sync request file', 'Starting Sync', 'Performing sync on local request'],
  schedule: ['Wakeup for scheduled regular sync', 'Starting Sync', 'Performing sync on regular schedule'],
  parent: ['Wakeup by inbox drop', 'Starting Sync', 'Performing sync on parent request'],
  retry: ['Wakeup for a retry of a failed sync', 'Starting Sync', 'Performing sync on retry schedule'],
  resume: ['Wakeup to resume an interrupted sync', 'Starting Sync', 'Performing sync to resume an interrupted sync'],
  import: ['Wakeup by inbox drop', 'Starting Sync', 'Performing sync from an imported catalog export'],
};

export function formatSyncTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${Math.floor(seconds / 86400)}d${pad(Math.floor(seconds / 3600) % 24)}h${pad(Math.floor(seconds / 60) % 60)}m${pad(seconds % 60)}s`;
}

export function runSync(context: SyncContext, request: SyncRequest): Promise<SyncRun> {
  return new Synchronization(context, request).run();
}

class Synchronization {
  /** The site's storage: every row this run writes goes through the storage modules. */
  private readonly database: SiteDatabase;
  private readonly startedAt: Date;
  private kind: SyncKind;
  private fullReason: string | null = null;
  private runId = 0;
  private anchorBefore: string | null = null;
  private readonly counts = { new: 0, modified: 0, expired: 0, removed: 0, skipped: 0, failed: 0 };
  private lastProgress: { done: number; total: number; etaMs: number | null } = { done: 0, total: 1, etaMs: null };
  /** The retry the sync is waiting for, until progress is made again. */
  private retrying: Progress['retry'];
  /** Updates the supersedence rule expired at the end of this run. */
  private ruleExpired = 0;
  /** When the watchdog last saw progress, while it retries stuck requests. */
  private stalledSince: string | undefined;
  /** The last retry attempt written to the log, and until when it covers the requests failing with it. */
  private retryLogged: { key: string; until: number } | undefined;
  /** The same changes counted as the repository lists them (deployable updates only). */
  private readonly listed = { new: 0, modified: 0, expired: 0, removed: 0 };
  private readonly warnings: string[] = [];
  private readonly failures: Array<MetadataFailure & { config: boolean }> = [];
  private store: UpdateStore | undefined;
  private client: UpstreamClient | undefined;
  private phase: SyncPhase = 'connect';
  private config!: EffectiveConfig;
  private serverName = '';
  private serverChangedOnce = false;
  private appliedAny = false;
  /** Whether this run set the repository's indexes aside, to build them at its end. */
  private indexesDeferred = false;
  /** The upstream's languages (GetConfigData, with those kept from before): the list filter names the site's by LCID. */
  private serverLanguages: ServerConfig['languages'] = [];

  constructor(
    private readonly context: SyncContext,
    private readonly request: SyncRequest,
  ) {
    this.database = context.database;
    this.startedAt = context.now();
    this.kind = request.kind;
  }

  async run(): Promise<SyncRun> {
    const { log } = this.context;
    let configError: unknown;
    try {
      this.config = this.context.loadConfig === undefined ? readSupConfig(this.database) : await this.context.loadConfig();
    } catch (error) {
      // Recorded as this run's failure, like any other: the run row is written first.
      this.config = readSupConfig(this.database);
      configError = error;
    }
    try {
      this.begin();
      if (configError !== undefined) throw configError;
      for (const line of WAKEUP[this.request.trigger]) log.write(line);
      if (this.request.parent !== undefined) log.write(`Found parent sync notification file ${this.request.parent}.SYN.`);
      if (this.request.import !== undefined) log.write(`Importing the catalog export ${this.request.import.file}`);
      if (this.fullReason !== null) log.write(`Full sync required due to ${this.fullReason}.`);
      this.status(6701);
      this.status(6704);
      await this.connect();
      await this.synchronize();
    } catch (error) {
      this.fail(error);
    } finally {
      this.store?.close();
      await this.client?.close().catch(() => undefined);
    }
    // The indexes set aside are built here, whatever the outcome, once the revision list, the plan and the store's
    // lookup (each an entry per revision: 643,000 at 500,000 updates) are let go: built inside finish, with them
    // alive, the 500,000-update sync peaked above 2 GiB. At an engine shutdown the next open builds them (and the
    // run resumes), so the engine stops at once.
    if (!(this.context.signal.aborted && this.context.signal.reason === SHUTDOWN)) this.buildIndexes();
    this.persistOutcome();
    log.flush();
    return { ...readRun(this.database, this.context.site, this.runId), warnings: this.warnings };
  }

  /**
   * Lists, fetches and applies, then finishes the run. Its own frame, so that the revision list and the plan (two
   * entries per revision: 1.3 million at 500,000 updates) are let go before the last save copies the database.
   */
  private async synchronize(): Promise<void> {
    const log = this.context.log;
    let list!: RevisionList;
    let plan!: SyncPlan;
    for (;;) {
      try {
        await this.syncConfigRevisions();
        this.selectByCategoryId();
        ({ list, plan } = await this.listUpdates());
        log.write(`Done synchronizing WSUS Server ${this.serverName}`);
        this.status(6705);
        log.write(`Synchronizing SMS database with WSUS server ${this.serverName} ...`);
        log.write('sync: Starting SMS database synchronization');
        log.write(this.kind === 'full' ? 'Syncing all updates' : `Syncing updates arrived after ${this.anchorBefore?.split(',')[1] ?? 'the last sync'}`);
        if (plan.skipped > 0) log.write(`Delta sync skipped ${plan.skipped} changed revisions of known updates; the next full sync applies them.`);
        await this.fetchAndApply(plan);
        break;
      } catch (error) {
        if (!(error instanceof ServerChanged)) throw error;
      }
    }
    this.finish(list, plan);
  }

  /** The run row, durable before anything else happens, so a sync killed at any moment is found and resumed. */
  private begin(): void {
    const fingerprint = configFingerprint(this.config);
    const previousFingerprint = readSetting<string>(this.database, SYNC_KEYS.fingerprint);
    this.anchorBefore = readSetting<string>(this.database, SYNC_KEYS.updateAnchor) ?? null;
    if (this.kind === 'delta' && this.anchorBefore === null) this.fullReason = 'no previous successful synchronization';
    else if (this.kind === 'delta' && previousFingerprint !== undefined && previousFingerprint !== fingerprint)
      this.fullReason = describeConfigChange(previousFingerprint, fingerprint);
    if (this.fullReason !== null) this.kind = 'full';
    this.runId = inTransaction(this.database, () =>
      insertRun(this.database, {
        kind: this.kind,
        trigger: this.request.trigger,
        scheduledFor: this.request.scheduledFor?.toISOString() ?? null,
        startedAt: this.startedAt.toISOString(),
        anchorBefore: this.anchorBefore,
        fullReason: this.fullReason,
      }),
    );
    this.commit();
    this.store = new UpdateStore(this.database);
  }

  private async connect(): Promise<void> {
    const { config, context } = this;
    this.progress(0, 1);
    const imported = this.request.import;
    if (config.source.kind === 'none' && imported === undefined) {
      this.context.log.write(`Synchronizing WSUS server ${serverNameOf(config)} ...`);
      throw new SyncFailure('SOURCE_DISABLED', 'CWSyncMgr::DoSync', 'The Software Update Point is set to "Do not synchronize"');
    }
    this.client = await context.connector.connect(imported === undefined ? config.source : { kind: 'upstream', url: imported.url }, {
      ...context.clientSettings,
      ...this.transportSettings(),
      onNotice: (notice) => this.upstreamNotice(notice),
    });
    this.serverName = imported?.serverName ?? config.serverName ?? serverNameOf(config, this.client.baseUrl);
    context.log.write(`Synchronizing WSUS server ${this.serverName} ...`);
    context.log.write('sync: Starting WSUS synchronization');
    // After the first successful call, the config anchor goes with every GetConfigData; the answer then lists only
    // the languages that changed, so the languages kept are updated by it.
    const baseUrl = this.client.baseUrl;
    const kept = readKeptConfig(this.database, baseUrl);
    const answer = await this.upstream((client) => client.getConfigData(kept?.configAnchor, context.signal));
    const languages = mergeLanguages(kept?.languages, answer.languages);
    inTransaction(this.database, () => writeKeptConfig(this.database, { url: baseUrl, configAnchor: answer.configAnchor, languages }));
    this.commit();
    this.serverLanguages = languages;
    // An import's file holds the languages it was exported with: importGaps names the others.
    if (imported === undefined) for (const problem of languageProblems(languages, config.languages)) this.warn(problem);
  }

  /** Categories, classifications and detectoids changed since the stored config anchor (everything without one). */
  private async syncConfigRevisions(): Promise<void> {
    const { context, store } = this;
    this.phase = 'categories';
    context.log.write('sync: WSUS synchronizing categories');
    const anchor = readSetting<string>(this.database, SYNC_KEYS.configAnchor);
    const list = await this.watchingServerChanged(anchor, (client) => client.getCategoryRevisions(anchor, context.signal));
    const plan = addPending(planFullSync(store!.storedConfigRevisions(), list.revisions), store!.pendingRevisions(true), list.revisions, anchor === undefined);
    let done = 0;
    let failed = 0;
    await this.watchingServerChanged(anchor, () =>
      this.fetchRevisions(plan.fetch, async (batch) => {
        const applied = await this.applyBatch(batch, true, (entry, location) => {
          if (entry.metadata.type === 'Category' || entry.metadata.type === 'Detectoid') store!.applyConfigRevision(entry.metadata, location, this.runId);
        });
        done += applied.applied + applied.failed;
        failed += applied.failed;
        this.progress(done, plan.fetch.length);
      }),
    );
    store!.reloadCategories();
    if (failed === 0) {
      inTransaction(this.database, () => writeSetting(this.database, SYNC_KEYS.configAnchor, list.anchor));
      this.commit();
    }
    context.log.write(`sync: WSUS synchronizing categories, processed ${list.revisions.length} out of ${list.revisions.length} items (100%)`);
  }

  /**
   * Now that the categories are current, a selection an earlier release kept by name is kept by ID wherever exactly
   * one category has that name (said in the log); what still matches nothing, or several, is warned about below.
   */
  private selectByCategoryId(): void {
    const upgrade = inTransaction(this.database, () => upgradeStoredSelection(this.database));
    if (upgrade !== undefined && upgrade.matched.length > 0) this.commit();
    for (const line of upgrade === undefined ? [] : describeNameUpgrade(upgrade, this.context.site)) this.context.log.write(line);
    const { unresolvedNames } = this.config;
    if (unresolvedNames === undefined) return;
    const { upgrade: _upgrade, ...selection } = upgradeNames(categoryRows(this.database), {
      products: [...this.config.products, ...unresolvedNames.products],
      classifications: [...this.config.classifications, ...unresolvedNames.classifications],
    });
    const { unresolvedNames: _before, ...config } = this.config;
    this.config = { ...config, ...selection };
  }

  private async listUpdates(): Promise<{ list: RevisionList; plan: SyncPlan }> {
    const { context, store, config } = this;
    const filter = resolveFilter(this.database, config);
    for (const unknown of filter.unknown) this.warn(`The upstream server does not know the ${unknown} selected on the Software Update Point`);
    if (this.request.import !== undefined) for (const gap of importGaps(this.database, config, filter, this.request.import.exportedWith)) this.warn(gap);
    if (filter.classificationIds.length === 0 || filter.productIds.length === 0) {
      const missing = filter.classificationIds.length === 0 ? 'classifications' : 'products';
      throw new SyncFailure('EMPTY_FILTER', 'CWSyncMgr::DoSync', `Request filter does not contain any known ${missing}. Sync will do nothing`);
    }
    this.phase = 'list';
    context.log.write('sync: WSUS synchronizing updates');
    const delta = this.kind === 'delta';
    const anchor = delta && this.anchorBefore !== null ? this.anchorBefore : undefined;
    // The site's languages go in the filter by LCID, as a downstream server of protocol 1.3 or later SHOULD send them.
    const languages = languageFilter(config.languages, this.serverLanguages, delta);
    const list = await this.watchingServerChanged(anchor, (client) =>
      client.getUpdateRevisions(
        {
          products: filter.productIds.map((id) => ({ id, delta })),
          classifications: filter.classificationIds.map((id) => ({ id, delta })),
          ...(anchor === undefined ? {} : { anchor }),
          ...(languages.length === 0 || !protocolAtLeast(client.protocolVersion, 1, 3) ? {} : { languages }),
        },
        context.signal,
      ),
    );
    const pending = store!.pendingRevisions(false);
    let plan =
      this.kind === 'full'
        ? planFullSync(store!.storedRevisions(), list.revisions)
        : planDeltaSync(store!.storedRevisionsOf(list.revisions.map((identity) => identity.updateId)), list.revisions);
    // What earlier syncs could not fetch is fetched now, whatever kind of sync this is.
    plan = addPending(plan, pending, list.revisions, this.kind === 'full');
    if (this.kind === 'full' && pending.size > 0) {
      const fetched = new Set(plan.fetch.map((entry) => entry.updateId));
      inTransaction(this.database, () => store!.dropPending([...pending.keys()].filter((id) => !fetched.has(id))));
    }
    if (plan.pending > 0) context.log.write(`${plan.pending} updates a previous synchronization could not fetch are fetched again.`);
    this.counts.skipped = plan.skipped;
    this.checkCancelled();
    return { list, plan };
  }

  private async fetchAndApply(plan: SyncPlan): Promise<void> {
    const { context, store } = this;
    this.phase = 'metadata';
    context.log.write('sync: SMS synchronizing updates');
    const total = plan.fetch.length;
    let done = 0;
    let lastLogged = -1;
    const fetchStarted = Date.now();
    this.progress(0, total, null);
    // A sync that writes at least as many updates as the site holds (every first sync) builds the repository's
    // indexes once at its end instead of row by row, up to DEFER_INDEXES_UP_TO; so does any sync after one that
    // could not build them.
    const stored = updateCount(this.database);
    if ((total > 0 && total >= stored && total + stored <= (context.deferIndexesUpTo ?? DEFER_INDEXES_UP_TO)) || deferredIndexes(this.database) !== undefined) {
      deferIndexes(this.database);
      this.commit();
      store!.stopIndexingSearch();
      this.indexesDeferred = true;
      context.log.write(`The repository's sort and search indexes are built once after the updates are written (${total} to write).`);
    }
    const languages = this.config.languages;
    await this.watchingServerChanged(this.anchorBefore ?? undefined, () =>
      this.fetchWatched(plan.fetch, async (batch) => {
        const applied = await this.applyBatch(batch, false, (entry, location, now) => {
          const update = entry.metadata;
          if (update.type === 'Category' || update.type === 'Detectoid') {
            store!.applyConfigRevision(update, location, this.runId);
            return;
          }
          const change = store!.applyUpdate(update, { runId: this.runId, languages, now, location });
          if (change !== undefined) this.count(change, update.explicitlyDeployable);
          context.log.write(`Synchronizing update ${update.updateId} - ${titleOf(update, languages[0])}`);
        });
        done += applied.applied + applied.failed;
        const elapsed = Date.now() - fetchStarted;
        const etaMs = done > 0 ? Math.round((elapsed / done) * (total - done)) : null;
        // The batch is committed; until the next one arrives the sync is fetching again.
        this.phase = 'metadata';
        this.progress(done, total, etaMs);
        const percent = Math.floor((done / Math.max(1, total)) * 100);
        if (percent >= lastLogged + 10 || done === total) {
          lastLogged = percent;
          context.log.write(
            `sync: SMS synchronizing updates, processed ${done} out of ${total} items (${percent}%)${etaMs !== null && done < total ? `, ETA in ${formatEta(etaMs)}` : ''}`,
          );
        }
      }),
    );
    this.checkCancelled();
  }

  /**
   * One arrived batch: its raw metadata goes to the blob store (on disk first), then its rows in one transaction,
   * then that transaction to the journal. Whatever one revision carries can fail only that revision: one that cannot
   * be made a record, or whose rows cannot be written (each is applied under a savepoint), is recorded as failed, and
   * the next sync fetches it again; the rest of the batch commits.
   */
  private async applyBatch(
    batch: ArrivedBatch,
    config: boolean,
    apply: (entry: ArrivedBatch['revisions'][number], location: { offset: number; length: number }, now: string) => void,
  ): Promise<{ applied: number; failed: number }> {
    this.checkCancelled();
    const { context, store } = this;
    const failures: MetadataFailure[] = [...batch.failures];
    const entries: ArrivedBatch['revisions'] = [];
    const records: Uint8Array[] = [];
    for (const entry of batch.revisions) {
      const record = entry.record ?? encodeRevision({ ...entry.payload!, metadata: entry.metadata });
      if (record instanceof Uint8Array) {
        entries.push(entry);
        records.push(record);
      } else failures.push(record);
    }
    let locations: Array<{ offset: number; length: number }>;
    try {
      locations = await context.database.blobs.appendEncoded(records);
    } catch (error) {
      throw new SiteSaveError(context.database.blobs.file, error);
    }
    this.checkCancelled();
    if (!config) this.phase = 'apply';
    const now = context.now().toISOString();
    let applied = 0;
    inTransaction(this.database, () => {
      entries.forEach((entry, index) => {
        const error = inSavepoint(this.database, () => apply(entry, locations[index]!, now));
        if (error === undefined) applied++;
        else failures.push(applyFailure(entry.metadata, error));
      });
      for (const failure of failures) store!.recordFailure(failure, this.runId, config);
      this.counts.failed += failures.length;
      this.saveCounts();
    });
    if (applied > 0) this.appliedAny = true;
    this.commit();
    for (const failure of failures) {
      this.failures.push({ ...failure, config });
      context.log.write(`Failed to sync update ${failure.updateId}. Error: ${failure.message}. Source: ${failure.source ?? 'UpstreamServer.GetUpdateData'}`);
    }
    return { applied, failed: failures.length };
  }

  /** Anchors, removals, supersedence, history and status: the outcome, in one transaction. */
  private finish(list: RevisionList, plan: SyncPlan): void {
    const { context, store } = this;
    this.phase = 'finish';
    const complete = this.failures.length === 0;
    const contentVersion = (readSetting<number>(this.database, SYNC_KEYS.contentVersion) ?? 0) + (complete ? 1 : 0);
    const nowIso = context.now().toISOString();
    inTransaction(this.database, () => {
      if (this.kind === 'full') {
        const removed = store!.markRemovedUpdates(plan.remove, this.runId, nowIso);
        this.counts.removed = removed.revisions;
        this.listed.removed = removed.listed;
      }
      // Supersedence only changes when updates arrive or leave: a sync that changed nothing leaves the flags alone
      // (recomputing them reads every update, most of the cost of a delta with nothing new at catalog scale).
      if (this.appliedAny || this.counts.removed > 0) store!.refreshSupersededFlags();
      // The supersedence rule belongs to full syncs, as in MECM; the updates it expires are this run's changes.
      if (this.kind === 'full' && this.config.supersedence !== undefined) {
        const expired = store!.applySupersedenceRule(this.config.supersedence, this.runId, context.now());
        this.counts.expired += expired;
        this.listed.expired += expired;
        if (expired > 0) this.ruleExpired = expired;
      }
      this.saveCounts();
      if (this.warnings.length > 0) setRunWarnings(this.database, this.runId, this.warnings);
      if (!complete) return;
      writeSetting(this.database, SYNC_KEYS.updateAnchor, list.anchor);
      writeSetting(this.database, SYNC_KEYS.fingerprint, configFingerprint(this.config));
      writeSetting(this.database, SYNC_KEYS.contentVersion, contentVersion);
      markRunSucceeded(this.database, this.runId, nowIso, list.anchor);
    });
    if (this.ruleExpired > 0) {
      const rule = this.config.supersedence!;
      context.log.write(
        `${this.ruleExpired} superseded updates expired by the supersedence rule (${rule.expire === 'immediately' ? 'expire at once' : `expire after ${rule.months} months`}).`,
      );
    }
    if (this.counts.removed > 0) {
      context.log.write(
        `${this.counts.removed} updates are no longer offered by the upstream server for the configured products and classifications; marked removed.`,
      );
    }
    if (!complete) {
      // The anchor stays where it was: what was missed is listed again, and fetched first, by the next sync.
      throw new SyncFailure(
        'UPDATES_FAILED',
        'CWSyncMgr::DoSync',
        `Failed to sync some of the updates (${this.failures.length} of ${plan.fetch.length} could not be synchronized)`,
      );
    }
    context.log.write(`Done synchronizing SMS with WSUS Server ${this.serverName}`);
    context.log.write(`Set content version of update source {${this.updateSourceId()}} for site ${context.site} to ${contentVersion}`);
    this.status(6702);
    context.log.write('Sync succeeded');
    const c = this.counts;
    context.log.write(`Updated ${c.new + c.modified + c.expired + c.removed} items in SMS database, new update source content version is ${contentVersion}`);
    if (this.request.parent !== undefined) context.log.write(`Successfully synced site with parent ${this.request.parent}, version ${contentVersion}`);
    context.log.write(`Sync time: ${formatSyncTime(context.now().getTime() - this.startedAt.getTime())}`);
    this.progress(1, 1);
  }

  /** Builds the indexes this run set aside (deferred-indexes), once; a failure is a warning, and the next open retries. */
  private buildIndexes(): void {
    if (!this.indexesDeferred) return;
    this.indexesDeferred = false;
    const { log } = this.context;
    this.phase = 'index';
    const started = Date.now();
    const updates = updateCount(this.database);
    log.write(`Building the repository's sort and search indexes for ${updates} updates; searches are slower until it ends`);
    try {
      // Saved with the run's outcome (persistOutcome), whose failure to save is reported as the run's.
      buildDeferredIndexes(this.database, (done, total) => this.progress(done, total));
      log.write(`Built the repository's indexes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      this.warn(
        `The repository's indexes could not be built (${error instanceof Error ? error.message : String(error)}); searches are slower until they are, and they are built when the site database is next opened`,
      );
    }
  }

  private fail(error: unknown): void {
    const { context } = this;
    if (this.runId === 0) {
      // Not even the run row could be written (the database cannot be saved): nothing to record it in.
      throw error;
    }
    if (context.signal.aborted && context.signal.reason === SHUTDOWN) {
      context.log.write('Sync interrupted: the engine is shutting down. Batches already applied are kept; the sync resumes at the next start.');
      inTransaction(this.database, () => this.saveCounts());
      return;
    }
    const cancelled = error instanceof SyncCancelled || (context.signal.aborted && !(error instanceof SiteSaveError));
    if (cancelled) {
      this.endRun('cancelled', 'CANCELLED', 'Cancelled by the administrator');
      context.log.write('Sync cancelled by the administrator. Batches already applied are kept; the next synchronization continues from them.');
      context.log.write('Sync cancelled; it will not be retried');
    } else {
      const failure = describeFailure(error, this.phase);
      this.endRun('failed', failure.code, failure.message, failure.source);
      context.log.write(`Sync failed: ${failure.message}. Source: ${failure.source}`);
    }
    context.log.write(`Sync time: ${formatSyncTime(context.now().getTime() - this.startedAt.getTime())}`);
  }

  private endRun(outcome: 'failed' | 'cancelled', code: string, message: string, source?: string): void {
    inTransaction(this.database, () => {
      this.saveCounts();
      markRunEnded(this.database, this.runId, outcome, this.context.now().toISOString(), code, message);
      if (source !== undefined) this.status(6703, 'E', [source, message]);
    });
  }

  /**
   * The last save. A run is only as true as what reached the disk: when this save fails, the run is a failure
   * (6703 naming the file and the reason), whatever it was about to report.
   */
  private persistOutcome(): void {
    try {
      this.context.database.save(JOURNAL_LIMIT_AT_REST);
    } catch (error) {
      const failure = describeFailure(error, 'finish');
      this.context.log.write(`ERROR: ${failure.message}`);
      if (runOutcome(this.database, this.runId) !== 'failed') {
        this.endRun('failed', failure.code, failure.message, failure.source);
        this.context.log.write(`Sync failed: ${failure.message}. Source: ${failure.source}`);
      }
      try {
        this.context.database.save(JOURNAL_LIMIT_AT_REST);
      } catch {
        // Still failing: the run's outcome is in memory and in the log; the next successful save writes it.
      }
    }
  }

  /** Makes the last transaction durable (a journal line, or a whole-file checkpoint when the journal is long). */
  private commit(): void {
    this.context.database.save(JOURNAL_LIMIT_DURING_SYNC);
  }

  /**
   * An upstream call during which the upstream may answer ServerChanged ([MS-WSUSSS] §2.2.9.3): every anchor is
   * reset and the sync starts over as a full one (once; a second ServerChanged fails it). Batches already applied stay.
   */
  private async watchingServerChanged<T>(anchor: string | undefined, call: (client: UpstreamClient) => Promise<T>): Promise<T> {
    try {
      return await this.upstream(call);
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.faultCode !== 'ServerChanged' || this.serverChangedOnce) throw error;
      this.serverChangedOnce = true;
      this.context.log.write(
        `The upstream server ${this.serverName} has changed (ServerChanged${anchor === undefined ? '' : ` for anchor ${anchor}`}): its anchors were reset; listing every revision again as a full sync.`,
      );
      this.kind = 'full';
      this.fullReason = 'a change of the upstream server (ServerChanged)';
      inTransaction(this.database, () => {
        writeSetting(this.database, SYNC_KEYS.updateAnchor, undefined);
        writeSetting(this.database, SYNC_KEYS.configAnchor, undefined);
        writeKeptConfig(this.database, undefined);
        setRunKind(this.database, this.runId, this.kind, this.fullReason);
      });
      this.anchorBefore = null;
      this.commit();
      throw new ServerChanged();
    }
  }

  private upstream<T>(call: (client: UpstreamClient) => Promise<T>): Promise<T> {
    return call(this.client!);
  }

  /**
   * The stall watchdog around the metadata fetch: when no batch arrives for the stall limit (requests that neither
   * answer nor time out, a connection that trickles), the requests are abandoned and what is still missing is asked
   * for again; after STALL_RETRIES such retries the sync fails, naming the stall. A sync never hangs for ever.
   */
  private async fetchWatched(ids: UpdateIdentity[], apply: (batch: ArrivedBatch) => Promise<void>): Promise<void> {
    const { context } = this;
    const limitMs = context.stallMs ?? (this.config.stallMinutes ?? DEFAULT_STALL_MINUTES) * 60_000;
    let remaining = ids;
    for (let stalls = 0; ; stalls++) {
      const attempt = new AbortController();
      const arrived = new Set<string>();
      let lastActivity = Date.now();
      let live = true;
      // Batches are applied one at a time, and none after the attempt was abandoned.
      let chain = Promise.resolve();
      const serial = (batch: ArrivedBatch) =>
        (chain = chain.then(async () => {
          if (!live) return;
          lastActivity = Date.now();
          for (const entry of batch.revisions) arrived.add(entry.metadata.updateId);
          for (const failure of batch.failures) arrived.add(failure.updateId);
          await apply(batch);
          lastActivity = Date.now();
        }));
      const watchdog = setInterval(
        () => {
          if (Date.now() - lastActivity >= limitMs) attempt.abort(STALLED);
        },
        Math.max(50, Math.min(30_000, Math.floor(limitMs / 4))),
      );
      try {
        await this.fetchRevisions(remaining, serial, AbortSignal.any([context.signal, attempt.signal]));
        await chain;
        return;
      } catch (error) {
        if (!attempt.signal.aborted || context.signal.aborted) throw error;
        live = false;
        await chain.catch(() => undefined);
        const since = new Date(lastActivity).toISOString();
        const span = durationText(limitMs);
        if (stalls >= STALL_RETRIES) {
          throw new SyncFailure(
            'STALLED',
            'CWSyncMgr::SyncUpdates',
            `The synchronization made no progress for ${span} (since ${since}), again after ${STALL_RETRIES} retries of the stuck requests; the batches applied before are kept`,
          );
        }
        remaining = remaining.filter((identity) => !arrived.has(identity.updateId));
        context.log.write(
          `WARNING: sync: no progress for ${span} (since ${since}): abandoning the stuck requests and asking again for the ${remaining.length} updates still missing (retry ${stalls + 1} of ${STALL_RETRIES}).`,
        );
        inTransaction(this.database, () => this.status(6709, 'W', [this.serverName, `No progress for ${span} since ${since}; retrying the stuck requests`]));
        this.commit();
        this.stalledSince = since;
        this.emitProgress();
      } finally {
        clearInterval(watchdog);
      }
    }
  }

  /** Fetches and parses revisions, in the fetch worker when there is one, handing each batch to `apply`. */
  private fetchRevisions(ids: UpdateIdentity[], apply: (batch: ArrivedBatch) => Promise<void>, signal = this.context.signal): Promise<void> {
    const { context } = this;
    const worker = context.fetchWorker;
    if (worker === undefined || ids.length === 0) {
      return this.client!.fetchMetadata(
        ids,
        (batch) => apply({ revisions: batch.revisions.map((revision) => ({ metadata: revision.metadata, payload: revision })), failures: batch.failures }),
        signal,
      );
    }
    const session = this.client!.session();
    return fetchInWorker(
      worker.path,
      {
        baseUrl: this.client!.baseUrl,
        ...context.connector.account,
        ...(session === undefined ? {} : { session }),
        ...(worker.timeoutMs === undefined ? {} : { timeoutMs: worker.timeoutMs }),
        ...(worker.retryDelayMs === undefined ? {} : { retryDelayMs: worker.retryDelayMs }),
        ...this.transportSettings(),
      },
      ids,
      (batch: FetchedBatch) => apply(batch),
      (notice) => this.upstreamNotice(notice),
      { signal, workers: worker.workers ?? fetchWorkersFor(ids.length, !this.indexesDeferred) },
    );
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.context.log.write(`WARNING: ${message}.`);
  }

  /** The site's proxy and extra CA certificates; an import's file is served on loopback and needs neither. */
  private transportSettings(): Pick<ClientSettings, 'proxy' | 'extraCaCertificates'> {
    const { config } = this;
    if (this.request.import !== undefined) return {};
    return {
      ...(config.proxy === undefined ? {} : { proxy: config.proxy }),
      ...(config.extraCaCertificates === undefined ? {} : { extraCaCertificates: config.extraCaCertificates }),
    };
  }

  private updateSourceId(): string {
    let id = readSetting<string>(this.database, SYNC_KEYS.updateSourceId);
    if (id === undefined) {
      id = randomUUID().toUpperCase();
      const value = id;
      inTransaction(this.database, () => writeSetting(this.database, SYNC_KEYS.updateSourceId, value));
    }
    return id;
  }

  private status(id: 6701 | 6702 | 6703 | 6704 | 6705 | 6709, severity: 'I' | 'W' | 'E' = 'I', insertionStrings?: string[]): void {
    reportStatus(this.database, this.context.log, {
      id,
      severity,
      site: this.context.site,
      time: this.context.now(),
      ...(insertionStrings === undefined ? {} : { insertionStrings }),
    });
  }

  private progress(done: number, total: number, etaMs: number | null = null): void {
    // Progress made: any retry it waited for, any stall, is over.
    this.retrying = undefined;
    this.stalledSince = undefined;
    this.lastProgress = { done, total, etaMs };
    this.emitProgress();
  }

  private emitProgress(): void {
    const { done, total, etaMs } = this.lastProgress;
    this.context.onProgress({
      site: this.context.site,
      phase: this.phase,
      done,
      total,
      percent: total === 0 ? 100 : Math.min(100, Math.round((done / total) * 1000) / 10),
      etaMs: this.retrying === undefined ? etaMs : null,
      ...(this.retrying === undefined ? {} : { retry: this.retrying }),
      ...(this.stalledSince === undefined ? {} : { stalledSince: this.stalledSince }),
    });
  }

  /**
   * A retry or a re-authorization in the upstream client. Requests in flight fail together in an outage: one log
   * line per attempt, not one per request, and the progress says what it is waiting for instead of freezing.
   */
  private upstreamNotice(notice: UpstreamNotice): void {
    const retry = notice.retry;
    if (retry === undefined) {
      this.context.log.write(`sync: ${notice.message}`);
      return;
    }
    const now = this.context.now().getTime();
    const at = new Date(now + retry.delayMs).toISOString();
    // The other requests of the same outage fail within the first one's wait: their attempt is already told.
    const key = `${retry.operation} ${retry.attempt}`;
    if (this.retryLogged?.key !== key || now >= this.retryLogged.until) {
      this.context.log.write(`sync: ${notice.message}`);
      this.retryLogged = { key, until: now + retry.delayMs };
    }
    this.retrying = { operation: retry.operation, attempt: retry.attempt, of: retry.of, at, reason: retry.reason };
    this.emitProgress();
  }

  private checkCancelled(): void {
    if (this.context.signal.aborted) throw new SyncCancelled('cancelled');
  }

  private count(change: ChangeKind, listed: boolean): void {
    const key = change === 'added' ? 'new' : change === 'revised' ? 'modified' : change === 'expired' ? 'expired' : 'removed';
    this.counts[key]++;
    if (listed) this.listed[key]++;
  }

  private saveCounts(): void {
    saveRunCounts(this.database, this.runId, this.counts, this.listed);
  }
}

/**
 * The site's languages as the list filter names them: each by the LCID the upstream gave it (or the one Microsoft
 * Update uses), with the filter's delta flag. "all" names none: without Languages every language is listed.
 */
function languageFilter(chosen: readonly string[], offered: ServerConfig['languages'], delta: boolean): Array<{ id: number; delta: boolean }> {
  if (chosen.some((code) => code.toLowerCase() === 'all')) return [];
  const byCode = new Map(offered.map((language) => [language.shortName.toLowerCase(), language.id]));
  const ids = chosen.flatMap((code) => {
    const id = byCode.get(code.toLowerCase()) ?? updateLanguage(code)?.lcid;
    return id === undefined || id === 0 ? [] : [id];
  });
  return [...new Set(ids)].map((id) => ({ id, delta }));
}

/** Whether a protocol version ("1.20") is at least major.minor (1.3): numbers, not text ("1.20" is after "1.3"). */
function protocolAtLeast(version: string | undefined, major: number, minor: number): boolean {
  const [givenMajor, givenMinor] = (version ?? '').split('.').map(Number);
  if (givenMajor === undefined || Number.isNaN(givenMajor)) return false;
  return givenMajor > major || (givenMajor === major && (givenMinor ?? 0) >= minor);
}

/** A revision whose rows could not be written: it fails alone, and the next sync fetches it again. */
function applyFailure(update: UpdateIdentity, error: unknown): MetadataFailure {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    updateId: update.updateId,
    revision: update.revision,
    message: `Update ${update.updateId}: its metadata could not be applied (${reason})`,
    source: 'CWSyncMgr::ApplyUpdate',
  };
}

function describeFailure(error: unknown, phase: SyncPhase): { code: string; source: string; message: string } {
  if (error instanceof SyncFailure) return { code: error.code, source: error.source, message: error.message };
  if (error instanceof SiteSaveError) return { code: 'SAVE_FAILED', source: 'CWSyncMgr::SaveSiteDatabase', message: error.message };
  if (error instanceof UpstreamError) {
    return { code: error.faultCode ?? `UPSTREAM_${error.kind.toUpperCase()}`, source: `UpstreamServer.${error.operation}`, message: error.message };
  }
  // Nothing an update carries ends here (each fails alone, above): this is a defect of our own, so say where it is.
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const where = error instanceof Error ? whereThrown(error) : undefined;
  return {
    code: 'INTERNAL',
    source: `CWSyncMgr::${phase}`,
    message: `Internal error of Update Sync Console in the ${phase} phase (${message}${where === undefined ? '' : `, at ${where}`})`,
  };
}

/** The first frame of an error's stack, as `function (file:line)`, without the folders. */
function whereThrown(error: Error): string | undefined {
  const frame = /\n\s+at (?:(.+?) \()?(?:.*[\\/])?([^\\/]+?):(\d+):\d+\)?/.exec(error.stack ?? '');
  if (frame === null) return undefined;
  return frame[1] === undefined ? `${frame[2]}:${frame[3]}` : `${frame[1]} (${frame[2]}:${frame[3]})`;
}

function formatEta(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/**
 * What an import cannot bring because the export was made without it: products, classifications and languages this
 * site selects that the exporting site did not. The sync succeeds with what the file holds and says what it lacks.
 */
function importGaps(
  db: SiteDatabase,
  config: EffectiveConfig,
  filter: ReturnType<typeof resolveFilter>,
  exportedWith: { products: string[]; classifications: string[]; languages: string[] },
): string[] {
  const rows = categoryRows(db);
  // An export of an earlier release names its selection; exact names only, as everywhere.
  const exported = resolveFilterIn(rows, upgradeNames(rows, exportedWith));
  const names = new Map(rows.map((row) => [row.id, row.name]));
  const missing = (ids: string[], covered: string[]) => ids.filter((id) => !covered.includes(id)).map((id) => names.get(id) ?? id);
  const gaps: string[] = [];
  const products = missing(filter.productIds, exported.productIds);
  const classifications = missing(filter.classificationIds, exported.classificationIds);
  const languages = config.languages.filter((language) => !exportedWith.languages.some((other) => other.toLowerCase() === language.toLowerCase()));
  if (products.length > 0)
    gaps.push(
      `The catalog export was made without ${products.length === 1 ? 'the product' : 'the products'} ${products.join(', ')} selected here: their updates are not in the file. Export again from a site that synchronizes them`,
    );
  if (classifications.length > 0)
    gaps.push(
      `The catalog export was made without ${classifications.length === 1 ? 'the classification' : 'the classifications'} ${classifications.join(', ')} selected here: those updates are not in the file`,
    );
  if (languages.length > 0 && !exportedWith.languages.includes('all'))
    gaps.push(`The catalog export was made without the language(s) ${languages.join(', ')} selected here: titles and descriptions in them are not in the file`);
  return gaps;
}
