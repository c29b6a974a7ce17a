/**
 * What a site's backup (`<site>.sqlite.bak`) holds, read without changing anything, so `usc site restore` can say
 * what it would restore (its date, last run, updates) before it is asked to with --yes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { SqlJsStatic } from 'sql.js';
import { checksumOf, recordedChecksums } from './file-checksum';
import { replayJournal } from './write-journal';

export interface BackupPreview {
  backup: string;
  savedAt: string;
  /** Its checksum matches the one recorded when it was taken (null: none was recorded, an earlier release's). */
  verified: boolean | null;
  updates: number | null;
  lastRun: { runId: number; kind: string; outcome: string; at: string } | null;
  problem: string | null;
}

export function previewBackup(sql: SqlJsStatic, backup: string): BackupPreview | undefined {
  if (!existsSync(backup)) return undefined;
  const bytes = readFileSync(backup);
  const recorded = recordedChecksums(backup);
  const preview: BackupPreview = {
    backup,
    savedAt: statSync(backup).mtime.toISOString(),
    verified: recorded === undefined ? null : recorded.includes(checksumOf(bytes)),
    updates: null,
    lastRun: null,
    problem: null,
  };
  let db;
  try {
    db = new sql.Database(bytes);
    // The saves journaled on top of it when it was taken (a scratch copy in memory: nothing on disk changes).
    const generation = Number(db.exec("SELECT value FROM setting WHERE key = 'storage.generation'")[0]?.values[0]?.[0] ?? 0);
    replayJournal(db, `${backup}.journal`, generation);
    preview.updates = Number(db.exec("SELECT count(*) FROM software_update WHERE deployable = 1 AND state != 'removed'")[0]?.values[0]?.[0] ?? 0);
    const run = db.exec('SELECT run_id, kind, outcome, coalesce(ended_at, started_at) FROM sync_run ORDER BY run_id DESC LIMIT 1')[0]?.values[0];
    if (run !== undefined) preview.lastRun = { runId: Number(run[0]), kind: String(run[1]), outcome: String(run[2]), at: String(run[3]) };
  } catch (error) {
    preview.problem = error instanceof Error ? error.message : String(error);
  } finally {
    db?.close();
  }
  return preview;
}
