import { readFileSync } from 'node:fs';
/** usc config / sync / updates / history / status: the sync engine without a window. */
import type { SupConfig, SyncRun, SyncSource } from '../../../../shared/domain';
import { describeSyncSource } from '../../../../shared/domain';
import { categoryName } from '../../../../shared/categories';
import { UPDATE_LANGUAGES } from '../../../../shared/languages';
import { describeChanges, describeFailure, revisionsOf } from '../../../../shared/sync-counts';
import type { UpdateRow } from '../../../../shared/contract';
import { callApi, CliError, withHost, type CliContext } from '../cli-context';
import type { HostConnection } from '../../engine-endpoint';
import { formatTable } from '../format-table';
import { hostNow } from '../../injected-clock';
import { countOf } from '../../../../shared/count-text';

export interface ConfigOptions {
  site: string;
  source?: string;
  /** `--products "A,B"`: a list, a comma inside a name escaped as `\,`. */
  products?: string;
  classifications?: string;
  /** `--product NAME` and `--classification NAME`, each as often as needed: one name or ID each. */
  product?: string[];
  classification?: string[];
  languages?: string;
  retryMinutes?: string;
  proxy?: string;
  proxyUser?: string;
  proxyPassword?: string;
  caFile?: string;
  stallMinutes?: string;
  expireSuperseded?: string;
  json: boolean;
}

const list = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** A list of names, one of which may hold a comma ("Windows 10, version 1903 and later") written as `\,`. */
export function nameList(text: string): string[] {
  return text
    .split(/(?<!\\),/)
    .map((item) => item.replace(/\\,/g, ',').trim())
    .filter(Boolean);
}

/** Names and IDs from --products and --product (or the classification options); undefined when neither was given. */
function selectionOf(listed: string | undefined, single: string[] | undefined): string[] | undefined {
  if (listed === undefined && single === undefined) return undefined;
  return [...(listed === undefined ? [] : nameList(listed)), ...(single ?? []).map((name) => name.trim()).filter(Boolean)];
}

/**
 * Names become category IDs through the engine (the site's categories, else the upstream's): a name matching none or
 * several is refused with the candidates and their IDs, never guessed.
 */
async function categoryIds(host: HostConnection, site: string, products: string[] | undefined, classifications: string[] | undefined) {
  const { matches, upstreamError } = await callApi(host, 'resolveCategories', { site, products: products ?? [], classifications: classifications ?? [] });
  const refused = matches.filter((match) => match.id === undefined);
  if (refused.length > 0) {
    const lines = refused.map((match) => `  ${match.message ?? `The ${match.kind} "${match.input}" is unknown`}.`);
    if (upstreamError !== undefined) lines.push(`  Also, ${upstreamError}: name it by its category ID, or synchronize first.`);
    throw new CliError(
      `Not changed: ${refused.length === 1 ? 'one name does' : `${refused.length} names do`} not name exactly one category.\n${lines.join('\n')}`,
      2,
    );
  }
  const ids = (kind: 'product' | 'classification') => [...new Set(matches.filter((match) => match.kind === kind).map((match) => match.id!))];
  return { products: products === undefined ? undefined : ids('product'), classifications: classifications === undefined ? undefined : ids('classification') };
}

function checkLanguages(languages: string[]): string[] {
  const known = new Set(UPDATE_LANGUAGES.map((language) => language.code));
  const unknown = languages.filter((code) => code !== 'all' && !known.has(code.toLowerCase()));
  if (unknown.length > 0)
    throw new CliError(
      `--languages: Microsoft Update offers no language ${unknown.map((code) => `"${code}"`).join(', ')}. The codes are: ${[...known].join(', ')}.`,
      2,
    );
  return languages.map((code) => code.toLowerCase());
}

