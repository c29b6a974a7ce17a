import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import type { Database, SqlJsStatic } from 'sql.js';
import type { SiteCode } from '../../../shared/domain';
import { writeFileAtomic } from './atomic-file';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersionOf } from './migrations';
import { findSqliteFileProblem } from './sqlite-file-check';
import { readSetting, writeSetting } from './settings';
import { inTransaction } from './transaction';
import { JournalReplayError, replayJournal, WriteJournal } from './write-journal';

/** Counts whole-file saves; the journal's lines name the generation they apply on top of. */
const GENERATION_KEY = 'storage.generation';

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
  private journal: WriteJournal | undefined;

  private constructor(
    readonly file: string,
    readonly db: Database,
  ) {}

  get journalFile(): string {
    return `${this.file}.journal`;
  }

  private get generation(): number {
    return readSetting<number>(this.db, GENERATION_KEY) ?? 0;
  }

  /** From here on, small saves go to the journal (see WriteJournal). */
  private attachJournal(): void {
    this.journal = new WriteJournal(this.db, this.journalFile, () => this.generation);
  }

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
    site.attachJournal();
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
    // The journal holds saves made on top of this file (on its schema): replayed before any migration.
    try {
      replayJournal(db, site.journalFile, site.generation);
    } catch (error) {
      if (!(error instanceof JournalReplayError)) throw error;
      const aside = `${site.journalFile}.unapplied-${Date.now()}`;
      renameSync(site.journalFile, aside);
      console.warn(`${file}: ${error.message}; the database was opened as of the save before it, the journal kept as ${aside}.`);
      site.save();
    }
    if (migrate(db) > 0) site.save();
    if (site.readIdentity() === undefined) {
      db.close();
      throw new SiteDatabaseDamagedError(file, 'it holds no site identity row');
    }
    site.attachJournal();
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

  /**
   * Persists what was written since the last save: nothing when nothing was, a journal line when only a few plain
   * statements were, otherwise the whole file (atomically, the previous version kept as `.bak`).
   */
  save(): void {
    if (this.journal !== undefined && (this.journal.clean || this.journal.tryAppend())) return;
    this.saveWhole();
  }

  /** Writes the whole database to disk atomically (the journal's saves included), keeping the previous version as `.bak`. */
  saveWhole(): void {
    writeSetting(this.db, GENERATION_KEY, this.generation + 1);
    writeFileAtomic(this.file, this.db.export(), { keepBackup: true });
    // The new file holds every journaled save; a crash before this line leaves a journal of the older generation, which is skipped.
    if (this.journal !== undefined) this.journal.discard();
    else rmSync(this.journalFile, { force: true });
  }

  /** Folds the journal into the file, so the file alone holds everything (before it is moved or handed over). */
  flush(): void {
    if (this.journal?.hasLines === true || !(this.journal?.clean ?? true)) this.saveWhole();
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
