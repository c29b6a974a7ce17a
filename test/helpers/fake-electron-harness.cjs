// Loads the built Electron main process (out/main/main.js) with a stand-in `electron` module, so the shell's
// wiring and security settings are checked without the Electron binary. Prints one JSON report on stdout.
'use strict';
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const path = require('node:path');

const [, , mainPath, userData] = process.argv;
const report = { windows: [], schemes: [], ipcChannels: [], quit: false, permissionDenied: undefined, openedExternally: [] };
const ipcHandlers = new Map();
let protocolHandler;
let permissionHandler;
let readyResolve;
const ready = new Promise((resolve) => (readyResolve = resolve));

class FakeWebContents extends EventEmitter {
  constructor(id) {
    super();
    this.id = id;
    this.sent = [];
    this.openHandler = undefined;
  }
  isDestroyed() {
    return false;
  }
  send(channel, message) {
    this.sent.push({ channel, message });
  }
  setWindowOpenHandler(handler) {
    this.openHandler = handler;
  }
}

const windows = [];
class FakeBrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents(windows.length + 1);
    windows.push(this);
  }
  loadURL(url) {
    this.url = url;
    return Promise.resolve();
  }
  show() {}
  static getAllWindows() {
    return windows;
  }
}

const app = new EventEmitter();
Object.assign(app, {
  whenReady: () => ready,
  setName: (name) => (report.appName = name),
  getPath: (name) => (name === 'userData' ? userData : '/nonexistent'),
  quit: () => (report.quit = true),
  exit: (code) => (report.exitCode = code),
});

class FakeNotification {
  constructor(options) {
    this.options = options;
  }
  static isSupported() {
    return true;
  }
  show() {
    (report.notifications ??= []).push(this.options);
  }
}

const fakeElectron = {
  app,
  Notification: FakeNotification,
  BrowserWindow: FakeBrowserWindow,
  ipcMain: {
    handle: (channel, listener) => ipcHandlers.set(channel, listener),
    removeHandler: (channel) => ipcHandlers.delete(channel),
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => report.schemes.push(...schemes),
    handle: (scheme, handler) => {
      report.protocolScheme = scheme;
      protocolHandler = handler;
    },
  },
  session: { defaultSession: { setPermissionRequestHandler: (handler) => (permissionHandler = handler) } },
  shell: { openExternal: async (url) => void report.openedExternally.push(url) },
};

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'electron') return fakeElectron;
  return originalLoad.call(this, request, parent, isMain);
};

async function main() {
  require(path.resolve(mainPath));
  readyResolve();
  for (let i = 0; i < 200 && windows.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  const window = windows[0];
  if (window === undefined) throw new Error('main.ts created no window');
  const contents = window.webContents;
  report.windows.push({ url: window.url, webPreferences: window.options.webPreferences });

  let prevented = false;
  contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
  report.externalNavigationPrevented = prevented;
  prevented = false;
  contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'app://console/index.html');
  report.ownNavigationPrevented = prevented;
  report.windowOpen = contents.openHandler ? contents.openHandler({ url: 'https://example.org/' }) : undefined;
  for (const url of ['https://support.microsoft.com/kb/5000008', 'http://support.microsoft.com/kb/1', 'https://evil.example/phish', 'file:///etc/passwd'])
    contents.openHandler?.({ url });
  permissionHandler?.(contents, 'notifications', (granted) => (report.permissionDenied = !granted));

  const page = await protocolHandler(new Request('app://console/index.html'));
  report.page = { status: page.status, csp: page.headers.get('content-security-policy'), body: (await page.text()).slice(0, 200) };
  const escape = await protocolHandler(new Request('app://console/..%2F..%2Fpackage.json'));
  report.traversalStatus = escape.status;

  report.ipcChannels = [...ipcHandlers.keys()];
  const call = ipcHandlers.get('usc:call');
  const trusted = { sender: { id: contents.id }, senderFrame: { url: 'app://console/index.html', parent: null } };
  report.trustedCall = await call(trusted, 'listSites', {});
  report.untrustedCall = await call({ sender: { id: 99 }, senderFrame: { url: 'app://console/index.html', parent: null } }, 'listSites', {});

  app.emit('window-all-closed');
  for (let i = 0; i < 200 && !report.quit; i++) await new Promise((r) => setTimeout(r, 25));
  process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ error: String((error && error.stack) || error) }));
  process.exitCode = 1;
});
