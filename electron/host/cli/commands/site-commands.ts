/** usc site add|edit|remove|restore: the site hierarchy from the command line. */
import type { RestorePreview } from '../../../../shared/contract';
import { siteDisplayName } from '../../../../shared/domain';
import { callApi, CliError, withHost, type CliContext } from '../cli-context';

export async function siteCommand(
  context: CliContext,
  action: string | undefined,
  options: { code?: string; site: string; name?: string; parent?: string; json: boolean; yes?: boolean; fromBackup?: boolean },
): Promise<number> {
  const result = await withHost(context, async (host) => {
    switch (action) {
      case 'add':
        if (options.code === undefined || options.name === undefined || options.parent === undefined) {
          throw new CliError('usc site add needs --code, --name and --parent, e.g. usc site add --code PR1 --name "Primary 1" --parent CEN', 2);
        }
        return callApi(host, 'addSite', { code: options.code, name: options.name, parent: options.parent });
      case 'edit':
        if (options.name === undefined && options.parent === undefined) throw new CliError('usc site edit needs --site and --name and/or --parent.', 2);
        return callApi(host, 'updateSite', {
          site: options.site,
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.parent === undefined ? {} : { parent: options.parent }),
        });
      case 'remove':
        return callApi(host, 'removeSite', { site: options.site });
      case 'restore': {
        // What it would put back and set aside, always first; the restore itself only when confirmed.
        const preview = await callApi(host, 'previewRestore', { site: options.site });
        const from = preview.journalStart !== null && options.fromBackup !== true ? 'journal-start' : 'backup';
        if (from === 'backup' && preview.backup === null) throw new CliError(`The site database of ${options.site} has no previous version to restore.`, 1);
        if (!options.json) for (const line of describeRestore(options.site, preview, from)) context.io.out(line);
        if (options.yes !== true) {
          if (options.json) context.io.out(JSON.stringify({ preview }, null, 2));
          else context.io.out(`Nothing was changed. Run again with --yes to ${from === 'journal-start' ? 'open it so' : 'restore it'}.`);
          throw new CliError('', 2);
        }
        return callApi(host, 'restoreSite', { site: options.site, confirm: true, from });
      }
      case 'list':
      case undefined:
        return callApi(host, 'getHierarchy', {});
      default:
        throw new CliError(`usc site: unknown action "${action}" (add, edit, remove, restore or list).`, 2);
    }
  });
  if (options.json) context.io.out(JSON.stringify(result, null, 2));
  else if (Array.isArray(result)) {
    for (const entry of result) {
      const depth = depthOf(
        entry.site.code,
        result.map((item) => item.site),
      );
      const last = entry.lastRun === null ? 'never synchronized' : `${entry.lastRun.outcome} ${entry.lastRun.at}`;
      const retry = entry.nextRetry === null ? '' : `, retry at ${entry.nextRetry}`;
      context.io.out(
        `${'  '.repeat(depth)}${siteDisplayName(entry.site)}: ${last}, content version ${entry.contentVersion}${entry.drift ? ' (behind its parent)' : ''}${retry}`,
      );
    }
  } else if ('removed' in result) context.io.out(`Removed site ${result.removed}; its database was kept as ${result.keptAs}.`);
  else if ('restoredFrom' in result)
    context.io.out(
      `Restored the site database of ${options.site} from ${result.restoredFrom}${result.keptAside.length > 0 ? `; kept aside: ${result.keptAside.join(', ')}` : ''}.`,
    );
  else context.io.out(`${siteDisplayName(result)} (parent ${result.parentCode ?? 'none'}): ${result.databaseFile}`);
  return 0;
}

function depthOf(code: string, sites: Array<{ code: string; parentCode: string | null }>): number {
  let depth = 0;
  let current = sites.find((site) => site.code === code);
  while (current?.parentCode != null && depth < 20) {
    const parentCode: string = current.parentCode;
    current = sites.find((site) => site.code === parentCode);
    depth++;
  }
  return depth;
}

/** Serves a site's database as an upstream update server until interrupted; the first line is its URL. */

function describeRestore(site: string, preview: RestorePreview, from: 'journal-start' | 'backup'): string[] {
  if (from === 'journal-start' && preview.journalStart !== null) {
    const start = preview.journalStart;
    return [
      `${site}'s database file is whole; the damage is in its journal. Restoring would open it without the journal's unreadable tail:`,
      `  it keeps the database file and the ${start.saves} saves journaled before the damage; the saves after it are lost (the next synchronization fetches their updates again).`,
      `It would set aside (never delete): ${start.setsAside.join(', ')}.`,
      ...(preview.backup === null
        ? []
        : [`Or, with --from-backup, put back the previous version ${preview.backup}, saved ${preview.savedAt ?? 'at an unknown time'}.`]),
    ];
  }
  const check =
    preview.verified === true
      ? 'its checksum matches'
      : preview.verified === false
        ? 'ITS CHECKSUM DOES NOT MATCH: it was changed after it was taken'
        : 'no checksum was recorded for it';
  const run =
    preview.lastRun === null
      ? 'no synchronization'
      : `run ${preview.lastRun.runId} (${preview.lastRun.kind}, ${preview.lastRun.outcome}, ${preview.lastRun.at})`;
  return [
    `Restoring ${site} would put back ${preview.backup}, saved ${preview.savedAt} (${check}):`,
    preview.problem === null
      ? `  ${preview.updates === null ? 'an unknown number of' : preview.updates.toLocaleString('en-US')} updates, last synchronization ${run}.`
      : `  it cannot be read: ${preview.problem}.`,
    `It would set aside (never delete): ${preview.discards.join(', ') || 'nothing'}. What was saved after the backup is lost with them; the next synchronization fetches it again.`,
  ];
}
