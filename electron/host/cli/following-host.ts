/**
 * The engine `usc web` serves its browsers from: the one already running on the data folder (the desktop console,
 * usc service) when there is one, else one of its own. When an engine it was attached to stops, it finds the next
 * one, or starts its own once the folder is free, and tells the browsers (engineStatus), so a tab left open keeps
 * working instead of answering "engine unavailable" until the web host is restarted.
 */
import type { ConsoleEvent } from '../../../shared/contract';
import type { EngineState } from '../../../shared/domain';
import { attachToEngine, type HostConnection } from '../engine-endpoint';
import { startServingHost, type CliContext } from './cli-context';

/** Between two attempts to find or start an engine after the one in use stopped. */
const RECONNECT_EVERY_MS = 1_000;

export interface FollowingHost extends HostConnection {
  /** The endpoint of the engine it first attached to (undefined: it started its own). */
  attachedTo: string | undefined;
  stop(): Promise<void>;
}

export async function followingHost(context: CliContext): Promise<FollowingHost> {
  const listeners = new Set<(event: ConsoleEvent) => void>();
  let current: (HostConnection & { stop(): Promise<void> }) | undefined;
  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  const emit = (event: ConsoleEvent) => {
    for (const listener of listeners) listener(event);
  };
  const status = (state: EngineState, message: string) =>
    emit({ name: 'engineStatus', payload: { state, message, restarts: 0, at: new Date().toISOString() } });

  /** The engine running on the folder, attached to; else one of this host's own. */
  const connect = async (): Promise<string | undefined> => {
    const attached = await attachToEngine(context.dataDir, undefined, { console: true });
    const next =
      attached !== undefined ? { dispatch: attached.dispatch, onEvent: attached.onEvent, stop: async () => attached.close() } : await startServingHost(context);
    unsubscribe?.();
    current = next;
    unsubscribe = next.onEvent(emit);
    attached?.onLost(() => void follow());
    return attached?.endpoint;
  };

  const follow = async () => {
    current = undefined;
    status('restarting', 'The engine this console was using stopped: finding the next one, or starting one…');
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_EVERY_MS));
      if (stopped) return;
      try {
        const endpoint = await connect();
        context.io.err(
          endpoint === undefined ? 'The engine in use stopped; this web host started its own.' : `The engine in use stopped; using the one at ${endpoint}.`,
        );
        status('ready', 'The sync engine is ready.');
        return;
      } catch {
        // Another engine is starting on the folder (its lock is taken, its endpoint not yet open): try again.
      }
    }
  };

  const attachedTo = await connect();
  return {
    attachedTo,
    dispatch: (method, params, caller) =>
      current === undefined
        ? Promise.resolve({
            ok: false,
            error: { code: 'ENGINE_UNAVAILABLE', message: 'The engine stopped; another is being found or started. Try again in a moment.' },
          })
        : current.dispatch(method, params, caller),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      await current?.stop();
    },
  };
}
