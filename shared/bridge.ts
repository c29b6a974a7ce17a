/**
 * The transport-level API: what the Electron preload exposes on `window.uscBridge`, and what the browser's
 * WebSocket client implements identically. The renderer turns it into the typed ConsoleApi.
 */
import type { CallOutcome, EventMessage } from './protocol';

export type TransportKind = 'electron' | 'websocket';

export interface ConsoleBridge {
  readonly transport: TransportKind;
  call(method: string, params: unknown): Promise<CallOutcome>;
  subscribe(listener: (event: EventMessage) => void): () => void;
}

export const BRIDGE_GLOBAL = 'uscBridge';
export const IPC_CALL_CHANNEL = 'usc:call';
export const IPC_EVENT_CHANNEL = 'usc:event';
/** The origin the Electron window loads the renderer from; IPC from any other frame is refused. */
export const APP_ORIGIN = 'app://console';
