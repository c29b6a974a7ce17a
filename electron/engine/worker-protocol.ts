/** Messages between the host's engine client and the engine worker, beyond the shared call/result/event framing. */
import type { ApiErrorData } from '../../shared/errors';
import type { CallMessage, EventMessage, ResultMessage } from '../../shared/protocol';

import type { EngineTuning } from './engine';

export interface EngineWorkerData extends EngineTuning {
  dataDir: string;
  sqlWasmPath?: string;
}

export type HostToWorker = CallMessage | { type: 'shutdown' };

export type WorkerToHost =
  | ResultMessage
  | EventMessage
  /** What the engine is doing before it is ready, when that takes long (upgrading a site database). */
  | { type: 'starting'; message: string }
  | { type: 'ready' }
  /** The engine could not start for a reason a restart will not fix (e.g. the data folder is locked). */
  | { type: 'fatal'; error: ApiErrorData }
  | { type: 'stopped' };
