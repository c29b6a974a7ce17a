/** The Software Update Point configuration stored in a site database, and how it becomes a request filter. */
import type { Database } from 'sql.js';
import { DEFAULT_SUP_CONFIG, SupConfigSchema, type SupConfig } from '../../../shared/domain';
import { readSetting, writeSetting } from '../sites/settings';
import { MICROSOFT_UPDATE_URL } from '../upstream/soap/protocol-names';

const KEY = 'sup.config';

export function readSupConfig(db: Database): SupConfig {
  const stored = SupConfigSchema.safeParse(readSetting(db, KEY));
  return stored.success ? stored.data : DEFAULT_SUP_CONFIG;
}

export function writeSupConfig(db: Database, config: SupConfig): void {
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

/** Names administrators use for products Microsoft Update lists under another name. */
const PRODUCT_ALIASES: Record<string, string> = {
  'windows server 2022': 'microsoft server operating system-21h2',
  'windows server 2025': 'microsoft server operating system-24h2',
  'windows 10': 'windows 10, version 1903 and later',
};

export interface ResolvedFilter {
  productIds: string[];
  classificationIds: string[];
  unknown: string[];
}

/** A category as the filter resolves names against it: products, families, companies, classifications. */
export interface CategoryRow {
  id: string;
  name: string;
  type: string;
  parent: string | null;
}

/** The site's synchronized categories. */
export function categoryRows(db: Database): CategoryRow[] {
  return (db.exec('SELECT category_id, name, category_type, parent_id FROM category')[0]?.values ?? []).map(([id, name, type, parent]) => ({
    id: String(id),
    name: String(name),
    type: String(type),
    parent: parent === null ? null : String(parent),
  }));
}

/** Resolves selected names or GUIDs against the synchronized categories; families expand to their products. */
export function resolveFilter(db: Database, config: Pick<SupConfig, 'products' | 'classifications'>): ResolvedFilter {
  return resolveFilterIn(categoryRows(db), config);
}

/** The same against any list of categories (the pre-flight check resolves against what the upstream offers now). */
export function resolveFilterIn(rows: CategoryRow[], config: Pick<SupConfig, 'products' | 'classifications'>): ResolvedFilter {
  const find = (selection: string, types: string[]) => {
    const wanted = PRODUCT_ALIASES[selection.toLowerCase()] ?? selection.toLowerCase();
    return rows.find((row) => types.includes(row.type) && (row.id === wanted || row.name.toLowerCase() === wanted));
  };
  const productsUnder = (id: string): string[] =>
    rows.filter((row) => row.parent === id).flatMap((row) => (row.type === 'Product' ? [row.id] : productsUnder(row.id)));
  const unknown: string[] = [];
  const productIds = new Set<string>();
  for (const selection of config.products) {
    const match = find(selection, ['Product', 'ProductFamily', 'Company']);
    if (match === undefined) unknown.push(`product "${selection}"`);
    else if (match.type === 'Product') productIds.add(match.id);
    else for (const id of productsUnder(match.id)) productIds.add(id);
  }
  const classificationIds = new Set<string>();
  for (const selection of config.classifications) {
    const match = find(selection, ['UpdateClassification']);
    if (match === undefined) unknown.push(`classification "${selection}"`);
    else classificationIds.add(match.id);
  }
  return { productIds: [...productIds], classificationIds: [...classificationIds], unknown };
}
