/**
 * The repository's sort and search indexes, set aside while a synchronization writes most of a site's catalog and
 * built once at its end. Kept current row by row, they were most of the engine thread's work in a large sync: at
 * 128,662 new revisions, 7.6 s for the sort indexes and 8 s for the full-text index of its 28 s. Built in one pass
 * from the finished table, they take 1.8 s and 0.8 s, and the full-text index comes out as one compact segment.
 *
 * The definitions of the indexes dropped are kept in the setting table, written in the transaction that drops them.
 * A database is therefore never without its indexes and unaware of it: a sync killed before it built them leaves
 * the list, and the next open builds them before anything else reads the database. While they are set aside, the
 * repository still answers: a search tests each row's words instead of asking the full-text index (repository-queries).
 */
import type { SiteDatabase } from './site-database';
import { readSettingIn, writeSettingIn } from './settings';
import { inTransactionOn } from './transaction';

const KEY = 'repository.deferredIndexes';
/** The full-text index is not dropped (its table stays, so queries stay valid): 'rebuild' refills it from the rows. */
const SEARCH_INDEX_REBUILD = "INSERT INTO update_search (update_search) VALUES ('rebuild')";

/** How many updates the site holds, removed ones too: what a sync weighs against, and what a build works through. */
export function updateCount(site: SiteDatabase): number {
  return Number(site.db.exec('SELECT count(*) FROM software_update')[0]?.values[0]?.[0] ?? 0);
}

/** The SQL of each index set aside, when a sync left them to build; undefined when every index is current. */
export function deferredIndexes(site: SiteDatabase): string[] | undefined {
  return readSettingIn<string[]>(site.db, KEY);
}

/**
 * Drops the update table's own indexes (not those that enforce uniqueness) and stops the full-text index from being
 * trusted, in one transaction. The caller stops writing the full-text index until buildDeferredIndexes.
 */
export function deferIndexes(site: SiteDatabase): void {
  if (deferredIndexes(site) !== undefined) return;
  const db = site.db;
  inTransactionOn(db, () => {
    const definitions = (
      db.exec("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'software_update' AND sql IS NOT NULL ORDER BY name")[0]?.values ?? []
    ).map(([name, sql]) => ({ name: String(name), sql: String(sql) }));
    for (const { name } of definitions) db.run(`DROP INDEX ${name}`);
    writeSettingIn(
      db,
      KEY,
      definitions.map(({ sql }) => sql),
    );
  });
}

/**
 * Builds what deferIndexes set aside, in one transaction: every index, then the full-text index from the rows (the
 * words of updates written meanwhile, and not the stale words of updates changed meanwhile). `onStep` is told after
 * each, for progress. Returns how many indexes it built (0 when none was set aside).
 */
export function buildDeferredIndexes(site: SiteDatabase, onStep?: (done: number, total: number) => void): number {
  const definitions = deferredIndexes(site);
  const db = site.db;
  if (definitions === undefined) return 0;
  const total = definitions.length + 1;
  inTransactionOn(db, () => {
    definitions.forEach((sql, index) => {
      db.run(sql.replace(/^CREATE INDEX /i, 'CREATE INDEX IF NOT EXISTS '));
      onStep?.(index + 1, total);
    });
    db.run(SEARCH_INDEX_REBUILD);
    writeSettingIn(db, KEY, undefined);
  });
  onStep?.(total, total);
  return definitions.length;
}
