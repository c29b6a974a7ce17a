/**
 * The Electron shell without the Electron binary: the built main process runs against a stand-in `electron`
 * module (test/helpers/fake-electron-harness.cjs) and the real engine worker.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtPaths, OUT_DIR, ROOT } from '../helpers/built';
import { useTempDirs } from '../helpers/temp-dir';

const tempDir = useTempDirs();

describe('Electron shell (built main process)', () => {
  it('opens a sandboxed window on app://, blocks navigation and pop-ups, and serves the contract over IPC', async () => {
    builtPaths();
    const userData = tempDir();
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(ROOT, 'test', 'helpers', 'fake-electron-harness.cjs'),
      join(OUT_DIR, 'main', 'main.js'),
      userData,
    ]);
    const report = JSON.parse(stdout);
    expect(report.error).toBeUndefined();
    expect(report.appName).toBe('Update Sync Console');
    expect(report.windows[0].url).toBe('app://console/index.html');
    expect(report.windows[0].webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(report.windows[0].webPreferences.preload).toBe(join(OUT_DIR, 'preload', 'preload.js'));
    expect(report.schemes[0]).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true } });
    expect(report.externalNavigationPrevented).toBe(true);
    expect(report.ownNavigationPrevented).toBe(false);
    expect(report.windowOpen).toEqual({ action: 'deny' });
    // Only pages the console links to reach the system browser; any other address a page names does not.
    expect(report.openedExternally).toEqual(['https://support.microsoft.com/kb/5000008']);
    expect(report.permissionDenied).toBe(true);
    expect(report.page.status).toBe(200);
    expect(report.page.csp).toContain("script-src 'self'");
    expect(report.page.body).toContain('<!doctype html>');
    expect(report.traversalStatus).toBe(404);
    expect(report.ipcChannels).toEqual(['usc:call']);
    expect(report.trustedCall).toMatchObject({ ok: true, value: [{ code: 'CEN', databaseFile: join(userData, 'sites', 'CEN.sqlite') }] });
    expect(report.untrustedCall).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(report.quit).toBe(true);
  });
});

describe('Electron preload (built)', () => {
  it('exposes only the generic bridge, which invokes the one IPC channel', async () => {
    builtPaths();
    const script = `
      const Module = require('node:module');
      const exposed = {}; const invoked = [];
      const fake = {
        contextBridge: { exposeInMainWorld: (key, api) => { exposed[key] = api; } },
        ipcRenderer: { invoke: async (...args) => { invoked.push(args); return { ok: true, value: 1 }; }, on() {}, removeListener() {} },
      };
      const load = Module._load;
      Module._load = function (request, ...rest) { return request === 'electron' ? fake : load.call(this, request, ...rest); };
      require(${JSON.stringify(join(OUT_DIR, 'preload', 'preload.js'))});
      exposed.uscBridge.call('listSites', {}).then((outcome) => {
        process.stdout.write(JSON.stringify({ keys: Object.keys(exposed), members: Object.keys(exposed.uscBridge).sort(), transport: exposed.uscBridge.transport, invoked, outcome }));
      });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    expect(JSON.parse(stdout)).toEqual({
      keys: ['uscBridge'],
      members: ['call', 'subscribe', 'transport'],
      transport: 'electron',
      invoked: [['usc:call', 'listSites', {}]],
      outcome: { ok: true, value: 1 },
    });
  });
});
