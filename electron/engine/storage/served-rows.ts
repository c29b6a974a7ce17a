/**
 * What a site serves to its child sites, read from its database: the config revisions changed after a run, the
 * updates with what a filter needs to select them (classification, product links, bundled updates, state), and
 * where each stored revision's record lies.
 */
import type { UpdateIdentity } from '../upstream/update-metadata';
import { groupPairs, selectRows, selectValue } from './rows';
import type { SiteDatabase } from './site-database';

/** Categories, classifications and detectoids written by a run after the given one (every one without). */
export function configRevisionsAfter(site: SiteDatabase, runId: number | undefined): UpdateIdentity[] {
  const since = runId ?? -1;
  return selectRows(
    site.db,
    'SELECT category_id AS id, revision FROM category WHERE changed_run > ? UNION ALL SELECT detectoid_id AS id, revision FROM detectoid WHERE changed_run > ?',
    [since, since],
  ).map((row) => ({ updateId: String(row.id), revision: Number(row.revision) }));
}

export interface ServedUpdateRows {
  /** Every update not removed, deployable ones first: its revision and its classification's ID. */
  updates: Array<{ updateId: string; revision: number; classificationId: string | null }>;
  /** Each update's product links, by update ID (only when a filter needs them). */
  products: Map<string, string[]>;
  /** Each update's bundled updates, by update ID. */
  bundled: Map<string, string[]>;
  /** Every update's revision and state, by update ID. */
  revisions: Map<string, { revision: number; state: string }>;
}

export function servedUpdateRows(site: SiteDatabase, withProducts: boolean): ServedUpdateRows {
  const db = site.db;
  const products = withProducts
    ? groupPairs(
        selectRows(
          db,
          'SELECT u.update_id AS key, c.category_id AS value FROM update_product p JOIN software_update u ON u.update_key = p.update_key JOIN category c ON c.category_key = p.category_key',
        ),
      )
    : new Map<string, string[]>();
  const bundled = groupPairs(
    selectRows(db, 'SELECT p.update_id AS key, b.child_id AS value FROM bundle b JOIN software_update p ON p.update_key = b.parent_key'),
  );
  const revisions = new Map<string, { revision: number; state: string }>();
  for (const row of selectRows(db, 'SELECT update_id, revision, state FROM software_update'))
    revisions.set(String(row.update_id), { revision: Number(row.revision), state: String(row.state) });
  const updates = selectRows(
    db,
    "SELECT u.update_id, u.revision, c.category_id AS classification_id FROM software_update u LEFT JOIN category c ON c.category_key = u.classification_key WHERE u.state <> 'removed' ORDER BY u.deployable DESC, u.update_key",
  ).map((row) => ({
    updateId: String(row.update_id),
    revision: Number(row.revision),
    classificationId: row.classification_id === null ? null : String(row.classification_id),
  }));
  return { updates, products, bundled, revisions };
}

/** Where the stored record of an update, category or detectoid lies, with its revision; undefined when none is stored. */
export function storedRecordOf(site: SiteDatabase, updateId: string): { revision: number; offset: number; length: number } | undefined {
  const [row] = selectRows(
    site.db,
    `SELECT revision, blob_offset, blob_length FROM software_update WHERE update_id = ?1
     UNION ALL SELECT revision, blob_offset, blob_length FROM category WHERE category_id = ?1
     UNION ALL SELECT revision, blob_offset, blob_length FROM detectoid WHERE detectoid_id = ?1`,
    [updateId],
  );
  if (row === undefined || row.blob_offset === null) return undefined;
  return { revision: Number(row.revision), offset: Number(row.blob_offset), length: Number(row.blob_length) };
}

/** Updates the repository lists (deployable, not removed). */
export function listedUpdateCount(site: SiteDatabase): number {
  return Number(selectValue(site.db, "SELECT count(*) FROM software_update WHERE deployable = 1 AND state <> 'removed'") ?? 0);
}
