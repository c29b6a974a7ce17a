/**
 * Which categories a site's products and classifications select. A selection is kept by category ID; a name is
 * matched only exactly (the whole name, case aside) against categories the upstream lists, never by an alias or a
 * prefix, and a name that matches none or several is reported with the candidates, never guessed.
 */
import { categoryName, isCategoryId, PRODUCT_NAME_HINTS } from '../../../shared/categories';
import type { SupConfig } from '../../../shared/domain';
import { categoryRows, type CategoryRow } from '../storage/categories';
import type { SiteDatabase } from '../storage/site-database';

export type { CategoryRow };

export type SelectionKind = 'product' | 'classification';

const TYPES: Record<SelectionKind, readonly string[]> = {
  product: ['Product', 'ProductFamily', 'Company'],
  classification: ['UpdateClassification'],
};

/** One name or ID as the administrator gave it, and what it matched. */
export type NameMatch =
  | { input: string; kind: SelectionKind; id: string; name: string }
  | { input: string; kind: SelectionKind; id?: undefined; problem: 'unknown' | 'ambiguous'; candidates: CategoryRow[] };

export interface ResolvedFilter {
  productIds: string[];
  classificationIds: string[];
  /** Selected categories the upstream does not list, as a sync warns about them. */
  unknown: string[];
}

const normalized = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** A name or a category ID against the categories: exactly one match, or the reason there is none. */
export function matchCategory(rows: readonly CategoryRow[], input: string, kind: SelectionKind): NameMatch {
  const types = TYPES[kind];
  const eligible = rows.filter((row) => types.includes(row.type));
  if (isCategoryId(input)) {
    const id = input.trim().toLowerCase();
    const row = eligible.find((candidate) => candidate.id === id);
    return row === undefined ? { input, kind, problem: 'unknown', candidates: [] } : { input, kind, id: row.id, name: row.name };
  }
  const wanted = normalized(input);
  const exact = eligible.filter((row) => normalized(row.name) === wanted);
  if (exact.length === 1) return { input, kind, id: exact[0]!.id, name: exact[0]!.name };
  if (exact.length > 1) return { input, kind, problem: 'ambiguous', candidates: exact };
  // Suggestions only, best first: the product a known alias stands for, names that contain it, then products whose
  // whole name it contains (a family's name is in too many to help).
  const hint = PRODUCT_NAME_HINTS[wanted];
  const ranked = [
    ...eligible.filter((row) => hint !== undefined && normalized(row.name) === normalized(hint)),
    ...eligible.filter((row) => normalized(row.name).includes(wanted)),
    ...eligible.filter((row) => row.type !== 'ProductFamily' && row.type !== 'Company' && wanted.includes(normalized(row.name))),
  ];
  return { input, kind, problem: 'unknown', candidates: [...new Set(ranked)].slice(0, 8) };
}

/** What an administrator reads about a name that did not match: the problem and the candidates, with their IDs. */
export function describeMismatch(match: Extract<NameMatch, { problem: string }>): string {
  const what = `${match.kind} "${match.input}"`;
  const listed = match.candidates.map((row) => `${row.name} (${row.type}, ${row.id})`).join('; ');
  if (match.problem === 'ambiguous') return `The ${what} matches ${match.candidates.length} categories: ${listed}. Name one by its ID`;
  return match.candidates.length === 0
    ? `No ${match.kind} named "${match.input}" is listed by the upstream server`
    : `No ${match.kind} is named exactly "${match.input}" (did you mean ${listed}?)`;
}

/**
 * Selected category IDs as a request filter: families and companies expand to the products under them, as they are
 * listed now (a product added to a selected family is synchronized without being chosen again).
 */
export function resolveFilterIn(rows: readonly CategoryRow[], config: Pick<SupConfig, 'products' | 'classifications' | 'unresolvedNames'>): ResolvedFilter {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const names = new Map(rows.map((row) => [row.id, row.name]));
  const productsUnder = (id: string): string[] =>
    rows.filter((row) => row.parent === id).flatMap((row) => (row.type === 'Product' ? [row.id] : productsUnder(row.id)));
  const unknown: string[] = [];
  const productIds = new Set<string>();
  const classificationIds = new Set<string>();
  const label = (id: string) => {
    const name = categoryName(id, names);
    return name === id.toLowerCase() ? id.toLowerCase() : `"${name}" (${id.toLowerCase()})`;
  };
  for (const id of config.products) {
    const row = byId.get(id.toLowerCase());
    if (row === undefined || !TYPES.product.includes(row.type)) unknown.push(`product ${label(id)}`);
    else if (row.type === 'Product') productIds.add(row.id);
    else for (const product of productsUnder(row.id)) productIds.add(product);
  }
  for (const id of config.classifications) {
    const row = byId.get(id.toLowerCase());
    if (row === undefined || row.type !== 'UpdateClassification') unknown.push(`classification ${label(id)}`);
    else classificationIds.add(row.id);
  }
  for (const name of config.unresolvedNames?.products ?? []) unknown.push(`product "${name}" (kept by name by an earlier release; choose it again)`);
  for (const name of config.unresolvedNames?.classifications ?? [])
    unknown.push(`classification "${name}" (kept by name by an earlier release; choose it again)`);
  return { productIds: [...productIds], classificationIds: [...classificationIds], unknown };
}

/** The same against the site's synchronized categories. */
export function resolveFilter(db: SiteDatabase, config: Pick<SupConfig, 'products' | 'classifications' | 'unresolvedNames'>): ResolvedFilter {
  return resolveFilterIn(categoryRows(db), config);
}

/** What resolving an earlier release's names did: what matched, and what is still kept by name (and why). */
export interface NameUpgrade {
  matched: Array<{ kind: SelectionKind; input: string; id: string; name: string }>;
  unresolved: Array<Extract<NameMatch, { problem: string }>>;
}

/**
 * Moves names (kept by a release before selections were kept by ID, or left unresolved since) to category IDs where
 * exactly one category of the right type has that name; the others stay names, reported each time. An ID passes as
 * it is, known or not (the upstream may list it later).
 */
export function upgradeNames(
  rows: readonly CategoryRow[],
  selection: { products: string[]; classifications: string[] },
): { products: string[]; classifications: string[]; unresolvedNames?: { products: string[]; classifications: string[] }; upgrade: NameUpgrade } {
  const upgrade: NameUpgrade = { matched: [], unresolved: [] };
  const left = { products: [] as string[], classifications: [] as string[] };
  const resolve = (entries: string[], kind: SelectionKind, keep: string[]): string[] => {
    const ids: string[] = [];
    for (const entry of entries) {
      if (isCategoryId(entry)) {
        ids.push(entry.trim().toLowerCase());
        continue;
      }
      const match = rows.length === 0 ? undefined : matchCategory(rows, entry, kind);
      if (match?.id !== undefined) {
        ids.push(match.id);
        upgrade.matched.push({ kind, input: entry, id: match.id, name: match.name });
      } else {
        keep.push(entry);
        if (match !== undefined) upgrade.unresolved.push(match);
      }
    }
    return [...new Set(ids)];
  };
  const products = resolve(selection.products, 'product', left.products);
  const classifications = resolve(selection.classifications, 'classification', left.classifications);
  const pending = left.products.length + left.classifications.length > 0;
  return { products, classifications, ...(pending ? { unresolvedNames: left } : {}), upgrade };
}
