/** The only ways the engine writes a site database: in one transaction, and inside it, one entry under a savepoint. */
import type { Database } from 'sql.js';
import type { SiteDatabase } from './site-database';

/** Runs `work` in one write transaction: everything it did is kept, or nothing is. */
export function inTransaction<T>(site: SiteDatabase, work: () => T): T {
  return inTransactionOn(site.db, work);
}

export function inTransactionOn<T>(db: Database, work: () => T): T {
  db.run('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.run('COMMIT');
    return result;
  } catch (error) {
    db.run('ROLLBACK');
    throw error;
  }
}

/**
 * Runs `work` inside the open transaction so that a failure undoes its writes alone (a savepoint): one update whose
 * metadata cannot be applied fails by itself, and the rest of its batch commits. Returns the error, or undefined.
 */
export function inSavepoint(site: SiteDatabase, work: () => void): unknown {
  const db = site.db;
  db.run('SAVEPOINT one_entry');
  try {
    work();
    db.run('RELEASE one_entry');
    return undefined;
  } catch (error) {
    db.run('ROLLBACK TO one_entry');
    db.run('RELEASE one_entry');
    return error;
  }
}
