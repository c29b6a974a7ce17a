/** What a catalog import cannot bring: the export's selection against the site's. */
import { categoryRows } from '../storage/categories';
import { outsideScope } from '../storage/repository-queries';
import type { SiteDatabase } from '../storage/site-database';
import { resolveFilter, resolveFilterIn, upgradeNames } from '../settings/category-selection';
import type { EffectiveConfig } from '../settings/sup-config';

/**
 * What an import cannot bring because the export was made without it: products, classifications and languages this
 * site selects that the exporting site did not. The sync succeeds with what the file holds and says what it lacks.
 */
export function importGaps(
  db: SiteDatabase,
  config: EffectiveConfig,
  filter: ReturnType<typeof resolveFilter>,
  exportedWith: { products: string[]; classifications: string[]; languages: string[] },
): string[] {
  const rows = categoryRows(db);
  // An export of an earlier release names its selection; exact names only, as everywhere.
  const exported = resolveFilterIn(rows, upgradeNames(rows, exportedWith));
  const names = new Map(rows.map((row) => [row.id, row.name]));
  const missing = (ids: string[], covered: string[]) => ids.filter((id) => !covered.includes(id)).map((id) => names.get(id) ?? id);
  const gaps: string[] = [];
  const products = missing(filter.productIds, exported.productIds);
  const classifications = missing(filter.classificationIds, exported.classificationIds);
  const languages = config.languages.filter((language) => !exportedWith.languages.some((other) => other.toLowerCase() === language.toLowerCase()));
  if (products.length > 0)
    gaps.push(
      `The catalog export was made without ${products.length === 1 ? 'the product' : 'the products'} ${products.join(', ')} selected here: their updates are not in the file. Export again from a site that synchronizes them`,
    );
  if (classifications.length > 0)
    gaps.push(
      `The catalog export was made without ${classifications.length === 1 ? 'the classification' : 'the classifications'} ${classifications.join(', ')} selected here: those updates are not in the file`,
    );
  if (languages.length > 0 && !exportedWith.languages.includes('all'))
    gaps.push(`The catalog export was made without the language(s) ${languages.join(', ')} selected here: titles and descriptions in them are not in the file`);
  return gaps;
}

/** Of the updates a full import would mark removed, those the export could not have held: outside its selection. */
export function beyondExport(db: SiteDatabase, exportedWith: { products: string[]; classifications: string[] }, updateIds: readonly string[]): Set<string> {
  const rows = categoryRows(db);
  const exported = resolveFilterIn(rows, upgradeNames(rows, exportedWith));
  return outsideScope(db, updateIds, exported.classificationIds, exported.productIds);
}
