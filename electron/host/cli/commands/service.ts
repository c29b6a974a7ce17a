/**
 * usc service and usc serve: the engine of a data folder running with no window, for servers where synchronizations
 * must run on schedule with no console open. Other clients (the console, usc commands) attach to it.
 */
import { attachToEngine } from '../../engine-endpoint';
import { callApi, startServingHost, untilStopRequested, type CliContext } from '../cli-context';

/** Runs the engine with its scheduler, retries and child notifications until Ctrl+C or SIGTERM. */
export async function serviceCommand(context: CliContext): Promise<number> {
  const host = await startServingHost(context);
  const stopRequested = untilStopRequested();
  context.io.out(`Update Sync Console service: the engine of ${context.dataDir} is running; clients attach at ${host.endpoint ?? '(no endpoint)'}.`);
  context.io.err('Scheduled synchronizations, retries and child sites run while it does. Press Ctrl+C to stop.');
  await stopRequested;
  await host.stop();
  return 0;
}

/**
 * Serves a site as an upstream update server. With an engine running on the data folder, that engine serves it
 * (and keeps synchronizing); otherwise this command runs the engine as `usc service` does, serving, until stopped.
 */
export async function serveCommand(context: CliContext, options: { site: string; port: number; bind: string }): Promise<number> {
  if (!LOOPBACK_BINDS.has(options.bind)) {
    context.io.err(
      `WARNING: serving ${options.site} on ${options.bind}: anyone who can reach this machine on that port can read the site's update catalog (titles, article IDs, file URLs and digests) with no password, over plain HTTP. Limit who can reach the port (a firewall), or serve on 127.0.0.1 behind an HTTPS proxy.`,
    );
  }
  const attached = await attachToEngine(context.dataDir);
  if (attached !== undefined) {
    try {
      const { url } = await callApi(attached, 'serveSite', { site: options.site, port: options.port, bind: options.bind });
      context.io.out(url);
      context.io.err(`Site ${options.site} is served at ${url} by the engine already running on ${context.dataDir}; it serves until that engine stops.`);
      return 0;
    } finally {
      attached.close();
    }
  }
  const host = await startServingHost(context);
  const stopRequested = untilStopRequested();
  try {
    const { url } = await callApi(host, 'serveSite', { site: options.site, port: options.port, bind: options.bind });
    context.io.out(url);
    context.io.err(
      `Site ${options.site} is served as an upstream update server at ${url}. Point a child site at it with: usc config --site <child> --source ${url}`,
    );
    context.io.err('The engine keeps synchronizing on its schedule while it serves. Press Ctrl+C to stop.');
    await stopRequested;
  } finally {
    await host.stop();
  }
  return 0;
}

/** Addresses that keep a server on this computer. */
export const LOOPBACK_BINDS = new Set(['127.0.0.1', '::1', 'localhost']);
