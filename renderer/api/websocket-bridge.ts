/**
 * The browser's implementation of the bridge the Electron preload exposes: the same calls and events, carried
 * over the web host's WebSocket. It reconnects on its own; calls made while disconnected wait for the connection.
 */
import type { ConsoleBridge } from '../../shared/bridge';
import { InboundToClientSchema, type CallOutcome, type EventMessage } from '../../shared/protocol';

/**
 * 'stopped': nothing answers at the page's address any more (the host stopped, or started again on another port);
 * 'moved': a host answers there but refuses this page's access token (it was started again, with a new one). Either
 * way the page cannot come back by itself, and says so instead of "reconnecting…" forever.
 */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'stopped' | 'moved';

/** Reconnections tried before the page asks the host's address whether anybody still serves this page there. */
const ATTEMPTS_BEFORE_PROBE = 3;

export interface WebSocketBridge extends ConsoleBridge {
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export function createWebSocketBridge(url: string, pageUrl?: string): WebSocketBridge {
  let socket: WebSocket | undefined;
  let nextId = 1;
  let retry = 0;
  let state: ConnectionState = 'connecting';
  const pending = new Map<number, (outcome: CallOutcome) => void>();
  const queued: string[] = [];
  const eventListeners = new Set<(event: EventMessage) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();

  const announce = (next: ConnectionState): void => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  /** Whether the page's own address still answers, and accepts its token. */
  const probe = async (): Promise<void> => {
    if (pageUrl === undefined) return;
    try {
      const response = await fetch(pageUrl, { cache: 'no-store', credentials: 'same-origin' });
      if (response.status === 403) announce('moved');
    } catch {
      announce('stopped');
    }
  };

  function connect(): void {
    // Once the page knows it is stopped or moved, it keeps trying quietly (the same host may come back).
    if (state !== 'stopped' && state !== 'moved') announce('connecting');
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
      if (state !== 'stopped' && state !== 'moved') announce('closed');
      retry++;
      if (retry >= ATTEMPTS_BEFORE_PROBE) void probe();
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

/** The page itself at the web host that served it, with its access token: what a probe asks for. */
export function webHostPageUrl(location: Location): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  return `${location.protocol}//${location.host}/?token=${encodeURIComponent(token)}`;
}

/** The API socket of the web host that served this page, carrying the page's access token. */
export function webHostApiUrl(location: Location): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`;
}
