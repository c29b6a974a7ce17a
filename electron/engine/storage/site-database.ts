/**
 * One site's database: the sql.js database the engine queries (held in memory, persisted with atomic writes and a
 * journal of small saves), and beside it the blob store holding each revision's raw metadata.
 */
import { constants, copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import type { Database, SqlJsStatic } from 'sql.js';
import type { SiteCode } from '../../../shared/domain';
import { writeFileAtomic } from './atomic-file';
import { BlobStore } from './blob-store';
import { buildDeferredIndexes, deferredIndexes, updateCount } from './deferred-indexes';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersionOf } from './migrations';
import { SiteSaveError } from './save-error';
import { findSqliteFileProblem } from './sqlite-file-check';
import { readSettingIn, writeSettingIn } from './settings';
import { inTransactionOn } from './transaction';
import { cutTornTail, JournalDamagedError, replayJournal, WriteJournal } from './write-journal';
import { checksumFileOf, checksumOf, recordChecksums, recordedChecksums } from './file-checksum';

/** Counts whole-file saves; the journal's lines name the generation they apply on top of. */
const GENERATION_KEY = 'storage.generation';
/** Which blob store file the rows point into (compaction writes a new one). */
const BLOB_GENERATION_KEY = 'storage.blobGeneration';

/** At rest, a journal past this is folded into the file, so opening a site replays little. */
export const JOURNAL_LIMIT_AT_REST = 8 * 1024 * 1024;
/**
 * At rest, a journal whose statements took longer than this to run is folded into the file too: a few kilobytes can
 * hold a statement that reads every update (supersedence after a delta), and each later open, every read-only
 * command included, would replay it.
 */
export const REPLAY_BUDGET_AT_REST_MS = 100;
/**
 * During a synchronization, batches are journaled up to this before a whole-file checkpoint: each checkpoint exports
 * the whole database (a second copy in memory, seconds at catalog scale), and a journal is only ever replayed after
 * a crash.
 */
export const JOURNAL_LIMIT_DURING_SYNC = 256 * 1024 * 1024;

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
    /** The file itself is whole and the damage is in its journal: the saves before the damage, all readable. */
    readonly journalStart?: { saves: number; bytes: number },
  ) {
    super(`The site database ${file} cannot be opened: ${reason}. The file was left untouched.`);
    this.name = 'SiteDatabaseDamagedError';
  }
}

export class SiteDatabase {
  private journal: WriteJournal | undefined;
  private blobStore: BlobStore | undefined;
  /** What opening the database mended (a torn journal tail): the engine writes it to the site's log. */
  readonly repairs: string[] = [];
  /** The checksum of the file on disk (what the next whole save records as the one it replaces). */
  private diskChecksum: string | undefined;

  private constructor(
    readonly file: string,
    readonly db: Database,
  ) {}

  get journalFile(): string {
    return `${this.file}.journal`;
  }

  /** The blob store the rows point into. */
  get blobs(): BlobStore {
    if (this.blobStore === undefined) throw new Error(`The blob store of ${this.file} is not open.`);
    return this.blobStore;
  }

  get blobGeneration(): number {
    return readSettingIn<number>(this.db, BLOB_GENERATION_KEY) ?? 1;
  }

  static blobFileOf(file: string, generation: number): string {
    return `${file}.blobs.${generation}`;
  }

  private get generation(): number {
    return readSettingIn<number>(this.db, GENERATION_KEY) ?? 0;
  }

  static create(sql: SqlJsStatic, file: string, identity: SiteIdentity): SiteDatabase {
    if (existsSync(file)) throw new Error(`Refusing to create ${file}: a file of that name already exists.`);
    const db = new sql.Database();
    prepareConnection(db);
    const site = new SiteDatabase(file, db);
    site.openBlobs(1);
    migrate(db, { blobs: site.blobs });
    inTransactionOn(db, () => {
      db.run('INSERT INTO site (code, name, parent_code, created_at) VALUES (?, ?, ?, ?)', [
        identity.code,
        identity.name,
        identity.parentCode,
        identity.createdAt,
      ]);
    });
    site.saveWhole();
    site.attachJournal(0);
    return site;
  }

