import type { Database } from 'sql.js';

/** Runs `work` in one write transaction: everything it did is kept, or nothing is. */
export function inTransaction<T>(db: Database, work: () => T): T {
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
