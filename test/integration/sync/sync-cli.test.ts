import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { builtPaths } from '../../helpers/built';
import { useTempDirs } from '../../helpers/temp-dir';
import { runUsc } from '../../helpers/usc-process';
import { useUpstream } from '../../helpers/upstream';
import { CLASSIFICATIONS } from '../../../electron/engine/upstream/soap/protocol-names';

const tempDir = useTempDirs();
const upstream = useUpstream();

describe('usc config / sync / updates / history / status', () => {
  it('configures, synchronizes and reports, as JSON', async () => {
    builtPaths();
    const { service, url } = await upstream.start({ updates: 300, seed: 8 });
    const data = tempDir();
    const configured = await runUsc([
      'config',
      '--data',
      data,
      '--site',
      'CEN',
      '--source',
      url,
      '--products',
      'Windows 11,Microsoft Server operating system-21H2',
      '--classifications',
      'Security Updates,Critical Updates',
      '--languages',
      'en,de',
      '--json',
    ]);
    expect(configured.code).toBe(0);
    expect(JSON.parse(configured.stdout)).toMatchObject({
      source: { kind: 'upstream', url },
      // Kept by category ID: Windows 11 and Microsoft Server operating system-21H2.
      products: ['72e7624a-5b00-45d2-b92f-e561c0a6a160', '71718f13-7324-4b0f-8f9e-2ca9dc978e53'],
      classifications: ['0fa1201d-4330-4fa8-8ae9-b877473b6441', 'e6cf1350-c01b-414d-a61f-263d14d133b4'],
      languages: ['en', 'de'],
    });

    const first = await runUsc(['sync', '--data', data, '--site', 'CEN', '--full', '--json']);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({
      site: 'CEN',
      kind: 'full',
      trigger: 'cli',
      outcome: 'succeeded',
      anchor: expect.stringMatching(/^\d+,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/),
    });
    expect(summary.counts.new).toBeGreaterThan(0);
    expect(summary.warnings).toBeUndefined();

    service.churn({ add: 40 });
    const delta = JSON.parse((await runUsc(['sync', '--data', data, '--delta', '--json'])).stdout);
    expect(delta).toMatchObject({ kind: 'delta', outcome: 'succeeded', counts: { modified: 0, expired: 0, removed: 0 } });

    const updates = JSON.parse((await runUsc(['updates', '--data', data, '--site', 'CEN', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(updates.length).toBeGreaterThan(0);
    expect(Object.keys(updates[0]!).sort()).toEqual(['classification', 'kb', 'products', 'revision', 'severity', 'state', 'title', 'updateId']);
    expect(updates.every((update) => ['Security Updates', 'Critical Updates'].includes(String(update.classification)))).toBe(true);

    const history = JSON.parse((await runUsc(['history', '--data', data, '--json'])).stdout) as Array<{ kind: string }>;
    expect(history.map((run) => run.kind)).toEqual(['delta', 'full']);
    const status = JSON.parse((await runUsc(['status', '--data', data, '--json'])).stdout) as Array<{ id: number }>;
    expect(status.slice(0, 4).map((message) => message.id)).toEqual([6702, 6705, 6704, 6701]);
  });

  it('exits non-zero with the cause when the sync fails', async () => {
    // A web server that is not an update server: HTTP 404 is not worth retrying.
    const server = createServer((_request, response) => response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const data = tempDir();
      await runUsc(['config', '--data', data, '--source', `http://127.0.0.1:${(server.address() as AddressInfo).port}`]);
      const result = await runUsc(['sync', '--data', data, '--json']);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({
        outcome: 'failed',
        error: { code: 'UPSTREAM_HTTP', message: 'The upstream server answered GetAuthConfig with HTTP 404: <h1>Not Found</h1>' },
      });
    } finally {
      server.close();
    }
  });

  it('fetches in its worker thread as the engine does in-process: capped answers arrive, a withheld update fails the sync, the next one completes it', async () => {
    const { service, catalog, url } = await upstream.start({ updates: 200, seed: 17 });
    service.configure({ maxResponseBytes: 60_000 });
    const data = tempDir();
    await runUsc([
      'config',
      '--data',
      data,
      '--source',
      url,
      '--products',
      'Microsoft',
      '--classifications',
      CLASSIFICATIONS.map((c) => c.name).join(','),
      '--languages',
      'en',
    ]);
    const first = JSON.parse((await runUsc(['sync', '--data', data, '--full', '--json'])).stdout);
    expect(first).toMatchObject({ outcome: 'succeeded', counts: { new: catalog.updates.length, failed: 0 } });
    expect(service.stats.leftOutByCap).toBeGreaterThan(0);

    const missing = service.churn({ add: 3 }).added[1]!;
    service.injectFault({ kind: 'withhold', updateId: missing, times: 100 });
    const failed = await runUsc(['sync', '--data', data, '--delta', '--json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ outcome: 'failed', counts: { failed: 1 }, error: { code: 'UPDATES_FAILED' } });
    expect(failed.stderr).toContain('Failed to sync some of the updates (1 of');
    service.clearFaults();
    const next = JSON.parse((await runUsc(['sync', '--data', data, '--delta', '--json'])).stdout);
    expect(next).toMatchObject({ outcome: 'succeeded', counts: { failed: 0, new: 1 + catalog.update(missing)!.childIds.length } });
    const listed = JSON.parse((await runUsc(['updates', '--data', data, '--all', '--json'])).stdout) as Array<{ updateId: string }>;
    expect(listed.map((row) => row.updateId).sort()).toEqual(
      catalog.updates
        .filter((update) => update.state !== 'removed')
        .map((update) => update.id)
        .sort(),
    );
  });

  it('refuses contradictory options and bad sources', async () => {
    expect((await runUsc(['sync', '--full', '--delta', '--data', tempDir()])).stderr).toContain('Choose --full or --delta, not both.');
    expect((await runUsc(['config', '--source', 'wsus01', '--data', tempDir()])).stderr).toContain(
      '--source must be sample, microsoft-update, none or an http(s):// URL',
    );
  });
});
