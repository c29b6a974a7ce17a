/**
 * The metadata fetch: revisions asked of the upstream in batches (in the fetch workers when the engine runs built,
 * on the engine thread from source), each batch handed on as it arrives, and the stall watchdog around it. When no
 * batch arrives for the stall limit (requests that neither answer nor time out, a connection that trickles), the
 * requests are abandoned and what is still missing is asked for again; after STALL_RETRIES such retries the sync
 * fails, naming the stall. A sync never hangs for ever.
 */
import { durationText } from '../../../shared/time-text';
import { STALL_RETRIES, stallCheckEveryMs } from '../retry/retry-policy';
import type { MetadataFailure, UpstreamClient, UpstreamNotice } from '../upstream/client/upstream-client';
import type { FetchedBatch } from '../upstream/fetch/fetch-protocol';
import { fetchInWorker, fetchWorkersFor } from '../upstream/fetch/remote-fetcher';
import type { RevisionPayload, UpdateIdentity, UpdateMetadata } from '../upstream/update-metadata';
import type { ClientSettings } from '../upstream/sync-source';
import { SyncFailure } from './run-outcome';
import type { SyncContext } from './sync-context';

/** A batch as the sync applies it: from the in-thread client (the raw payload) or the fetch worker (the encoded record). */
export interface ArrivedBatch {
  revisions: Array<{ metadata: UpdateMetadata; payload?: RevisionPayload; record?: Uint8Array }>;
  failures: MetadataFailure[];
}

export interface MetadataSource {
  context: SyncContext;
  client: UpstreamClient;
  transport: Pick<ClientSettings, 'proxy' | 'extraCaCertificates'>;
  onNotice: (notice: UpstreamNotice) => void;
  /** Whether the sync writes without its indexes: more fetch workers pay then (fetchWorkersFor). */
  indexesDeferred: boolean;
}

/** Fetches and parses revisions, in the fetch worker when there is one, handing each batch to `apply`. */
function fetchRevisions(source: MetadataSource, ids: UpdateIdentity[], apply: (batch: ArrivedBatch) => Promise<void>, signal: AbortSignal): Promise<void> {
  const { context, client } = source;
  const worker = context.fetchWorker;
  if (worker === undefined || ids.length === 0) {
    return client.fetchMetadata(
      ids,
      (batch) => apply({ revisions: batch.revisions.map((revision) => ({ metadata: revision.metadata, payload: revision })), failures: batch.failures }),
      signal,
    );
  }
  const session = client.session();
  return fetchInWorker(
    worker.path,
    {
      baseUrl: client.baseUrl,
      ...context.connector.account,
      ...(session === undefined ? {} : { session }),
      ...(worker.timeoutMs === undefined ? {} : { timeoutMs: worker.timeoutMs }),
      ...(worker.retryDelayMs === undefined ? {} : { retryDelayMs: worker.retryDelayMs }),
      ...source.transport,
    },
    ids,
    (batch: FetchedBatch) => apply(batch),
    source.onNotice,
    { signal, workers: worker.workers ?? fetchWorkersFor(ids.length, !source.indexesDeferred) },
  );
}

export interface Stall {
  since: string;
  span: string;
  /** Updates still missing, asked for again. */
  remaining: number;
  retry: number;
}

/**
 * `fetchRevisions` under the watchdog: batches are applied one at a time, and none after an attempt was abandoned.
 * `onStall` is told of each stall that is retried (the caller logs it and reports 6709).
 */
export async function fetchWatched(
  source: MetadataSource,
  ids: UpdateIdentity[],
  limitMs: number,
  apply: (batch: ArrivedBatch) => Promise<void>,
  onStall: (stall: Stall) => void,
): Promise<void> {
  const { signal } = source.context;
  let remaining = ids;
  for (let stalls = 0; ; stalls++) {
    const attempt = new AbortController();
    const arrived = new Set<string>();
    let lastActivity = Date.now();
    let live = true;
    let chain = Promise.resolve();
    const serial = (batch: ArrivedBatch) =>
      (chain = chain.then(async () => {
        if (!live) return;
        lastActivity = Date.now();
        for (const entry of batch.revisions) arrived.add(entry.metadata.updateId);
        for (const failure of batch.failures) arrived.add(failure.updateId);
        await apply(batch);
        lastActivity = Date.now();
      }));
    const watchdog = setInterval(() => {
      if (Date.now() - lastActivity >= limitMs) attempt.abort('stalled');
    }, stallCheckEveryMs(limitMs));
    try {
      await fetchRevisions(source, remaining, serial, AbortSignal.any([signal, attempt.signal]));
      await chain;
      return;
    } catch (error) {
      if (!attempt.signal.aborted || signal.aborted) throw error;
      live = false;
      await chain.catch(() => undefined);
      const since = new Date(lastActivity).toISOString();
      const span = durationText(limitMs);
      if (stalls >= STALL_RETRIES) {
        throw new SyncFailure(
          'STALLED',
          'CWSyncMgr::SyncUpdates',
          `The synchronization made no progress for ${span} (since ${since}), again after ${STALL_RETRIES} retries of the stuck requests; the batches applied before are kept`,
        );
      }
      remaining = remaining.filter((identity) => !arrived.has(identity.updateId));
      onStall({ since, span, remaining: remaining.length, retry: stalls + 1 });
    } finally {
      clearInterval(watchdog);
    }
  }
}
