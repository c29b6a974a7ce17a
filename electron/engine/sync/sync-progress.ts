/**
 * What the console is told while a synchronization runs: the phase, done of total, the percent and an ETA, a retry
 * it is waiting for (instead of a frozen bar in an outage), and a stall the watchdog is handling. Requests in flight
 * fail together in an outage: one log line per retry attempt, not one per request.
 */
import type { Progress, SyncPhase } from '../../../shared/contract';
import type { SiteCode } from '../../../shared/domain';
import type { TraceLogWriter } from '../log/trace-log-writer';
import type { UpstreamNotice } from '../upstream/client/upstream-client';
import { formatEta } from './wsyncmgr-wording';

export class SyncProgress {
  phase: SyncPhase = 'connect';
  private last: { done: number; total: number; etaMs: number | null } = { done: 0, total: 1, etaMs: null };
  /** The retry the sync is waiting for, until progress is made again. */
  private retrying: Progress['retry'];
  /** When the watchdog last saw progress, while it retries stuck requests. */
  private stalledSince: string | undefined;
  /** The last retry attempt written to the log, and until when it covers the requests failing with it. */
  private retryLogged: { key: string; until: number } | undefined;

  constructor(
    private readonly site: SiteCode,
    private readonly log: TraceLogWriter,
    private readonly now: () => Date,
    private readonly onProgress: (progress: Progress) => void,
  ) {}

  /** Progress made: any retry it waited for, any stall, is over. */
  report(done: number, total: number, etaMs: number | null = null): void {
    this.retrying = undefined;
    this.stalledSince = undefined;
    this.last = { done, total, etaMs };
    this.emit();
  }

  /** The watchdog abandoned stuck requests; no progress since `since`. */
  stalled(since: string): void {
    this.stalledSince = since;
    this.emit();
  }

  /** A retry or a re-authorization in the upstream client. */
  notice(notice: UpstreamNotice): void {
    const retry = notice.retry;
    if (retry === undefined) {
      this.log.write(`sync: ${notice.message}`);
      return;
    }
    const now = this.now().getTime();
    const at = new Date(now + retry.delayMs).toISOString();
    // The other requests of the same outage fail within the first one's wait: their attempt is already told.
    const key = `${retry.operation} ${retry.attempt}`;
    if (this.retryLogged?.key !== key || now >= this.retryLogged.until) {
      this.log.write(`sync: ${notice.message}`);
      this.retryLogged = { key, until: now + retry.delayMs };
    }
    this.retrying = { operation: retry.operation, attempt: retry.attempt, of: retry.of, at, reason: retry.reason };
    this.emit();
  }

  private emit(): void {
    const { done, total, etaMs } = this.last;
    this.onProgress({
      site: this.site,
      phase: this.phase,
      done,
      total,
      percent: total === 0 ? 100 : Math.min(100, Math.round((done / total) * 1000) / 10),
      etaMs: this.retrying === undefined ? etaMs : null,
      ...(this.retrying === undefined ? {} : { retry: this.retrying }),
      ...(this.stalledSince === undefined ? {} : { stalledSince: this.stalledSince }),
    });
  }
}

/**
 * The metadata phase's count of revisions done, with an ETA from the rate so far, and the wsyncmgr.log line
 * ConfigMgr writes at each tenth of the way.
 */
export class MetadataProgress {
  private done = 0;
  private lastLogged = -1;
  private readonly started = Date.now();

  constructor(
    readonly total: number,
    private readonly progress: SyncProgress,
    private readonly log: TraceLogWriter,
  ) {
    progress.report(0, total, null);
  }

  advance(revisions: number): void {
    this.done += revisions;
    const { done, total } = this;
    const elapsed = Date.now() - this.started;
    const etaMs = done > 0 ? Math.round((elapsed / done) * (total - done)) : null;
    // The batch is committed; until the next one arrives the sync is fetching again.
    this.progress.phase = 'metadata';
    this.progress.report(done, total, etaMs);
    const percent = Math.floor((done / Math.max(1, total)) * 100);
    if (percent >= this.lastLogged + 10 || done === total) {
      this.lastLogged = percent;
      this.log.write(
        `sync: SMS synchronizing updates, processed ${done} out of ${total} items (${percent}%)${etaMs !== null && done < total ? `, ETA in ${formatEta(etaMs)}` : ''}`,
      );
    }
  }
}
