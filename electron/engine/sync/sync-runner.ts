/**
 * One synchronization of one site, start to finish (SPEC §3.4): connect, categories, update list, metadata
 * fetched and applied batch by batch (each batch one transaction, overlapping with the next fetches), finish
 * (anchors, history, status). Writes wsyncmgr.log and status messages 6701 → 6704 → 6705 → 6702 / 6703.
 */
import type { Progress, SyncPhase } from '../../../shared/contract';
import { describeSyncSource, type SiteCode, type SupConfig, type SyncKind, type SyncRun, type SyncTrigger } from '../../../shared/domain';
import { reportStatus } from '../log/status-messages';
import type { TraceLogWriter } from '../log/trace-log-writer';
import type { SiteDatabase } from '../sites/site-database';
import { readSetting, writeSetting } from '../sites/settings';
import { inTransaction } from '../sites/transaction';
import { UpstreamError } from '../upstream/client/upstream-error';
import type { UpstreamClient } from '../upstream/client/upstream-client';
import type { ClientSettings, SyncSourceConnector } from '../upstream/sync-source';
import { configFingerprint, describeConfigChange, readSupConfig, resolveFilter } from './sup-config';
import { planDeltaSync, planFullSync } from './sync-plan';
import { SHUTDOWN } from './sync-controller';
import { readRun } from './sync-queries';
import { UpdateStore } from './update-store';

export interface SyncRequest {
  kind: SyncKind;
  trigger: SyncTrigger;
  /** Parent site code when the trigger is a parent's request. */
  parent?: string;
  /** Due time, for a scheduled run. */
  scheduledFor?: Date;
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
  /** Save the database at least this often during a long sync (default 30 s). */
  checkpointMs?: number;
  /** The settings this sync follows; a child site's come from the top-level site, its source is its parent. */
  loadConfig?: () => Promise<SupConfig>;
}

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

const KEYS = { updateAnchor: 'sync.updateAnchor', fingerprint: 'sync.configFingerprint', contentVersion: 'sync.contentVersion' } as const;

const WAKEUP: Record<SyncTrigger, string[]> = {
  manual: ['Wakeup by inbox drop', 'Found local sync request file', 'Starting Sync', 'Performing sync on local request'],
  cli: ['Wakeup by inbox drop', 'Found local sync request file', 'Starting Sync', 'Performing sync on local request'],
  schedule: ['Wakeup for scheduled regular sync', 'Starting Sync', 'Performing sync on regular schedule'],
  parent: ['Wakeup by inbox drop', 'Starting Sync', 'Performing sync on parent request'],
  retry: ['Wakeup for a retry of a failed sync', 'Starting Sync', 'Performing sync on retry schedule'],
  resume: ['Wakeup to resume an interrupted sync', 'Starting Sync', 'Performing sync to resume an interrupted sync'],
};

