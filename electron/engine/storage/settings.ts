import type { Database } from 'sql.js';

/** Small JSON values kept in a site database's setting table (configuration, anchors). */
export function readSetting<T>(db: Database, key: string): T | undefined {
  const statement = db.prepare('SELECT value FROM setting WHERE key = ?');
  try {
    statement.bind([key]);
    return statement.step() ? (JSON.parse(String(statement.get()[0])) as T) : undefined;
  } finally {
    statement.free();
  }
}

export function writeSetting(db: Database, key: string, value: unknown): void {
  if (value === undefined) db.run('DELETE FROM setting WHERE key = ?', [key]);
  else db.run('INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, JSON.stringify(value)]);
}
