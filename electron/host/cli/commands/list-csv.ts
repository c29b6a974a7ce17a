/** `--csv FILE` of usc updates, history, status and status --all: the whole list to a CSV file, written by the engine. */
import { resolve } from 'node:path';
import type { ApiParams } from '../../../../shared/contract';
import { callApi, withHost, type CliContext } from '../cli-context';

export async function listCsvCommand(
  context: CliContext,
  options: { site: string; file: string; list: ApiParams<'exportList'>['list']; query?: ApiParams<'exportList'>['query']; runId?: number },
): Promise<number> {
  const file = resolve(options.file);
  const summary = await withHost(context, async (host) => {
    let last = -10;
    const stop = host.onEvent((event) => {
      if (event.name !== 'transferProgress' || event.payload.operation !== 'csv' || event.payload.percent < last + 10) return;
      last = event.payload.percent;
      context.io.err(
        `Writing the list: ${event.payload.percent}% (${event.payload.done.toLocaleString('en-US')} of ${event.payload.total.toLocaleString('en-US')} rows)`,
      );
    });
    const interrupt = () => void host.dispatch('cancelCatalogTransfer', { site: options.site });
    process.once('SIGINT', interrupt);
    try {
      return await callApi(host, 'exportList', {
        site: options.site,
        path: file,
        list: options.list,
        ...(options.query === undefined ? {} : { query: options.query }),
        ...(options.runId === undefined ? {} : { runId: options.runId }),
      });
    } finally {
      process.off('SIGINT', interrupt);
      stop();
    }
  });
  context.io.out(`Wrote ${summary.rows.toLocaleString('en-US')} rows to ${summary.file} (${summary.bytes.toLocaleString('en-US')} bytes, CSV, UTF-8).`);
  return 0;
}
