/**
 * The Update Repository list: filtered, sorted and paged in SQL so the console only ever holds one page. How a page
 * is answered, and why each way is kept (`npm run bench -- repository --strategies`; SPEC §8: under 50 ms at 200,000
 * updates; figures are first page with its count / a page a third of the way down, at 200,000 then 500,000):
 *
 * - No search: the sort column's index is walked, and SQLite counts the filter's rows.
 * - Bundled updates listed too: each half (deployable or not) is read in order from its own index range and the two
 *   are merged, so a page stops at its rows (without: 74/1006 ms and 188/4085 ms).
 * - A search with few matches (up to SEARCH_HITS_LIMIT, an article ID): the matches are taken into a temporary
 *   table of keys and drive the query (without: 402/25 ms and 995/69 ms).
 * - A search with many matches: near the top the sort index is walked and each row's words are tested in JavaScript
 *   (without, for "Cumulative" with bundled and removed: 68/41 ms at 200,000); deeper, each walked row's key is
 *   probed: against the few listed rows without the words when there are few (a word in nearly every title), else
 *   against every match taken once (without passing the few over, 50,000 rows into "Cumulative" at 100,000: 13.5
 *   ms became 21-24 ms, the first call 58 ms).
 * - The count of a search is read from the full-text index's doclists by search-doclists.ts, not through FTS4's
 *   virtual table ("Cumulative x64", a word pair in every title: 17 ms with it, 72 ms without at 200,000; 51 and
 *   367 ms at 500,000).
 *
 * - A product folder alone is counted and read in title order from its link index (without: a page 6 to 12 ms at
 *   100,000; 34/29 ms at 200,000, where it no longer pays).
 * - The whole list's count is read from the index's facets (without: a first page 4 to 8-9 ms at 100,000, 17 ms at
 *   200,000).
 * Both stayed because the issue that measured them (28) allowed no regression over 5 % at 100,000.
 */
import type { Database, SqlValue } from 'sql.js';
import type { z } from 'zod';
import type { UpdateQuerySchema, UpdateRow } from '../../../shared/contract';
import { deferredIndexes } from './deferred-indexes';
import { categoryKey } from './categories';
import { selectRows } from './rows';
import type { SiteDatabase } from './site-database';
import { matchDoclists, type DocSet, type DoclistQuery } from './search-doclists';
import { matchText, searchQuery, searchTokens, useWordTest, WORD_FILTER, wordTest } from './update-search';

type UpdateQuery = z.output<typeof UpdateQuerySchema>;

export const SORT_SQL: Record<UpdateQuery['sort'], string> = {
  title: 'u.title',
  kb: 'u.kb_number',
  bulletin: 'u.bulletin',
  classification: 'u.classification_name',
  products: 'u.product_names',
  severity: 'u.severity_rank',
  releasedAt: 'u.released_at',
  revisedAt: 'u.revised_at',
  state: 'u.state',
  superseded: 'u.superseded',
};

/** The last column of every sort index (migration 6): pages are ordered by (column, this, key), the index's order. */
const REMOVED = "(u.state = 'removed')";

/** Turns a strategy off or moves its threshold: for the tests that hold every way to the same answer, and the bench. */
export interface StrategyTuning {
  /** More matches than this and a search walks the sort index instead of its matches. */
  searchHitsLimit?: number;
  /** A walking search tests words in JavaScript while its page ends within this many rows of the top. */
  searchWalkRows?: number;
  /** Deep in a broad search, up to this many rows without the words are passed over instead of every match probed. */
  searchExcludedLimit?: number;
  /** False: counts and matches come from FTS4 instead of search-doclists. */
  doclists?: boolean;
  /** False: a list with bundled updates is sorted whole instead of merged from its two halves. */
  mergeHalves?: boolean;
  /** False: the whole list is counted by SQLite instead of from the full-text index's facets. */
  countFromIndex?: boolean;
  /** False: a product folder is counted and paged from the software_update rows instead of its link index. */
  productLinks?: boolean;
}

