import { existsSync, readFileSync } from 'node:fs';
import type { Database, SqlJsStatic } from 'sql.js';
import type { SiteCode } from '../../../shared/domain';
import { writeFileAtomic } from './atomic-file';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersionOf } from './migrations';
import { findSqliteFileProblem } from './sqlite-file-check';
import { inTransaction } from './transaction';

export interface SiteIdentity {
  code: SiteCode;
  name: string;
  parentCode: SiteCode | null;
  createdAt: string;
}

/** A site database file that cannot be used. The file itself is never modified or replaced. */
export class SiteDatabaseDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`The site database ${file} cannot be opened: ${reason}. The file was left untouched.`);
    this.name = 'SiteDatabaseDamagedError';
  }
}

/** One site's sql.js database, held in memory by the engine and persisted with atomic writes. */
export class SiteDatabase {
  private constructor(
    readonly file: string,
    readonly db: Database,
  ) {}

  static create(sql: SqlJsStatic, file: string, identity: SiteIdentity): SiteDatabase {
    if (existsSync(file)) throw new Error(`Refusing to create ${file}: a file of that name already exists.`);
    const db = new sql.Database();
    prepareConnection(db);
    migrate(db);
    inTransaction(db, () => {
      db.run('INSERT INTO site (code, name, parent_code, created_at) VALUES (?, ?, ?, ?)', [
        identity.code,
        identity.name,
        identity.parentCode,
        identity.createdAt,
      ]);
    });
    const site = new SiteDatabase(file, db);
    site.save();
    return site;
  }

  static open(sql: SqlJsStatic, file: string): SiteDatabase {
    const bytes = readFileSync(file);
    const problem = findSqliteFileProblem(bytes);
    if (problem !== undefined) throw new SiteDatabaseDamagedError(file, problem);
    let db: Database;
    try {
      db = new sql.Database(bytes);
      const check = String(db.exec('PRAGMA quick_check')[0]?.values[0]?.[0] ?? '');
      if (check !== 'ok') throw new Error(check || 'integrity check returned nothing');
    } catch (error) {
      throw new SiteDatabaseDamagedError(file, `SQLite reports ${describe(error)}`);
    }
    const version = schemaVersionOf(db);
    if (version > LATEST_SCHEMA_VERSION) {
      db.close();
      throw new SiteDatabaseDamagedError(
        file,
        `it was written by a newer version of Update Sync Console (schema ${version}, this version knows ${LATEST_SCHEMA_VERSION})`,
      );
    }
    prepareConnection(db);
    const site = new SiteDatabase(file, db);
    if (migrate(db) > 0) site.save();
    if (site.readIdentity() === undefined) {
      db.close();
      throw new SiteDatabaseDamagedError(file, 'it holds no site identity row');
    }
    return site;
  }

  get schemaVersion(): number {
    return schemaVersionOf(this.db);
  }

  readIdentity(): SiteIdentity | undefined {
    const rows = this.db.exec('SELECT code, name, parent_code, created_at FROM site LIMIT 1');
    const row = rows[0]?.values[0];
    if (row === undefined) return undefined;
    return {
      code: String(row[0]),
      name: String(row[1]),
      parentCode: row[2] === null ? null : String(row[2]),
      createdAt: String(row[3]),
    };
  }

  /** Writes the whole database to disk atomically, keeping the previous version as `.bak`. */
  save(): void {
    writeFileAtomic(this.file, this.db.export(), { keepBackup: true });
  }

  close(): void {
    this.db.close();
  }
}

function prepareConnection(db: Database): void {
  db.run('PRAGMA foreign_keys = ON');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