export function parseSource(text: string): SyncSource {
  if (text === 'sample') return { kind: 'sample' };
  if (text === 'microsoft-update') return { kind: 'microsoft-update' };
  if (text === 'none') return { kind: 'none' };
  if (/^https?:\/\//.test(text)) return { kind: 'upstream', url: text };
  throw new CliError(`--source must be sample, microsoft-update, none or an http(s):// URL, not "${text}".`, 2);
}

export async function configCommand(context: CliContext, options: ConfigOptions): Promise<number> {
  const { config, names } = await withHost(context, async (host) => {
    const current = await callApi(host, 'getSupConfig', { site: options.site });
    const changes: Partial<SupConfig> = {};
    if (options.source !== undefined) changes.source = parseSource(options.source);
    const named = await categoryIds(
      host,
      options.site,
      selectionOf(options.products, options.product),
      selectionOf(options.classifications, options.classification),
    );
    if (named.products !== undefined) changes.products = named.products;
    if (named.classifications !== undefined) changes.classifications = named.classifications;
    // Chosen again: names an earlier release kept are replaced by the new choice.
    if (named.products !== undefined || named.classifications !== undefined) {
      const left = {
        products: named.products === undefined ? (current.unresolvedNames?.products ?? []) : [],
        classifications: named.classifications === undefined ? (current.unresolvedNames?.classifications ?? []) : [],
      };
      changes.unresolvedNames = left.products.length + left.classifications.length > 0 ? left : undefined;
    }
    if (options.languages !== undefined) changes.languages = checkLanguages(list(options.languages));
    if (options.retryMinutes !== undefined) changes.retryMinutes = Number(options.retryMinutes);
    if (options.proxy !== undefined) {
      changes.proxy =
        options.proxy === ''
          ? undefined
          : {
              url: options.proxy,
              ...(options.proxyUser ? { username: options.proxyUser } : {}),
              ...(options.proxyPassword ? { password: options.proxyPassword } : {}),
            };
    }
    if (options.caFile !== undefined) changes.extraCaCertificates = readCertificates(options.caFile);
    if (options.stallMinutes !== undefined) changes.stallMinutes = Number(options.stallMinutes);
    if (options.expireSuperseded !== undefined) changes.supersedence = parseSupersedence(options.expireSuperseded);
    const saved = Object.keys(changes).length === 0 ? current : await callApi(host, 'setSupConfig', { site: options.site, config: { ...current, ...changes } });
    const categories = await callApi(host, 'listCategories', { site: options.site });
    return { config: saved, names: new Map(categories.map((category) => [category.id, category.name])) };
  });
  const named = (ids: string[]) => ids.map((id) => `${categoryName(id, names)} (${id})`).join(', ') || '(none)';
  if (options.json) {
    context.io.out(JSON.stringify(config, null, 2));
  } else {
    context.io.out(`Software Update Point of ${options.site}`);
    context.io.out(`  Sync source:      ${describeSyncSource(config.source)}`);
    context.io.out(`  Products:         ${named(config.products)}`);
    context.io.out(`  Classifications:  ${named(config.classifications)}`);
    const unresolved = config.unresolvedNames;
    if (unresolved !== undefined)
      context.io.out(
        `  Kept by name:     ${[...unresolved.products, ...unresolved.classifications].map((name) => `"${name}"`).join(', ')} (an earlier release kept them by name; no category matches exactly: choose them again)`,
      );
    context.io.out(`  Languages:        ${config.languages.join(', ')}`);
    context.io.out(`  Retry after:      ${config.retryMinutes} minutes`);
    const rule = config.supersedence;
    context.io.out(
      `  Superseded:       ${rule === undefined || rule.expire === 'never' ? 'never expired by a rule' : rule.expire === 'immediately' ? 'expired at once (full syncs)' : `expired after ${rule.months} months (full syncs)`}`,
    );
    if (config.proxy !== undefined)
      context.io.out(
        `  Proxy:            ${config.proxy.url}${config.proxy.username ? ` (as ${config.proxy.username})` : ''}${config.proxy.passwordSaved ? ', password saved' : ''}`,
      );
  }
  return 0;
}

export function syncSummary(run: SyncRun) {
  return {
    site: run.site,
    kind: run.kind,
    trigger: run.trigger,
    outcome: run.outcome,
    counts: run.counts,
    listed: run.listed,
    anchor: run.anchorAfter,
    durationMs: run.durationMs,
    ...(run.fullReason === null ? {} : { fullReason: run.fullReason }),
    ...(run.warnings.length === 0 ? {} : { warnings: run.warnings }),
    ...(run.error === null ? {} : { error: run.error }),
  };
}

export async function syncCommand(
  context: CliContext,
  options: { site: string; full: boolean; delta: boolean; json: boolean; verbose: boolean },
): Promise<number> {
  if (options.full && options.delta) throw new CliError('Choose --full or --delta, not both.', 2);
  const kind = options.full ? 'full' : 'delta';
  const run = await withHost(context, async (host) => {
    const stop = host.onEvent((event) => {
      if (event.name === 'log' && options.verbose) for (const line of event.payload.lines) context.io.err(line.text.replace(/\s+\$\$<.*$/, ''));
    });
    const interrupt = () => void host.dispatch('cancelSynchronization', { site: options.site });
    process.once('SIGINT', interrupt);
    try {
      const result = await callApi(host, 'runSynchronization', { site: options.site, kind, trigger: 'cli', wait: true });
      await waitForChildSyncs(context, host, options.json);
      await reportNotifications(context, host, result.run!);
      return result.run!;
    } finally {
      process.off('SIGINT', interrupt);
      stop();
    }
  });
  return reportRun(context, run, options.json);
}

/**
 * Every sync notifies, a one-shot one too: the command waits until each recipient and webhook was tried once, and
 * says what they answered, or that a delivery to retry stays in the site's outbox for the next engine.
 */
export async function reportNotifications(context: CliContext, host: HostConnection, run: SyncRun): Promise<void> {
  const { deliveries } = await callApi(host, 'awaitNotifications', { site: run.site, runId: run.runId, timeoutMs: 60_000 });
  if (deliveries === null) return;
  for (const delivery of deliveries) {
    const to = delivery.channel === 'mail' ? `mail to ${delivery.target}` : `webhook ${delivery.target}`;
    if (delivery.state === 'delivered') context.io.err(`Notified: ${to}: ${delivery.answer ?? 'accepted'}`);
    else if (delivery.state === 'failed') context.io.err(`Notification failed: ${to}: ${delivery.answer ?? 'no answer'}`);
    else
      context.io.err(
        `Notification not delivered yet: ${to}${delivery.answer === null ? '' : ` (${delivery.answer})`}; it stays in ${run.site}'s outbox and is retried by the engine that runs next (the console, usc service or usc web).`,
      );
  }
}

/** The child syncs a sync triggered belong to it: the command waits for them before its engine stops. */
export async function waitForChildSyncs(context: CliContext, host: HostConnection, quiet: boolean): Promise<void> {
  for (let announced = false; ;) {
    const hierarchy = await callApi(host, 'getHierarchy', {});
    if (!hierarchy.some((entry) => entry.syncing)) return;
    if (!announced && !quiet) context.io.err('Waiting for the child sites to synchronize…');
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A finished run as usc sync prints it (usc import prints the same); exit code 0 only when it succeeded. */
export function reportRun(context: CliContext, run: SyncRun, json: boolean): number {
  if (json) {
    context.io.out(JSON.stringify(syncSummary(run)));
    // Scripts read stdout; a person (or a log collector) reads stderr: the failure goes to both.
    if (run.error !== null) context.io.err(`${run.error.message} (${run.error.code})`);
  } else {
    context.io.out(
      `${run.trigger === 'import' ? 'Import (a full synchronization)' : run.kind === 'full' ? 'Full synchronization' : 'Delta synchronization'} of ${run.site} ${run.outcome} in ${((run.durationMs ?? 0) / 1000).toFixed(1)} s.`,
    );
    if (run.fullReason !== null) context.io.out(`Full sync because of ${run.fullReason}.`);
    context.io.out(`${capitalized(describeChanges(run))}.`);
    for (const warning of run.warnings) context.io.err(`Warning: ${warning}`);
    if (run.error !== null) context.io.err(describeFailure(run, hostNow()));
  }
  return run.outcome === 'succeeded' ? 0 : 1;
}

export async function updatesCommand(context: CliContext, options: { site: string; json: boolean; all: boolean; search?: string }): Promise<number> {
  const rows = await withHost(context, async (host) => {
    const collected: UpdateRow[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await callApi(host, 'queryUpdates', {
        site: options.site,
        offset,
        limit: 1000,
        includeBundled: options.all,
        includeRemoved: options.all,
        ...(options.search === undefined ? {} : { search: options.search }),
      });
      collected.push(...page.rows);
      if (offset + 1000 >= page.total) break;
    }
    // Updates of the same title are listed in the order the site stored them; ordered by update ID instead, two sites
    // that hold the same updates (an exporter and its importer, a parent and its child) list them alike.
    return options.search === undefined ? collected.sort(byTitleThenId) : collected;
  });
  if (options.json) {
    context.io.out(
      JSON.stringify(
        rows.map((row) => ({
          updateId: row.updateId,
          revision: row.revision,
          title: row.title,
          kb: row.kb,
          classification: row.classification,
          products: row.products,
          severity: row.severity,
          state: row.state,
        })),
      ),
    );
  } else {
    context.io.out(
      formatTable(
        ['Article ID', 'Classification', 'Severity', 'State', 'Title'],
        rows.map((row) => [row.kb ?? '', row.classification ?? '', row.severity ?? '', row.state + (row.superseded ? ', superseded' : ''), row.title]),
      ),
    );
    context.io.out(countOf(rows.length, 'update'));
  }
  return 0;
}

export async function historyCommand(context: CliContext, options: { site: string; json: boolean; limit: number }): Promise<number> {
  const runs = await withHost(context, (host) => callApi(host, 'querySyncHistory', { site: options.site, limit: options.limit }));
  if (options.json) context.io.out(JSON.stringify(runs));
  else {
    context.io.out(
      formatTable(
        ['Run', 'Started', 'Kind', 'Trigger', 'Outcome', 'New', 'Modified', 'Expired', 'Removed', 'Revisions', 'Skipped', 'Failed', 'Error or warnings'],
        runs.map((run) => [
          String(run.runId),
          run.startedAt,
          run.kind,
          run.trigger,
          run.outcome,
          ...[run.listed.new, run.listed.modified, run.listed.expired, run.listed.removed, revisionsOf(run), run.counts.skipped, run.counts.failed].map(String),
          run.error?.message ?? run.warnings.map((warning) => `Warning: ${warning}`).join(' '),
        ]),
      ),
    );
  }
  return 0;
}

export async function statusCommand(context: CliContext, options: { site: string; json: boolean; limit: number }): Promise<number> {
  const [messages, state] = await withHost(context, (host) =>
    Promise.all([callApi(host, 'queryStatusMessages', { site: options.site, limit: options.limit }), callApi(host, 'getSyncState', { site: options.site })]),
  );
  if (options.json) {
    context.io.out(JSON.stringify(messages));
    return 0;
  }
  if (state.nextRetry !== null) context.io.out(`A failed synchronization of ${options.site} will be retried at ${state.nextRetry}.`);
  if (state.running !== null) context.io.out(`Synchronizing now (${state.running.kind}, ${state.running.trigger}).`);
  context.io.out(
    formatTable(
      ['Severity', 'Time', 'Message ID', 'Description'],
      messages.map((message) => [message.severity, message.time, String(message.id), message.description]),
    ),
  );
  return 0;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The PEM certificates of a file (a CA bundle may hold several); an empty --ca-file '' trusts no extra CA again. */
function readCertificates(file: string): string[] | undefined {
  if (file === '') return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read the CA certificate file ${file}: ${(error as Error).message}`, 2);
  }
  const certificates = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (certificates === null) throw new CliError(`${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`, 2);
  return certificates;
}

/** never | immediately | a number of months (1-99): the supersedence rule. */
function parseSupersedence(text: string): SupConfig['supersedence'] {
  if (text === 'never' || text === 'immediately') return { expire: text, months: 1 };
  const months = Number(text);
  if (!Number.isInteger(months) || months < 1 || months > 99)
    throw new CliError('--expire-superseded takes never, immediately, or a number of months from 1 to 99.', 2);
  return { expire: 'after', months };
}

/** `usc status --all`: Synchronization Status, a row per site. */
export async function syncStatusCommand(context: CliContext, options: { json: boolean }): Promise<number> {
  const rows = await withHost(context, (host) => callApi(host, 'getSyncStatus', {}));
  if (options.json) {
    context.io.out(JSON.stringify(rows));
    return 0;
  }
  const when = (iso: string | null) => (iso === null ? '' : iso.replace('T', ' ').slice(0, 16));
  context.io.out(
    formatTable(
      ['Site', 'Parent', 'Source', 'State', 'Last success', 'Last attempt', 'Content', 'Next sync', 'Next retry', 'Last error'],
      rows.map((row) => [
        row.site,
        row.parent ?? '',
        row.source,
        row.progress === null ? row.state : `${row.state} (${row.progress.phase} ${Math.round(row.progress.percent)}%)`,
        when(row.lastSuccess),
        row.lastAttempt === null ? '' : `${when(row.lastAttempt.at)} ${row.lastAttempt.outcome}`,
        row.parentContentVersion === null ? String(row.contentVersion) : `${row.contentVersion} (parent ${row.parentContentVersion})`,
        when(row.nextScheduled),
        when(row.nextRetry),
        row.lastError === null ? '' : `${row.lastError.code}: ${row.lastError.message}`,
      ]),
    ),
  );
  return 0;
}

const byTitleThenId = (a: UpdateRow, b: UpdateRow) =>
  a.title < b.title ? -1 : a.title > b.title ? 1 : a.updateId < b.updateId ? -1 : a.updateId > b.updateId ? 1 : 0;
