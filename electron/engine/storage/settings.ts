/** Small JSON values kept in a site database's `setting` table (configuration, anchors, storage bookkeeping). */
import type { Database } from 'sql.js';
import type { SiteDatabase } from './site-database';

export function readSetting<T>(site: SiteDatabase, key: string): T | undefined {
  return readSettingIn<T>(site.db, key);
}

/** Writes (or, for undefined, deletes) a setting, in the caller's transaction. */
export function writeSetting(site: SiteDatabase, key: string, value: unknown): void {
  writeSettingIn(site.db, key, value);
}

/** The same on a bare connection (the storage modules that work before a SiteDatabase exists: migrations, opening). */
export function readSettingIn<T>(db: Database, key: string): T | undefined {
  const statement = db.prepare('SELECT value FROM setting WHERE key = ?');
  try {
    statement.bind([key]);
    return statement.step() ? (JSON.parse(String(statement.get()[0])) as T) : undefined;
  } finally {
    statement.free();
  }
}

export function writeSettingIn(db: Database, key: string, value: unknown): void {
  if (value === undefined) db.run('DELETE FROM setting WHERE key = ?', [key]);
  else db.run('INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, JSON.stringify(value)]);
}
