/**
 * What an import will keep of an export file: the site's own products and classifications against the file's
 * updates, counted as the import's listing selects them (a deployable update is kept when its classification and one
 * of its products are selected), with each product of the file named.
 */
import type { ImportScope, SupConfig } from '../../../shared/domain';
import { resolveFilterIn, upgradeNames, type CategoryRow } from '../settings/category-selection';
import type { ExportFileCatalog } from './export-file-catalog';

export function importScope(
  catalog: ExportFileCatalog,
  siteRows: readonly CategoryRow[],
  config: Pick<SupConfig, 'products' | 'classifications'>,
): ImportScope {
  // The file's categories first: they are the ones its updates name; the site's fill in what an older file lacks.
  const fileRows = catalog.categoryRows();
  const known = new Set(fileRows.map((row) => row.id));
  const rows = [...fileRows, ...siteRows.filter((row) => !known.has(row.id))];
  const names = new Map(rows.map((row) => [row.id, row.name]));
  const filter = resolveFilterIn(rows, upgradeNames(rows, config));
  const products = new Set(filter.productIds);
  const classifications = new Set(filter.classificationIds);
  const byProduct = new Map<string, { updates: number; kept: number }>();
  let updates = 0;
  let kept = 0;
  for (const update of catalog.deployableUpdates()) {
    updates++;
    const keeps =
      update.classification !== null &&
      classifications.has(update.classification.toLowerCase()) &&
      update.products.some((id) => products.has(id.toLowerCase()));
    if (keeps) kept++;
    for (const id of new Set(update.products.map((product) => product.toLowerCase()))) {
      const entry = byProduct.get(id) ?? { updates: 0, kept: 0 };
      entry.updates++;
      if (keeps) entry.kept++;
      byProduct.set(id, entry);
    }
  }
  return {
    updates,
    kept,
    leftOut: updates - kept,
    products: [...byProduct]
      .map(([id, counts]) => ({ id, name: names.get(id) ?? id, selected: products.has(id), ...counts }))
      .sort((a, b) => b.updates - a.updates || a.name.localeCompare(b.name)),
  };
}
