/**
 * Synchronization runs and what each changed: `sync_run` (one row per run, written first and kept current, so a run
 * killed at any moment is found and resumed), `sync_change` (the updates a run added, revised, expired or removed) and
 * `sync_failure` (the revisions a run could not fetch or apply, with the reason).
 */
import type { SqlValue } from 'sql.js';
import type { SiteCode, SyncKind, SyncRun, SyncTrigger } from '../../../shared/domain';
import { ApiError } from '../../../shared/errors';
import { selectRows, selectValue, type Row } from './rows';
import type { SiteDatabase } from './site-database';

export interface RunCounts {
  new: number;
  modified: number;
  expired: number;
  removed: number;
  skipped: number;
  failed: number;
}

export interface ListedCounts {
  new: number;
  modified: number;
  expired: number;
  removed: number;
}

function toRun(site: SiteCode, row: Row): SyncRun {
  const started = String(row.started_at);
  const ended = row.ended_at === null ? null : String(row.ended_at);
  const outcome = String(row.outcome) as SyncRun['outcome'];
  const message = row.error_message === null ? null : String(row.error_message);
  const failed = outcome === 'failed' || outcome === 'cancelled' || outcome === 'interrupted';
  return {
    runId: Number(row.run_id),
    site,
    kind: String(row.kind) as SyncRun['kind'],
    trigger: String(row.trigger) as SyncRun['trigger'],
    outcome,
    scheduledFor: row.scheduled_for === null || row.scheduled_for === undefined ? null : String(row.scheduled_for),
    startedAt: started,
    endedAt: ended,
    durationMs: ended === null ? null : Date.parse(ended) - Date.parse(started),
    counts: {
      new: Number(row.new_count),
      modified: Number(row.modified_count),
      expired: Number(row.expired_count),
      removed: Number(row.removed_count),
      skipped: Number(row.skipped_count),
      failed: Number(row.failed_count ?? 0),
    },
    listed: {
      new: Number(row.listed_new ?? 0),
      modified: Number(row.listed_modified ?? 0),
      expired: Number(row.listed_expired ?? 0),
      removed: Number(row.listed_removed ?? 0),
    },
    anchorBefore: row.anchor_before === null ? null : String(row.anchor_before),
    anchorAfter: row.anchor_after === null ? null : String(row.anchor_after),
    fullReason: row.full_reason === null ? null : String(row.full_reason),
    warnings: !failed && message !== null ? message.split('\n') : [],
    error: failed ? { code: String(row.error_code ?? 'UNKNOWN'), message: message ?? '', update: null, again: false } : null,
    nextRetry: null,
  };
}

/** A new run, `running`; returns its number. The key is explicit (SQLite picks it, the journal replays it as given). */
export function insertRun(
  site: SiteDatabase,
  run: { kind: SyncKind; trigger: SyncTrigger; scheduledFor: string | null; startedAt: string; anchorBefore: string | null; fullReason: string | null },
): number {
  const runId = Number(selectValue(site.db, 'SELECT coalesce(max(run_id), 0) + 1 FROM sync_run') ?? 1);
  site.db.run('INSERT INTO sync_run (run_id, kind, trigger, scheduled_for, started_at, outcome, anchor_before, full_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    runId,
    run.kind,
    run.trigger,
    run.scheduledFor,
    run.startedAt,
    'running',
    run.anchorBefore,
    run.fullReason,
  ]);
  return runId;
}

export function saveRunCounts(site: SiteDatabase, runId: number, counts: RunCounts, listed: ListedCounts): void {
  site.db.run(
    `UPDATE sync_run SET new_count = ?, modified_count = ?, expired_count = ?, removed_count = ?, skipped_count = ?, failed_count = ?,
       listed_new = ?, listed_modified = ?, listed_expired = ?, listed_removed = ? WHERE run_id = ?`,
    [
      counts.new,
      counts.modified,
      counts.expired,
      counts.removed,
      counts.skipped,
      counts.failed,
      listed.new,
      listed.modified,
      listed.expired,
      listed.removed,
      runId,
    ],
  );
}

/** A run that turned full (ServerChanged), with the reason. */
export function setRunKind(site: SiteDatabase, runId: number, kind: SyncKind, fullReason: string | null): void {
  site.db.run('UPDATE sync_run SET kind = ?, full_reason = ? WHERE run_id = ?', [kind, fullReason, runId]);
}

/** What the run warned about (kept in the message column of a run that did not fail). */
export function setRunWarnings(site: SiteDatabase, runId: number, warnings: readonly string[]): void {
  site.db.run('UPDATE sync_run SET error_message = ? WHERE run_id = ?', [warnings.join('\n'), runId]);
}

export function markRunSucceeded(site: SiteDatabase, runId: number, endedAt: string, anchorAfter: string): void {
  site.db.run("UPDATE sync_run SET outcome = 'succeeded', ended_at = ?, anchor_after = ? WHERE run_id = ?", [endedAt, anchorAfter, runId]);
}

export function markRunEnded(site: SiteDatabase, runId: number, outcome: 'failed' | 'cancelled', endedAt: string, code: string, message: string): void {
  site.db.run('UPDATE sync_run SET outcome = ?, ended_at = ?, error_code = ?, error_message = ? WHERE run_id = ?', [outcome, endedAt, code, message, runId]);
}

export function runOutcome(site: SiteDatabase, runId: number): SyncRun['outcome'] | undefined {
  const outcome = selectValue(site.db, 'SELECT outcome FROM sync_run WHERE run_id = ?', [runId]);
  return outcome === undefined || outcome === null ? undefined : (String(outcome) as SyncRun['outcome']);
}

