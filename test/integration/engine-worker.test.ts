import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../shared/contract';
import type { EngineStatus } from '../../shared/domain';
import { startConsoleHost, type ConsoleHost } from '../../electron/host/console-host';
import { builtPaths } from '../helpers/built';
import { crashableWorkers } from '../helpers/crashable-worker';
import { useTempDirs } from '../helpers/temp-dir';

const tempDir = useTempDirs();
const hosts: ConsoleHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
});

async function start(dataDir: string, engine: Parameters<typeof startConsoleHost>[0]['engine'] = {}) {
  const paths = builtPaths();
  const host = await startConsoleHost({ dataDir, workerPath: paths.workerPath, sqlWasmPath: paths.sqlWasmPath, engine });
  hosts.push(host);
  return host;
}

function nextStatus(host: ConsoleHost, state: EngineStatus['state']): Promise<EngineStatus> {
  return new Promise((resolve) => {
    const off = host.onEvent((event: ConsoleEvent) => {
      if (event.name === 'engineStatus' && event.payload.state === state) {
        off();
        resolve(event.payload);
      }
    });
  });
}

describe('engine worker', () => {
  it('serves the contract from a real worker thread', async () => {
    const host = await start(tempDir());
    expect(host.engine.status.state).toBe('ready');
    const outcome = await host.dispatch('listSites', {});
    expect(outcome).toMatchObject({ ok: true, value: [{ code: 'CEN', name: 'Central Site', health: { state: 'ok' } }] });
  });

  it('answers a bad call with a typed error and keeps running', async () => {
    const host = await start(tempDir());
    expect(await host.dispatch('getSite', { site: 'toolong' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await host.dispatch('getSite', { site: 'PR9' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await host.dispatch('listSites', {})).toMatchObject({ ok: true });
  });

  it('restarts a worker that dies, tells the console, and keeps serving', async () => {
    const workers = crashableWorkers();
    const host = await start(tempDir(), { restartDelayMs: () => 10, createWorker: workers.createWorker });
    const restarting = nextStatus(host, 'restarting');
    const ready = nextStatus(host, 'ready');
    await workers.crash();
    expect((await restarting).message).toMatch(/stopped unexpectedly/);
    const back = await ready;
    expect(back.message).toMatch(/restarted/);
    expect(back.restarts).toBe(1);
    expect(await host.dispatch('listSites', {})).toMatchObject({ ok: true, value: [{ code: 'CEN' }] });
  });

  it('gives up after repeated crashes and says so', async () => {
    const workers = crashableWorkers();
    const host = await start(tempDir(), { restartDelayMs: () => 5, maxRestarts: 2, createWorker: workers.createWorker });
    const failed = nextStatus(host, 'failed');
    for (let crash = 0; crash < 3; crash++) {
      const ready = crash < 2 ? nextStatus(host, 'ready') : undefined;
      await workers.crash();
      await ready;
    }
    expect((await failed).message).toMatch(/was not restarted again/);
    expect(await host.dispatch('listSites', {})).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });
    expect(await host.dispatch('getInfo', {})).toMatchObject({ ok: true, value: { engine: { state: 'failed' } } });
  });

  it('refuses to start on a data folder another console holds, with the reason', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    await first.stop();
    hosts.pop();
    writeFileSync(join(dataDir, 'engine.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), since: 'earlier' }));
    const host = await start(dataDir);
    expect(host.engine.status.state).toBe('failed');
    expect(host.engine.status.message).toMatch(/in use by another Update Sync Console/);
    expect(await host.dispatch('listSites', {})).toMatchObject({ ok: false, error: { code: 'DATA_FOLDER_IN_USE' } });
  });
});
