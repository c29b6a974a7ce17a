-- The schema of a site database at version 7 (PRAGMA user_version), as SQLite holds it after every migration
-- (electron/engine/storage/migrations.ts). Generated: npm run schema. A test checks it against a migrated database.

CREATE TABLE "bundle" (
    parent_key INTEGER NOT NULL,
    child_id   TEXT NOT NULL,
    PRIMARY KEY (parent_key, child_id)
  ) WITHOUT ROWID;

CREATE TABLE "category" (
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

CREATE TABLE detectoid (
    detectoid_key INTEGER PRIMARY KEY,
    detectoid_id  TEXT NOT NULL UNIQUE,
    revision      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    changed_run   INTEGER NOT NULL DEFAULT 0,
    blob_offset   INTEGER,
    blob_length   INTEGER
  );

CREATE TABLE pending_revision (
    update_id TEXT PRIMARY KEY,
    revision  INTEGER NOT NULL,
    config    INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    run_id    INTEGER NOT NULL
  );

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

CREATE TABLE site (
    code        TEXT PRIMARY KEY CHECK (length(code) = 3),
    name        TEXT NOT NULL,
    parent_code TEXT,
    created_at  TEXT NOT NULL
  );

CREATE TABLE "software_update" (
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
  , expired_by_rule TEXT);

CREATE TABLE status_message (
    message_id        INTEGER PRIMARY KEY,
    status_id         INTEGER NOT NULL,
    severity          TEXT NOT NULL,
    component         TEXT NOT NULL,
    time              TEXT NOT NULL,
    insertion_strings TEXT NOT NULL
  );

CREATE TABLE "supersedence" (
    superseded_id TEXT NOT NULL,
    update_key    INTEGER NOT NULL,
    PRIMARY KEY (superseded_id, update_key)
  ) WITHOUT ROWID;

CREATE TABLE "sync_change" (
    run_id     INTEGER NOT NULL REFERENCES sync_run (run_id),
    update_key INTEGER NOT NULL,
    change     TEXT NOT NULL CHECK (change IN ('added', 'revised', 'expired', 'removed')),
    PRIMARY KEY (run_id, update_key)
  ) WITHOUT ROWID;

CREATE TABLE sync_failure (
    run_id    INTEGER NOT NULL,
    update_id TEXT NOT NULL,
    revision  INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    PRIMARY KEY (run_id, update_id)
  ) WITHOUT ROWID;

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
  , failed_count INTEGER NOT NULL DEFAULT 0, listed_new INTEGER NOT NULL DEFAULT 0, listed_modified INTEGER NOT NULL DEFAULT 0, listed_expired INTEGER NOT NULL DEFAULT 0, listed_removed INTEGER NOT NULL DEFAULT 0);

CREATE TABLE update_product (
    category_key INTEGER NOT NULL,
    visible      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    update_key   INTEGER NOT NULL,
    PRIMARY KEY (category_key, visible, title, update_key)
  ) WITHOUT ROWID;

CREATE VIRTUAL TABLE update_search USING fts4(content="update_search_source", title, kb, bulletin, facets);

CREATE INDEX software_update_by_bulletin ON software_update (deployable, bulletin, state = 'removed');

CREATE INDEX software_update_by_classification ON software_update (deployable, classification_name, state = 'removed');

CREATE INDEX software_update_by_kb ON software_update (deployable, kb_number, state = 'removed');

CREATE INDEX software_update_by_products ON software_update (deployable, product_names, state = 'removed');

CREATE INDEX software_update_by_released ON software_update (deployable, released_at, state = 'removed');

CREATE INDEX software_update_by_revised ON software_update (deployable, revised_at, state = 'removed');

CREATE INDEX software_update_by_severity ON software_update (deployable, severity_rank, state = 'removed');

CREATE INDEX software_update_by_superseded ON software_update (deployable, superseded, state = 'removed');

CREATE INDEX software_update_classification ON software_update (classification_key, deployable, title, state = 'removed');

CREATE INDEX software_update_classification_count ON software_update (classification_key, deployable, state);

CREATE INDEX software_update_title ON software_update (deployable, title, state = 'removed');

CREATE INDEX software_update_visible ON software_update (deployable, state, state = 'removed');

CREATE INDEX supersedence_by_update ON supersedence (update_key);
