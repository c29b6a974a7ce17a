import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** A request the proxy forwarded as plain HTTP (an http:// target), with what went each way. */
export interface ForwardedExchange {
  method: string;
  url: string;
  requestHeaders: IncomingHttpHeaders;
  requestBody: Buffer;
  status: number;
  responseHeaders: IncomingHttpHeaders;
  responseBody: Buffer;
}

export interface TestProxy {
  url: string;
  /** host:port of each tunnel it opened. */
  tunnels: string[];
  /** CONNECT requests it refused (host:port), as Squid refuses CONNECT to ports other than 443. */
  refusedTunnels: string[];
  /** Every plain HTTP request it forwarded, recorded whole. */
  forwarded: ForwardedExchange[];
  server: Server;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Ports CONNECT may reach (Squid's stock rule: 443 only); every port when not given. */
  connectPorts?: number[];
}

/**
 * An HTTP proxy on 127.0.0.1 that requires Basic credentials: it tunnels CONNECT (to the ports allowed) and forwards
 * plain HTTP requests in absolute form, recording both.
 */
export function startProxy(user: string, password: string, options: ProxyOptions = {}): Promise<TestProxy> {
  const tunnels: string[] = [];
  const refusedTunnels: string[] = [];
  const forwarded: ForwardedExchange[] = [];
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const server = createServer((request, response) => {
    if (request.headers['proxy-authorization'] !== expected) {
      response.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(request.url ?? '');
      if (target.protocol !== 'http:') throw new Error('not http');
    } catch {
      response.writeHead(400).end('A proxy request names an absolute http:// URL');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      const headers = { ...request.headers };
      delete headers['proxy-authorization'];
      delete headers['proxy-connection'];
      const upstream = httpRequest(
        { host: target.hostname, port: Number(target.port || 80), method: request.method, path: `${target.pathname}${target.search}`, headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            const responseBody = Buffer.concat(body);
            forwarded.push({
              method: request.method ?? '',
              url: request.url ?? '',
              requestHeaders: request.headers,
              requestBody,
              status: answer.statusCode ?? 0,
              responseHeaders: answer.headers,
              responseBody,
            });
            response.writeHead(answer.statusCode ?? 502, answer.headers).end(responseBody);
          });
        },
      );
      upstream.on('error', () => response.writeHead(502).end());
      upstream.end(requestBody);
    });
  });
  server.on('connect', (request, clientSocket, head) => {
    if (request.headers['proxy-authorization'] !== expected) {
      clientSocket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const [host, port] = (request.url ?? '').split(':');
    if (options.connectPorts !== undefined && !options.connectPorts.includes(Number(port))) {
      refusedTunnels.push(request.url ?? '');
      clientSocket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    tunnels.push(request.url ?? '');
    const target = connect(Number(port), host, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      target.write(head);
      target.pipe(clientSocket);
      clientSocket.pipe(target);
    });
    target.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => target.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        tunnels,
        refusedTunnels,
        forwarded,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    ),
  );
}

/** Proxies started in a test, closed after it. */
export function useProxies() {
  const started: TestProxy[] = [];
  afterEach(async () => {
    for (const proxy of started.splice(0)) await proxy.close();
  });
  return async (user: string, password: string, options: ProxyOptions = {}) => {
    const proxy = await startProxy(user, password, options);
    started.push(proxy);
    return proxy;
  };
}
