import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CallMessageSchema, type EventMessage, type ResultMessage } from '../../shared/protocol';
import type { HostConnection } from './engine-endpoint';
import { contentTypeOf, rendererFileFor } from './renderer-files';

export interface WebHostOptions {
  host: HostConnection;
  rendererDir: string;
  port?: number;
  /** Loopback only unless the operator explicitly asks for another address. */
  bindAddress?: string;
  token?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TOKEN_COOKIE = 'usc_token';
/**
 * Serves the console to a browser: the built renderer over HTTP and the ConsoleApi over a WebSocket, both on
 * 127.0.0.1 and both behind a random token (query string once, then an HttpOnly cookie).
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const bindAddress = options.bindAddress ?? '127.0.0.1';
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  const server = createServer((request, response) => {
    void serveHttp(request, response, options.rendererDir, token, portOf()).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end('Internal error');
    });
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const allowed =
      url.pathname === '/api' &&
      isLoopbackPeer(request.socket.remoteAddress) &&
      hasValidToken(request, url, token) &&
      isLoopbackHost(request.headers.host, portOf()) &&
      isSameOrigin(request.headers.origin, portOf());
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => attachSocket(ws));
  });

  function attachSocket(ws: WebSocket): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    // A frame over maxPayload or a text frame that is not UTF-8: ws closes that socket (1009 / 1007) and reports it
    // here. Without a listener the error would take down the host and its engine.
    ws.on('error', () => sockets.delete(ws));
    ws.on('message', (data: RawData) => void answer(ws, data));
  }

  async function answer(ws: WebSocket, data: RawData): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(rawDataToString(data));
    } catch {
      return ws.close(1003, 'Messages must be JSON.');
    }
    const call = CallMessageSchema.safeParse(raw);
    if (!call.success) return ws.close(1003, 'Messages must be calls of the console contract.');
    const outcome = await options.host.dispatch(call.data.method, call.data.params);
    const reply: ResultMessage = { type: 'result', id: call.data.id, ...outcome };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  }

  const unsubscribe = options.host.onEvent((event) => {
    const message: EventMessage = { type: 'event', name: event.name, payload: event.payload };
    const text = JSON.stringify(message);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindAddress, () => resolve());
  });
  function portOf(): number {
    return (server.address() as AddressInfo).port;
  }
  const port = portOf();
  const hostInUrl = bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
  return {
    url: `http://${hostInUrl}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveHttp(request: IncomingMessage, response: ServerResponse, rendererDir: string, token: string, port: number): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  // Plain HTTP: the token would cross the network in clear. Another machine gets nothing, whatever Host it sends.
  if (!isLoopbackPeer(request.socket.remoteAddress)) {
    return refuse(response, 403, 'This console is served to this computer only (it has no TLS): reach it through an SSH tunnel (ssh -L).');
  }
  if (!isLoopbackHost(request.headers.host, port)) return refuse(response, 421, 'Unknown host.');
  if (!hasValidToken(request, url, token)) {
    return refuse(response, 403, 'Open the console with the URL printed by "usc web" (it carries the access token).');
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'Method not allowed.');
  const file = rendererFileFor(rendererDir, url.pathname);
  if (file === undefined) return refuse(response, 404, 'Not found.');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return refuse(response, 404, 'Not found.');
  }
  const headers: Record<string, string> = {
    'Content-Type': contentTypeOf(file),
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  if (url.searchParams.get('token') === token) {
    headers['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
  }
  response.writeHead(200, headers);
  response.end(request.method === 'HEAD' ? undefined : body);
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(message);
}

function hasValidToken(request: IncomingMessage, url: URL, token: string): boolean {
  const candidates = [url.searchParams.get('token'), readCookie(request.headers.cookie, TOKEN_COOKIE)];
  return candidates.some((candidate) => candidate !== null && candidate !== undefined && sameSecret(candidate, token));
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** A peer on this computer: 127.0.0.0/8 or ::1 (an IPv4 one as IPv6 too). */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** Refuses DNS-rebinding requests: the browser must address us by a loopback name. */
function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

function isSameOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true; // Non-browser clients (tests, scripts) send no Origin; the token still applies.
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}` || origin === `http://[::1]:${port}`;
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
