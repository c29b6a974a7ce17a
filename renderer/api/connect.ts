import { BRIDGE_GLOBAL, type ConsoleBridge } from '../../shared/bridge';
import { createWebSocketBridge, webHostApiUrl, webHostPageUrl, type ConnectionState } from './websocket-bridge';

export interface Connection {
  bridge: ConsoleBridge;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** Electron's preload bridge when present, otherwise the web host's WebSocket. */
export function connect(): Connection {
  const preload = (window as unknown as Record<string, ConsoleBridge | undefined>)[BRIDGE_GLOBAL];
  if (preload !== undefined) {
    return {
      bridge: preload,
      onConnection(listener) {
        listener('open');
        return () => undefined;
      },
    };
  }
  const bridge = createWebSocketBridge(webHostApiUrl(window.location), webHostPageUrl(window.location));
  return { bridge, onConnection: (listener) => bridge.onConnection(listener) };
}
