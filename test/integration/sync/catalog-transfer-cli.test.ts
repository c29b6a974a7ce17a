/** `usc export` and `usc import` as an administrator types them, between two data folders that never meet. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtPaths } from '../../helpers/built';
import { useTempDirs } from '../../helpers/temp-dir';
import { useUpstream } from '../../helpers/upstream';
import { runUsc } from '../../helpers/usc-process';

const tempDir = useTempDirs();
const upstream = useUpstream();

async function usc(args: string[]) {
  const result = await runUsc(args);
  expect(result.code, `usc ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

describe('usc export / usc import', () => {
  it('carries a catalog to a disconnected site: usc updates --json --all is the same on both, and import --json prints what sync --json does', async () => {
    builtPaths();
    const { url } = await upstream.start({ updates: 200, seed: 31 });
    const connected = tempDir();
    const disconnected = tempDir();
    const file = join(tempDir(), 'CEN.uscexport');
    await usc(['config', '--data', connected, '--source', url]);
    const synced = JSON.parse((await usc(['sync', '--data', connected, '--full', '--json'])).stdout) as Record<string, unknown>;
    const exported = await usc(['export', '--data', connected, '--site', 'CEN', '--out', file]);
    expect(exported.stdout).toContain(`Exported the catalog of CEN to ${file}`);
    expect(exported.stdout).toMatch(/^SHA-256 [0-9a-f]{64}$/m);

    await usc(['config', '--data', disconnected, '--source', 'none']);
    const imported = JSON.parse((await usc(['import', '--data', disconnected, '--site', 'CEN', '--in', file, '--json'])).stdout) as Record<string, unknown>;
    expect(Object.keys(imported).sort()).toEqual(Object.keys(synced).sort());
    expect(imported).toMatchObject({ site: 'CEN', kind: 'full', trigger: 'import', outcome: 'succeeded' });
    expect(imported.listed).toEqual(synced.listed);

    const list = async (data: string) => (await usc(['updates', '--data', data, '--json', '--all'])).stdout;
    expect(await list(disconnected)).toEqual(await list(connected));
    const history = JSON.parse((await usc(['history', '--data', disconnected, '--json'])).stdout) as Array<{ trigger: string }>;
    expect(history.map((run) => run.trigger)).toEqual(['import']);

    // A refused file: the reason, exit code 1, and the site as it was.
    const notes = join(tempDir(), 'notes.txt');
    writeFileSync(notes, 'Patch Tuesday: approve the security updates\n');
    const refused = await runUsc(['import', '--data', disconnected, '--site', 'CEN', '--in', notes]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not a catalog export of Update Sync Console.*Nothing was imported/);
    expect(JSON.parse((await usc(['history', '--data', disconnected, '--json'])).stdout)).toHaveLength(1);
  });
});
