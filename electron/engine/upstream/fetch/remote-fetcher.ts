/**
 * The engine's side of the metadata fetch workers: starts the workers of one fetch, applies each batch they send (the
 * onBatch of the caller, one batch at a time), acknowledges it so its worker fetches on, and turns their end into a
 * result or an UpstreamError the sync treats like the in-thread client's.
 *
 * A large fetch whose sync builds the repository's indexes at its end is shared between two workers, each with half
 * of the requests in flight. With one, its parsing was the critical path of such a sync: at 100,000 updates the
 * worker was runnable for 40 s of a 42 s metadata phase, 11 s of them waiting for a core, while the engine thread
 * waited for its batches.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UpstreamError } from '../client/upstream-error';
import type { UpstreamNotice } from '../client/upstream-client';
import type { UpdateIdentity } from '../update-metadata';
import type { EngineToFetcher, FetchClientOptions, FetchedBatch, FetcherToEngine } from './fetch-protocol';

/**
 * The heap a fetch worker may take. The largest update the limits let through (64 Mi characters of XML, sent as up to
 * 128 Mi characters of escaped text, held while it is decoded and parsed) needs about 800 MB at its peak: at 512 MB a
 * worker died on it and took the whole sync with it. Typical peaks are under 200 MB; the limit only stops a runaway.
 */
export const FETCH_WORKER_HEAP_MB = 1_536;

/** Requests in flight for the whole fetch, shared among its workers (the client's own default). */
const CONCURRENCY = 4;
/** A fetch shorter than this has one worker: a second one's start and authorization cost more than it saves. */
const SHARED_FROM = 2_000;
/** The identities are dealt to the workers in runs of this many, so each works through the whole list. */
const SHARE_RUN = 200;

/**
 * How many workers a fetch of `count` revisions gets on this machine. Two only when the engine thread is not the
 * critical path: while it keeps the repository's indexes row by row (a large catalog), a second worker only takes
 * CPU from it (a 500,000-update sync took 256 s with two workers, against 251 s with one in the run before).
 */
export function fetchWorkersFor(count: number, engineKeepsIndexes: boolean): number {
  return count >= SHARED_FROM && !engineKeepsIndexes && availableParallelism() >= 2 ? 2 : 1;
}

export function fetchInWorker(
  workerPath: string,
  client: FetchClientOptions,
  ids: UpdateIdentity[],
  onBatch: (batch: FetchedBatch) => void | Promise<void>,
  onNotice: (notice: UpstreamNotice) => void,
  options: { signal?: AbortSignal; workers?: number } = {},
): Promise<void> {
  const { signal } = options;
  const shares = shareOut(ids, Math.max(1, options.workers ?? 1));
  const concurrency = Math.max(1, Math.ceil((client.concurrency ?? CONCURRENCY) / shares.length));
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let settled = false;
    let firstError: unknown;
    let running = shares.length;
    let applying = Promise.resolve();
    const settle = () => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancel);
      for (const worker of workers) void worker.terminate();
      if (firstError === undefined) resolve();
      else reject(firstError);
    };
    const tellAll = (message: EngineToFetcher) => {
      for (const worker of workers) worker.postMessage(message);
    };
    /** Nothing more is applied: the caller cancelled, or could not apply a batch. */
    const abandon = (error: unknown) => {
      firstError ??= error;
      tellAll({ type: 'cancel' });
      settle();
    };
    /** One worker ended. A failure stops the others from asking for more; what they have on its way still arrives. */
    const ended = (error?: unknown) => {
      if (error !== undefined && firstError === undefined) {
        firstError = error;
        tellAll({ type: 'stop' });
      }
      if (--running === 0) void applying.then(settle);
    };
    const cancel = () => abandon(new UpstreamError('cancelled', 'GetUpdateData', 'Cancelled'));
    if (signal?.aborted) return cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    if (shares.length === 0) return settle();
    for (const share of shares) {
      const worker = new Worker(workerPath, { resourceLimits: { maxOldGenerationSizeMb: FETCH_WORKER_HEAP_MB } });
      workers.push(worker);
      let over = false;
      const end = (error?: unknown) => {
        if (over || settled) return;
        over = true;
        ended(error);
      };
      worker.on('message', (message: FetcherToEngine) => {
        switch (message.type) {
          case 'batch':
            // Batches are applied one after the other, in the order they arrived, whichever worker sent them.
            applying = applying.then(async () => {
              if (settled) return;
              try {
                await onBatch(message.batch);
                worker.postMessage({ type: 'ack' } satisfies EngineToFetcher);
              } catch (error) {
                abandon(error);
              }
            });
            break;
          case 'notice':
            onNotice(message.notice);
            break;
          case 'done':
            end();
            break;
          case 'error':
            end(errorOf(message.error));
            break;
        }
      });
      worker.on('error', (error) => end(new Error(`The metadata fetch worker stopped: ${error.message}`)));
      worker.on('exit', (code) => end(new Error(`The metadata fetch worker exited (code ${code}) before it finished`)));
      worker.postMessage({ type: 'fetch', client: { ...client, concurrency }, ids: share } satisfies EngineToFetcher);
    }
  });
}

/** The identities dealt out in runs of SHARE_RUN, one run to each worker in turn; no worker gets an empty share. */
function shareOut(ids: UpdateIdentity[], workers: number): UpdateIdentity[][] {
  const shares: UpdateIdentity[][] = Array.from({ length: Math.min(workers, Math.ceil(ids.length / SHARE_RUN)) }, () => []);
  for (let start = 0; start < ids.length; start += SHARE_RUN) shares[(start / SHARE_RUN) % shares.length]!.push(...ids.slice(start, start + SHARE_RUN));
  return shares;
}

function errorOf(error: Extract<FetcherToEngine, { type: 'error' }>['error']): Error {
  const { kind, operation, message, faultCode, status } = error;
  return kind === undefined
    ? new Error(message)
    : new UpstreamError(kind, operation ?? 'GetUpdateData', message, {
        ...(faultCode === undefined ? {} : { faultCode }),
        ...(status === undefined ? {} : { status }),
      });
}
