/**
 * Entry point of the metadata fetch worker: a thread of its own that fetches, decodes and parses update metadata and
 * compresses each revision's blob record, so the engine thread only writes what arrives. It runs one fetch and is
 * then terminated.
 */
import { parentPort } from 'node:worker_threads';
import { encodeRevision } from '../../storage/blob-store';
import { UpstreamClient } from '../client/upstream-client';
import { UpstreamError } from '../client/upstream-error';
import { FETCH_AHEAD, type EngineToFetcher, type FetchedBatch, type FetcherToEngine } from './fetch-protocol';

const port = parentPort;
if (port === null) throw new Error('The fetch worker must be started as a worker thread.');

const abort = new AbortController();
/** The engine stopped this worker because another failed: no new request, what is on its way still arrives. */
const stop = new AbortController();
let credits = FETCH_AHEAD;
let waiting: Array<() => void> = [];

function send(message: FetcherToEngine, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

port.on('message', (message: EngineToFetcher) => {
  switch (message.type) {
    case 'ack': {
      credits++;
      const resume = waiting.shift();
      resume?.();
      break;
    }
    case 'stop':
      stop.abort();
      break;
    case 'cancel':
      abort.abort();
      for (const resume of waiting.splice(0)) resume();
      break;
    case 'fetch':
      void run(message).then(
        () => send({ type: 'done' }),
        (error: unknown) =>
          send({
            type: 'error',
            error:
              error instanceof UpstreamError
                ? {
                    kind: error.kind,
                    operation: error.operation,
                    message: error.message,
                    ...(error.faultCode === undefined ? {} : { faultCode: error.faultCode }),
                    ...(error.details.status === undefined ? {} : { status: error.details.status }),
                  }
                : { message: error instanceof Error ? error.message : String(error) },
          }),
      );
      break;
  }
});

async function run(message: Extract<EngineToFetcher, { type: 'fetch' }>): Promise<void> {
  const { retryDelayMs, ...options } = message.client;
  const client = new UpstreamClient({
    ...options,
    ...(retryDelayMs === undefined ? {} : { retryDelayMs: () => retryDelayMs }),
    onNotice: (notice) => send({ type: 'notice', notice }),
    sharesAnswerText: true,
  });
  try {
    await client.fetchMetadata(
      message.ids,
      async (batch) => {
        const revisions: FetchedBatch['revisions'] = [];
        const failures = [...batch.failures];
        // A revision that cannot be made a record fails alone; its neighbours go on to the engine.
        for (const revision of batch.revisions) {
          const encoded = encodeRevision(revision);
          if (encoded instanceof Uint8Array) revisions.push({ metadata: revision.metadata, record: encoded });
          else failures.push(encoded);
        }
        while (credits === 0 && !abort.signal.aborted) await new Promise<void>((resume) => waiting.push(resume));
        abort.signal.throwIfAborted();
        credits--;
        send(
          { type: 'batch', batch: { revisions, failures } },
          revisions.map((revision) => revision.record.buffer as ArrayBuffer),
        );
      },
      abort.signal,
      stop.signal,
    );
  } finally {
    await client.close();
    waiting = [];
  }
}
