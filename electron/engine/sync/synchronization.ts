/**
 * One synchronization of one site, start to finish (SPEC §3.4): connect → categories (and detectoids) → update list
 * → metadata fetched and applied batch by batch (apply-batch.ts) → finish (finish-run.ts). Writes wsyncmgr.log and
 * status messages 6701 → 6704 → 6705 → 6702 / 6703; how it ends is decided by run-outcome.ts.
 *
 * The outcome is the truth: `succeeded` only when every revision the sync set out to fetch was applied and saved.
 * A revision that could not be fetched or read fails the sync (6703 "Failed to sync some of the updates"); what did
 * arrive is kept, the anchor stays where it was, and the next sync fetches exactly what is missing.
 */
import type { SyncKind, SyncRun } from '../../../shared/domain';
import { STALL_RETRIES, stallLimitMs } from '../retry/retry-policy';
import { readSupConfig, selectByCategoryId, serverNameOf, type EffectiveConfig } from '../settings/sup-config';
import { consumeNotification } from '../hierarchy/child-notifier';
import { deferIndexes } from '../storage/deferred-indexes';
import { readSetting, writeSetting } from '../storage/settings';
import type { SiteDatabase } from '../storage/site-database';
import { inTransaction } from '../storage/transaction';
import { UpdateStore } from '../storage/update-store';
import type { RevisionList, UpstreamClient } from '../upstream/client/upstream-client';
import { titleOf } from '../upstream/update-metadata';
import { applyBatch, type ApplyRevision } from './apply-batch';
import { callWatched } from './call-watchdog';
import { finishRun } from './finish-run';
import { syncKindOf } from './sync-kind';
import { buildIndexesAfterSync, shouldDeferIndexes } from './index-deferral';
import { fetchWatched, type ArrivedBatch } from './metadata-fetch';
import { persistOutcome, recordEnd, SHUTDOWN, SyncCancelled } from './run-outcome';
import { RunRecord } from './run-record';
import type { SyncContext, SyncRequest } from './sync-context';
import { SYNC_KEYS } from './sync-keys';
import { addPending, planFullSync, type SyncPlan } from './sync-plan';
import { MetadataProgress, SyncProgress } from './sync-progress';
import { listUpdates as listUpdatesOf, withDamagedRecords } from './update-listing';
import { forgetBlobDamage } from '../storage/blob-damage';
import { damagedConfigRecords } from '../storage/integrity';
import { ServerChanged, UpstreamSession } from './upstream-session';
import { WAKEUP } from './wsyncmgr-wording';

export function runSync(context: SyncContext, request: SyncRequest): Promise<SyncRun> {
  return new Synchronization(context, request).run();
}

class Synchronization {
  /** The site's storage: every row this run writes goes through the storage modules. */
  private readonly database: SiteDatabase;
  private readonly startedAt: Date;
  private readonly progress: SyncProgress;
  private kind: SyncKind;
  private fullReason: string | null = null;
  private anchorBefore: string | null = null;
  private record: RunRecord | undefined;
  private store: UpdateStore | undefined;
  private upstream: UpstreamSession | undefined;
  private config!: EffectiveConfig;
  private appliedAny = false;
  /** The parent's content version when a child's run started: what the child holds if it succeeds. */
  private parentVersion: number | undefined;
  /** Whether this run set the repository's indexes aside, to build them at its end. */
  private indexesDeferred = false;

  constructor(
    private readonly context: SyncContext,
    private readonly request: SyncRequest,
  ) {
    this.database = context.database;
    this.startedAt = context.now();
    this.kind = request.kind;
    this.progress = new SyncProgress(context.site, context.log, context.now, context.onProgress);
  }

  async run(): Promise<SyncRun> {
    const { log } = this.context;
    const releaseLog = log.hold();
    try {
      return await this.runHeld();
    } finally {
      releaseLog();
    }
  }

