/** The Software Update Point configuration stored in a site database, and how it becomes a request filter. */
import { z } from 'zod';
import { isCategoryId } from '../../../shared/categories';
import { DEFAULT_SUP_CONFIG, ProxySchema, SupConfigSchema, type SupConfig } from '../../../shared/domain';
import { describeMismatch, upgradeNames, type NameUpgrade } from './category-selection';
import { readSetting, writeSetting } from '../storage/settings';
import type { SiteDatabase } from '../storage/site-database';
import { categoryRows } from '../storage/categories';
import { inTransaction } from '../storage/transaction';
import { MICROSOFT_UPDATE_URL } from '../upstream/soap/protocol-names';

const KEY = 'sup.config';

/** The settings as an earlier release may have kept them: products and classifications by name. */
/**
 * As stored: names from an earlier release, and any proxy URL an earlier release accepted (with credentials inside
 * it, or another scheme). A stricter check here would read such a site as having default settings.
 */
const StoredSupConfigSchema = SupConfigSchema.extend({
  products: z.array(z.string()),
  classifications: z.array(z.string()),
  proxy: ProxySchema.extend({ url: z.string() }).optional(),
});

/** Credentials an earlier release kept inside the proxy URL, moved to their own fields (the password then leaves the database). */
function withProxyCredentialsSplit(config: SupConfig): SupConfig {
  const proxy = config.proxy;
  if (proxy === undefined) return config;
  let url: URL;
  try {
    url = new URL(proxy.url);
  } catch {
    return config;
  }
  if (url.username === '' && url.password === '') return config;
  const username = proxy.username ?? decodeURIComponent(url.username);
  const password = proxy.password ?? (url.password === '' ? undefined : decodeURIComponent(url.password));
  url.username = '';
  url.password = '';
  return { ...config, proxy: { ...proxy, url: url.toString(), username, ...(password === undefined ? {} : { password }) } };
}

/**
 * The site's settings. A selection an earlier release kept by name is matched by exact name against the site's
 * categories (upgradeNames): what matches reads as IDs, the rest as unresolvedNames, never guessed.
 */
export function readSupConfig(db: SiteDatabase): SupConfig {
  const stored = StoredSupConfigSchema.safeParse(readSetting(db, KEY));
  if (!stored.success) return DEFAULT_SUP_CONFIG;
  const { unresolvedNames, ...parsed } = stored.data;
  const config = withProxyCredentialsSplit(parsed);
  const names = [...config.products, ...(unresolvedNames?.products ?? []), ...config.classifications, ...(unresolvedNames?.classifications ?? [])];
  if (names.every(isCategoryId) && unresolvedNames === undefined) return config;
  const { upgrade: _upgrade, ...selection } = upgradeNames(categoryRows(db), {
    products: [...config.products, ...(unresolvedNames?.products ?? [])],
    classifications: [...config.classifications, ...(unresolvedNames?.classifications ?? [])],
  });
  return { ...config, ...selection };
}

/**
 * Keeps a selection an earlier release kept by name by category ID from now on, as far as the site's categories
 * match it exactly; returns what it did (for wsyncmgr.log), or undefined when nothing was kept by name.
 */
export function upgradeStoredSelection(db: SiteDatabase): NameUpgrade | undefined {
  const stored = StoredSupConfigSchema.safeParse(readSetting(db, KEY));
  if (!stored.success) return undefined;
  const { unresolvedNames, ...parsed } = stored.data;
  const config = withProxyCredentialsSplit(parsed);
  const products = [...config.products, ...(unresolvedNames?.products ?? [])];
  const classifications = [...config.classifications, ...(unresolvedNames?.classifications ?? [])];
  if ([...products, ...classifications].every(isCategoryId)) return undefined;
  const { upgrade, ...selection } = upgradeNames(categoryRows(db), { products, classifications });
  if (upgrade.matched.length > 0) writeSetting(db, KEY, { ...config, ...selection });
  return upgrade;
}