  /** `onUpgrade` is told before a database of an earlier schema is upgraded (at catalog scale that takes seconds). */
  static open(sql: SqlJsStatic, file: string, onUpgrade?: UpgradeNotice): SiteDatabase {
    const bytes = readFileSync(file);
    const problem = findSqliteFileProblem(bytes);
    if (problem !== undefined) throw new SiteDatabaseDamagedError(file, problem);
    // Before anything is read from it (and long before anything could be written back): the file is the one saved.
    const checksum = checksumOf(bytes);
    const recorded = recordedChecksums(file);
    if (recorded !== undefined && !recorded.includes(checksum)) {
      throw new SiteDatabaseDamagedError(
        file,
        `its content changed on disk after it was saved (its checksum is ${checksum}, ${checksumFileOf(file)} recorded ${recorded.join(' or ')}): a disk error or another program altered it, and none of it is used`,
      );
    }
    let db: Database;
    let version: number;
    try {
      db = new sql.Database(bytes);
      // The header checks above catch a truncated or foreign file; a full integrity check reads every page (seconds
      // at catalog scale), so it is the pre-flight check's job (usc doctor), not every open's.
      version = schemaVersionOf(db);
      db.exec('SELECT count(*) FROM sqlite_schema');
    } catch (error) {
      throw new SiteDatabaseDamagedError(file, `SQLite reports ${describe(error)}`);
    }
    if (version > LATEST_SCHEMA_VERSION) {
      db.close();
      throw new SiteDatabaseDamagedError(
        file,
        `it was written by a newer version of Update Sync Console (schema ${version}, this version knows ${LATEST_SCHEMA_VERSION})`,
      );
    }
    if (recorded === undefined) {
      // Written by a release that kept no checksum: SQLite's own check, once, before the first one is recorded.
      const problems = quickCheckProblems(db);
      if (problems.length > 0) {
        db.close();
        throw new SiteDatabaseDamagedError(file, `SQLite's check finds ${problems.slice(0, 3).join('; ')}`);
      }
      recordChecksums(file, [checksum]);
    }
    prepareConnection(db);
    const site = new SiteDatabase(file, db);
    site.diskChecksum = checksum;
    // The journal holds saves made on top of this file (on its schema): replayed before any migration.
    let lastSeq: number;
    let tornBytes: number;
    const replayStarted = performance.now();
    try {
      ({ lastSeq, tornBytes } = replayJournal(db, site.journalFile, site.generation));
    } catch (error) {
      db.close();
      if (error instanceof JournalDamagedError) {
        throw new SiteDatabaseDamagedError(
          file,
          `${error.reason}; the journal ${site.journalFile} holds saves that cannot be applied, and it was left untouched`,
          error.intact,
        );
      }
      throw error;
    }
    const replayedMs = performance.now() - replayStarted;
    site.openBlobs(site.blobGeneration);
    // A sync that set the repository's indexes aside was stopped before it built them: built now, on the schema they
    // were defined on, before any migration.
    const deferred = version > 0 ? deferredIndexes(site) : undefined;
    if (deferred !== undefined) {
      onUpgrade?.({ file, indexUpdates: updateCount(site) });
      buildDeferredIndexes(site);
    }
    if (version < LATEST_SCHEMA_VERSION) onUpgrade?.({ file, from: version, to: LATEST_SCHEMA_VERSION });
    const migrated = migrate(db, { blobs: site.blobs }) > 0;
    // A migration that moved data out of the database leaves free pages: give them back before the whole save.
    if (migrated) db.run('VACUUM');
    if (migrated || deferred !== undefined) {
      site.saveWhole();
      lastSeq = 0;
    }
    if (site.readIdentity() === undefined) {
      site.close();
      throw new SiteDatabaseDamagedError(file, 'it holds no site identity row');
    }
    if (tornBytes > 0) {
      // A crash while appending left part of a line that was never saved: cut off, or the next append would join it
      // and the joined line fail its checksum at the next open.
      cutTornTail(site.journalFile, tornBytes);
      site.repairs.push(
        `Cut a torn last entry (${tornBytes} bytes) off the journal ${site.journalFile}: a crash interrupted its save, which had not been confirmed; every confirmed save (${lastSeq}) was applied.`,
      );
    }
    site.attachJournal(lastSeq, lastSeq === 0 ? 0 : replayedMs);
    return site;
  }

