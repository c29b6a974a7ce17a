/** `usc export` and `usc import`: a site's catalog to one file and back, for disconnected sites. */
import { resolve } from 'node:path';
import type { EventPayload } from '../../../../shared/contract';
import { callApi, withHost, type CliContext } from '../cli-context';
import type { HostConnection } from '../../engine-endpoint';
import { reportRun, waitForChildSyncs } from './sync-commands';

/** Progress for a person, on stderr, every tenth of the way (scripts read stdout). */
function progressPrinter(context: CliContext, host: HostConnection, site: string, quiet: boolean): () => void {
  let last = -10;
  return host.onEvent((event) => {
    if (quiet || event.name !== 'transferProgress' || event.payload.site !== site) return;
    const payload: EventPayload<'transferProgress'> = event.payload;
    if (payload.percent < last + 10 && payload.percent < 100) return;
    last = payload.percent;
    context.io.err(`${payload.operation === 'export' ? 'Exporting' : 'Checking the file'}: ${payload.percent}%`);
  });
}

export async function exportCommand(context: CliContext, options: { site: string; out: string; json: boolean; skipDamaged: boolean }): Promise<number> {
  const file = resolve(options.out);
  const summary = await withHost(context, async (host) => {
    const stop = progressPrinter(context, host, options.site, options.json);
    const interrupt = () => void host.dispatch('cancelCatalogTransfer', { site: options.site });
    process.once('SIGINT', interrupt);
    try {
      return await callApi(host, 'exportCatalog', { site: options.site, path: file, skipDamaged: options.skipDamaged });
    } finally {
      process.off('SIGINT', interrupt);
      stop();
    }
  });
  if (options.json) context.io.out(JSON.stringify(summary));
  else {
    context.io.out(`Exported the catalog of ${options.site} to ${summary.file}`);
    context.io.out(
      `${summary.updates.toLocaleString('en-US')} updates, ${summary.categories.toLocaleString('en-US')} categories and detectoids, ${summary.bytes.toLocaleString('en-US')} bytes`,
    );
    context.io.out(`SHA-256 ${summary.sha256}`);
    if (summary.missing.length > 0) {
      context.io.out(
        `WARNING: ${summary.missing.length.toLocaleString('en-US')} ${summary.missing.length === 1 ? 'record was' : 'records were'} left out, their stored metadata damaged (a synchronization of ${options.site} fetches them again; an import of this file keeps them as they are):`,
      );
      for (const entry of summary.missing) context.io.out(`  ${entry.updateId}: ${entry.reason}`);
    }
  }
  return 0;
}

export async function importCommand(context: CliContext, options: { site: string; in: string; json: boolean; verbose: boolean }): Promise<number> {
  const file = resolve(options.in);
  const { run, imported } = await withHost(context, async (host) => {
    const stop = progressPrinter(context, host, options.site, options.json);
    const stopLog = host.onEvent((event) => {
      if (event.name === 'log' && options.verbose) for (const line of event.payload.lines) context.io.err(line.text.replace(/\s+\$\$<.*$/, ''));
    });
    // Ctrl+C stops the check of the file, or the import's synchronization once it runs.
    const interrupt = () => {
      void host.dispatch('cancelCatalogTransfer', { site: options.site });
      void host.dispatch('cancelSynchronization', { site: options.site });
    };
    process.once('SIGINT', interrupt);
    try {
      const result = await callApi(host, 'importCatalog', { site: options.site, path: file, wait: true });
      await waitForChildSyncs(context, host, options.json);
      return { run: result.run!, imported: result.export };
    } finally {
      process.off('SIGINT', interrupt);
      stopLog();
      stop();
    }
  });
  if (!options.json) {
    context.io.out(
      `Imported ${imported.file}: the catalog of ${imported.site} - ${imported.siteName}, exported ${imported.exportedAt} (content version ${imported.contentVersion}).`,
    );
  }
  return reportRun(context, run, options.json);
}
