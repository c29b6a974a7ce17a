/**
 * The stall watchdog around one upstream call outside the metadata fetch: signing in, GetConfigData, the revision
 * lists. A call without an answer for the stall limit is abandoned and made again, STALL_RETRIES times; the next stall
 * fails the sync with STALLED, naming the operation that never answered. Without it a request's own timeout (120 s)
 * times its retries held a sync for 10 minutes in GetAuthConfig, whatever the site's limit.
 */
import { durationText } from '../../../shared/time-text';
import { STALL_RETRIES } from '../retry/retry-policy';
import { SyncFailure } from './run-outcome';

export interface CallStall {
  /** The upstream operation that got no answer (or the call's own name when none was in flight). */
  operation: string;
  since: string;
  span: string;
  retry: number;
}

export interface CallWatch {
  signal: AbortSignal;
  limitMs: number;
  /** What the call is, when the client names no operation in flight (a connection being opened). */
  what: string;
  /** The operation waiting for its answer at the moment of the stall. */
  operationInFlight: () => string | undefined;
  onStall: (stall: CallStall) => void;
}

/** Runs `call` with a signal the watchdog aborts when the call takes longer than the limit; retries, then fails. */
export async function callWatched<T>(watch: CallWatch, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  for (let stalls = 0; ; stalls++) {
    const attempt = new AbortController();
    const since = new Date().toISOString();
    let operation = watch.what;
    const timer = setTimeout(() => {
      operation = watch.operationInFlight() ?? watch.what;
      attempt.abort('stalled');
    }, watch.limitMs);
    try {
      return await call(AbortSignal.any([watch.signal, attempt.signal]));
    } catch (error) {
      if (!attempt.signal.aborted || watch.signal.aborted) throw error;
      const span = durationText(watch.limitMs);
      if (stalls >= STALL_RETRIES) {
        throw new SyncFailure(
          'STALLED',
          'CWSyncMgr::DoSync',
          `The synchronization made no progress for ${span} (since ${since}): the upstream server did not answer ${operation}, again after ${STALL_RETRIES} retries; the batches applied before are kept`,
        );
      }
      watch.onStall({ operation, since, span, retry: stalls + 1 });
    } finally {
      clearTimeout(timer);
    }
  }
}