  get schemaVersion(): number {
    return schemaVersionOf(this.db);
  }

  readIdentity(): SiteIdentity | undefined {
    const rows = this.db.exec('SELECT code, name, parent_code, created_at FROM site LIMIT 1');
    const row = rows[0]?.values[0];
    if (row === undefined) return undefined;
    return { code: String(row[0]), name: String(row[1]), parentCode: row[2] === null ? null : String(row[2]), createdAt: String(row[3]) };
  }

  /**
   * Persists what was written since the last save: nothing when nothing was, a journal line when the journal can
   * hold it and stays under `journalLimit`, otherwise the whole file (atomically, the previous version kept as
   * `.bak`). A SiteSaveError (naming the file and the reason) when it could not be written; what is on disk is
   * then as it was before.
   */
  save(when: 'at-rest' | 'during-sync' = 'at-rest'): void {
    const journal = this.journal;
    try {
      if (journal !== undefined && journal.clean) return;
      if (journal !== undefined && journal.tryAppend(when === 'at-rest' ? JOURNAL_LIMIT_AT_REST : JOURNAL_LIMIT_DURING_SYNC)) {
        if (when === 'during-sync' || journal.replayCostMs <= this.replayBudgetMs) return;
      }
    } catch (error) {
      throw new SiteSaveError(this.journalFile, error);
    }
    this.saveWhole();
  }

  /** Past this, a journal is folded into the file at rest (REPLAY_BUDGET_AT_REST_MS; tests change it). */
  replayBudgetMs = REPLAY_BUDGET_AT_REST_MS;

  /** About what replaying the journal costs the next open (0 without one). */
  get journalReplayCostMs(): number {
    return this.journal?.replayCostMs ?? 0;
  }

  /** Writes the whole database to disk atomically (the journal's saves included), keeping the previous version as `.bak`. */
  saveWhole(): void {
    const previous = this.generation;
    writeSettingIn(this.db, GENERATION_KEY, previous + 1);
    try {
      const bytes = this.db.export();
      const checksum = checksumOf(bytes);
      try {
        recordChecksums(this.file, this.diskChecksum === undefined ? [checksum] : [this.diskChecksum, checksum]);
        writeFileAtomic(this.file, bytes, { keepBackup: true });
        // The file replaced is the backup now (kept by a link): its checksum goes with it, to check it before a restore,
        // and the journal of an earlier backup no longer belongs to it.
        if (this.diskChecksum !== undefined) recordChecksums(`${this.file}.bak`, [this.diskChecksum]);
        rmSync(`${this.file}.bak.journal`, { force: true });
        recordChecksums(this.file, [checksum]);
        this.diskChecksum = checksum;
      } finally {
        releaseNow(bytes);
      }
    } catch (error) {
      // The file on disk is still the previous generation: the journal lines written for it stay valid.
      writeSettingIn(this.db, GENERATION_KEY, previous);
      throw new SiteSaveError(this.file, error);
    }
    // The new file holds every journaled save; a crash before this line leaves a journal of the older generation, which is skipped.
    if (this.journal !== undefined) this.journal.discard();
    else rmSync(this.journalFile, { force: true });
  }

  /**
   * After a synchronization that changed the site: a copy of the file and of its journal kept as the backup
   * (`.bak` and `.bak.journal`, the file's checksum with it), so a restore puts back the state of the last
   * synchronization, not whatever the last whole save happened to be (after a first sync, that was the empty
   * database). Copies, not links: a byte damaged in the file on disk must not be damaged in its backup too. The
   * journal is copied as it is (the saves stay journaled; nothing is written whole for it).
   */
  snapshot(): void {
    const backup = `${this.file}.bak`;
    const copies: Array<[string, string]> = [
      [this.file, backup],
      [this.journalFile, `${backup}.journal`],
    ];
    try {
      for (const [from, to] of copies) {
        const temp = `${to}.tmp-${process.pid}`;
        if (!existsSync(from)) {
          rmSync(to, { force: true });
          continue;
        }
        copyFileSync(from, temp, constants.COPYFILE_FICLONE);
        renameSync(temp, to);
      }
      if (this.diskChecksum !== undefined) recordChecksums(backup, [this.diskChecksum]);
    } catch (error) {
      for (const [, to] of copies) rmSync(`${to}.tmp-${process.pid}`, { force: true });
      throw new SiteSaveError(backup, error);
    }
  }

