import { siteDisplayName } from '../../../../shared/domain';
import { callApi, withHost, type CliContext } from '../cli-context';
import { formatTable } from '../format-table';

export async function sitesCommand(context: CliContext, options: { json: boolean }): Promise<number> {
  const sites = await withHost(context, (host) => callApi(host, 'listSites', {}));
  const damaged = sites.some((site) => site.health.state === 'damaged');
  if (options.json) {
    context.io.out(JSON.stringify(sites, null, 2));
    return damaged ? 3 : 0;
  }
  const rows = sites.map((site) => [
    site.code,
    siteDisplayName(site),
    site.parentCode ?? '(top-level)',
    site.health.state === 'ok' ? 'OK' : 'DAMAGED',
    site.databaseFile,
  ]);
  context.io.out(formatTable(['Code', 'Site', 'Parent', 'Database', 'File'], rows));
  for (const site of sites) if (site.health.state === 'damaged') context.io.err(site.health.message);
  return damaged ? 3 : 0;
}
