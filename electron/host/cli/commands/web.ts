import { spawn } from 'node:child_process';
import { startConsoleHost } from '../../console-host';
import { attachToEngine, type HostConnection } from '../../engine-endpoint';
import { startWebHost } from '../../web-host';
import { CliError, type CliContext } from '../cli-context';

export interface WebOptions {
  port: number;
  open: boolean;
  bind: string;
}

/** Serves the console to a browser until interrupted. The first stdout line is the console URL. */
export async function webCommand(context: CliContext, options: WebOptions): Promise<number> {
  // With an engine already running on the folder (the desktop console, usc service), the browser console uses it.
  const attached = await attachToEngine(context.dataDir);
  const owned =
    attached !== undefined
      ? undefined
      : await startConsoleHost({
          dataDir: context.dataDir,
          workerPath: context.paths.workerPath,
          sqlWasmPath: context.paths.sqlWasmPath,
          reportProblem: (message) => context.io.err(message),
          onStarting: (message) => context.io.err(message),
        });
  if (owned !== undefined && owned.engine.status.state !== 'ready') {
    // A console whose engine cannot start (a data folder that cannot be created or written) would only show that.
    const reason = owned.engine.status.message;
    await owned.stop();
    throw new CliError(reason);
  }
  const host: HostConnection & { stop(): Promise<void> } = owned ?? {
    dispatch: attached!.dispatch,
    onEvent: attached!.onEvent,
    stop: async () => attached!.close(),
  };
  let web;
  try {
    web = await startWebHost({
      host,
      rendererDir: context.paths.rendererDir,
      port: options.port,
      bindAddress: options.bind,
    });
  } catch (error) {
    await host.stop();
    throw new CliError(`Could not serve the console on ${options.bind}:${options.port}: ${(error as Error).message}`);
  }
  // Listen for Ctrl+C / SIGTERM before announcing the URL, so a caller that stops us right away still gets a clean stop.
  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  context.io.out(web.url);
  context.io.err(`Update Sync Console is served at ${web.url}`);
  context.io.err(`Data folder: ${context.dataDir}. Press Ctrl+C to stop.`);
  if (attached !== undefined) context.io.err(`Using the engine already running on this data folder (${attached.endpoint}).`);
  if (options.open) openInBrowser(web.url, context);

  await stopRequested;
  await web.close();
  await host.stop();
  return 0;
}

function openInBrowser(url: string, context: CliContext): void {
  const command = process.platform === 'win32' ? 'explorer' : process.platform === 'darwin' ? 'open' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => context.io.err(`Could not open a browser (${command}); open the URL above yourself.`));
  child.unref();
}
