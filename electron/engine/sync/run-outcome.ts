/**
 * The one place that decides how a synchronization ends, and with what code and message:
 * - `succeeded`: it went to its end and every revision it set out to fetch was applied and saved (6702);
 * - `failed`: anything else that stopped it, or revisions it could not fetch or apply (6703, with the code, the
 *   component and the reason); also a run whose last save failed, whatever it was about to report;
 * - `cancelled`: the administrator cancelled it (never retried);
 * - `interrupted`: the engine shut down under it; the run stays `running` on disk and the next start resumes it.
 * `INTERNAL` is kept for defects of our own (nothing one update carries ends a run; each fails alone), and says where.
 */
import type { SyncPhase } from '../../../shared/contract';
import type { SyncFailureCode } from '../../../shared/errors';
import type { TraceLogWriter } from '../log/trace-log-writer';
import { SiteSaveError } from '../storage/save-error';
import type { SiteDatabase } from '../storage/site-database';
import { UpstreamError } from '../upstream/client/upstream-error';
import type { MetadataFailure } from '../upstream/client/upstream-client';
import type { RunRecord } from './run-record';
import { formatSyncTime } from './wsyncmgr-wording';

/** The abort reason of an engine shutdown: the run stays `running` on disk, so the next start resumes it. */
export const SHUTDOWN = 'engine shutdown';

export class SyncCancelled extends Error {}

/** A failure the sync names itself: its code, the ConfigMgr component that reports it, and the reason. */
export class SyncFailure extends Error {
  constructor(
    readonly code: SyncFailureCode,
    readonly source: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FailureText {
  code: string;
  source: string;
  message: string;
}

export type RunEnd = { outcome: 'interrupted' } | { outcome: 'cancelled' } | ({ outcome: 'failed' } & FailureText);

/** How a run that stopped with `error` ends. */
export function endOf(error: unknown, signal: AbortSignal, phase: SyncPhase): RunEnd {
  if (signal.aborted && signal.reason === SHUTDOWN) return { outcome: 'interrupted' };
  // A save that failed while the run was being cancelled is still a failure: what is on disk is not what was applied.
  if (error instanceof SyncCancelled || (signal.aborted && !(error instanceof SiteSaveError))) return { outcome: 'cancelled' };
  return { outcome: 'failed', ...describeFailure(error, phase) };
}

/** A run that went to its end: it succeeds only when no revision failed; otherwise the failure it ends with. */
export function completedOutcome(
  failures: readonly MetadataFailure[],
  setOutToFetch: number,
): { outcome: 'succeeded' } | { outcome: 'failed'; failure: SyncFailure } {
  const [first] = failures;
  if (first === undefined) return { outcome: 'succeeded' };
  // The update is named: "some of the updates" alone sends the administrator to the log to find which.
  const reason = first.message.replace(/\.$/, '').replace(`Update ${first.updateId}: `, '');
  const which = `${failures.length === 1 ? 'update' : 'the first'} ${first.updateId} (revision ${first.revision}): ${reason}`;
  return {
    outcome: 'failed',
    failure: new SyncFailure(
      'UPDATES_FAILED',
      'CWSyncMgr::DoSync',
      `Failed to sync some of the updates (${failures.length} of ${setOutToFetch} could not be synchronized); ${which}`,
    ),
  };
}

export function describeFailure(error: unknown, phase: SyncPhase): FailureText {
  if (error instanceof SyncFailure) return { code: error.code, source: error.source, message: error.message };
  if (error instanceof SiteSaveError) return { code: 'SAVE_FAILED', source: 'CWSyncMgr::SaveSiteDatabase', message: error.message };
  if (error instanceof UpstreamError) {
    return { code: error.faultCode ?? `UPSTREAM_${error.kind.toUpperCase()}`, source: `UpstreamServer.${error.operation}`, message: error.message };
  }
  // Nothing an update carries ends here (each fails alone): this is a defect of our own, so say where it is.
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

/** Records how a run that did not go to its end ended (endOf decides which end), with its log lines. */
export function recordEnd(
  record: RunRecord,
  error: unknown,
  facts: { signal: AbortSignal; phase: SyncPhase; log: TraceLogWriter; elapsedMs: () => number },
): void {
  const { log } = facts;
  const end = endOf(error, facts.signal, facts.phase);
  if (end.outcome === 'interrupted') {
    log.write('Sync interrupted: the engine is shutting down. Batches already applied are kept; the sync resumes at the next start.');
    record.saveCountsNow();
    return;
  }
  if (end.outcome === 'cancelled') {
    record.end('cancelled', 'CANCELLED', 'Cancelled by the administrator');
    log.write('Sync cancelled by the administrator. Batches already applied are kept; the next synchronization continues from them.');
    log.write('Sync cancelled; it will not be retried');
  } else {
    record.end('failed', end.code, end.message, end.source);
    log.write(`Sync failed: ${end.message}. Source: ${end.source}`);
  }
  log.write(`Sync time: ${formatSyncTime(facts.elapsedMs())}`);
}

/**
 * The last save. A run is only as true as what reached the disk: when this save fails, the run is a failure
 * (6703 naming the file and the reason), whatever it was about to report.
 */
export function persistOutcome(database: SiteDatabase, record: RunRecord, log: TraceLogWriter): void {
  try {
    database.save('at-rest');
  } catch (error) {
    const failure = describeFailure(error, 'finish');
    log.write(`ERROR: ${failure.message}`);
    if (record.outcome() !== 'failed') {
      record.end('failed', failure.code, failure.message, failure.source);
      log.write(`Sync failed: ${failure.message}. Source: ${failure.source}`);
    }
    try {
      database.save('at-rest');
    } catch {
      // Still failing: the run's outcome is in memory and in the log; the next successful save writes it.
    }
  }
}
