/**
 * The browser's implementation of the bridge the Electron preload exposes: the same calls and events, carried
 * over the web host's WebSocket. It reconnects on its own; calls made while disconnected wait for the connection.
 */
import type { ConsoleBridge } from '../../shared/bridge';
import { InboundToClientSchema, type CallOutcome, type EventMessage } from '../../shared/protocol';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface WebSocketBridge extends ConsoleBridge {
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export function createWebSocketBridge(url: string): WebSocketBridge {
  let socket: WebSocket | undefined;
  let nextId = 1;
  let retry = 0;
  const pending = new Map<number, (outcome: CallOutcome) => void>();
  const queued: string[] = [];
  const eventListeners = new Set<(event: EventMessage) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();

  const announce = (state: ConnectionState): void => {
    for (const listener of connectionListeners) listener(state);
  };

  function connect(): void {
    announce('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      announce('open');
      for (const text of queued.splice(0)) ws.send(text);
    };
    ws.onmessage = (message) => {
      let data: unknown;
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      const parsed = InboundToClientSchema.safeParse(data);
      if (!parsed.success) return;
      const inbound = parsed.data;
      if (inbound.type === 'event') {
        for (const listener of eventListeners) listener(inbound);
        return;
      }
      const resolve = pending.get(inbound.id);
      pending.delete(inbound.id);
      resolve?.(inbound.ok ? { ok: true, value: inbound.value } : { ok: false, error: inbound.error });
    };
    ws.onclose = () => {
      socket = undefined;
      for (const resolve of pending.values()) {
        resolve({ ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: 'The connection to the web host was lost.' } });
      }
      pending.clear();
      announce('closed');
      retry++;
      setTimeout(connect, Math.min(500 * 2 ** (retry - 1), 10_000));
    };
  }

  connect();
  return {
    transport: 'websocket',
    call(method, params) {
      const id = nextId++;
      const text = JSON.stringify({ type: 'call', id, method, params });
      return new Promise<CallOutcome>((resolve) => {
        pending.set(id, resolve);
        if (socket?.readyState === WebSocket.OPEN) socket.send(text);
        else queued.push(text);
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}

/** The API socket of the web host that served this page, carrying the page's access token. */
export function webHostApiUrl(location: Location): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`;
}
