import { inflateRawSync } from 'node:zlib';
import type { Database } from 'sql.js';
import type { BlobStore } from './blob-store';
import { inTransactionOn } from './transaction';

/**
 * Versioned schema of a site database. `PRAGMA user_version` holds the number of migrations applied;
 * a migration is never edited once released: add a new one instead.
 */
export interface Migration {
  version: number;
  description: string;
  up(db: Database, context: MigrationContext): void;
}

/** What a migration may touch besides the database: the site's blob store. */
export interface MigrationContext {
  blobs: BlobStore;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'site identity and settings',
    up(db) {
      db.run(`
        CREATE TABLE site (
          code        TEXT PRIMARY KEY CHECK (length(code) = 3),
          name        TEXT NOT NULL,
          parent_code TEXT,
          created_at  TEXT NOT NULL
        );
        CREATE TABLE setting (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    description: 'software update metadata, sync history and status messages',
    up(db) {
      db.run(`
        CREATE TABLE category (
          category_id   TEXT PRIMARY KEY,
          revision      INTEGER NOT NULL,
          category_type TEXT NOT NULL CHECK (category_type IN ('Company', 'ProductFamily', 'Product', 'UpdateClassification')),
          name          TEXT NOT NULL,
          parent_id     TEXT
        );
        CREATE TABLE software_update (
          update_id           TEXT PRIMARY KEY,
          revision            INTEGER NOT NULL,
          title               TEXT NOT NULL,
          kb                  TEXT,
          kb_number           INTEGER,
          bulletin            TEXT,
          severity            TEXT,
          severity_rank       INTEGER,
          classification_id   TEXT,
          classification_name TEXT,
          product_names       TEXT,
          released_at         TEXT,
          revised_at          TEXT NOT NULL,
          state               TEXT NOT NULL CHECK (state IN ('published', 'expired', 'removed')),
          deployable          INTEGER NOT NULL,
          superseded          INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX software_update_title ON software_update (deployable, title);
        CREATE INDEX software_update_visible ON software_update (deployable, state);
        CREATE INDEX software_update_kb ON software_update (kb);
        CREATE INDEX software_update_classification ON software_update (classification_id, deployable, title);
        CREATE INDEX software_update_classification_count ON software_update (classification_id, deployable, state);
        -- One (deployable, column) index per sortable column: a page of the repository is read in order.
        CREATE INDEX software_update_by_kb ON software_update (deployable, kb_number);
        CREATE INDEX software_update_by_bulletin ON software_update (deployable, bulletin);
        CREATE INDEX software_update_by_classification ON software_update (deployable, classification_name);
        CREATE INDEX software_update_by_products ON software_update (deployable, product_names);
        CREATE INDEX software_update_by_severity ON software_update (deployable, severity_rank);
        CREATE INDEX software_update_by_released ON software_update (deployable, released_at);
        CREATE INDEX software_update_by_revised ON software_update (deployable, revised_at);
        CREATE INDEX software_update_by_superseded ON software_update (deployable, superseded);
        CREATE TABLE update_text (
          update_id   TEXT NOT NULL,
          language    TEXT NOT NULL,
          title       TEXT NOT NULL,
          description TEXT,
          PRIMARY KEY (update_id, language)
        ) WITHOUT ROWID;
        CREATE TABLE update_category (
          update_id   TEXT NOT NULL,
          category_id TEXT NOT NULL,
          -- Copies of "deployable and not removed" and of the title, so a product folder's count and its
          -- first pages are each one index range.
          visible     INTEGER NOT NULL DEFAULT 1,
          title       TEXT NOT NULL DEFAULT '',
          PRIMARY KEY (update_id, category_id)
        ) WITHOUT ROWID;
        CREATE INDEX update_category_by_category ON update_category (category_id, visible, title, update_id);
        -- Words of titles, article IDs and bulletin IDs, for the repository's search box (docid = software_update rowid).
        CREATE VIRTUAL TABLE update_search USING fts4(title, kb, bulletin);
        CREATE TABLE supersedence (
          update_id     TEXT NOT NULL,
          superseded_id TEXT NOT NULL,
          PRIMARY KEY (update_id, superseded_id)
        ) WITHOUT ROWID;
        CREATE INDEX supersedence_by_superseded ON supersedence (superseded_id);
        CREATE TABLE bundle (
          parent_id TEXT NOT NULL,
          child_id  TEXT NOT NULL,
          PRIMARY KEY (parent_id, child_id)
        ) WITHOUT ROWID;
        CREATE TABLE revision_blob (
          update_id TEXT PRIMARY KEY,
          revision  INTEGER NOT NULL,
          xml_deflate BLOB NOT NULL
        );
        CREATE TABLE sync_run (
          run_id         INTEGER PRIMARY KEY,
          kind           TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
          trigger        TEXT NOT NULL,
          scheduled_for  TEXT,
          started_at     TEXT NOT NULL,
          ended_at       TEXT,
          outcome        TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
          new_count      INTEGER NOT NULL DEFAULT 0,
          modified_count INTEGER NOT NULL DEFAULT 0,
          expired_count  INTEGER NOT NULL DEFAULT 0,
          removed_count  INTEGER NOT NULL DEFAULT 0,
          skipped_count  INTEGER NOT NULL DEFAULT 0,
          anchor_before  TEXT,
          anchor_after   TEXT,
          full_reason    TEXT,
          error_code     TEXT,
          error_message  TEXT
        );
        CREATE TABLE sync_change (
          run_id    INTEGER NOT NULL REFERENCES sync_run (run_id),
          update_id TEXT NOT NULL,
          change    TEXT NOT NULL CHECK (change IN ('added', 'revised', 'expired', 'removed')),
          PRIMARY KEY (run_id, update_id)
        ) WITHOUT ROWID;
        CREATE TABLE status_message (
          message_id        INTEGER PRIMARY KEY,
          status_id         INTEGER NOT NULL,
          severity          TEXT NOT NULL,
          component         TEXT NOT NULL,
          time              TEXT NOT NULL,
          insertion_strings TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 3,
    description: 'the lean site database: integer keys, raw metadata in the blob store, detectoids, pending revisions',
    up(db, { blobs }) {
      // Schema 2 kept every revision's XML (deflated) and every language's text inside the database, and keyed every
      // link by GUID text; at catalog scale that made the database hundreds of megabytes. The XML moves to the blob
      // store (localized text is read from it when the details pane asks), links use integer keys, and the search
      // index reads its text from the update rows instead of keeping a copy.
      db.run(`
        CREATE TABLE category3 (
          category_key  INTEGER PRIMARY KEY,
          category_id   TEXT NOT NULL UNIQUE,
          revision      INTEGER NOT NULL,
          category_type TEXT NOT NULL CHECK (category_type IN ('Company', 'ProductFamily', 'Product', 'UpdateClassification')),
          name          TEXT NOT NULL,
          parent_id     TEXT,
          -- The sync run that last wrote it: a served site lists config revisions by anchor.
          changed_run   INTEGER NOT NULL DEFAULT 0,
          blob_offset   INTEGER,
          blob_length   INTEGER
        );
        INSERT INTO category3 (category_id, revision, category_type, name, parent_id) SELECT category_id, revision, category_type, name, parent_id FROM category;
        CREATE TABLE detectoid (
          detectoid_key INTEGER PRIMARY KEY,
          detectoid_id  TEXT NOT NULL UNIQUE,
          revision      INTEGER NOT NULL,
          name          TEXT NOT NULL,
          changed_run   INTEGER NOT NULL DEFAULT 0,
          blob_offset   INTEGER,
          blob_length   INTEGER
        );
        CREATE TABLE software_update3 (
          update_key          INTEGER PRIMARY KEY,
          update_id           TEXT NOT NULL UNIQUE,
          revision            INTEGER NOT NULL,
          title               TEXT NOT NULL,
          kb                  TEXT,
          kb_number           INTEGER,
          bulletin            TEXT,
          severity            TEXT,
          severity_rank       INTEGER,
          classification_key  INTEGER,
          classification_name TEXT,
          product_names       TEXT,
          -- The category keys of its product links ("3,7"), so the links are found without an index of their own.
          product_keys        TEXT,
          released_at         TEXT,
          revised_at          TEXT NOT NULL,
          state               TEXT NOT NULL CHECK (state IN ('published', 'expired', 'removed')),
          deployable          INTEGER NOT NULL,
          superseded          INTEGER NOT NULL DEFAULT 0,
          blob_offset         INTEGER,
          blob_length         INTEGER
        );
        INSERT INTO software_update3 (update_key, update_id, revision, title, kb, kb_number, bulletin, severity, severity_rank, classification_key,
            classification_name, product_names, released_at, revised_at, state, deployable, superseded)
          SELECT u.rowid, u.update_id, u.revision, u.title, u.kb, u.kb_number, u.bulletin, u.severity, u.severity_rank, c.category_key,
            u.classification_name, u.product_names, u.released_at, u.revised_at, u.state, u.deployable, u.superseded
          FROM software_update u LEFT JOIN category3 c ON c.category_id = u.classification_id;
        -- Links to products (and families): the classification is a column. Title and visibility are copied so a
        -- product folder's count and its pages in title order are each one range of this table.
        CREATE TABLE update_product (
          category_key INTEGER NOT NULL,
          visible      INTEGER NOT NULL,
          title        TEXT NOT NULL,
          update_key   INTEGER NOT NULL,
          PRIMARY KEY (category_key, visible, title, update_key)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO update_product (category_key, visible, title, update_key)
          SELECT c.category_key, l.visible, l.title, u.update_key FROM update_category l
          JOIN category3 c ON c.category_id = l.category_id AND c.category_type <> 'UpdateClassification'
          JOIN software_update3 u ON u.update_id = l.update_id;
        CREATE INDEX update_product_migrating ON update_product (update_key);
        UPDATE software_update3 SET product_keys = (SELECT group_concat(p.category_key) FROM update_product p WHERE p.update_key = software_update3.update_key);
        DROP INDEX update_product_migrating;
        CREATE TABLE supersedence3 (
          superseded_id TEXT NOT NULL,
          update_key    INTEGER NOT NULL,
          PRIMARY KEY (superseded_id, update_key)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO supersedence3 SELECT s.superseded_id, u.update_key FROM supersedence s JOIN software_update3 u ON u.update_id = s.update_id;
        CREATE TABLE bundle3 (
          parent_key INTEGER NOT NULL,
          child_id   TEXT NOT NULL,
          PRIMARY KEY (parent_key, child_id)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO bundle3 SELECT u.update_key, b.child_id FROM bundle b JOIN software_update3 u ON u.update_id = b.parent_id;
        CREATE TABLE sync_change3 (
          run_id     INTEGER NOT NULL REFERENCES sync_run (run_id),
          update_key INTEGER NOT NULL,
          change     TEXT NOT NULL CHECK (change IN ('added', 'revised', 'expired', 'removed')),
          PRIMARY KEY (run_id, update_key)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO sync_change3 SELECT c.run_id, u.update_key, c.change FROM sync_change c JOIN software_update3 u ON u.update_id = c.update_id;
        -- Revisions a synchronization could not fetch or read: the next one fetches them first.
        CREATE TABLE pending_revision (
          update_id TEXT PRIMARY KEY,
          revision  INTEGER NOT NULL,
          config    INTEGER NOT NULL,
          reason    TEXT NOT NULL,
          run_id    INTEGER NOT NULL
        );
        CREATE TABLE sync_failure (
          run_id    INTEGER NOT NULL,
          update_id TEXT NOT NULL,
          revision  INTEGER NOT NULL,
          reason    TEXT NOT NULL,
          PRIMARY KEY (run_id, update_id)
        ) WITHOUT ROWID;
        ALTER TABLE sync_run ADD COLUMN failed_count INTEGER NOT NULL DEFAULT 0;
      `);
      // The metadata schema 2 kept inside the database moves to the blob store (its file URLs were not kept then).
      const moved = db.prepare('SELECT update_id, revision, xml_deflate FROM revision_blob');
      const place = {
        update: db.prepare('UPDATE software_update3 SET blob_offset = ?, blob_length = ? WHERE update_id = ? AND revision = ?'),
        category: db.prepare('UPDATE category3 SET blob_offset = ?, blob_length = ? WHERE category_id = ? AND revision = ?'),
      };
      try {
        let chunk: Array<{ updateId: string; revision: number; xml: string }> = [];
        const flush = () => {
          const locations = blobs.append(
            chunk.map((entry) => ({ ...entry, fileDigests: [...entry.xml.matchAll(/Digest="([^"]+)"/g)].map((match) => match[1]!), fileUrls: [] })),
          );
          chunk.forEach((entry, index) => {
            const { offset, length } = locations[index]!;
            for (const statement of [place.update, place.category]) statement.run([offset, length, entry.updateId, entry.revision]);
          });
          chunk = [];
        };
        while (moved.step()) {
          const [updateId, revision, deflated] = moved.get();
          chunk.push({ updateId: String(updateId), revision: Number(revision), xml: inflateRawSync(deflated as Uint8Array).toString('utf8') });
          if (chunk.length >= 1000) flush();
        }
        if (chunk.length > 0) flush();
      } finally {
        moved.free();
        place.update.free();
        place.category.free();
      }
      db.run(`
        DROP TABLE revision_blob;
        DROP TABLE update_search;
        DROP TABLE update_text;
        DROP TABLE update_category;
        DROP TABLE supersedence;
        DROP TABLE bundle;
        DROP TABLE sync_change;
        DROP TABLE software_update;
        DROP TABLE category;
        ALTER TABLE category3 RENAME TO category;
        ALTER TABLE software_update3 RENAME TO software_update;
        ALTER TABLE supersedence3 RENAME TO supersedence;
        ALTER TABLE bundle3 RENAME TO bundle;
        ALTER TABLE sync_change3 RENAME TO sync_change;
        CREATE INDEX supersedence_by_update ON supersedence (update_key);
        CREATE INDEX software_update_title ON software_update (deployable, title);
        CREATE INDEX software_update_visible ON software_update (deployable, state);
        CREATE INDEX software_update_classification ON software_update (classification_key, deployable, title);
        CREATE INDEX software_update_classification_count ON software_update (classification_key, deployable, state);
        -- One (deployable, column) index per sortable column: a page of the repository is read in order.
        CREATE INDEX software_update_by_kb ON software_update (deployable, kb_number);
        CREATE INDEX software_update_by_bulletin ON software_update (deployable, bulletin);
        CREATE INDEX software_update_by_classification ON software_update (deployable, classification_name);
        CREATE INDEX software_update_by_products ON software_update (deployable, product_names);
        CREATE INDEX software_update_by_severity ON software_update (deployable, severity_rank);
        CREATE INDEX software_update_by_released ON software_update (deployable, released_at);
        CREATE INDEX software_update_by_revised ON software_update (deployable, revised_at);
        CREATE INDEX software_update_by_superseded ON software_update (deployable, superseded);
        -- Words of titles, article IDs and bulletin IDs, read from the update rows (docid = update_key): no second copy.
        CREATE VIRTUAL TABLE update_search USING fts4(content="software_update", title, kb, bulletin);
        INSERT INTO update_search (update_search) VALUES ('rebuild');
      `);
    },
  },
  {
    version: 4,
    description: 'Counts each run as the repository lists updates (bundled updates are inside their parent), beside its revision counts',
    up(db) {
      db.run(`
        ALTER TABLE sync_run ADD COLUMN listed_new INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sync_run ADD COLUMN listed_modified INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sync_run ADD COLUMN listed_expired INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sync_run ADD COLUMN listed_removed INTEGER NOT NULL DEFAULT 0;
        CREATE TEMP TABLE listed_change AS
          SELECT c.run_id, c.change, count(*) AS n FROM sync_change c JOIN software_update u ON u.update_key = c.update_key
          WHERE u.deployable = 1 GROUP BY c.run_id, c.change;
        UPDATE sync_run SET
          listed_new = coalesce((SELECT n FROM listed_change l WHERE l.run_id = sync_run.run_id AND l.change = 'added'), 0),
          listed_modified = coalesce((SELECT n FROM listed_change l WHERE l.run_id = sync_run.run_id AND l.change = 'revised'), 0),
          listed_expired = coalesce((SELECT n FROM listed_change l WHERE l.run_id = sync_run.run_id AND l.change = 'expired'), 0),
          listed_removed = coalesce((SELECT n FROM listed_change l WHERE l.run_id = sync_run.run_id AND l.change = 'removed'), 0);
        DROP TABLE listed_change;
      `);
    },
  },
  {
    version: 5,
    description: 'Says why an update is expired when the supersedence rule expired it (null: the upstream did)',
    up(db) {
      db.run('ALTER TABLE software_update ADD COLUMN expired_by_rule TEXT');
    },
  },
  {
    version: 6,
    description: 'Sort indexes answer "not removed" themselves, so a deep page of the repository skips rows without reading them',
    up(db) {
      // A page at offset 100,000 stepped over 100,000 index entries and read each one's update row only to see its
      // state (190 ms at 200,000 updates). With the removed flag as the last column the index answers the filter, and
      // the repository orders by (column, removed flag, key): the same order for every filter (12 ms).
      for (const [name, columns] of SORT_INDEXES)
        db.run(`DROP INDEX IF EXISTS ${name}; CREATE INDEX ${name} ON software_update (${columns}, state = 'removed')`);
    },
  },
  {
    version: 7,
    description: "The search index also holds each update's listing facts, so a search's count is one full-text query",
    up(db) {
      // A search matching most of the catalog was counted by copying every match into a table and testing each
      // against the update rows (85 ms at 200,000 updates). With the facts the repository filters on as words of a
      // fourth column, the full-text query counts it alone (26 ms). The words start with a middle dot: a character the
      // search box splits words on, so no search can match or prefix one. They are computed by a view, not stored:
      // the index reads the old ones from the row before it changes (the store unindexes first, as for titles).
      db.run(`
        DROP TABLE update_search;
        CREATE VIEW update_search_source AS
          SELECT update_key AS rowid, title, kb, bulletin,
            '${FACET.classification}' || coalesce(classification_key, 0)
              || CASE deployable WHEN 1 THEN ' ${FACET.deployable}' ELSE '' END
              || CASE state WHEN 'removed' THEN ' ${FACET.removed}' ELSE '' END
              || coalesce(' ${FACET.product}' || replace(product_keys, ',', ' ${FACET.product}'), '') AS facets
          FROM software_update;
        CREATE VIRTUAL TABLE update_search USING fts4(content="update_search_source", title, kb, bulletin, facets);
        INSERT INTO update_search (update_search) VALUES ('rebuild');
      `);
    },
  },
];

/**
 * The words of the search index's facets column (migration 7): a classification or product key follows the first
 * two. Written into the schema's view, so never changed: a new fact is a new migration.
 */
export const FACET = { classification: '\u00b7c', product: '\u00b7p', deployable: '\u00b7d', removed: '\u00b7r' } as const;

/** The repository's sort indexes (name, columns before the removed flag), one per column it sorts by. */
const SORT_INDEXES: ReadonlyArray<readonly [string, string]> = [
  ['software_update_title', 'deployable, title'],
  ['software_update_visible', 'deployable, state'],
  ['software_update_classification', 'classification_key, deployable, title'],
  ['software_update_by_kb', 'deployable, kb_number'],
  ['software_update_by_bulletin', 'deployable, bulletin'],
  ['software_update_by_classification', 'deployable, classification_name'],
  ['software_update_by_products', 'deployable, product_names'],
  ['software_update_by_severity', 'deployable, severity_rank'],
  ['software_update_by_released', 'deployable, released_at'],
  ['software_update_by_revised', 'deployable, revised_at'],
  ['software_update_by_superseded', 'deployable, superseded'],
];

export const LATEST_SCHEMA_VERSION = migrations.reduce((max, m) => Math.max(max, m.version), 0);

export function schemaVersionOf(db: Database): number {
  const rows = db.exec('PRAGMA user_version');
  return Number(rows[0]?.values[0]?.[0] ?? 0);
}

/** Applies every pending migration inside one transaction; returns how many ran. */
export function migrate(db: Database, context: MigrationContext): number {
  const current = schemaVersionOf(db);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return 0;
  inTransactionOn(db, () => {
    for (const migration of pending) {
      migration.up(db, context);
      db.run(`PRAGMA user_version = ${migration.version}`);
    }
  });
  return pending.length;
}
