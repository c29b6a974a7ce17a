/**
 * The Electron shell: one window, the app:// protocol, security settings, and the IPC transport.
 * Everything else (engine, dispatcher) is plain Node code shared with the web host and the CLI.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Notification, protocol, session, shell } from 'electron';
import { APP_ORIGIN } from '../shared/bridge';
import { startConsoleHost, type ConsoleHost } from './host/console-host';
import { forwardConsoleEvents, registerConsoleIpc, TrustedSenders } from './host/electron-ipc';
import { notifyFailedSyncs } from './host/failure-notifier';
import { buildPaths, resolveDataDir } from './host/paths';
import { contentTypeOf, rendererFileFor } from './host/renderer-files';
import { isAllowedExternalUrl } from './host/external-links';
import { PRODUCT_NAME } from './host/product';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

// What the engine writes (site databases, blob stores, journals, logs, the endpoint) is this user's alone.
if (process.platform !== 'win32') process.umask(0o077);

const paths = buildPaths(join(__dirname, '..'));
const senders = new TrustedSenders();
let host: ConsoleHost | undefined;

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.setName(PRODUCT_NAME);

function dataDirFromArgs(argv: string[]): string | undefined {
  const index = argv.indexOf('--data');
  if (index >= 0) return argv[index + 1];
  return argv.find((arg) => arg.startsWith('--data='))?.slice('--data='.length);
}

async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const file = rendererFileFor(paths.rendererDir, url.pathname);
  if (file === undefined) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      headers: { 'Content-Type': contentTypeOf(file), 'Content-Security-Policy': CSP },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: PRODUCT_NAME,
    show: false,
    webPreferences: {
      preload: join(__dirname, '..', 'preload', 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    },
  });
  const contents = window.webContents;
  senders.add(contents);
  window.on('closed', () => senders.remove(contents));
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  protocol.handle('app', serveRenderer);
  const dataDir = resolveDataDir(dataDirFromArgs(process.argv), process.env, app.getPath('userData'));
  host = await startConsoleHost({ dataDir, workerPath: paths.workerPath, sqlWasmPath: paths.sqlWasmPath });
  registerConsoleIpc(ipcMain, host.dispatch, senders);
  forwardConsoleEvents(host, () => BrowserWindow.getAllWindows().map((window) => window.webContents));
  notifyFailedSyncs(host, ({ title, body }) => {
    if (Notification.isSupported()) new Notification({ title, body }).show();
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

app.on('window-all-closed', () => {
  void (host?.stop() ?? Promise.resolve()).finally(() => app.quit());
});

start().catch((error: unknown) => {
  console.error(`${PRODUCT_NAME} could not start: ${error instanceof Error ? error.message : String(error)}`);
  app.exit(1);
});
