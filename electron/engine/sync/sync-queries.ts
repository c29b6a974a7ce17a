/** Read side of the site database for the console: history, changes per run, status messages, the repository. */
import type { Database, SqlValue } from 'sql.js';
import type { SiteCode, SyncRun } from '../../../shared/domain';
import { ApiError } from '../../../shared/errors';

type Row = Record<string, SqlValue>;

export function selectRows(db: Database, sql: string, params: SqlValue[] = []): Row[] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const rows: Row[] = [];
    while (statement.step()) rows.push(statement.getAsObject());
    return rows;
  } finally {
    statement.free();
  }
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
    error: failed ? { code: String(row.error_code ?? 'UNKNOWN'), message: message ?? '' } : null,
    nextRetry: null,
  };
}

export function readRun(db: Database, site: SiteCode, runId: number): SyncRun {
  const [row] = selectRows(db, 'SELECT * FROM sync_run WHERE run_id = ?', [runId]);
  if (row === undefined) throw new ApiError('NOT_FOUND', `Site ${site} has no synchronization number ${runId}.`);
  return toRun(site, row);
}

export function listRuns(db: Database, site: SiteCode, limit: number): SyncRun[] {
  return selectRows(db, 'SELECT * FROM sync_run ORDER BY run_id DESC LIMIT ?', [limit]).map((row) => toRun(site, row));
}

export function runChanges(db: Database, runId: number, includeBundled: boolean) {
  return selectRows(
    db,
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

export const STATUS_DESCRIPTIONS: Record<number, string> = {
  6701: 'WSUS Synchronization started.',
  6702: 'WSUS Synchronization done.',
  6703: 'WSUS Synchronization failed.',
  6704: 'WSUS Synchronization in progress. Current phase: Synchronizing WSUS Server.',
  6705: 'WSUS Synchronization in progress. Current phase: Synchronizing site database.',
  // Not a ConfigMgr 2007 ID: the stall watchdog's own warning.
  6709: 'WSUS Synchronization made no progress: the stuck requests were abandoned and are retried.',
};

export function listStatusMessages(db: Database, site: SiteCode, limit: number) {
  return selectRows(db, 'SELECT * FROM status_message ORDER BY message_id DESC LIMIT ?', [limit]).map((row) => {
    const strings = JSON.parse(String(row.insertion_strings)) as string[];
    const id = Number(row.status_id);
    const base = STATUS_DESCRIPTIONS[id] ?? `Status message ${id}.`;
    return {
      messageId: Number(row.message_id),
      id,
      severity: String(row.severity) as 'I' | 'W' | 'E',
      component: String(row.component),
      site,
      time: String(row.time),
      insertionStrings: strings,
      description: id === 6703 && strings.length >= 2 ? `${base} Message: ${strings[1]}. Source: ${strings[0]}.` : base,
    };
  });
}

export interface SeverityCounts {
  errors: number;
  warnings: number;
  information: number;
}

/**
 * Component Status as ConfigMgr's: per component, its error, warning and information messages since each of the
 * given times (the last 24 hours, the last 7 days), and when it last reported.
 */
export function componentStatusCounts(
  db: Database,
  since: { day: string; week: string },
): Array<{ component: string; day: SeverityCounts; week: SeverityCounts; lastMessageAt: string }> {
  return selectRows(
    db,
    `SELECT component,
       sum(severity = 'E' AND time >= ?1) AS day_e, sum(severity = 'W' AND time >= ?1) AS day_w, sum(severity = 'I' AND time >= ?1) AS day_i,
       sum(severity = 'E' AND time >= ?2) AS week_e, sum(severity = 'W' AND time >= ?2) AS week_w, sum(severity = 'I' AND time >= ?2) AS week_i,
       max(time) AS last_time
     FROM status_message GROUP BY component ORDER BY component`,
    [since.day, since.week],
  ).map((row) => ({
    component: String(row.component),
    day: { errors: Number(row.day_e), warnings: Number(row.day_w), information: Number(row.day_i) },
    week: { errors: Number(row.week_e), warnings: Number(row.week_w), information: Number(row.week_i) },
    lastMessageAt: String(row.last_time),
  }));
}

/** When the site's last successful synchronization started (ISO text), if it has had one. */
export function lastSuccessfulRunStart(db: Database): string | undefined {
  const [row] = selectRows(db, "SELECT started_at FROM sync_run WHERE outcome = 'succeeded' ORDER BY run_id DESC LIMIT 1");
  return row === undefined ? undefined : String(row.started_at);
}

/** Marks the runs still 'running' as interrupted (the engine stopped during them); returns their ids and kinds. */
export function markRunsInterrupted(db: Database, at: Date): Array<{ runId: number; kind: string; trigger: string }> {
  const runs = selectRows(db, "SELECT run_id, kind, trigger FROM sync_run WHERE outcome = 'running'").map((row) => ({
    runId: Number(row.run_id),
    kind: String(row.kind),
    trigger: String(row.trigger),
  }));
  if (runs.length > 0) {
    db.run(
      "UPDATE sync_run SET outcome = 'interrupted', ended_at = ?, error_code = 'INTERRUPTED', error_message = 'The engine stopped during this synchronization' WHERE outcome = 'running'",
      [at.toISOString()],
    );
  }
  return runs;
}

/** Rows of (key, value) pairs as lists of values per key. */
export function groupPairs(rows: Array<Record<string, unknown>>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const key = String(row.key);
    let list = groups.get(key);
    if (list === undefined) groups.set(key, (list = []));
    list.push(String(row.value));
  }
  return groups;
}

/** The detectoids the site holds (the pre-flight check does not fetch them again). */
export function detectoidIds(db: Database): string[] {
  return selectRows(db, 'SELECT detectoid_id FROM detectoid').map((row) => String(row.detectoid_id));
}
