import type { Database } from 'sql.js';
import { inTransaction } from './transaction';

/**
 * Versioned schema of a site database. `PRAGMA user_version` holds the number of migrations applied;
 * a migration is never edited once released: add a new one instead.
 */
export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
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
];

export const LATEST_SCHEMA_VERSION = migrations.reduce((max, m) => Math.max(max, m.version), 0);

export function schemaVersionOf(db: Database): number {
  const rows = db.exec('PRAGMA user_version');
  return Number(rows[0]?.values[0]?.[0] ?? 0);
}

/** Applies every pending migration inside one transaction; returns how many ran. */
export function migrate(db: Database): number {
  const current = schemaVersionOf(db);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return 0;
  inTransaction(db, () => {
    for (const migration of pending) {
      migration.up(db);
      db.run(`PRAGMA user_version = ${migration.version}`);
    }
  });
  return pending.length;
}