export function queryUpdates(site: SiteDatabase, query: UpdateQuery, tuning: StrategyTuning = {}): { total: number; rows: UpdateRow[] } {
  const db = site.db;
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (!query.includeBundled) where.push('u.deployable = 1');
  // Written as the sort indexes' own last column, so the index answers it (a row skipped by OFFSET is never read).
  if (!query.includeRemoved) where.push(`${REMOVED} = 0`);
  if (query.classificationId !== undefined) {
    where.push('u.classification_key = (SELECT category_key FROM category WHERE category_id = ?)');
    params.push(query.classificationId.toLowerCase());
  }
  if (query.productId !== undefined) {
    // One range of the (category_key, visible, …) key of the product links, not a probe per row.
    where.push(
      `u.update_key IN (SELECT p.update_key FROM update_product p WHERE p.category_key = (SELECT category_key FROM category WHERE category_id = ?)${query.includeBundled || query.includeRemoved ? '' : ' AND p.visible = 1'})`,
    );
    params.push(query.productId.toLowerCase());
  }
  const { words, tokens } = searchTokens(query.search);
  // A word with % or _ is also tested as typed (below): the full-text count alone would count too many.
  const typed = words.filter((candidate) => /[%_]/.test(candidate));
  const cache = cacheOf(db);
  cache.doclistsOff = tuning.doclists === false;
  let from = 'software_update u';
  let searchTotal: number | undefined;
  let match: string | undefined;
  if (tokens.length > 0 && searchIndexSetAside(site, cache)) {
    // While a sync has the full-text index set aside (deferred-indexes), each row's words are tested: slower, as true.
    useWordTest(db, wordTest(tokens));
    where.push(`${WORD_FILTER}(u.title, u.kb, u.bulletin)`);
    match = `words: ${tokens.join(' ')}`;
  } else if (tokens.length > 0) {
    // A search's words alone are taken into a table of keys, up to a limit: few matches (an article ID, a month's
    // cumulative updates) drive the query, looked up by key and sorted, and are counted against the filters.
    const limit = tuning.searchHitsLimit ?? SEARCH_HITS_LIMIT;
    const plainQuery = searchQuery(tokens, { includeBundled: true, includeRemoved: true });
    const plain = matchText(plainQuery);
    const taken = countOnce(cache, `taken|${limit}|${plain}`, () => takeMatches(db, cache, plainQuery, limit));
    if (taken <= limit) {
      match = plain;
      takeMatches(db, cache, plainQuery, limit);
      from = `temp.${MATCHES} AS hit CROSS JOIN software_update AS u ON u.update_key = hit.docid`;
    } else {
      // Many (a word in most titles): the full-text query counts them with the filters' facets, and a page walks the
      // sort column's index so it stops at its rows. Near the top each walked row's words are tested in JavaScript
      // (nothing to take first); deeper, the listed matches are taken once and each walked row's key is probed.
      const listedQuery = searchQuery(tokens, {
        includeBundled: query.includeBundled,
        includeRemoved: query.includeRemoved,
        classificationKey: query.classificationId === undefined ? undefined : categoryKey(site, query.classificationId),
        productKey: query.productId === undefined ? undefined : categoryKey(site, query.productId),
      });
      const listed = matchText(listedQuery);
      match = listed;
      const hits = countOnce(
        cache,
        `search|${listed}`,
        () =>
          matchesOf(db, cache, listedQuery)?.count() ??
          Number(db.exec('SELECT count(*) FROM update_search WHERE update_search MATCH ?', [listed])[0]?.values[0]?.[0] ?? 0),
      );
      if (typed.length === 0) searchTotal = hits;
      if (typed.length === 0 && query.offset + query.limit <= (tuning.searchWalkRows ?? SEARCH_WALK_ROWS)) {
        useWordTest(db, wordTest(tokens));
        where.push(`${WORD_FILTER}(u.title, u.kb, u.bulletin)`);
      } else {
        // Deeper, each walked row's key is probed. When few of the rows the filters list lack the words (a word in
        // nearly every title), those few are taken and passed over; otherwise every match is taken once.
        const excluded = excludedBy(db, cache, listedQuery);
        if (excluded !== undefined && excluded.count() <= (tuning.searchExcludedLimit ?? SEARCH_HITS_LIMIT)) {
          fillMatches(db, cache, `NOT ${listed}`, () => insertKeys(db, excluded.docids()));
          where.push(`u.update_key NOT IN (SELECT docid FROM temp.${MATCHES})`);
        } else {
          takeMatches(db, cache, listedQuery);
          where.push(`u.update_key IN (SELECT docid FROM temp.${MATCHES})`);
        }
      }
    }
  }
  // The index keeps letters and digits only, and % and _ are wildcards to SQL: a word with either (50%, a lone _)
  // must also appear as typed, so they are text and never match everything.
  for (const word of typed) {
    where.push("(instr(lower(u.title), ?) > 0 OR instr(lower(coalesce(u.bulletin, '')), ?) > 0 OR instr(coalesce(u.kb, ''), ?) > 0)");
    params.push(word.toLowerCase(), word.toLowerCase(), word);
  }
  const whereSql = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  // A product folder alone is counted and read in title order from its link index (visible mirrors the default filters).
  const productOnly =
    tuning.productLinks !== false &&
    query.productId !== undefined &&
    query.classificationId === undefined &&
    words.length === 0 &&
    !query.includeBundled &&
    !query.includeRemoved;
  // Without a search, the whole list (bundled updates left out) is counted from the index's facets. A classification
  // or a product is a short range of its own index, counted faster by SQLite. Not while a sync has the index aside.
  const byFacets =
    words.length === 0 &&
    !query.includeBundled &&
    query.classificationId === undefined &&
    query.productId === undefined &&
    tuning.countFromIndex !== false &&
    !searchIndexSetAside(site, cache);
  const facetCount = () => matchesOf(db, cache, searchQuery([], { includeBundled: false, includeRemoved: query.includeRemoved }))?.count();
  const total =
    searchTotal ??
    countOnce(cache, `${productOnly ? 'product' : byFacets ? 'facets' : ''}|${from} ${whereSql}|${JSON.stringify([match ?? null, ...params])}`, () =>
      productOnly
        ? Number(
            db.exec('SELECT count(*) FROM update_product WHERE category_key = (SELECT category_key FROM category WHERE category_id = ?) AND visible = 1', [
              query.productId!.toLowerCase(),
            ])[0]?.values[0]?.[0] ?? 0,
          )
        : ((byFacets ? facetCount() : undefined) ?? Number(db.exec(`SELECT count(*) FROM ${from} ${whereSql}`, params)[0]?.values[0]?.[0] ?? 0)),
    );
  // Yes/No columns sort alike: ascending is No first. Expired is the state text, where 'expired' < 'published'.
  const descending = (query.direction === 'desc') !== (query.sort === 'state');
  const direction = descending ? 'DESC' : 'ASC';
  const columns =
    'u.update_id, u.revision, u.title, u.kb, u.bulletin, u.classification_name, u.product_names, u.severity, u.released_at, u.revised_at, u.state, u.superseded, u.expired_by_rule';
  const rows =
    productOnly && query.sort === 'title'
      ? // The product folder's default view: read in title order straight from the link index.
        selectRows(
          db,
          `SELECT ${columns} FROM update_product p JOIN software_update u ON u.update_key = p.update_key
           WHERE p.category_key = (SELECT category_key FROM category WHERE category_id = ?) AND p.visible = 1 ORDER BY p.title ${direction}, p.update_key ${direction} LIMIT ? OFFSET ?`,
          [query.productId!.toLowerCase(), query.limit, query.offset],
        )
      : tuning.mergeHalves !== false && query.includeBundled && from === 'software_update u'
        ? selectRows(db, bothHalvesPageSql(columns, SORT_SQL[query.sort], direction, where), [...params, ...params, query.limit, query.offset])
        : selectRows(
            db,
            `SELECT ${columns} FROM ${from} ${whereSql} ORDER BY ${SORT_SQL[query.sort]} ${direction}, ${REMOVED} ${direction}, u.update_key ${direction} LIMIT ? OFFSET ?`,
            [...params, query.limit, query.offset],
          );
  return {
    total,
    rows: rows.map(toRow),
  };
}