/** wsyncmgr.log's account of an upgrade: each name and the ID it now stands for, and each name left as it was. */
export function describeNameUpgrade(upgrade: NameUpgrade, site: string): string[] {
  const lines = upgrade.matched.map(
    (match) =>
      `Software Update Point of ${site}: the ${match.kind} "${match.input}", kept by name by an earlier release, is now kept by its ID ${match.id} (${match.name}).`,
  );
  for (const mismatch of upgrade.unresolved)
    lines.push(
      `WARNING: Software Update Point of ${site}: ${describeMismatch(mismatch)}; it stays selected by name and is not synchronized until it is chosen again.`,
    );
  return lines;
}

/**
 * During a sync, once the categories are current: a selection an earlier release kept by name is kept by ID wherever
 * exactly one category has that name (said in the log, and saved with `commit`); returns the settings the sync
 * follows, names still unresolved tried against the categories as they are now (what matches nothing, or several,
 * the sync warns about).
 */
export function selectByCategoryId(
  db: SiteDatabase,
  config: EffectiveConfig,
  site: string,
  log: { write(line: string): void },
  commit: () => void,
): EffectiveConfig {
  const upgrade = inTransaction(db, () => upgradeStoredSelection(db));
  if (upgrade !== undefined && upgrade.matched.length > 0) commit();
  for (const line of upgrade === undefined ? [] : describeNameUpgrade(upgrade, site)) log.write(line);
  const { unresolvedNames, ...rest } = config;
  if (unresolvedNames === undefined) return config;
  const { upgrade: _upgrade, ...selection } = upgradeNames(categoryRows(db), {
    products: [...config.products, ...unresolvedNames.products],
    classifications: [...config.classifications, ...unresolvedNames.classifications],
  });
  return { ...rest, ...selection };
}

export function writeSupConfig(db: SiteDatabase, config: SupConfig): void {
  writeSetting(db, KEY, config);
}

/**
 * A child site's settings: the top-level site's products, classifications, languages and proxy, with its own
 * source (a parent on another machine, else its parent here) and retry interval. The one place this rule lives.
 */
export function childSupConfig(top: SupConfig, own: SupConfig, parent: string): SupConfig {
  return { ...top, source: own.source.kind === 'upstream' ? own.source : { kind: 'parent', site: parent }, retryMinutes: own.retryMinutes };
}

/** A configuration as it is stored: the proxy's password lives in the credential store, never in a database. */
export function withoutSecrets(config: SupConfig): SupConfig {
  if (config.proxy === undefined) return config;
  const { password: _password, passwordSaved: _saved, ...proxy } = config.proxy;
  return { ...config, proxy };
}

/** The settings one sync follows, with the upstream server's name when the engine knows better than its URL. */
export type EffectiveConfig = SupConfig & { serverName?: string };

/** The upstream server's name as wsyncmgr.log writes it: its host (and port), not a description. */
export function serverNameOf(config: SupConfig, url?: string): string {
  switch (config.source.kind) {
    case 'microsoft-update':
      return new URL(MICROSOFT_UPDATE_URL).host;
    case 'upstream':
      return new URL(config.source.url).host;
    case 'sample':
      return url === undefined ? 'the built-in sample catalog' : `${new URL(url).host} (the built-in sample catalog)`;
    case 'none':
      return '(none: synchronization is turned off)';
    case 'parent':
      return `${config.source.site} (parent site)`;
  }
}

/** What makes a full sync necessary when it changes (SPEC §3.3). */
export function configFingerprint(config: SupConfig): string {
  const sorted = (items: string[]) => [...items].map((item) => item.toLowerCase()).sort();
  return JSON.stringify({
    source: config.source,
    products: sorted(config.products),
    classifications: sorted(config.classifications),
    languages: sorted(config.languages),
  });
}

export function describeConfigChange(previous: string, current: string): string {
  const before = JSON.parse(previous) as Record<string, unknown>;
  const after = JSON.parse(current) as Record<string, unknown>;
  const changed = ['source', 'products', 'classifications', 'languages'].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  return `changes in the ${changed.join(', ')} of the Software Update Point`;
}
