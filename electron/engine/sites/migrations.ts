import { inflateRawSync } from 'node:zlib';
import type { Database } from 'sql.js';
import type { BlobStore } from './blob-store';
import { inTransaction } from './transaction';

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
    description: 'raw metadata in the blob store; detectoids; per-revision failures; config revisions by run',
    up(db, { blobs }) {
      db.run(`
        ALTER TABLE category ADD COLUMN changed_run INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE detectoid (
          detectoid_id TEXT PRIMARY KEY,
          revision     INTEGER NOT NULL,
          name         TEXT NOT NULL,
          changed_run  INTEGER NOT NULL DEFAULT 0
        );
        -- Where each revision's raw metadata (XML, FileDigestList, file URLs) lies in the blob store.
        CREATE TABLE revision_store (
          update_id   TEXT PRIMARY KEY,
          revision    INTEGER NOT NULL,
          blob_offset INTEGER NOT NULL,
          blob_length INTEGER NOT NULL
        );
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
      // Metadata stored inside the database by schema 2 moves to the blob store (its file URLs were not kept then).
      const moved = db.prepare('SELECT update_id, revision, xml_deflate FROM revision_blob');
      const insert = db.prepare('INSERT INTO revision_store (update_id, revision, blob_offset, blob_length) VALUES (?, ?, ?, ?)');
      try {
        let chunk: Array<{ updateId: string; revision: number; xml: string }> = [];
        const flush = () => {
          const locations = blobs.appendSync(chunk.map((entry) => ({ ...entry, fileDigests: [...entry.xml.matchAll(/Digest="([^"]+)"/g)].map((match) => match[1]!), fileUrls: [] })));
          chunk.forEach((entry, index) => insert.run([entry.updateId, entry.revision, locations[index]!.offset, locations[index]!.length]));
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
        insert.free();
      }
      db.run('DROP TABLE revision_blob');
    },
  },
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
  inTransaction(db, () => {
    for (const migration of pending) {
      migration.up(db, context);
      db.run(`PRAGMA user_version = ${migration.version}`);
    }
  });
  return pending.length;
}
