/**
 * The engine's side of the metadata fetch worker: starts one worker per fetch, applies each batch it sends (the
 * onBatch of the caller), acknowledges it so the worker fetches on, and turns its end into a result or an
 * UpstreamError the sync treats like the in-thread client's.
 */
import { Worker } from 'node:worker_threads';
import { UpstreamError } from '../client/upstream-error';
import type { UpstreamNotice } from '../client/upstream-client';
import type { UpdateIdentity } from '../update-metadata';
import type { EngineToFetcher, FetchClientOptions, FetchedBatch, FetcherToEngine } from './fetch-protocol';

export function fetchInWorker(
  workerPath: string,
  client: FetchClientOptions,
  ids: UpdateIdentity[],
  onBatch: (batch: FetchedBatch) => void | Promise<void>,
  onNotice: (notice: UpstreamNotice) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const worker = new Worker(workerPath, { resourceLimits: { maxOldGenerationSizeMb: 512 } });
    const send = (message: EngineToFetcher) => worker.postMessage(message);
    let settled = false;
    let applying = Promise.resolve();
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancel);
      void worker.terminate();
      if (error === undefined) resolve();
      else reject(error);
    };
    const cancel = () => {
      send({ type: 'cancel' });
      finish(new UpstreamError('cancelled', 'GetUpdateData', 'Cancelled'));
    };
    if (signal?.aborted) return cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    worker.on('message', (message: FetcherToEngine) => {
      switch (message.type) {
        case 'batch':
          // Batches are applied one after the other, in the order they arrived.
          applying = applying.then(async () => {
            if (settled) return;
            try {
              await onBatch(message.batch);
              send({ type: 'ack' });
            } catch (error) {
              send({ type: 'cancel' });
              finish(error);
            }
          });
          break;
        case 'notice':
          onNotice(message.notice);
          break;
        case 'done':
          void applying.then(() => finish());
          break;
        case 'error': {
          const { kind, operation, message: text, faultCode, status } = message.error;
          const error =
            kind === undefined
              ? new Error(text)
              : new UpstreamError(kind, operation ?? 'GetUpdateData', text, {
                  ...(faultCode === undefined ? {} : { faultCode }),
                  ...(status === undefined ? {} : { status }),
                });
          void applying.then(() => finish(error));
          break;
        }
      }
    });
    worker.on('error', (error) => finish(new Error(`The metadata fetch worker stopped: ${error.message}`)));
    worker.on('exit', (code) => finish(new Error(`The metadata fetch worker exited (code ${code}) before it finished`)));
    send({ type: 'fetch', client, ids });
  });
}
