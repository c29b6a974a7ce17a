import { spawn } from 'node:child_process';
import { attachToEngine, type HostConnection } from '../../engine-endpoint';
import { startWebHost } from '../../web-host';
import { CliError, startServingHost, untilStopRequested, type CliContext } from '../cli-context';

export interface WebOptions {
  port: number;
  open: boolean;
  bind: string;
}

/** Serves the console to a browser until interrupted. The first stdout line is the console URL. */
export async function webCommand(context: CliContext, options: WebOptions): Promise<number> {
  // With an engine already running on the folder (the desktop console, usc service), the browser console uses it.
  const attached = await attachToEngine(context.dataDir);
  const owned = attached !== undefined ? undefined : await startServingHost(context);
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
  const stopRequested = untilStopRequested();
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
