/** The engine endpoint of a data folder whose path is too long for a socket: never where another user could listen. */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attachToEngine, endpointFor, listenEngineEndpoint, type HostConnection } from '../../../electron/host/engine-endpoint';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const saved = { TMPDIR: process.env.TMPDIR, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR };
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const host: HostConnection = {
  dispatch: async (method) => ({ ok: true, value: { method } }),
  onEvent: () => () => undefined,
};

function longDataDir(): string {
  const dir = join(tempDir(), 'a'.repeat(60), 'b'.repeat(60), 'usc');
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe.skipIf(process.platform === 'win32')('engine endpoint beyond the socket path limit', () => {
  it("goes to a 0700 folder of the user's own in the temp folder (no runtime folder), and clients attach there", async () => {
    process.env.TMPDIR = tempDir();
    delete process.env.XDG_RUNTIME_DIR;
    const data = longDataDir();
    const endpoint = endpointFor(data);
    expect(dirname(endpoint)).toBe(join(process.env.TMPDIR, `usc-${process.getuid!()}`));
    const server = await listenEngineEndpoint(host, data);
    try {
      expect(statSync(dirname(endpoint)).mode & 0o777).toBe(0o700);
      expect(statSync(endpoint).mode & 0o777).toBe(0o600);
      const attached = (await attachToEngine(data))!;
      await expect(attached.dispatch('getInfo', {})).resolves.toMatchObject({ ok: true });
      attached.close();
    } finally {
      await server.close();
    }
  });

  it("uses the user's runtime folder when there is one", () => {
    process.env.XDG_RUNTIME_DIR = tempDir();
    expect(dirname(endpointFor(longDataDir()))).toBe(process.env.XDG_RUNTIME_DIR);
  });

  it('refuses to listen, and a client refuses to send anything, where other users may write', async () => {
    process.env.TMPDIR = tempDir();
    delete process.env.XDG_RUNTIME_DIR;
    const data = longDataDir();
    const folder = dirname(endpointFor(data));
    // Made before the engine, writable by everyone (as a predictable name in /tmp would let another user do).
    mkdirSync(folder);
    chmodSync(folder, 0o777);
    await expect(listenEngineEndpoint(host, data)).rejects.toThrow(/cannot be made in .*: other users may write in it/);
    chmodSync(folder, 0o700);
    const server = await listenEngineEndpoint(host, data);
    try {
      chmodSync(folder, 0o777);
      await expect(attachToEngine(data)).rejects.toThrow(/Refusing to use the engine endpoint .*: other users may write in it/);
    } finally {
      chmodSync(folder, 0o700);
      await server.close();
    }
  });
});
