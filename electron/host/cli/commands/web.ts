import { spawn } from 'node:child_process';
import { startWebHost } from '../../web-host';
import { CliError, untilStopRequested, type CliContext } from '../cli-context';
import { followingHost } from '../following-host';
import { LOOPBACK_BINDS } from './service';

export interface WebOptions {
  port: number;
  open: boolean;
  bind: string;
}

/** Serves the console to a browser until interrupted. The first stdout line is the console URL. */
export async function webCommand(context: CliContext, options: WebOptions): Promise<number> {
  // With an engine already running on the folder (the desktop console, usc service), the browser console uses it.
  const host = await followingHost(context);
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
  if (!LOOPBACK_BINDS.has(options.bind)) {
    context.io.err(
      `WARNING: listening on ${options.bind}, but other machines are refused: the console is served over plain HTTP, and its access token would cross the network in clear. From another machine, use an SSH tunnel (ssh -L ${web.port}:127.0.0.1:${web.port}).`,
    );
  }
  context.io.err(`Update Sync Console is served at ${web.url}`);
  context.io.err(`Data folder: ${context.dataDir}. Press Ctrl+C to stop.`);
  if (host.attachedTo !== undefined) context.io.err(`Using the engine already running on this data folder (${host.attachedTo}).`);
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
