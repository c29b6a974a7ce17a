/**
 * One engine owns a data folder and every client works through it: `usc` commands beside an open console (here the
 * browser console, `usc web`, the same host as the desktop one), `usc serve` beside it, and commands with no engine
 * running that start none of their own synchronizations.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { withHost } from '../../electron/host/cli/cli-context';
import { attachToEngine, endpointFor } from '../../electron/host/engine-endpoint';
import { buildPaths } from '../../electron/host/paths';
import { builtPaths, OUT_DIR, USC_BIN } from '../helpers/built';
import { useTempDirs } from '../helpers/temp-dir';
import { useUpstream } from '../helpers/upstream';
import { runUsc, startUsc, type RunningUsc } from '../helpers/usc-process';

const tempDir = useTempDirs();
const upstream = useUpstream();
const running: RunningUsc[] = [];
afterEach(async () => {
  for (const usc of running.splice(0)) await usc.stop();
});

interface EventFrame {
  type: 'event';
  name: string;
  payload: { site?: string; trigger?: string; outcome?: string; lines?: Array<{ text: string }> };
}

/** `usc web` on a data folder, and a console socket collecting every event it is sent. */
async function openConsole(data: string) {
  builtPaths();
  const web = await startUsc(['web', '--port', '0', '--data', data]);
  running.push(web);
  const url = new URL(web.firstLine);
  const ws = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const events: EventFrame[] = [];
  ws.on('message', (data: WebSocket.RawData) => {
    const message = JSON.parse(data.toString()) as EventFrame;
    if (message.type === 'event') events.push(message);
  });
  return { web, ws, events };
}

/** One call of the contract over a console's socket, and its result. */
function callOver(ws: WebSocket, id: number, method: string, params: Record<string, unknown>) {
  return new Promise<{ ok: boolean; error?: { code: string; message: string }; value?: { url: string } }>((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const message = JSON.parse(raw.toString()) as { type: string; id?: number };
      if (message.type !== 'result' || message.id !== id) return;
      ws.off('message', onMessage);
      resolve(message as never);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, method, params }));
  });
}

async function configure(data: string, url: string): Promise<void> {
  const configured = await runUsc(['config', '--data', data, '--source', url]);
  expect(configured.stderr).toBe('');
  expect(configured.code).toBe(0);
}