export function readRun(site: SiteDatabase, code: SiteCode, runId: number): SyncRun {
  const [row] = selectRows(site.db, 'SELECT * FROM sync_run WHERE run_id = ?', [runId]);
  if (row === undefined) throw new ApiError('NOT_FOUND', `Site ${code} has no synchronization number ${runId}.`);
  return withFailureFacts(site, toRun(code, row));
}

export function listRuns(site: SiteDatabase, code: SiteCode, limit: number): SyncRun[] {
  return selectRows(site.db, 'SELECT * FROM sync_run ORDER BY run_id DESC LIMIT ?', [limit]).map((row) => withFailureFacts(site, toRun(code, row)));
}

/**
 * A failed run's failed update (the first by ID, or the first that failed in the run before too) and whether it failed
 * as the run before did.
 */
function withFailureFacts(site: SiteDatabase, run: SyncRun): SyncRun {
  if (run.outcome !== 'failed' || run.error === null) return run;
  // The run before that ended (a cancelled one says nothing about the cause; a running one has not ended).
  const [previous] = selectRows(
    site.db,
    "SELECT run_id, outcome, error_code FROM sync_run WHERE run_id < ? AND outcome IN ('succeeded', 'failed', 'interrupted') ORDER BY run_id DESC LIMIT 1",
    [run.runId],
  );
  const sameCode = previous !== undefined && previous.outcome === 'failed' && String(previous.error_code) === run.error.code;
  const repeated = sameCode ? failedUpdate(site, run.runId, Number(previous.run_id)) : null;
  const update = repeated ?? failedUpdate(site, run.runId);
  // A failure of updates recurs when one of them failed before too; any other when its code is the same.
  const again = sameCode && (update === null || repeated !== null);
  return { ...run, error: { ...run.error, update, again } };
}

function failedUpdate(site: SiteDatabase, runId: number, alsoInRun?: number): { id: string; revision: number; title: string | null } | null {
  const [row] = selectRows(
    site.db,
    `SELECT f.update_id, f.revision, u.title FROM sync_failure f LEFT JOIN software_update u ON u.update_id = f.update_id
     WHERE f.run_id = ?${alsoInRun === undefined ? '' : ' AND f.update_id IN (SELECT update_id FROM sync_failure WHERE run_id = ?)'}
     ORDER BY f.update_id LIMIT 1`,
    alsoInRun === undefined ? [runId] : [runId, alsoInRun],
  );
  if (row === undefined) return null;
  return { id: String(row.update_id), revision: Number(row.revision), title: row.title === null ? null : String(row.title) };
}

/** What one run changed, update by update (bundled updates only when asked). */
export function runChanges(site: SiteDatabase, runId: number, includeBundled: boolean) {
  return selectRows(
    site.db,
    `SELECT u.update_id, c.change, u.title, u.kb, u.classification_name FROM sync_change c
     JOIN software_update u ON u.update_key = c.update_key WHERE c.run_id = ?${includeBundled ? '' : ' AND u.deployable = 1'} ORDER BY c.change, u.title`,
    [runId],
  ).map((row) => ({
    updateId: String(row.update_id),
    change: String(row.change) as 'added' | 'revised' | 'expired' | 'removed',
    title: row.title === null ? '' : String(row.title),
    kb: row.kb === null ? null : String(row.kb),
    classification: row.classification_name === null ? null : String(row.classification_name),
  }));
}

/** The last successful run: its number, and when it started and ended (ISO text); undefined before the first. */
export function lastSuccessfulRun(site: SiteDatabase): { runId: number; startedAt: string; endedAt: string | null } | undefined {
  const [row] = selectRows(site.db, "SELECT run_id, started_at, ended_at FROM sync_run WHERE outcome = 'succeeded' ORDER BY run_id DESC LIMIT 1");
  return row === undefined
    ? undefined
    : { runId: Number(row.run_id), startedAt: String(row.started_at), endedAt: row.ended_at === null ? null : String(row.ended_at) };
}

/** When a run started (ISO text), or undefined when there is no such run. */
export function runStartedAt(site: SiteDatabase, runId: number): string | undefined {
  const started = selectValue(site.db, 'SELECT started_at FROM sync_run WHERE run_id = ?', [runId]);
  return started === undefined || started === null ? undefined : String(started);
}

/** Marks the runs still 'running' as interrupted (the engine stopped during them); returns their ids and kinds. */
export function markRunsInterrupted(site: SiteDatabase, at: Date): Array<{ runId: number; kind: string; trigger: string }> {
  const runs = selectRows(site.db, "SELECT run_id, kind, trigger FROM sync_run WHERE outcome = 'running'").map((row) => ({
    runId: Number(row.run_id),
    kind: String(row.kind),
    trigger: String(row.trigger),
  }));
  if (runs.length > 0) {
    site.db.run(
      "UPDATE sync_run SET outcome = 'interrupted', ended_at = ?, error_code = 'INTERRUPTED', error_message = 'The engine stopped during this synchronization' WHERE outcome = 'running'",
      [at.toISOString()],
    );
  }
  return runs;
}

/** The updates written by runs after the given one (a served site's anchored list). */
export function updatesChangedAfter(site: SiteDatabase, runId: number): Set<string> {
  return new Set(
    selectRows(site.db, 'SELECT DISTINCT u.update_id FROM sync_change c JOIN software_update u ON u.update_key = c.update_key WHERE c.run_id > ?', [runId]).map(
      (row) => String(row.update_id),
    ),
  );
}

export type { SqlValue };
