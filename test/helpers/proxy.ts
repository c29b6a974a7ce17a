import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface TestProxy {
  url: string;
  /** host:port of each tunnel it opened. */
  tunnels: string[];
  server: Server;
  close(): Promise<void>;
}

/** A CONNECT proxy on 127.0.0.1 that requires Basic credentials and records where it tunnelled. */
export function startProxy(user: string, password: string): Promise<TestProxy> {
  const tunnels: string[] = [];
  const server = createServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request, clientSocket, head) => {
    const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    if (request.headers['proxy-authorization'] !== expected) {
      clientSocket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    tunnels.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':');
    const target = connect(Number(port), host!, () => {
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
  return async (user: string, password: string) => {
    const proxy = await startProxy(user, password);
    started.push(proxy);
    return proxy;
  };
}
