/**
 * Categories (`category`: companies, product families, products, classifications) and detectoids (`detectoid`), as the
 * upstream's GetConfig list last gave them. Each category has an integer key of its own that the update rows and
 * the product links use instead of its GUID.
 */
import type { CategoryType } from '../upstream/update-metadata';
import { selectRows, selectValue } from './rows';
import type { SiteDatabase } from './site-database';

/** A category as a selection resolves against it: products, families, companies, classifications. */
export interface CategoryRow {
  id: string;
  name: string;
  type: string;
  parent: string | null;
}

/** The site's synchronized categories. */
export function categoryRows(site: SiteDatabase): CategoryRow[] {
  return selectRows(site.db, 'SELECT category_id, name, category_type, parent_id FROM category').map((row) => ({
    id: String(row.category_id),
    name: String(row.name),
    type: String(row.category_type),
    parent: row.parent_id === null ? null : String(row.parent_id),
  }));
}

/** Every category (companies, product families, products, classifications), for the Products and Classifications tabs. */
export function listCategories(site: SiteDatabase) {
  return selectRows(site.db, 'SELECT category_id, name, category_type, parent_id FROM category ORDER BY category_type, name').map((row) => ({
    id: String(row.category_id),
    name: String(row.name),
    type: String(row.category_type) as CategoryType,
    parentId: row.parent_id === null ? null : String(row.parent_id),
  }));
}

/** The detectoids the site holds (the pre-flight check does not fetch them again). */
export function detectoidIds(site: SiteDatabase): string[] {
  return selectRows(site.db, 'SELECT detectoid_id FROM detectoid').map((row) => String(row.detectoid_id));
}

/** A category's key in this database, or null when it has none (a folder of another site, say). */
export function categoryKey(site: SiteDatabase, categoryId: string): number | null {
  const value = selectValue(site.db, 'SELECT category_key FROM category WHERE category_id = ?', [categoryId.toLowerCase()]);
  return value === undefined || value === null ? null : Number(value);
}