  private async runHeld(): Promise<SyncRun> {
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
      this.parentVersion = this.context.parentContentVersion?.();
      this.begin();
      if (configError !== undefined) throw configError;
      for (const line of WAKEUP[this.request.trigger]) log.write(line);
      if (this.request.parent !== undefined) {
        log.write(`Found parent sync notification file ${this.request.parent}.SYN.`);
        // The sync it asks for has started: consumed, saved with this run's first save (a crash before that only
        // delivers it again at the next start).
        consumeNotification(this.database);
      }
      if (this.request.import !== undefined) log.write(`Importing the catalog export ${this.request.import.file}`);
      if (this.fullReason !== null) log.write(`Full sync required due to ${this.fullReason}.`);
      this.record!.status(6701);
      this.record!.status(6704);
      await this.connect();
      await this.synchronize();
    } catch (error) {
      // Not even the run row could be written (the database cannot be saved): nothing to record it in.
      if (this.record === undefined) throw error;
      recordEnd(this.record, error, {
        signal: this.context.signal,
        phase: this.progress.phase,
        log,
        elapsedMs: () => this.context.now().getTime() - this.startedAt.getTime(),
      });
    } finally {
      this.store?.close();
      await this.upstream?.close();
      // Records fetched again (or found damaged by a full sync's check) change what the site says of its store.
      forgetBlobDamage(this.database);
    }
    // The indexes set aside are built here, whatever the outcome, once the revision list, the plan and the store's
    // lookup (each an entry per revision: 643,000 at 500,000 updates) are let go: built inside finish, with them
    // alive, the 500,000-update sync peaked above 2 GiB. At an engine shutdown the next open builds them (and the
    // run resumes), so the engine stops at once.
    if (!(this.context.signal.aborted && this.context.signal.reason === SHUTDOWN)) this.buildIndexes();
    persistOutcome(this.database, this.record!, log);
    log.flush();
    return this.record!.read();
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
        // Now that the categories are current, a selection kept by name is kept by category ID where it can be.
        this.config = selectByCategoryId(this.database, this.config, this.context.site, this.context.log, () => this.commit());
        ({ list, plan } = await this.listUpdates());
        log.write(`Done synchronizing WSUS Server ${this.upstream!.serverName}`);
        this.record!.status(6705);
        log.write(`Synchronizing SMS database with WSUS server ${this.upstream!.serverName} ...`);
        log.write('sync: Starting SMS database synchronization');
        log.write(this.kind === 'full' ? 'Syncing all updates' : `Syncing updates arrived after ${this.anchorBefore?.split(',')[1] ?? 'the last sync'}`);
        if (plan.skipped > 0) log.write(`Delta sync skipped ${plan.skipped} changed revisions of known updates; the next full sync applies them.`);
        await this.fetchAndApply(plan);
        break;
      } catch (error) {
        if (!(error instanceof ServerChanged)) throw error;
      }
    }
    this.progress.phase = 'finish';
    finishRun({
      database: this.database,
      store: this.store!,
      run: this.record!,
      log,
      kind: this.kind,
      config: this.config,
      anchor: list.anchor,
      plan,
      appliedAny: this.appliedAny,
      now: this.context.now,
      startedAt: this.startedAt,
      site: this.context.site,
      serverName: this.upstream!.serverName,
      parent: this.request.parent,
      parentVersion: this.parentVersion,
    });
    this.progress.report(1, 1);
  }

  /** The run row, durable before anything else happens, so a sync killed at any moment is found and resumed. */
  private begin(): void {
    ({ anchorBefore: this.anchorBefore, fullReason: this.fullReason } = syncKindOf(this.database, this.kind, this.config));
    if (this.fullReason !== null) this.kind = 'full';
    this.record = RunRecord.open(this.database, this.context.site, this.context.log, this.context.now, {
      kind: this.kind,
      trigger: this.request.trigger,
      scheduledFor: this.request.scheduledFor?.toISOString() ?? null,
      startedAt: this.startedAt.toISOString(),
      anchorBefore: this.anchorBefore,
      fullReason: this.fullReason,
    });
    this.commit();
    this.store = new UpdateStore(this.database);
  }

  private async connect(): Promise<void> {
    this.progress.report(0, 1);
    const { session, languageProblems } = await UpstreamSession.open(this.context, this.request, this.config, {
      onNotice: (notice) => this.progress.notice(notice),
      commit: () => this.commit(),
      watch: (client, what, call) => this.watched(what, call, client),
    });
    this.upstream = session;
    for (const problem of languageProblems) this.record!.warn(problem);
  }

  /** Categories, classifications and detectoids changed since the stored config anchor (everything without one). */
  private async syncConfigRevisions(): Promise<void> {
    const { context, store } = this;
    this.progress.phase = 'categories';
    context.log.write('sync: WSUS synchronizing categories');
    const anchor = readSetting<string>(this.database, SYNC_KEYS.configAnchor);
    const list = await this.watched('GetRevisionIdList (categories)', (signal) =>
      this.watchingServerChanged(anchor, (client) => client.getCategoryRevisions(anchor, signal)),
    );
    const plan = withDamagedRecords(
      addPending(planFullSync(store!.storedConfigRevisions(), list.revisions), store!.pendingRevisions(true), list.revisions, anchor === undefined),
      damagedConfigRecords(this.database, this.kind === 'full'),
      list.revisions,
      anchor === undefined,
      context.log,
      ['category or detectoid', 'categories and detectoids'],
    );
    let done = 0;
    let failed = 0;
    await this.watchingServerChanged(anchor, () =>
      fetchWatched(
        this.upstream!.metadataSource(this.indexesDeferred),
        plan.fetch,
        this.stallLimitMs(),
        async (batch) => {
          const applied = await this.applyBatch(batch, true, (entry, location) => {
            if (entry.metadata.type === 'Category' || entry.metadata.type === 'Detectoid')
              store!.applyConfigRevision(entry.metadata, location, this.record!.runId);
          });
          done += applied.applied + applied.failed;
          failed += applied.failed;
          this.progress.report(done, plan.fetch.length);
        },
        (stall) =>
          this.stalled(
            `no progress for ${stall.span}`,
            stall.since,
            `abandoning the stuck requests and asking again for the ${stall.remaining} categories and detectoids still missing`,
            stall.retry,
          ),
      ),
    );
    store!.reloadCategories();
    if (failed === 0) {
      inTransaction(this.database, () => writeSetting(this.database, SYNC_KEYS.configAnchor, list.anchor));
      this.commit();
    }
    context.log.write(`sync: WSUS synchronizing categories, processed ${list.revisions.length} out of ${list.revisions.length} items (100%)`);
  }

  private async listUpdates(): Promise<{ list: RevisionList; plan: SyncPlan }> {
    const listed = await listUpdatesOf({
      database: this.database,
      store: this.store!,
      record: this.record!,
      log: this.context.log,
      config: this.config,
      request: this.request,
      kind: this.kind,
      anchorBefore: this.anchorBefore,
      serverLanguages: this.upstream!.languages,
      signal: this.context.signal,
      progress: this.progress,
      ask: (anchor, call) => this.watched('GetRevisionIdList', (signal) => this.watchingServerChanged(anchor, (client) => call(client, signal))),
    });
    this.checkCancelled();
    return listed;
  }

  private async fetchAndApply(plan: SyncPlan): Promise<void> {
    const { context, store } = this;
    this.progress.phase = 'metadata';
    context.log.write('sync: SMS synchronizing updates');
    const total = plan.fetch.length;
    const metadata = new MetadataProgress(total, this.progress, context.log);
    if (shouldDeferIndexes(this.database, total, context.deferIndexesUpTo)) {
      deferIndexes(this.database);
      this.commit();
      store!.stopIndexingSearch();
      this.indexesDeferred = true;
      context.log.write(`The repository's sort and search indexes are built once after the updates are written (${total} to write).`);
    }
    const languages = this.config.languages;
    const apply: ApplyRevision = (entry, location, now) => {
      const update = entry.metadata;
      if (update.type === 'Category' || update.type === 'Detectoid') {
        store!.applyConfigRevision(update, location, this.record!.runId);
        return;
      }
      const change = store!.applyUpdate(update, { runId: this.record!.runId, languages, now, location });
      if (change !== undefined) this.record!.count(change, update.explicitlyDeployable);
      context.log.write(`Synchronizing update ${update.updateId} - ${titleOf(update, languages[0])}`);
    };
    await this.watchingServerChanged(this.anchorBefore ?? undefined, () =>
      fetchWatched(
        this.upstream!.metadataSource(this.indexesDeferred),
        plan.fetch,
        this.stallLimitMs(),
        async (batch) => {
          const applied = await this.applyBatch(batch, false, apply);
          metadata.advance(applied.applied + applied.failed);
        },
        (stall) =>
          this.stalled(
            `no progress for ${stall.span}`,
            stall.since,
            `abandoning the stuck requests and asking again for the ${stall.remaining} updates still missing`,
            stall.retry,
          ),
      ),
    );
    this.checkCancelled();
  }

  private async applyBatch(batch: ArrivedBatch, config: boolean, apply: ApplyRevision): Promise<{ applied: number; failed: number }> {
    const result = await applyBatch(
      {
        database: this.database,
        store: this.store!,
        run: this.record!,
        now: this.context.now,
        checkCancelled: () => this.checkCancelled(),
        onApplying: () => {
          if (!config) this.progress.phase = 'apply';
        },
        commit: () => this.commit(),
      },
      batch,
      config,
      apply,
    );
    if (result.applied > 0) this.appliedAny = true;
    return result;
  }

  /** Builds the indexes this run set aside, once; a failure is a warning, and the next open retries. */
  private buildIndexes(): void {
    if (!this.indexesDeferred) return;
    this.indexesDeferred = false;
    this.progress.phase = 'index';
    const problem = buildIndexesAfterSync(this.database, this.context.log, (done, total) => this.progress.report(done, total));
    if (problem !== undefined) this.record!.warn(problem);
  }

  /** Makes the last transaction durable (a journal line, or a whole-file checkpoint when the journal is long). */
  private commit(): void {
    this.database.save('during-sync');
  }

  /** An upstream call under the ServerChanged watch (upstream-session.ts): on a change, this sync becomes a full one. */
  private watchingServerChanged<T>(anchor: string | undefined, call: (client: UpstreamClient) => Promise<T>): Promise<T> {
    return this.upstream!.watching(
      anchor,
      call,
      () => {
        this.kind = 'full';
        this.fullReason = 'a change of the upstream server (ServerChanged)';
        this.anchorBefore = null;
        this.record!.becameFull(this.fullReason);
      },
      () => this.commit(),
    );
  }

  private stallLimitMs(): number {
    return this.context.stallMs ?? stallLimitMs(this.config.stallMinutes);
  }

  /** An upstream call under the stall watchdog (call-watchdog.ts); `client` names the operation that got no answer. */
  private watched<T>(what: string, call: (signal: AbortSignal) => Promise<T>, client?: UpstreamClient): Promise<T> {
    return callWatched(
      {
        signal: this.context.signal,
        limitMs: this.stallLimitMs(),
        what,
        operationInFlight: () => (client ?? this.upstream?.client)?.operationInFlight,
        onStall: (stall) =>
          this.stalled(`no answer to ${stall.operation} for ${stall.span}`, stall.since, 'abandoning the request and making it again', stall.retry),
      },
      call,
    );
  }

  /** A stall about to be retried: logged, 6709, and the progress says since when. */
  private stalled(what: string, since: string, action: string, retry: number): void {
    const server = this.upstream?.serverName ?? serverNameOf(this.config);
    this.context.log.write(`WARNING: sync: ${what} (since ${since}): ${action} (retry ${retry} of ${STALL_RETRIES}).`);
    inTransaction(this.database, () =>
      this.record!.status(6709, 'W', [server, `${what[0]!.toUpperCase()}${what.slice(1)} since ${since}; retrying the stuck requests`]),
    );
    this.commit();
    this.progress.stalled(since);
  }

  private checkCancelled(): void {
    if (this.context.signal.aborted) throw new SyncCancelled('cancelled');
  }
}
