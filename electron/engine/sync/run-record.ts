/**
 * A synchronization's record, as the history and System Status show it: its row in sync_run (written before anything
 * else happens, so a sync killed at any moment is found and resumed), its counts as it goes, the revisions that
 * failed, its warnings, and the status messages it reports. How it ends is decided by run-outcome.ts.
 */
import type { SiteCode, SyncKind, SyncRun, SyncTrigger } from '../../../shared/domain';
import { reportStatus } from '../log/status-messages';
import type { TraceLogWriter } from '../log/trace-log-writer';
import { insertRun, markRunEnded, markRunSucceeded, readRun, runOutcome, saveRunCounts, setRunKind, setRunWarnings } from '../storage/runs';
import type { SiteDatabase } from '../storage/site-database';
import { inTransaction } from '../storage/transaction';
import type { ChangeKind } from '../storage/update-store';
import type { MetadataFailure } from '../upstream/client/upstream-client';

export type StatusId = 6701 | 6702 | 6703 | 6704 | 6705 | 6709;

export interface RunStart {
  kind: SyncKind;
  trigger: SyncTrigger;
  scheduledFor: string | null;
  startedAt: string;
  anchorBefore: string | null;
  fullReason: string | null;
}

export class RunRecord {
  readonly counts = { new: 0, modified: 0, expired: 0, removed: 0, skipped: 0, failed: 0 };
  /** The same changes counted as the repository lists them (deployable updates only). */
  readonly listed = { new: 0, modified: 0, expired: 0, removed: 0 };
  readonly warnings: string[] = [];
  /** Revisions that could not be fetched or applied, and whether each was a category (config) revision. */
  readonly failures: Array<MetadataFailure & { config: boolean }> = [];

  private constructor(
    private readonly database: SiteDatabase,
    private readonly site: SiteCode,
    private readonly log: TraceLogWriter,
    private readonly now: () => Date,
    readonly runId: number,
  ) {}

  /** Writes the run's row in its own transaction; the caller saves it before going on. */
  static open(database: SiteDatabase, site: SiteCode, log: TraceLogWriter, now: () => Date, start: RunStart): RunRecord {
    const runId = inTransaction(database, () => insertRun(database, start));
    return new RunRecord(database, site, log, now, runId);
  }

  count(change: ChangeKind, listed: boolean): void {
    const key = change === 'added' ? 'new' : change === 'revised' ? 'modified' : change === 'expired' ? 'expired' : 'removed';
    this.counts[key]++;
    if (listed) this.listed[key]++;
  }

  /** The counts as they are now, in the caller's transaction. */
  saveCounts(): void {
    saveRunCounts(this.database, this.runId, this.counts, this.listed);
  }

  /** The counts as they are now, in a transaction of their own. */
  saveCountsNow(): void {
    inTransaction(this.database, () => this.saveCounts());
  }

  warn(message: string): void {
    this.warnings.push(message);
    this.log.write(`WARNING: ${message}.`);
  }

  /** Revisions of a batch that failed, in the batch's transaction; the log lines follow once it is committed. */
  recordFailed(count: number): void {
    this.counts.failed += count;
    this.saveCounts();
  }

  logFailures(failures: readonly MetadataFailure[], config: boolean): void {
    for (const failure of failures) {
      this.failures.push({ ...failure, config });
      this.log.write(`Failed to sync update ${failure.updateId}. Error: ${failure.message}. Source: ${failure.source ?? 'UpstreamServer.GetUpdateData'}`);
    }
  }

  /** A delta become full (no anchor, other settings, or a changed upstream), in the caller's transaction. */
  becameFull(reason: string): void {
    setRunKind(this.database, this.runId, 'full', reason);
  }

  saveWarnings(): void {
    if (this.warnings.length > 0) setRunWarnings(this.database, this.runId, this.warnings);
  }

  succeeded(endedAt: string, anchorAfter: string): void {
    markRunSucceeded(this.database, this.runId, endedAt, anchorAfter);
  }

  /** Ends the run failed or cancelled, in one transaction; a failure reports 6703 naming its component. */
  end(outcome: 'failed' | 'cancelled', code: string, message: string, source?: string): void {
    inTransaction(this.database, () => {
      this.saveCounts();
      markRunEnded(this.database, this.runId, outcome, this.now().toISOString(), code, message);
      if (source !== undefined) this.status(6703, 'E', [source, message]);
    });
  }

  outcome(): SyncRun['outcome'] | undefined {
    return runOutcome(this.database, this.runId);
  }

  read(): SyncRun {
    return { ...readRun(this.database, this.site, this.runId), warnings: this.warnings };
  }

  status(id: StatusId, severity: 'I' | 'W' | 'E' = 'I', insertionStrings?: string[]): void {
    reportStatus(this.database, this.log, {
      id,
      severity,
      site: this.site,
      time: this.now(),
      ...(insertionStrings === undefined ? {} : { insertionStrings }),
    });
  }
}
