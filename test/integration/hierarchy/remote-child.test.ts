/** A downstream console on "another machine" synchronizing from a site served with `usc serve`, over loopback HTTP. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtPaths } from '../../helpers/built';
import { useTempDirs } from '../../helpers/temp-dir';
import { runUsc, startUsc, type RunningUsc } from '../../helpers/usc-process';
import { useUpstream } from '../../helpers/upstream';

const tempDir = useTempDirs();
const upstream = useUpstream();
const running: RunningUsc[] = [];
afterEach(async () => {
  for (const usc of running.splice(0)) await usc.stop();
});

describe('usc serve and usc site', () => {
  it('serves a synchronized site to a console elsewhere, which ends with the same updates', async () => {
    builtPaths();
    const { url } = await upstream.start({ updates: 200, seed: 12 });
    const parent = tempDir();
    await runUsc(['config', '--data', parent, '--source', url, '--products', 'Windows', '--classifications', 'Security Updates,Critical Updates,Updates']);
    expect((await runUsc(['sync', '--data', parent, '--full'])).code).toBe(0);
    const parentUpdates = JSON.parse((await runUsc(['updates', '--data', parent, '--json', '--all'])).stdout) as Array<{ updateId: string; revision: number }>;

    const served = await startUsc(['serve', '--data', parent, '--site', 'CEN', '--port', '0']);
    running.push(served);
    expect(served.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const child = tempDir();
    await runUsc([
      'config',
      '--data',
      child,
      '--source',
      served.firstLine,
      '--products',
      'Windows',
      '--classifications',
      'Security Updates,Critical Updates,Updates',
    ]);
    const result = JSON.parse((await runUsc(['sync', '--data', child, '--full', '--json'])).stdout);
    expect(result).toMatchObject({ outcome: 'succeeded', counts: { new: parentUpdates.length } });
    await served.stop();
    running.pop();
    const childUpdates = JSON.parse((await runUsc(['updates', '--data', child, '--json', '--all'])).stdout) as Array<{ updateId: string; revision: number }>;
    const key = (rows: Array<{ updateId: string; revision: number }>) => rows.map((row) => `${row.updateId}@${row.revision}`).sort();
    expect(key(childUpdates)).toEqual(key(parentUpdates));
  });

  it('points a child site at a parent on another machine with usc config --source; the child syncs from it after its local parent', async () => {
    builtPaths();
    const { url } = await upstream.start({ updates: 150, seed: 13 });
    const parent = tempDir();
    await runUsc(['config', '--data', parent, '--source', url]);
    expect((await runUsc(['sync', '--data', parent, '--full'])).code).toBe(0);
    const served = await startUsc(['serve', '--data', parent, '--site', 'CEN', '--port', '0']);
    running.push(served);

    const data = tempDir();
    await runUsc(['config', '--data', data, '--source', url]);
    await runUsc(['site', 'add', '--data', data, '--code', 'PR1', '--name', 'Primary 1', '--parent', 'CEN']);
    const pointed = await runUsc(['config', '--data', data, '--site', 'PR1', '--source', served.firstLine, '--json']);
    expect(JSON.parse(pointed.stdout)).toMatchObject({ source: { kind: 'upstream', url: served.firstLine } });
    const owned = await runUsc(['config', '--data', data, '--site', 'PR1', '--languages', 'de']);
    expect(owned.stderr).toContain('You cannot change the languages of the Software Update Point on PR1: it is a child site.');

    // With no engine running, a command's engine starts no child's sync: it keeps the notification in PR1's
    // database, and says so in the parent's log.
    expect((await runUsc(['sync', '--data', data, '--site', 'CEN', '--full'])).code).toBe(0);
    expect(JSON.parse((await runUsc(['history', '--data', data, '--site', 'PR1', '--json'])).stdout)).toEqual([]);
    expect(readFileSync(join(data, 'Logs', 'CEN', 'wsyncmgr.log'), 'utf8')).toContain(
      "Child site(s) PR1 will synchronize when the console or usc service runs: a command's engine starts no other synchronization, and their notifications are kept until then.",
    );

    // usc service delivers it when it starts: PR1 synchronizes from its parent without another sync of CEN.
    const service = await startUsc(['service', '--data', data]);
    running.push(service);
    expect(service.firstLine).toContain('the engine of');
    const pr1History = async () =>
      JSON.parse((await runUsc(['history', '--data', data, '--site', 'PR1', '--json'])).stdout) as Array<{ trigger: string; outcome: string }>;
    await expect.poll(async () => (await pr1History())[0], { timeout: 30_000 }).toMatchObject({ trigger: 'parent', outcome: 'succeeded' });
    expect(readFileSync(join(data, 'Logs', 'PR1', 'wsyncmgr.log'), 'utf8')).toMatch(/Found parent sync notification file CEN\.SYN, sent \d{4}-/);

    // The same command through the service's engine, which notifies PR1 at once; the command waits for it.
    expect((await runUsc(['sync', '--data', data, '--site', 'CEN', '--full'])).code).toBe(0);
    const history = JSON.parse((await runUsc(['history', '--data', data, '--site', 'PR1', '--json'])).stdout) as Array<{
      trigger: string;
      outcome: string;
      counts: { new: number };
    }>;
    expect(history[0]).toMatchObject({ trigger: 'parent', outcome: 'succeeded' });
    // The delivered notification's sync brought the updates; this one found nothing new.
    expect(history).toHaveLength(2);
    expect(history[1]!.counts.new).toBeGreaterThan(0);
  });

  it('adds, lists and removes child sites, and refuses a manual sync on a child with a non-zero exit', async () => {
    const data = tempDir();
    expect((await runUsc(['site', 'add', '--data', data, '--code', 'PR1', '--name', 'Primary 1', '--parent', 'CEN'])).code).toBe(0);
    expect((await runUsc(['site', 'add', '--data', data, '--code', 'SE1', '--name', 'Secondary 1', '--parent', 'PR1'])).code).toBe(0);
    const list = await runUsc(['site', 'list', '--data', data]);
    expect(list.stdout).toContain('CEN - Central Site: never synchronized');
    expect(list.stdout).toContain('    SE1 - Secondary 1: never synchronized');
    const refused = await runUsc(['sync', '--data', data, '--site', 'PR1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('usc: You cannot run a manual synchronization on PR1: it is a child site.');
    const blocked = await runUsc(['site', 'remove', '--data', data, '--site', 'PR1']);
    expect(blocked.stderr).toContain('Site PR1 has child sites (SE1); remove or move them first.');
    expect((await runUsc(['site', 'remove', '--data', data, '--site', 'SE1'])).stdout).toContain('Removed site SE1; its database was kept as');
    expect((await runUsc(['site', 'add', '--data', data, '--code', 'toolong', '--name', 'x', '--parent', 'CEN'])).stderr).toContain(
      'A site code is exactly three letters or digits',
    );
    await runUsc(['site', 'add', '--data', data, '--code', 'PR2', '--name', 'Primary 2', '--parent', 'CEN']);
    await runUsc(['site', 'add', '--data', data, '--code', 'SE2', '--name', 'Secondary 2', '--parent', 'PR2']);
    expect((await runUsc(['site', 'edit', '--data', data, '--site', 'PR2', '--parent', 'SE2'])).stderr).toContain(
      'SE2 is below PR2; a site cannot move under itself.',
    );
    expect((await runUsc(['site', 'edit', '--data', data, '--site', 'SE2', '--parent', 'PR1', '--name', 'Secondary Two'])).code).toBe(0);
    expect((await runUsc(['site', 'list', '--data', data])).stdout).toContain('    SE2 - Secondary Two');
  });
});
