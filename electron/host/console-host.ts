import type { ConsoleEvent } from '../../shared/contract';
import type { ConsoleInfo } from '../../shared/domain';
import type { EngineTuning } from '../engine/engine';
import { checkEvent } from '../../shared/validate';
import { createDispatcher } from './dispatcher';
import { listenEngineEndpoint, type EndpointServer, type HostConnection } from './engine-endpoint';
import { EngineClient, type EngineClientOptions } from './engine-client';
import { injectedClockTuning } from './injected-clock';
import { PRODUCT_NAME, PRODUCT_VERSION } from './product';

export interface ConsoleHost extends HostConnection {
  info(): ConsoleInfo;
  engine: EngineClient;
  /** Where other clients of this data folder attach (undefined when the engine did not start or listening failed). */
  endpoint: string | undefined;
  /** Takes no new clients on the endpoint and waits for the attached ones to finish (a command's engine, before it stops). */
  drainClients(): Promise<void>;
  stop(): Promise<void>;
}

export interface ConsoleHostOptions {
  dataDir: string;
  workerPath: string;
  sqlWasmPath?: string;
  engine?: Partial<Omit<EngineClientOptions, 'workerPath' | 'workerData'>>;
  tuning?: EngineTuning;
  /** Where to report engine events that break the contract (they are dropped, never forwarded). */
  reportProblem?: (message: string) => void;
  /** Listen for other clients of the data folder (default true). */
  endpoint?: boolean;
  /** What the engine says it is doing while it starts, when that takes long (upgrading a site database). */
  onStarting?: (message: string) => void;
}

/** The engine worker plus the dispatcher: what every transport (Electron IPC, web host, CLI) serves. */
export async function startConsoleHost(options: ConsoleHostOptions): Promise<ConsoleHost> {
  const engine = new EngineClient({
    ...options.engine,
    workerPath: options.workerPath,
    workerData: {
      ...injectedClockTuning(),
      ...options.tuning,
      dataDir: options.dataDir,
      ...(options.sqlWasmPath === undefined ? {} : { sqlWasmPath: options.sqlWasmPath }),
    },
  });
  const listeners = new Set<(event: ConsoleEvent) => void>();
  const publish = (event: ConsoleEvent): void => {
    for (const listener of listeners) listener(event);
  };
  engine.onEvent((message) => {
    const checked = checkEvent(message.name, message.payload);
    if (checked.ok) publish(checked.value);
    else options.reportProblem?.(`Dropped an engine event: ${checked.error.message}`);
  });
  engine.onStatus((status) => {
    publish({ name: 'engineStatus', payload: status });
    if (status.state === 'starting') options.onStarting?.(status.message);
  });

  const info = (): ConsoleInfo => ({
    productName: PRODUCT_NAME,
    version: PRODUCT_VERSION,
    dataDir: options.dataDir,
    engine: engine.status,
  });
  const dispatch = createDispatcher(engine, { getInfo: info });
  const onEvent = (listener: (event: ConsoleEvent) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  await engine.start();
  let endpoint: EndpointServer | undefined;
  if (engine.status.state === 'ready' && options.endpoint !== false) {
    try {
      endpoint = await listenEngineEndpoint({ dispatch, onEvent }, options.dataDir, options.reportProblem);
    } catch (error) {
      // The console still works; other clients are refused the folder as before, with the reason logged.
      options.reportProblem?.(`Other clients cannot attach to this engine: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    dispatch,
    engine,
    info,
    endpoint: endpoint?.endpoint,
    drainClients: async () => {
      await endpoint?.drain();
    },
    onEvent,
    async stop() {
      await endpoint?.close();
      await engine.stop();
    },
  };
}
