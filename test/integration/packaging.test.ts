/**
 * Checks electron-builder.yml offline: packs the built console into an unpacked Linux app with a stand-in
 * Electron runtime (the real one cannot be downloaded here) and inspects what the archive holds.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import { describe, expect, it } from 'vitest';
import { builtPaths, ROOT } from '../helpers/built';
import { useTempDirs } from '../helpers/temp-dir';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { FuseState, SENTINEL } from '@electron/fuses/dist/constants';

const tempDir = useTempDirs();

describe('packaging', () => {
  it('packs main, preload, worker, renderer and CLI, with the engine and SQLite WASM outside the archive', async () => {
    builtPaths();
    const work = tempDir();
    const stub = join(work, 'electron-dist');
    mkdirSync(stub);
    // A stand-in binary carrying a fuse wire as Electron's does (the sentinel, version 1, eight fuses at Electron's
    // defaults), so electron-builder flips the fuses of the configuration as it would in the real binary.
    const defaults = Buffer.from([1, 8, ...'10110001'].map((value) => (typeof value === 'number' ? value : value.charCodeAt(0))));
    writeFileSync(join(stub, 'electron'), Buffer.concat([Buffer.from(`#!/bin/sh\nexit 0\n# ${SENTINEL}`), defaults, Buffer.from('\n')]));
    chmodSync(join(stub, 'electron'), 0o755);
    writeFileSync(join(stub, 'version'), 'v45.4.1');
    writeFileSync(join(stub, 'LICENSE'), '');
    const builder = join(ROOT, 'node_modules', 'electron-builder', 'cli.js');
    await promisify(execFile)(process.execPath, [builder, '--linux', '--dir', `-c.electronDist=${stub}`, `-c.directories.output=${join(work, 'release')}`], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
    });
    const resources = join(work, 'release', 'linux-unpacked', 'resources');
    const files = listPackage(join(resources, 'app.asar'), { isPack: false });
    for (const file of ['/out/main/main.js', '/out/preload/preload.js', '/out/renderer/index.html', '/out/cli/usc.js', '/package.json']) {
      expect(files).toContain(file);
    }
    expect(files.some((file) => file.startsWith('/node_modules/'))).toBe(false); // everything is bundled
    expect(existsSync(join(resources, 'app.asar.unpacked', 'out', 'engine', 'worker.js'))).toBe(true);
    expect(existsSync(join(resources, 'app.asar.unpacked', 'out', 'engine', 'fetch-worker.js'))).toBe(true);
    expect(existsSync(join(resources, 'app.asar.unpacked', 'out', 'engine', 'sql-wasm.wasm'))).toBe(true);
    expect(existsSync(join(resources, 'app.asar.unpacked', 'out', 'engine', 'lz4_wasm_nodejs_bg.wasm'))).toBe(true);
    expect(existsSync(join(work, 'release', 'linux-unpacked', 'update-sync-console'))).toBe(true);
    // The fuses, as @electron/fuses reads them from the packaged binary.
    const wire = await getCurrentFuseWire(join(work, 'release', 'linux-unpacked', 'update-sync-console'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  }, 120_000);
});
