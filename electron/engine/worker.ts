/** Entry point of the engine worker thread: calls in, results and events out. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { toApiErrorData } from '../../shared/errors';
import { CallMessageSchema } from '../../shared/protocol';
import { checkCall } from '../../shared/validate';
import { Engine } from './engine';
import type { EngineWorkerData, WorkerToHost } from './worker-protocol';

const port = parentPort;
if (port === null) throw new Error('The engine worker must be started as a worker thread.');

function send(message: WorkerToHost): void {
  port!.postMessage(message);
}

async function main(): Promise<void> {
  const options = workerData as EngineWorkerData;
  // The fetch worker is built beside this file; running from source there is none, and the engine fetches itself.
  const fetchWorkerPath = join(__dirname, 'fetch-worker.js');
  let engine: Engine;
  try {
    engine = await Engine.open({
      ...options,
      ...(existsSync(fetchWorkerPath) ? { fetchWorkerPath } : {}),
      onStartup: (message) => send({ type: 'starting', message }),
    });
  } catch (error) {
    send({ type: 'fatal', error: toApiErrorData(error) });
    return;
  }
  engine.onEvent((event) => send({ type: 'event', name: event.name, payload: event.payload }));

  port!.on('message', (raw: unknown) => {
    if (isShutdown(raw)) {
      void engine.close().finally(() => {
        send({ type: 'stopped' });
        port!.close();
      });
      return;
    }
    const message = CallMessageSchema.safeParse(raw);
    if (!message.success) return; // Not a call: nothing to answer, and no id to answer to.
    const { id, method, params } = message.data;
    const checked = checkCall(method, params);
    if (!checked.ok) {
      send({ type: 'result', id, ok: false, error: checked.error });
      return;
    }
    engine.callChecked(checked.value.method, checked.value.params).then(
      (value) => send({ type: 'result', id, ok: true, value }),
      (error: unknown) => send({ type: 'result', id, ok: false, error: toApiErrorData(error) }),
    );
  });
  send({ type: 'ready' });
}

function isShutdown(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'shutdown';
}

void main();