/**
 * A page of a list with bundled updates too. Every sort index begins with deployable, so each half is read in order
 * from its own range and SQLite merges the two: a page stops at its rows instead of sorting every update. The merge
 * selects only what the indexes hold (the rows a deep page skips are never read); the page's rows are read by key
 * after. Parameters: the filters' twice (one per half), then limit and offset.
 */
function bothHalvesPageSql(columns: string, sortColumn: string, direction: string, where: readonly string[]): string {
  const half = (deployable: number) =>
    `SELECT ${sortColumn} AS sort_value, ${REMOVED} AS removed_value, u.update_key AS key_value FROM software_update u WHERE ${[`u.deployable = ${deployable}`, ...where].join(' AND ')}`;
  const order = (prefix: string) => `ORDER BY ${prefix}sort_value ${direction}, ${prefix}removed_value ${direction}, ${prefix}key_value ${direction}`;
  return `SELECT ${columns} FROM (${half(0)} UNION ALL ${half(1)} ${order('')} LIMIT ? OFFSET ?) AS page
    CROSS JOIN software_update u ON u.update_key = page.key_value ${order('page.')}`;
}

/**
 * Counting a filter's matches reads every match (tens of milliseconds at catalog scale), and the grid asks for page
 * after page of the same filter while it scrolls: a count is kept until the database changes (SQLite's count of
 * changes made on this connection tells).
 */
