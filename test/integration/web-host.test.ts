import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { builtPaths } from '../helpers/built';
import { useTempDirs } from '../helpers/temp-dir';
import { startUsc, type RunningUsc } from '../helpers/usc-process';

const tempDir = useTempDirs();
const running: RunningUsc[] = [];
afterEach(async () => {
  for (const usc of running.splice(0)) await usc.stop();
});

async function startWeb() {
  builtPaths();
  const usc = await startUsc(['web', '--port', '0', '--data', tempDir()]);
  running.push(usc);
  const url = new URL(usc.firstLine);
  return { usc, url, token: url.searchParams.get('token') ?? '', base: `http://${url.host}` };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, method: string, params: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { type: string; id?: number };
      if (message.type === 'result' && message.id === id) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, method, params }));
  });
}

describe('web host', () => {
  it('bound beyond loopback, warns, and gives another machine nothing, whatever Host it sends (no TLS, no token in clear)', async () => {
    builtPaths();
    const usc = await startUsc(['web', '--port', '0', '--bind', '0.0.0.0', '--data', tempDir()]);
    running.push(usc);
    const url = new URL(usc.firstLine);
    const token = url.searchParams.get('token') ?? '';
    await expect.poll(() => usc.stderr()).toContain('WARNING: listening on 0.0.0.0, but other machines are refused');
    // From this machine: served.
    expect((await get(`http://127.0.0.1:${url.port}/?token=${token}`, { host: `127.0.0.1:${url.port}` })).status).toBe(200);
    // From another address of this machine (as another machine would arrive), even naming a loopback Host: refused.
    const { networkInterfaces } = await import('node:os');
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((entry) => entry !== undefined && !entry.internal && entry.family === 'IPv4');
    if (outside === undefined) return;
    const refused = await get(`http://${outside.address}:${url.port}/?token=${token}`, { host: `127.0.0.1:${url.port}` });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('served to this computer only');
    expect(refused.headers['set-cookie']).toBeUndefined();
    await expect(openSocket(`ws://${outside.address}:${url.port}/api?token=${token}`, { host: `127.0.0.1:${url.port}` })).rejects.toThrow(/403/);
  });

  it('warns, naming what becomes reachable, when usc serve serves a site beyond loopback', async () => {
    builtPaths();
    const serve = await startUsc(['serve', '--site', 'CEN', '--port', '0', '--bind', '0.0.0.0', '--data', tempDir()]);
    running.push(serve);
    expect(serve.stderr()).toContain(
      "WARNING: serving CEN on 0.0.0.0: anyone who can reach this machine on that port can read the site's update catalog (titles, article IDs, file URLs and digests) with no password, over plain HTTP.",
    );
  });

  it('prints a loopback URL with a token as its first line', async () => {
    const { url, token } = await startWeb();
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBeGreaterThan(0);
    expect(token.length).toBeGreaterThanOrEqual(24);
  });

  it('serves the console page only with the token, with a strict CSP', async () => {
    const { base, token } = await startWeb();
    expect((await get(`${base}/`)).status).toBe(403);
    expect((await get(`${base}/?token=wrong`)).status).toBe(403);
    const page = await get(`${base}/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(page.headers['set-cookie'])).toContain('HttpOnly');
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const { base, token } = await startWeb();
    expect((await get(`${base}/?token=${token}`, { Host: 'attacker.example' })).status).toBe(421);
  });

  it('refuses API sockets without the token or from another origin', async () => {
    const { url, token } = await startWeb();
    const api = `ws://${url.host}/api`;
    await expect(openSocket(api)).rejects.toThrow(/403/);
    await expect(openSocket(`${api}?token=nope`)).rejects.toThrow(/403/);
    await expect(openSocket(`${api}?token=${token}`, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('answers contract calls over the socket, including typed errors', async () => {
    const { url, token } = await startWeb();
    const ws = await openSocket(`ws://${url.host}/api?token=${token}`);
    expect(await call(ws, 1, 'listSites', {})).toMatchObject({ type: 'result', id: 1, ok: true, value: [{ code: 'CEN' }] });
    expect(await call(ws, 2, 'getSite', { site: 12 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call(ws, 3, 'formatDisk', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    ws.close();
  });

  it('survives a frame over 1 MiB and a frame of invalid UTF-8: those sockets are closed, the host goes on serving', async () => {
    const { base, token } = await startWeb();
    const api = `${base.replace('http', 'ws')}/api?token=${token}`;
    const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

    const big = await openSocket(api);
    big.on('error', () => undefined);
    const bigClosed = closed(big);
    big.send('x'.repeat(2 * 1024 * 1024));
    expect(await bigClosed).toBe(1009);

    const garbled = await openSocket(api);
    garbled.on('error', () => undefined);
    const garbledClosed = closed(garbled);
    // A text frame whose bytes are not UTF-8 (0xC3 0x28 is an invalid two-byte sequence).
    garbled.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false });
    expect(await garbledClosed).toBe(1007);

    const healthy = await openSocket(api);
    expect(await call(healthy, 1, 'listSites', {})).toMatchObject({ ok: true });
    healthy.close();
  });

  it('refuses to serve a site beyond loopback when the console asks (only usc serve --bind may)', async () => {
    const { base, token } = await startWeb();
    const ws = await openSocket(`${base.replace('http', 'ws')}/api?token=${token}`);
    const answer = (await call(ws, 1, 'serveSite', { site: 'CEN', port: 0, bind: '0.0.0.0' })) as { ok: boolean; error?: { code: string; message: string } };
    expect(answer).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    expect(answer.error!.message).toContain('usc serve --site <code> --bind 0.0.0.0');
    ws.close();
  });

  it('stops cleanly on SIGTERM', async () => {
    const { usc } = await startWeb();
    running.pop();
    expect(await usc.stop()).toBe(0);
  });
});
