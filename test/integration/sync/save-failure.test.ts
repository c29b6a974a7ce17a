/**
 * A save that does not reach the disk is a failure, never a success. The disk "fills up" through the process's
 * file size limit (RLIMIT_FSIZE, `ulimit -f`): writes past it fail with EFBIG, as they would with ENOSPC on a full
 * disk, and it needs no privileges.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { builtPaths, ROOT, USC_BIN } from '../../helpers/built';
import { useTempDirs } from '../../helpers/temp-dir';
import { useUpstream } from '../../helpers/upstream';
import { runCommand, runUsc, type UscResult } from '../../helpers/usc-process';

const tempDir = useTempDirs();
const upstream = useUpstream();

/** Runs a command with a file size limit of `kib` KiB. */
function runLimited(kib: number, command: string[], env: NodeJS.ProcessEnv = {}): Promise<UscResult> {
  const quoted = command.map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' ');
  return runCommand('bash', ['-c', `ulimit -f ${kib} && exec ${quoted}`], env);
}

const tempFiles = (folder: string) => readdirSync(folder).filter((name) => /\.tmp-\d+$/.test(name));

describe('a save that fails', () => {
  it('ends usc sync failed (exit 1, the file and the reason on stderr), leaves no temp file and the database as it was', async () => {
    builtPaths();
    const { service, catalog, url } = await upstream.start({ updates: 300, seed: 31 });
    const data = tempDir();
    expect(
      (
        await runUsc([
          'config',
          '--data',
          data,
          '--source',
          url,
          '--products',
          'Windows 11,Windows 10',
          '--classifications',
          'Security Updates,Critical Updates,Updates',
        ])
      ).code,
    ).toBe(0);
    expect((await runUsc(['sync', '--data', data, '--full'])).code).toBe(0);
    const sites = join(data, 'sites');
    const database = join(sites, 'CEN.sqlite');
    // A first sync ends with a whole-file save (it built the repository's indexes), so there may be no journal yet.
    const files = [join(sites, 'CEN.sqlite.blobs.1'), `${database}.journal`, database].filter((file) => existsSync(file));
    const databaseBefore = readFileSync(database);

    // Fewer than the site holds: written row by row, so this sync's saves are journal lines and blobs only.
    service.churn({ add: 60 });
    // Room for what is there, and 8 KiB more: the new metadata (its blobs, its journal lines) does not fit.
    const limit = Math.ceil(Math.max(...files.map((file) => statSync(file).size)) / 1024) + 8;
    const failed = await runLimited(limit, [process.execPath, USC_BIN, 'sync', '--data', data, '--full', '--json']);
    expect(failed.code).toBe(1);
    const summary = JSON.parse(failed.stdout);
    expect(summary).toMatchObject({ outcome: 'failed', error: { code: 'SAVE_FAILED' } });
    const reason = /Could not save (\S+): the file would be larger than the system allows\. What is on disk is as it was before this save \(SAVE_FAILED\)/.exec(
      failed.stderr,
    );
    expect(files).toContain(reason?.[1]);
    expect(tempFiles(sites)).toEqual([]);
    expect(readFileSync(database).equals(databaseBefore)).toBe(true);

    // With room again, the next sync completes, and the site holds what the upstream offers.
    const next = await runUsc(['sync', '--data', data, '--full', '--json']);
    expect(JSON.parse(next.stdout)).toMatchObject({ outcome: 'succeeded', counts: { failed: 0 } });
    const history = JSON.parse((await runUsc(['history', '--data', data, '--json'])).stdout) as Array<{ outcome: string; error: { code: string } | null }>;
    expect(history.slice(0, 2).map((run) => run.outcome)).toEqual(['succeeded', 'failed']);
    expect(history[1]!.error?.code).toBe('SAVE_FAILED');
    const listed = JSON.parse((await runUsc(['updates', '--data', data, '--all', '--json'])).stdout) as Array<{ updateId: string }>;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((row) => catalog.update(row.updateId) !== undefined)).toBe(true);
  }, 60_000);

  it('a whole-file save that cannot be written throws with the reason, removes its temp file and leaves the file as it was', async () => {
    const folder = tempDir();
    // The site database module, bundled to run on its own in a process with a file size limit.
    const script = join(folder, 'save.cjs');
    const bundle = buildSync({
      stdin: {
        contents: `
          const { SiteDatabase } = require(${JSON.stringify(join(ROOT, 'electron/engine/storage/site-database.ts'))});
          const initSqlJs = require('sql.js');
          const { readdirSync } = require('node:fs');
          const file = process.argv[2];
          initSqlJs().then((sql) => {
            const site = SiteDatabase.create(sql, file, { code: 'CEN', name: 'Central Site', parentCode: null, createdAt: 'now' });
            site.db.run('CREATE TABLE filler (x BLOB)');
            site.db.run('INSERT INTO filler VALUES (randomblob(600000))');
            try {
              site.saveWhole();
              console.log(JSON.stringify({ saved: true }));
            } catch (error) {
              console.log(JSON.stringify({ name: error.name, message: error.message, left: readdirSync(require('node:path').dirname(file)) }));
            }
          });
        `,
        resolveDir: ROOT,
        loader: 'js',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      // Both read their WASM from beside themselves: resolved from node_modules (NODE_PATH below).
      external: ['sql.js', 'lz4-wasm-nodejs'],
      write: false,
    });
    writeFileSync(script, bundle.outputFiles[0]!.text);
    const file = join(folder, 'CEN.sqlite');
    const result = await runLimited(256, [process.execPath, script, file], { NODE_PATH: join(ROOT, 'node_modules') });
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout);
    expect(outcome).toMatchObject({ name: 'SiteSaveError' });
    expect(outcome.message).toBe(`Could not save ${file}: the file would be larger than the system allows. What is on disk is as it was before this save`);
    expect(outcome.left.filter((name: string) => /\.tmp-\d+$/.test(name))).toEqual([]);
    // The file on disk is the one written when the site was created, and it still opens.
    expect(statSync(file).size).toBeLessThan(256 * 1024);
  });
});