interface QueryCache {
  /** The connection's change count, less the writes of this module to its temporary table. */
  changes: number;
  own: number;
  /** The search whose matches the temporary table holds (while this cache is valid), how many, and the limit they
   * were taken up to (more than `limit` taken: only the first `limit` + 1 are there). */
  matches?: { match: string; count: number; limit: number };
  totals: Map<string, number>;
  /** The updates of each full-text query read from the doclists (null: the reader could not answer it). */
  docSets: Map<string, DocSet | null>;
  /** The updates of each word and facet of those queries (search-doclists). */
  termSets: Map<string, Uint32Array>;
  /** Whether the repository's indexes are set aside (read once while the database does not change). */
  indexesSetAside?: boolean;
  doclistsOff?: boolean;
}

function searchIndexSetAside(site: SiteDatabase, cache: QueryCache): boolean {
  cache.indexesSetAside ??= deferredIndexes(site) !== undefined;
  return cache.indexesSetAside;
}
const caches = new WeakMap<Database, QueryCache>();

function countOnce(cache: QueryCache, key: string, count: () => number): number {
  let total = cache.totals.get(key);
  if (total === undefined) {
    total = count();
    if (cache.totals.size >= 64) cache.totals.clear();
    cache.totals.set(key, total);
  }
  return total;
}

/** More matches than this and a search walks the sort index instead of its matches (measured at 200,000 updates). */
const SEARCH_HITS_LIMIT = 5_000;

/**
 * A walking search tests each row's words in JavaScript while its page ends within this many rows of the top (about
 * 4 µs a row walked); a page deeper than that takes the matches once and probes each row's key instead.
 */
const SEARCH_WALK_ROWS = 5_000;

/**
 * The matches of the last search, copied into a temporary table keyed by update key: the pages that follow (and the
 * count) read or probe it by key instead of running the full-text query again (at 200,000 updates, a search matching
 * every title: 88 ms a page before, 7 ms after). It lives in the connection's temporary schema, which is never
 * saved (a whole-file save copies the main schema only) nor journaled, and is taken again when the search or the
 * database changes, or when the table is not there (another connection).
 */
const MATCHES = 'usc_search_matches';

/**
 * Takes the matches of `query` into the table (unless it holds them already), or, when there are more than `limit`,
 * tells so: the table holds them only when it returns `limit` or fewer. Returns how many it took (at most `limit` + 1).
 */
function takeMatches(db: Database, cache: QueryCache, query: DoclistQuery, limit = Number.MAX_SAFE_INTEGER): number {
  // A few thousand keys go in from the doclists read in JavaScript (more than `limit`: none, only the count was
  // asked); every match of a broad search (a page deep in its list) is copied faster by SQLite from the index than
  // through JSON (120,000 keys: 52-196 ms as JSON, about 50 ms from the index).
  const match = matchText(query);
  const docs = limit === Number.MAX_SAFE_INTEGER ? undefined : matchesOf(db, cache, query);
  return fillMatches(
    db,
    cache,
    match,
    () => {
      if (docs !== undefined) {
        const count = Math.min(docs.count(), limit + 1);
        if (count <= limit) insertKeys(db, docs.docids());
        return count;
      }
      db.exec(`INSERT INTO temp.${MATCHES} (docid) SELECT docid FROM update_search WHERE update_search MATCH ? ORDER BY docid LIMIT ?`, [
        match,
        limit === Number.MAX_SAFE_INTEGER ? -1 : limit + 1,
      ]);
      return db.getRowsModified();
    },
    limit,
  );
}

/** Fills the table with the keys `label` stands for (unless it holds them already); `fill` returns their count. */
function fillMatches(db: Database, cache: QueryCache, label: string, fill: () => number, limit = Number.MAX_SAFE_INTEGER): number {
  const exists = db.exec(`SELECT 1 FROM sqlite_temp_master WHERE name = '${MATCHES}'`).length > 0;
  const held = cache.matches;
  if (exists && held?.match === label && (held.count <= held.limit || held.limit >= limit)) return Math.min(held.count, limit + 1);
  const before = totalChanges(db);
  db.exec(exists ? `DELETE FROM temp.${MATCHES}` : `CREATE TEMP TABLE ${MATCHES} (docid INTEGER PRIMARY KEY)`);
  const count = fill();
  // What was written here is not a change to the updates: the counts kept so far stay valid.
  cache.own += totalChanges(db) - before;
  cache.matches = { match: label, count, limit };
  return count;
}

