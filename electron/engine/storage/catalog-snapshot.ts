/**
 * What a catalog export carries, read in one go so that a sync running meanwhile changes nothing of it: every
 * category and detectoid, every update not removed, each with where its record lies, its products, classification and
 * bundled updates.
 */
import { groupPairs, selectRows } from './rows';
import type { SiteDatabase } from './site-database';

export interface CatalogSnapshot {
  config: Array<{ id: string; revision: number; offset: number; length: number }>;
  updates: Array<{
    id: string;
    revision: number;
    offset: number;
    length: number;
    deployable: boolean;
    classification: string | null;
    products: string[];
    bundled: string[];
  }>;
}

/** What an export carries, read in one go: every category and detectoid, every update not removed, with its links. */
export function snapshotCatalog(site: SiteDatabase): CatalogSnapshot {
  const db = site.db;
  const config = selectRows(
    db,
    `SELECT category_id AS id, revision, blob_offset, blob_length FROM category WHERE blob_offset IS NOT NULL
     UNION ALL SELECT detectoid_id AS id, revision, blob_offset, blob_length FROM detectoid WHERE blob_offset IS NOT NULL`,
  ).map((row) => ({ id: String(row.id), revision: Number(row.revision), offset: Number(row.blob_offset), length: Number(row.blob_length) }));
  const products = groupPairs(
    selectRows(db, 'SELECT p.update_key AS key, c.category_id AS value FROM update_product p JOIN category c ON c.category_key = p.category_key'),
  );
  const bundled = groupPairs(selectRows(db, 'SELECT parent_key AS key, child_id AS value FROM bundle'));
  const updates = selectRows(
    db,
    `SELECT u.update_key, u.update_id, u.revision, u.blob_offset, u.blob_length, u.deployable, c.category_id AS classification_id
     FROM software_update u LEFT JOIN category c ON c.category_key = u.classification_key
     WHERE u.state <> 'removed' AND u.blob_offset IS NOT NULL ORDER BY u.update_key`,
  ).map((row) => ({
    id: String(row.update_id),
    revision: Number(row.revision),
    offset: Number(row.blob_offset),
    length: Number(row.blob_length),
    deployable: Number(row.deployable) === 1,
    classification: row.classification_id === null ? null : String(row.classification_id),
    products: products.get(String(row.update_key)) ?? [],
    bundled: bundled.get(String(row.update_key)) ?? [],
  }));
  return { config, updates };
}
