import { siteDisplayName } from '../../../../shared/domain';
import { callApi, withHost, type CliContext } from '../cli-context';
import { formatTable } from '../format-table';

export async function sitesCommand(context: CliContext, options: { json: boolean }): Promise<number> {
  const sites = await withHost(context, (host) => callApi(host, 'listSites', {}));
  // Exit 3 for any damage found: a database that cannot be opened, or stored metadata that cannot be read.
  const damaged = sites.some((site) => site.health.state === 'damaged' || site.blobDamage !== undefined);
  if (options.json) {
    context.io.out(JSON.stringify(sites, null, 2));
    return damaged ? 3 : 0;
  }
  const rows = sites.map((site) => [
    site.code,
    siteDisplayName(site),
    site.parentCode ?? '(top-level)',
    site.health.state === 'damaged'
      ? 'DAMAGED'
      : site.blobDamage !== undefined
        ? `METADATA DAMAGED (${site.blobDamage.updates.toLocaleString('en-US')})`
        : 'OK',
    site.databaseFile,
  ]);
  context.io.out(formatTable(['Code', 'Site', 'Parent', 'Database', 'File'], rows));
  for (const site of sites) {
    if (site.health.state === 'damaged') context.io.err(site.health.message);
    else if (site.blobDamage !== undefined) context.io.err(`${site.code}: ${site.blobDamage.message}`);
  }
  return damaged ? 3 : 0;
}