describe('one engine per data folder', () => {
  it("runs usc sync through the open console's engine, and the console shows that sync live", async () => {
    const { url } = await upstream.start({ updates: 120 });
    const data = tempDir();
    const { ws, events } = await openConsole(data);
    // Only the folder's owner may open the engine's endpoint.
    expect(statSync(endpointFor(data)).mode & 0o777).toBe(0o600);

    await configure(data, url);
    const sync = await runUsc(['sync', '--data', data, '--full', '--json']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ site: 'CEN', outcome: 'succeeded', trigger: 'cli' });

    // The console's own socket saw the command's sync: progress, log lines and the end.
    await expect.poll(() => events.some((event) => event.name === 'syncFinished' && event.payload.trigger === 'cli')).toBe(true);
    expect(events.some((event) => event.name === 'progress' && event.payload.site === 'CEN')).toBe(true);
    expect(events.some((event) => event.name === 'log' && event.payload.lines!.some((line) => line.text.includes('Done synchronizing WSUS Server')))).toBe(
      true,
    );
    // And a read command beside it reads the same database.
    const history = await runUsc(['history', '--data', data, '--json']);
    expect((JSON.parse(history.stdout) as Array<{ trigger: string; outcome: string }>)[0]).toMatchObject({ trigger: 'cli', outcome: 'succeeded' });
    ws.close();
  });

  it('refuses a server beyond loopback from a web console attached to another engine, as from one that owns its engine', async () => {
    const data = tempDir();
    const service = await startUsc(['service', '--data', data]);
    running.push(service);
    const { web, ws } = await openConsole(data);
    // Attached, not owning: the web host relays its browser's calls to the service's engine.
    await expect.poll(() => existsSync(endpointFor(data))).toBe(true);
    const call = (id: number, params: Record<string, unknown>) => callOver(ws, id, 'serveSite', params);
    const refused = await call(1, { site: 'CEN', port: 0, bind: '0.0.0.0' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED', message: expect.stringContaining('not on 0.0.0.0') } });
    const allowed = await call(2, { site: 'CEN', port: 0, bind: '127.0.0.1' });
    expect(allowed).toMatchObject({ ok: true, value: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) } });
    expect(web.firstLine).toContain('token=');
    ws.close();
  });

  it('keeps a web console working when the engine it was attached to stops: it starts its own and says so', async () => {
    const data = tempDir();
    const service = await startUsc(['service', '--data', data]);
    running.push(service);
    const { ws, events } = await openConsole(data);
    let id = 100;
    const listSites = () => callOver(ws, ++id, 'listSites', {});
    await expect(listSites()).resolves.toMatchObject({ ok: true });
    await service.stop();
    running.splice(running.indexOf(service), 1);
    await expect.poll(async () => (await listSites()).ok, { timeout: 15_000 }).toBe(true);
    const states = events.filter((event) => event.name === 'engineStatus').map((event) => (event.payload as { state?: string }).state);
    expect(states).toEqual(expect.arrayContaining(['restarting', 'ready']));
    // It holds the folder now: a command goes through it.
    expect((await runUsc(['sites', '--data', data, '--json'])).code).toBe(0);
    ws.close();
  });

  it('lets usc serve ask the running engine to serve a site, which keeps synchronizing while it serves', async () => {
    const { url, service } = await upstream.start({ updates: 80 });
    const data = tempDir();
    const { ws } = await openConsole(data);
    await configure(data, url);
    expect((await runUsc(['sync', '--data', data, '--full', '--json'])).code).toBe(0);

    const served = await runUsc(['serve', '--data', data, '--site', 'CEN']);
    expect(served.code, served.stderr).toBe(0);
    const servedUrl = served.stdout.split('\n')[0]!;
    expect(servedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.stderr).toContain('by the engine already running');

    // The site still synchronizes and is still listed while it is served.
    service.churn({ add: 3 });
    const delta = await runUsc(['sync', '--data', data, '--delta', '--json']);
    expect(delta.code, delta.stderr).toBe(0);
    expect((await runUsc(['sites', '--data', data, '--json'])).stdout).toContain('"CEN"');
    const answer = await fetch(`${servedUrl}/ServerSyncWebService/ServerSyncWebService.asmx`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.microsoft.com/SoftwareDistribution/GetAuthConfig"' },
      body: '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetAuthConfig xmlns="http://www.microsoft.com/SoftwareDistribution"/></s:Body></s:Envelope>',
    });
    expect(answer.status).toBe(200);
    ws.close();
  });

  it('starts no synchronization from a command where no engine runs: a due schedule and an interrupted sync are left alone', async () => {
    const { url, service } = await upstream.start({ updates: 100 });
    const data = tempDir();
    await configure(data, url);
    // A schedule with the default start is due at once; a console would start a full sync now.
    expect((await runUsc(['schedule', '--data', data, '--set', '--every', '1 hours'])).code).toBe(0);
    expect(JSON.parse((await runUsc(['history', '--data', data, '--json'])).stdout)).toEqual([]);

    // A sync killed mid-way leaves its run "running" in the database. While it hangs on the upstream, a second
    // command attaches to the first one's engine and sees it running.
    service.injectFault({ kind: 'hang', operation: 'GetUpdateData', times: 1_000 });
    const child = spawn(process.execPath, [USC_BIN, 'sync', '--data', data, '--full'], { stdio: 'ignore' });
    // The sync's own engine listens before anything looks: a reading command started first would hold the folder
    // itself and run the sync for the attached usc sync (by design), and killing the client would not kill that.
    await expect.poll(() => existsSync(endpointFor(data)), { timeout: 15_000, interval: 100 }).toBe(true);
    await expect
      .poll(async () => (JSON.parse((await runUsc(['history', '--data', data, '--json'])).stdout || '[]') as Array<{ outcome: string }>)[0]?.outcome, {
        timeout: 15_000,
        interval: 200,
      })
      .toBe('running');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    for (let look = 0; look < 2; look++) {
      const runs = JSON.parse((await runUsc(['history', '--data', data, '--json'])).stdout) as Array<{
        outcome: string;
        trigger: string;
        error: { code: string } | null;
      }>;
      // Shown as what it is, never resumed by a reading command.
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ trigger: 'cli', outcome: 'interrupted', error: { code: 'INTERRUPTED' } });
    }
    const status = await runUsc(['status', '--data', data]);
    expect(status.stdout).not.toContain('Synchronizing now');
  });

  it('tells a client plainly when the endpoint is sent something that is not a call, and goes on answering', async () => {
    const data = tempDir();
    const { ws } = await openConsole(data);
    const { createConnection } = await import('node:net');
    const socket = createConnection(endpointFor(data));
    const lines: string[] = [];
    socket.on('data', (chunk: Buffer) =>
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line !== ''),
      ),
    );
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('not json\n');
    socket.write('{"type":"call","id":7,"method":"listSites","params":{}}\n');
    await expect.poll(() => lines.some((line) => line.includes('"id":7'))).toBe(true);
    expect(lines.some((line) => line.includes('Each line must be one JSON call'))).toBe(true);
    expect(JSON.parse(lines.find((line) => line.includes('"id":7'))!)).toMatchObject({ type: 'result', id: 7, ok: true });
    // A line over 1 MiB closes that connection only.
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('x'.repeat(1024 * 1024 + 10));
    await closed;
    expect((await runUsc(['sites', '--data', data, '--json'])).code).toBe(0);
    ws.close();
  });

  it("keeps a command's engine running until a command that attached to it meanwhile has finished its sync", async () => {
    const { url } = await upstream.start({ updates: 150 });
    const data = tempDir();
    await configure(data, url);
    const context = { dataDir: data, paths: buildPaths(OUT_DIR), io: { out: () => undefined, err: () => undefined } };
    const order: string[] = [];
    const first = withHost(context, async () => {
      // A second command attaches to this one's engine and starts a sync there.
      const second = (await attachToEngine(data))!;
      void second.dispatch('runSynchronization', { site: 'CEN', kind: 'full', trigger: 'cli', wait: true }, { trusted: true }).then((outcome) => {
        order.push(`second's sync ${outcome.ok ? (outcome.value as { run: { outcome: string } }).run.outcome : 'failed to answer'}`);
        second.close();
      });
      order.push('first command done');
    });
    await first;
    order.push('first engine stopped');
    expect(order).toEqual(['first command done', "second's sync succeeded", 'first engine stopped']);
  });

  it('ends a command whose engine a console attached to meanwhile, once no call of that console is running', async () => {
    const data = tempDir();
    const context = { dataDir: data, paths: buildPaths(OUT_DIR), io: { out: () => undefined, err: () => undefined } };
    let console: Awaited<ReturnType<typeof attachToEngine>>;
    const ended = withHost(context, async () => {
      // A console attaches to this command's engine, asks something, and stays (as a browser tab does).
      console = (await attachToEngine(data, undefined, { console: true }))!;
      await expect(console.dispatch('listSites', {})).resolves.toMatchObject({ ok: true });
    });
    // The command ends without waiting for the console to go (it once waited for the tab to be closed).
    await expect(Promise.race([ended.then(() => 'ended'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000))])).resolves.toBe(
      'ended',
    );
    await expect(console!.dispatch('listSites', {})).resolves.toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });
    console!.close();
  });
});