export function formatSyncTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${Math.floor(seconds / 86400)}d${pad(Math.floor(seconds / 3600) % 24)}h${pad(Math.floor(seconds / 60) % 60)}m${pad(seconds % 60)}s`;
}

export async function runSync(context: SyncContext, request: SyncRequest): Promise<SyncRun> {
  const { database, log, site } = context;
  const db = database.db;
  const startedAt = context.now();
  const config = context.loadConfig === undefined ? readSupConfig(db) : await context.loadConfig();
  const fingerprint = configFingerprint(config);
  const previousFingerprint = readSetting<string>(db, KEYS.fingerprint);
  const anchorBefore = readSetting<string>(db, KEYS.updateAnchor) ?? null;
  let kind = request.kind;
  let fullReason: string | null = null;
  if (kind === 'delta' && anchorBefore === null) fullReason = 'no previous successful synchronization';
  else if (kind === 'delta' && previousFingerprint !== undefined && previousFingerprint !== fingerprint) fullReason = describeConfigChange(previousFingerprint, fingerprint);
  if (fullReason !== null) kind = 'full';

  const runId = inTransaction(db, () => {
    db.run('INSERT INTO sync_run (kind, trigger, scheduled_for, started_at, outcome, anchor_before, full_reason) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      kind,
      request.trigger,
      request.scheduledFor?.toISOString() ?? null,
      startedAt.toISOString(),
      'running',
      anchorBefore,
      fullReason,
    ]);
    return Number(db.exec('SELECT last_insert_rowid()')[0]!.values[0]![0]);
  });
  const counts = { new: 0, modified: 0, expired: 0, removed: 0, skipped: 0 };
  const warnings: string[] = [];
  const store = new UpdateStore(db);
  const sourceName = describeSyncSource(config.source);
  let client: UpstreamClient | undefined;
  let phase: SyncPhase = 'connect';
  let lastCheckpoint = Date.now();

  const progress = (done: number, total: number, etaMs: number | null = null) =>
    context.onProgress({ site, phase, done, total, percent: total === 0 ? 100 : Math.min(100, Math.round((done / total) * 1000) / 10), etaMs });
  const checkCancelled = () => {
    if (context.signal.aborted) throw new SyncCancelled('cancelled');
  };
  const saveCounts = () =>
    db.run('UPDATE sync_run SET new_count = ?, modified_count = ?, expired_count = ?, removed_count = ?, skipped_count = ? WHERE run_id = ?', [
      counts.new,
      counts.modified,
      counts.expired,
      counts.removed,
      counts.skipped,
      runId,
    ]);

  try {
    for (const line of WAKEUP[request.trigger]) log.write(line);
    if (request.parent !== undefined) log.write(`Found parent sync notification file ${request.parent}.SYN.`);
    if (fullReason !== null) log.write(`Full sync required due to ${fullReason}.`);
    reportStatus(db, log, { id: 6701, severity: 'I', site, time: context.now() });
    reportStatus(db, log, { id: 6704, severity: 'I', site, time: context.now() });
    log.write(`Synchronizing WSUS server ${sourceName} ...`);
    progress(0, 1);
    if (config.source.kind === 'none') {
      throw new SyncFailure('SOURCE_DISABLED', 'CWSyncMgr::DoSync', 'The Software Update Point is set to "Do not synchronize"');
    }
    client = await context.connector.connect(config.source, {
      ...context.clientSettings,
      ...(config.proxy === undefined ? {} : { proxy: config.proxy }),
      ...(config.extraCaCertificates === undefined ? {} : { extraCaCertificates: config.extraCaCertificates }),
      onNotice: (message) => log.write(`sync: ${message}`),
    });
    log.write('sync: Starting WSUS synchronization');
    await client.getConfigData(undefined, context.signal);

    // Categories first: the product tree and classifications the filter is resolved against.
    phase = 'categories';
    log.write('sync: WSUS synchronizing categories');
    const categoryList = await client.getCategoryRevisions(undefined, context.signal);
    const categoryPlan = planFullSync(store.storedCategoryRevisions(), categoryList.revisions);
    let categoriesDone = 0;
    await client.fetchMetadata(
      categoryPlan.fetch,
      (batch) => {
        inTransaction(db, () => {
          for (const update of batch.updates) if (update.type === 'Category') store.applyCategory(update, batch.rawXml.get(update.updateId));
        });
        categoriesDone += batch.updates.length + batch.failures.length;
        for (const failure of batch.failures) warnings.push(failure.message);
        progress(categoriesDone, categoryPlan.fetch.length);
      },
      context.signal,
    );
    store.reloadCategories();
    log.write(`sync: WSUS synchronizing categories, processed ${categoryList.revisions.length} out of ${categoryList.revisions.length} items (100%)`);

    const filter = resolveFilter(db, config);
    for (const unknown of filter.unknown) {
      const message = `The upstream server does not know the ${unknown} selected on the Software Update Point`;
      warnings.push(message);
      log.write(`WARNING: ${message}.`);
    }
    if (filter.classificationIds.length === 0 || filter.productIds.length === 0) {
      const missing = filter.classificationIds.length === 0 ? 'classifications' : 'products';
      throw new SyncFailure('EMPTY_FILTER', 'CWSyncMgr::DoSync', `Request filter does not contain any known ${missing}. Sync will do nothing`);
    }

    phase = 'list';
    log.write('sync: WSUS synchronizing updates');
    const deltaFlag = kind === 'delta';
    const list = await client.getUpdateRevisions(
      {
        products: filter.productIds.map((id) => ({ id, delta: deltaFlag })),
        classifications: filter.classificationIds.map((id) => ({ id, delta: deltaFlag })),
        ...(kind === 'delta' && anchorBefore !== null ? { anchor: anchorBefore } : {}),
      },
      context.signal,
    );
    const plan =
      kind === 'full'
        ? planFullSync(store.storedRevisions(), list.revisions)
        : planDeltaSync(store.storedRevisionsOf(list.revisions.map((identity) => identity.updateId)), list.revisions);
    counts.skipped = plan.skipped;
    log.write(kind === 'full' ? 'Syncing all updates' : `Syncing updates arrived after ${anchorBefore?.split(',')[1] ?? 'the last sync'}`);
    if (plan.skipped > 0) log.write(`Delta sync skipped ${plan.skipped} changed revisions of known updates; the next full sync applies them.`);
    checkCancelled();

    phase = 'metadata';
    reportStatus(db, log, { id: 6705, severity: 'I', site, time: context.now() });
    log.write(`Synchronizing SMS database with WSUS server ${sourceName} ...`);
    log.write('sync: Starting SMS database synchronization');
    log.write('sync: SMS synchronizing updates');
    const total = plan.fetch.length;
    let done = 0;
    let lastLogged = -1;
    const fetchStarted = Date.now();
    const nowIso = () => context.now().toISOString();
    let failures = 0;
    await client.fetchMetadata(
      plan.fetch,
      (batch) => {
        checkCancelled();
        phase = 'apply';
        const languages = config.languages;
        inTransaction(db, () => {
          const now = nowIso();
          for (const update of batch.updates) {
            if (update.type === 'Category') {
              store.applyCategory(update, batch.rawXml.get(update.updateId));
              continue;
            }
            if (update.type === 'Detectoid') continue;
            const change = store.applyUpdate(update, { runId, languages, now, rawXml: batch.rawXml.get(update.updateId) });
            if (change === 'added') counts.new++;
            else if (change === 'revised') counts.modified++;
            else if (change === 'expired') counts.expired++;
          }
          saveCounts();
        });
        for (const failure of batch.failures) {
          failures++;
          log.write(`Failed to sync update ${failure.updateId}. Error: ${failure.message}`);
        }
        done += batch.updates.length + batch.failures.length;
        const elapsed = Date.now() - fetchStarted;
        const etaMs = done > 0 ? Math.round((elapsed / done) * (total - done)) : null;
        progress(done, total, etaMs);
        const percent = Math.floor((done / Math.max(1, total)) * 100);
        if (percent >= lastLogged + 10 || done === total) {
          lastLogged = percent;
          log.write(`sync: SMS synchronizing updates, processed ${done} out of ${total} items (${percent}%)${etaMs !== null && done < total ? `, ETA in ${formatEta(etaMs)}` : ''}`);
        }
        phase = 'metadata';
        if (Date.now() - lastCheckpoint >= (context.checkpointMs ?? 30_000)) {
          database.save();
          lastCheckpoint = Date.now();
        }
      },
      context.signal,
    );
    checkCancelled();

    phase = 'finish';
    const contentVersion = (readSetting<number>(db, KEYS.contentVersion) ?? 0) + 1;
    inTransaction(db, () => {
      if (kind === 'full') counts.removed = store.markRemovedUpdates(plan.remove, runId, nowIso());
      store.refreshSupersededFlags();
      saveCounts();
      if (failures === 0) writeSetting(db, KEYS.updateAnchor, list.anchor);
      writeSetting(db, KEYS.fingerprint, fingerprint);
      writeSetting(db, KEYS.contentVersion, contentVersion);
      db.run("UPDATE sync_run SET outcome = 'succeeded', ended_at = ?, anchor_after = ? WHERE run_id = ?", [
        nowIso(),
        failures === 0 ? list.anchor : anchorBefore,
        runId,
      ]);
      if (failures > 0) {
        warnings.push(`${failures} updates could not be synchronized; the anchor was kept so the next sync asks for them again`);
        db.run('UPDATE sync_run SET error_message = ? WHERE run_id = ?', [warnings.join('\n'), runId]);
      } else if (warnings.length > 0) {
        db.run('UPDATE sync_run SET error_message = ? WHERE run_id = ?', [warnings.join('\n'), runId]);
      }
    });
    if (counts.removed > 0) {
      log.write(`${counts.removed} updates are no longer offered by the upstream server for the configured products and classifications; marked removed.`);
    }
    log.write(`Done synchronizing SMS with WSUS Server ${sourceName}`);
    log.write(`Set content version of update source for site ${site} to ${contentVersion}`);
    reportStatus(db, log, { id: 6702, severity: 'I', site, time: context.now() });
    log.write('Sync succeeded');
    log.write(`Updated ${counts.new + counts.modified + counts.expired + counts.removed} items in SMS database, new update source content version is ${contentVersion}`);
    if (request.parent !== undefined) log.write(`Successfully synced site with parent ${request.parent}, version ${contentVersion}`);
    log.write(`Sync time: ${formatSyncTime(context.now().getTime() - startedAt.getTime())}`);
    progress(1, 1);
  } catch (error) {
    if (context.signal.aborted && context.signal.reason === SHUTDOWN) {
      log.write('Sync interrupted: the engine is shutting down. Batches already applied are kept; the sync resumes at the next start.');
      inTransaction(db, saveCounts);
      return { ...readRun(db, site, runId), warnings };
    }
    const cancelled = error instanceof SyncCancelled || context.signal.aborted;
    const failure = cancelled ? undefined : describeFailure(error, phase);
    inTransaction(db, () => {
      saveCounts();
      db.run('UPDATE sync_run SET outcome = ?, ended_at = ?, error_code = ?, error_message = ? WHERE run_id = ?', [
        cancelled ? 'cancelled' : 'failed',
        context.now().toISOString(),
        cancelled ? 'CANCELLED' : failure!.code,
        cancelled ? 'Cancelled by the administrator' : failure!.message,
        runId,
      ]);
      if (!cancelled) {
        reportStatus(db, log, { id: 6703, severity: 'E', site, time: context.now(), insertionStrings: [failure!.source, failure!.message] });
      }
    });
    if (cancelled) {
      log.write('Sync cancelled by the administrator. Batches already applied are kept; the next synchronization continues from them.');
      log.write('Sync cancelled; it will not be retried');
    } else {
      log.write(`Sync failed: ${failure!.message}. Source: ${failure!.source}`);
    }
    log.write(`Sync time: ${formatSyncTime(context.now().getTime() - startedAt.getTime())}`);
  } finally {
    store.close();
    await client?.close().catch(() => undefined);
    try {
      database.save();
    } catch (error) {
      // The data stays in memory and the next save retries; the administrator must know the file is behind.
      log.write(`ERROR: Could not save the site database ${database.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    log.flush();
  }
  const run = readRun(db, site, runId);
  return { ...run, warnings };
}

function describeFailure(error: unknown, phase: SyncPhase): { code: string; source: string; message: string } {
  if (error instanceof SyncFailure) return { code: error.code, source: error.source, message: error.message };
  if (error instanceof UpstreamError) {
    return { code: error.faultCode ?? `UPSTREAM_${error.kind.toUpperCase()}`, source: `UpstreamServer.${error.operation}`, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', source: `CWSyncMgr::${phase}`, message };
}

function formatEta(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}