function insertKeys(db: Database, keys: readonly number[]): number {
  db.exec(`INSERT INTO temp.${MATCHES} (docid) SELECT value FROM json_each(?)`, [JSON.stringify(keys)]);
  return keys.length;
}

/**
 * The keys of the rows the listing's filters keep whose words do not match (the filters' facets alone, less the
 * search), or undefined when the doclists cannot tell (no facet to read: bundled and removed listed, no folder).
 */
function excludedBy(db: Database, cache: QueryCache, listed: DoclistQuery): DocSet | undefined {
  // A search's words are its prefix terms, the facets its whole words (searchQuery).
  const words = listed.all.filter((term) => term.prefix);
  const facets: DoclistQuery = { all: listed.all.filter((term) => !term.prefix), none: listed.none };
  const matches = matchesOf(db, cache, listed);
  const filtered = facets.all.length === 0 ? undefined : matchesOf(db, cache, facets);
  if (words.length === 0 || matches === undefined || filtered === undefined) return undefined;
  return filtered.without(matches);
}

/**
 * The updates a full-text query matches, read from the index's doclists (search-doclists: a few milliseconds where
 * FTS4 takes tens), kept with the counts until the database changes; undefined when that reader cannot answer.
 */
function matchesOf(db: Database, cache: QueryCache, query: DoclistQuery): DocSet | undefined {
  if (cache.doclistsOff === true) return undefined;
  const match = matchText(query);
  let docs = cache.docSets.get(match);
  if (docs === undefined) {
    const keys = Number(db.exec('SELECT coalesce(max(update_key), 0) + 1 FROM software_update')[0]?.values[0]?.[0] ?? 1);
    // Each word's documents are kept too (at most 16 words: 61 KB each at 500,000 updates).
    if (cache.termSets.size >= 16) cache.termSets.clear();
    docs = matchDoclists(db, 'update_search', query, keys, cache.termSets) ?? null;
    if (cache.docSets.size >= 8) cache.docSets.clear();
    cache.docSets.set(match, docs);
  }
  return docs ?? undefined;
}

const totalChanges = (db: Database) => Number(db.exec('SELECT total_changes()')[0]?.values[0]?.[0] ?? 0);

function cacheOf(db: Database): QueryCache {
  const total = totalChanges(db);
  let cache = caches.get(db);
  if (cache === undefined || cache.changes !== total - cache.own)
    caches.set(db, (cache = { changes: total, own: 0, totals: new Map(), docSets: new Map(), termSets: new Map() }));
  return cache;
}

const toRow = (row: Record<string, SqlValue>): UpdateRow => ({
  updateId: String(row.update_id),
  revision: Number(row.revision),
  title: String(row.title),
  kb: row.kb === null ? null : String(row.kb),
  bulletin: row.bulletin === null ? null : String(row.bulletin),
  classification: row.classification_name === null ? null : String(row.classification_name),
  products: row.product_names === null ? null : String(row.product_names),
  severity: row.severity === null ? null : String(row.severity),
  releasedAt: row.released_at === null ? null : String(row.released_at),
  revisedAt: String(row.revised_at),
  state: String(row.state) as UpdateRow['state'],
  superseded: Number(row.superseded) === 1,
  expiredBy: row.expired_by_rule === null || row.expired_by_rule === undefined ? null : String(row.expired_by_rule),
});

