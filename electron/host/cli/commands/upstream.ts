import { SampleCatalog } from '../../../engine/upstream/service/catalog';
import { UpstreamService } from '../../../engine/upstream/service/upstream-service';
import { CliError, untilStopRequested, type CliContext } from '../cli-context';

export interface UpstreamOptions {
  port: number;
  bind: string;
  updates: number;
  seed: number;
  maxPerRequest: number;
  maxResponseBytes: number;
  /** Serve /control/ (churn, faults, settings): for tests and benchmarks. */
  control: boolean;
}

/**
 * Runs the built-in upstream service (the sample catalog over the server-server sync protocol) until
 * interrupted. The first stdout line is its base URL.
 */
export async function upstreamCommand(context: CliContext, options: UpstreamOptions): Promise<number> {
  let catalog: SampleCatalog;
  try {
    catalog = SampleCatalog.generate({ updates: options.updates, seed: options.seed });
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
  const service = new UpstreamService({
    catalog,
    maxUpdatesPerRequest: options.maxPerRequest,
    maxResponseBytes: options.maxResponseBytes,
    control: options.control,
  });
  const stopRequested = untilStopRequested();
  let url: string;
  try {
    url = await service.listen(options.port, options.bind);
  } catch (error) {
    throw new CliError(`Could not listen on ${options.bind}:${options.port}: ${(error as Error).message}`);
  }
  context.io.out(url);
  context.io.err(`Built-in upstream service: ${options.updates} updates (seed ${options.seed}), anchor ${catalog.anchor()}.`);
  const control = options.control ? `; control interface ${url}/control/ (loopback only)` : '';
  context.io.err(`Sync endpoint ${url}/ServerSyncWebService/ServerSyncWebService.asmx${control}. Ctrl+C stops.`);
  await stopRequested;
  await service.close();
  return 0;
}
