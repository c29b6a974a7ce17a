/**
 * The schema of a site database as one text: every table, index, trigger and view SQLite holds, in a stable order,
 * with the schema version. `schema.sql` beside this file is the snapshot of a database migrated to the latest
 * version; a test compares the two, so the schema can be read in one place and a migration cannot change it unseen.
 */
import { selectRows } from './rows';
import type { SiteDatabase } from './site-database';
import { LATEST_SCHEMA_VERSION } from './migrations';

export function schemaSnapshot(site: SiteDatabase): string {
  const objects = selectRows(
    site.db,
    // The full-text index's own shadow tables are FTS4's, written by its CREATE VIRTUAL TABLE: left out.
    "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'update_search_%' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 1 WHEN 'index' THEN 2 ELSE 3 END, name",
  );
  const statements = objects.map((row) => `${dedented(String(row.sql).trim())};`);
  return [
    `-- The schema of a site database at version ${LATEST_SCHEMA_VERSION} (PRAGMA user_version), as SQLite holds it after every migration`,
    '-- (electron/engine/storage/migrations.ts). Generated: npm run schema. A test checks it against a migrated database.',
    '',
    ...statements.flatMap((statement) => [statement, '']),
  ].join('\n');
}

/** A statement's lines after the first, indented by two spaces however the migration indented them. */
function dedented(sql: string): string {
  const [first = '', ...rest] = sql.split('\n').map((line) => line.replace(/[ \t]+$/, ''));
  const indent = Math.min(...rest.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  return [first, ...rest.map((line) => (line.trim() === '' ? '' : `  ${line.slice(Math.min(indent, line.length - line.trimStart().length))}`))].join('\n');
}