  /** Folds the journal into the file, so the file alone holds everything (before it is moved or handed over). */
  flush(): void {
    if (this.journal?.hasLines === true || !(this.journal?.clean ?? true)) this.saveWhole();
  }

  /** Points the rows at a new blob store generation (compaction), in the caller's transaction. */
  switchBlobGeneration(generation: number, store: BlobStore): BlobStore {
    writeSettingIn(this.db, BLOB_GENERATION_KEY, generation);
    const old = this.blobStore;
    this.blobStore = store;
    return old!;
  }

  close(): void {
    this.blobStore?.close();
    this.blobStore = undefined;
    this.db.close();
  }

  /** From here on, saves go to the journal when they can (see WriteJournal). */
  private attachJournal(lastSeq: number, replayedMs = 0): void {
    this.journal = new WriteJournal(this.db, this.journalFile, () => this.generation, lastSeq, replayedMs);
  }

  /** Opens the blob store the rows point into; removes stores of other generations a crashed compaction left. */
  private openBlobs(current: number): void {
    const prefix = `${basename(this.file)}.blobs.`;
    for (const name of readdirSync(dirname(this.file))) {
      if (!name.startsWith(prefix)) continue;
      const generation = Number(name.slice(prefix.length));
      // The generation before stays, so the `.bak` of the database can still be used.
      if (Number.isInteger(generation) && generation !== current && generation !== current - 1) rmSync(join(dirname(this.file), name), { force: true });
    }
    const file = SiteDatabase.blobFileOf(this.file, current);
    const missing = !existsSync(file);
    this.blobStore = BlobStore.open(file);
    if (!missing) return;
    // Made again (the next records need a file), but never in silence when rows point into the one that was there.
    // (A new database has no table yet, one of a schema before the blob store no column: nothing points anywhere.)
    let pointing = 0;
    try {
      pointing = Number(this.db.exec('SELECT count(*) FROM software_update WHERE blob_offset IS NOT NULL')[0]?.values[0]?.[0] ?? 0);
    } catch {
      pointing = 0;
    }
    if (pointing > 0) {
      this.repairs.push(
        `The blob store ${file} was missing: the stored metadata of ${pointing.toLocaleString('en-US')} updates is gone (their rows are kept); the next synchronization fetches it again from the upstream server. Until then they cannot be served to child sites or exported.`,
      );
    }
  }
}

/**
 * A site database about to be upgraded from one schema version to another, or about to have the repository's indexes
 * built (a sync that set them aside was stopped first): seconds at catalog scale, before the site is served.
 */
export type UpgradeNotice = (upgrade: { file: string; from: number; to: number } | { file: string; indexUpdates: number }) => void;

function prepareConnection(db: Database): void {
  db.run('PRAGMA foreign_keys = ON');
  // The database lives in memory and reaches the disk through the journal and whole-file saves, never through
  // SQLite's own rollback journal: keep that in memory (a ROLLBACK still works) instead of writing every page twice.
  db.exec('PRAGMA journal_mode = MEMORY');
}

/**
 * Frees an exported copy of the database now. Left to the garbage collector, the copy of one checkpoint was still
 * held when the next was exported: at 500,000 updates two 634 MiB copies at once, a peak of 2.5 GiB. Transferring
 * the buffer into a channel that is closed at once hands its memory back without waiting for a collection.
 */
function releaseNow(bytes: Uint8Array): void {
  const { port1, port2 } = new MessageChannel();
  try {
    if (bytes.buffer instanceof ArrayBuffer) port1.postMessage(null, [bytes.buffer]);
  } catch {
    // Not transferable (a view of WebAssembly memory): the collector frees it as before.
  } finally {
    port1.close();
    port2.close();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `PRAGMA quick_check`: the problems SQLite finds in the pages' structure (none: []). */
function quickCheckProblems(db: Database): string[] {
  try {
    const answer = db.exec('PRAGMA quick_check')[0]?.values.map((row) => String(row[0])) ?? [];
    return answer.join() === 'ok' ? [] : answer;
  } catch (error) {
    return [describe(error)];
  }
}