/** The stored rows of one update, and where its raw metadata lies (the details pane reads its text from there). */
export function updateDetailRows(site: SiteDatabase, updateId: string) {
  const db = site.db;
  const id = updateId.toLowerCase();
  const [row] = selectRows(db, 'SELECT * FROM software_update WHERE update_id = ?', [id]);
  if (row === undefined) return undefined;
  const key = Number(row.update_key);
  const related = (sql: string, param: SqlValue) =>
    selectRows(db, sql, [param]).map((item) => ({ updateId: String(item.id), title: item.title === null ? null : String(item.title) }));
  return {
    update: toRow(row),
    location: row.blob_offset === null ? undefined : { offset: Number(row.blob_offset), length: Number(row.blob_length), revision: Number(row.revision) },
    products: selectRows(
      db,
      "SELECT name FROM category WHERE category_type = 'Product' AND instr(',' || coalesce(?, '') || ',', ',' || category_key || ',') > 0 ORDER BY name",
      [row.product_keys ?? null],
    ).map((item) => String(item.name)),
    supersedes: related(
      'SELECT s.superseded_id AS id, u.title FROM supersedence s LEFT JOIN software_update u ON u.update_id = s.superseded_id WHERE s.update_key = ?',
      key,
    ),
    supersededBy: related(
      'SELECT u.update_id AS id, u.title FROM supersedence s JOIN software_update u ON u.update_key = s.update_key WHERE s.superseded_id = ?',
      id,
    ),
    bundled: related('SELECT b.child_id AS id, u.title FROM bundle b LEFT JOIN software_update u ON u.update_id = b.child_id WHERE b.parent_key = ?', key),
  };
}

export function repositoryFolders(site: SiteDatabase) {
  const db = site.db;
  const count = (rows: Record<string, SqlValue>[]) => rows.map((item) => ({ id: String(item.id), name: String(item.name), count: Number(item.count) }));
  return {
    classifications: count(
      selectRows(
        db,
        "SELECT c.category_id AS id, c.name, count(u.update_key) AS count FROM category c LEFT JOIN software_update u ON u.classification_key = c.category_key AND u.deployable = 1 AND u.state <> 'removed' WHERE c.category_type = 'UpdateClassification' GROUP BY c.category_key HAVING count(u.update_key) > 0 ORDER BY c.name",
      ),
    ),
    products: count(
      selectRows(
        db,
        "SELECT c.category_id AS id, c.name, (SELECT count(*) FROM update_product p WHERE p.category_key = c.category_key AND p.visible = 1) AS count FROM category c WHERE c.category_type = 'Product' AND count > 0 ORDER BY c.name",
      ),
    ),
  };
}

/**
 * What a scope of classifications and products holds of the repository (deployable updates): how many are listed
 * now, how many of those it keeps, and how many removed ones it covers again. Read only: no temporary table, so a
 * preview never turns the next small save into a whole-file one.
 */
export function scopeCounts(site: SiteDatabase, classificationIds: readonly string[], productIds: readonly string[]) {
  const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ') || 'NULL';
  const [row] = selectRows(
    site.db,
    `SELECT
      coalesce(sum(state != 'removed'), 0) AS current,
      coalesce(sum(state != 'removed' AND in_scope), 0) AS kept,
      coalesce(sum(state = 'removed' AND in_scope), 0) AS returning_count
    FROM (
      SELECT state,
        classification_key IN (SELECT category_key FROM category WHERE category_id IN (${placeholders(classificationIds.length)}))
        AND update_key IN (SELECT link.update_key FROM update_product AS link
          WHERE link.category_key IN (SELECT category_key FROM category WHERE category_id IN (${placeholders(productIds.length)}))) AS in_scope
      FROM software_update WHERE deployable = 1
    )`,
    [...classificationIds, ...productIds],
  );
  return { current: Number(row?.current ?? 0), kept: Number(row?.kept ?? 0), returning: Number(row?.returning_count ?? 0) };
}

/**
 * Of the given updates, those a scope does not cover: an update is covered when its classification and one of its
 * products are in the scope, or when a covered update bundles it. Read only, as scopeCounts.
 */
export function outsideScope(
  site: SiteDatabase,
  updateIds: readonly string[],
  classificationIds: readonly string[],
  productIds: readonly string[],
): Set<string> {
  if (updateIds.length === 0) return new Set();
  const rows = selectRows(
    site.db,
    `WITH covered AS (
       SELECT update_key, update_id FROM software_update
       WHERE classification_key IN (SELECT category_key FROM category WHERE category_id IN (SELECT value FROM json_each(?2)))
         AND update_key IN (SELECT link.update_key FROM update_product AS link
           WHERE link.category_key IN (SELECT category_key FROM category WHERE category_id IN (SELECT value FROM json_each(?3)))))
     SELECT asked.value AS update_id FROM json_each(?1) AS asked
     WHERE asked.value NOT IN (SELECT update_id FROM covered)
       AND asked.value NOT IN (SELECT bundle.child_id FROM bundle JOIN covered ON covered.update_key = bundle.parent_key)`,
    [JSON.stringify(updateIds), JSON.stringify(classificationIds), JSON.stringify(productIds)],
  );
  return new Set(rows.map((row) => String(row.update_id)));
}
