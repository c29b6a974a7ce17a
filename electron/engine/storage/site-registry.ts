import { copyFileSync, existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { TOP_LEVEL_SITE, type Site, type SiteCode } from '../../../shared/domain';
import { inTransaction } from './transaction';
import { ApiError } from '../../../shared/errors';
import { removeLeftoverTempFiles } from './atomic-file';
import { SiteDatabase, SiteDatabaseDamagedError, type UpgradeNotice } from './site-database';
import { previewBackup, type BackupPreview } from './backup-preview';
import { blobDamageOf, describeBlobDamage } from './blob-damage';
import { keepJournalStart } from './write-journal';

/** Opening without a damaged journal's unreadable tail: what it keeps and what it sets aside. */
export interface JournalStartPreview {
  saves: number;
  keeps: string[];
  setsAside: string[];
}

const DATABASE_SUFFIX = '.sqlite';

type Entry =
  | { kind: 'open'; database: SiteDatabase }
  | {
      kind: 'damaged';
      code: SiteCode;
      file: string;
      reason: string;
      restorable?: boolean;
      /** The damage is in the journal: the saves before it can be kept ("open without the unreadable tail"). */
      journalStart?: { saves: number; bytes: number };
    };

/**
 * The sites of this data folder. Each site database names its own site, so the folder of databases is the
 * registry: there is no second list that could disagree with it.
 */
export class SiteRegistry {
  private readonly entries = new Map<SiteCode, Entry>();

  private constructor(
    private readonly sql: SqlJsStatic,
    private readonly sitesDir: string,
    private readonly onUpgrade?: UpgradeNotice,
  ) {}

  /**
   * Opens every site database; on first start creates the top-level site CEN - Central Site. `onUpgrade` is told
   * before a database of an earlier schema is upgraded.
   */
  static load(sql: SqlJsStatic, sitesDir: string, now: Date = new Date(), onUpgrade?: UpgradeNotice): SiteRegistry {
    const registry = new SiteRegistry(sql, sitesDir, onUpgrade);
    removeLeftoverTempFiles(sitesDir);
    const names = readdirSync(sitesDir);
    const files = names.filter((name) => name.endsWith(DATABASE_SUFFIX));
    for (const name of files.sort()) registry.openFile(join(sitesDir, name));
    // A database that is gone while its backup (or journal) is still there was lost, not never made: report it, and
    // never create an empty one in its place (that would make the next save replace the backup).
    for (const name of names.filter((candidate) => candidate.endsWith(`${DATABASE_SUFFIX}.bak`) || candidate.endsWith(`${DATABASE_SUFFIX}.journal`))) {
      const file = join(sitesDir, name.replace(/\.(bak|journal)$/, ''));
      const code = basename(file, DATABASE_SUFFIX).toUpperCase();
      if (existsSync(file) || registry.entries.has(code)) continue;
      const backup = existsSync(`${file}.bak`)
        ? ` Its previous version ${file}.bak (saved ${statSync(`${file}.bak`).mtime.toISOString()}) is there: "usc site restore --site ${code}" shows what it holds, and restores it with --yes.`
        : '';
      registry.entries.set(code, {
        kind: 'damaged',
        code,
        file,
        reason: `the database file is missing.${backup === '' ? ' Only its journal is left.' : backup}`,
        restorable: backup !== '',
      });
    }
    if (registry.entries.size === 0) {
      registry.createSite({ code: TOP_LEVEL_SITE.code, name: TOP_LEVEL_SITE.name, parentCode: null }, now);
    }
    return registry;
  }

  fileFor(code: SiteCode): string {
    return join(this.sitesDir, `${code}${DATABASE_SUFFIX}`);
  }

  createSite(site: { code: SiteCode; name: string; parentCode: SiteCode | null }, now: Date = new Date()): SiteDatabase {
    const file = this.fileFor(site.code);
    if (this.entries.has(site.code) || existsSync(file)) {
      throw new ApiError('BAD_REQUEST', `A site with code ${site.code} already exists.`);
    }
    const database = SiteDatabase.create(this.sql, file, { ...site, createdAt: now.toISOString() });
    this.entries.set(site.code, { kind: 'open', database });
    return database;
  }

  /** Takes a site out of the registry; its database file is moved aside (never deleted). */
  removeSite(code: SiteCode, now: Date = new Date()): string {
    const entry = this.entries.get(code);
    if (entry === undefined) throw new ApiError('NOT_FOUND', `There is no site with code ${code}.`);
    const file = entry.kind === 'open' ? entry.database.file : entry.file;
    if (entry.kind === 'open') {
      entry.database.flush();
      entry.database.close();
    }
    const aside = `${file}.removed-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, aside);
    // Its journal, the journal's mark and its checksum go with it.
    for (const suffix of ['.journal', '.journal-seq', '.sum']) if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${aside}${suffix}`);
    // The blob stores go with it (the database points into them).
    for (const name of readdirSync(dirname(file)).filter((candidate) => candidate.startsWith(`${basename(file)}.blobs.`))) {
      renameSync(join(dirname(file), name), `${aside}${name.slice(basename(file).length)}`);
    }
    this.entries.delete(code);
    return aside;
  }

  list(): Site[] {
    return [...this.entries.values()].map(describeEntry).sort((a, b) => a.code.localeCompare(b.code));
  }

  get(code: SiteCode): Site {
    const entry = this.entries.get(code);
    if (entry === undefined) throw new ApiError('NOT_FOUND', `There is no site with code ${code}.`);
    return describeEntry(entry);
  }

  /** The top-level site above a site (the site itself when it has no parent). */
  topLevelOf(code: SiteCode): SiteCode {
    let current = this.get(code);
    while (current.parentCode !== null) current = this.get(current.parentCode);
    return current.code;
  }

  /** Renames a site or moves it under another parent (its own database holds both). */
  editSite(code: SiteCode, changes: { name?: string; parentCode?: SiteCode }): void {
    const database = this.database(code);
    inTransaction(database, () => {
      if (changes.name !== undefined) database.db.run('UPDATE site SET name = ?', [changes.name]);
      if (changes.parentCode !== undefined) database.db.run('UPDATE site SET parent_code = ?', [changes.parentCode]);
    });
    database.save();
  }

  /** The open database of a site, or an error that says why it cannot be used. */
  database(code: SiteCode): SiteDatabase {
    const entry = this.entries.get(code);
    if (entry === undefined) throw new ApiError('NOT_FOUND', `There is no site with code ${code}.`);
    if (entry.kind === 'damaged') throw new ApiError('SITE_DAMAGED', damagedMessage(entry));
    return entry.database;
  }

  /**
   * What restoring a damaged site would put back and set aside (nothing is changed): the backup, and for damage in
   * the journal, first, opening without its unreadable tail.
   */
  restorePreview(code: SiteCode): { preview: BackupPreview | undefined; discards: string[]; journalStart: JournalStartPreview | undefined } {
    const entry = this.entries.get(code);
    if (entry === undefined) throw new ApiError('NOT_FOUND', `There is no site with code ${code}.`);
    if (entry.kind === 'open') throw new ApiError('NOT_ALLOWED', `The site database of ${code} is not damaged; there is nothing to restore.`);
    const preview = previewBackup(this.sql, `${entry.file}.bak`);
    const journalStart =
      entry.journalStart === undefined
        ? undefined
        : { saves: entry.journalStart.saves, keeps: [entry.file, `${entry.file}.journal`], setsAside: [`${entry.file}.journal`] };
    if (preview === undefined && journalStart === undefined)
      throw new ApiError('NOT_ALLOWED', `The site database of ${code} has no previous version (${entry.file}.bak) to restore.`);
    const discards = [entry.file, `${entry.file}.journal`].filter((file) => existsSync(file));
    return { preview, discards, journalStart };
  }

  /**
   * Opens a site whose journal is damaged without its unreadable tail: the database file (whole: it passed its
   * checks) and every complete save before the damage are kept; the journal as it was is set aside (never deleted),
   * and the whole database is saved at once, so the site no longer depends on it.
   */
  openWithoutJournalTail(code: SiteCode, now: Date = new Date()): { keptSaves: number; keptAside: string[] } {
    const entry = this.entries.get(code);
    if (entry === undefined) throw new ApiError('NOT_FOUND', `There is no site with code ${code}.`);
    if (entry.kind === 'open') throw new ApiError('NOT_ALLOWED', `The site database of ${code} is not damaged; there is nothing to restore.`);
    if (entry.journalStart === undefined)
      throw new ApiError(
        'NOT_ALLOWED',
        `The damage of ${code} is not in its journal: restore the previous version (usc site restore --site ${code} --from-backup).`,
      );
    const journal = `${entry.file}.journal`;
    const aside = `${journal}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
    keepJournalStart(journal, entry.journalStart.bytes, aside);
    try {
      const database = SiteDatabase.open(this.sql, entry.file, this.onUpgrade);
      database.flush();
      this.entries.set(code, { kind: 'open', database });
    } catch (error) {
      if (!(error instanceof SiteDatabaseDamagedError)) throw error;
      this.entries.set(code, { kind: 'damaged', code, file: entry.file, reason: `${error.reason} (after setting the journal's tail aside)` });
      throw new ApiError('SITE_DAMAGED', `The site database of ${code} cannot be opened without its journal's tail either: ${error.reason}.`);
    }
    return { keptSaves: entry.journalStart.saves, keptAside: [aside, ...(existsSync(`${aside}-seq`) ? [`${aside}-seq`] : [])] };
  }

  /**
   * Puts a damaged site's previous version (`.bak`) back: the damaged file and the journal (which belongs to the
   * damaged file, not to the backup) are moved aside, never deleted, and the backup itself is kept.
   */
  restoreSite(code: SiteCode, now: Date = new Date()): { restoredFrom: string; keptAside: string[] } {
    const entry = this.entries.get(code);
    if (entry === undefined) throw new ApiError('NOT_FOUND', `There is no site with code ${code}.`);
    if (entry.kind === 'open') throw new ApiError('NOT_ALLOWED', `The site database of ${code} is not damaged; there is nothing to restore.`);
    const backup = `${entry.file}.bak`;
    if (!existsSync(backup)) throw new ApiError('NOT_ALLOWED', `The site database of ${code} has no previous version (${backup}) to restore.`);
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    const keptAside: string[] = [];
    // The checksum and the journal's mark describe the damaged file, not the backup: aside with it.
    for (const file of [entry.file, `${entry.file}.journal`, `${entry.file}.journal-seq`, `${entry.file}.sum`]) {
      if (!existsSync(file)) continue;
      const aside = `${file}.damaged-${stamp}`;
      renameSync(file, aside);
      keptAside.push(aside);
    }
    copyFileSync(backup, entry.file);
    // The saves journaled on top of the backup when it was taken come back with it.
    if (existsSync(`${backup}.journal`)) copyFileSync(`${backup}.journal`, `${entry.file}.journal`);
    try {
      const database = SiteDatabase.open(this.sql, entry.file, this.onUpgrade);
      this.entries.set(code, { kind: 'open', database });
    } catch (error) {
      if (!(error instanceof SiteDatabaseDamagedError)) throw error;
      this.entries.set(code, { kind: 'damaged', code, file: entry.file, reason: `${error.reason} (after restoring ${backup})` });
      throw new ApiError('SITE_DAMAGED', `The previous version ${backup} cannot be opened either: ${error.reason}.`);
    }
    return { restoredFrom: backup, keptAside };
  }

  close(): void {
    for (const entry of this.entries.values()) if (entry.kind === 'open') entry.database.close();
    this.entries.clear();
  }

  private openFile(file: string): void {
    const fileCode = basename(file, DATABASE_SUFFIX).toUpperCase();
    try {
      const database = SiteDatabase.open(this.sql, file, this.onUpgrade);
      const identity = database.readIdentity();
      const code = identity?.code ?? fileCode;
      this.entries.set(code, { kind: 'open', database });
    } catch (error) {
      if (!(error instanceof SiteDatabaseDamagedError)) throw error;
      this.entries.set(fileCode, {
        kind: 'damaged',
        code: fileCode,
        file,
        reason: error.reason,
        ...(error.journalStart === undefined ? {} : { journalStart: error.journalStart }),
      });
    }
  }
}

function damagedMessage(entry: { file: string; reason: string; code?: string; restorable?: boolean; journalStart?: { saves: number } }): string {
  if (entry.restorable !== undefined) return `The site database ${entry.file} cannot be opened: ${entry.reason}`;
  const backup = `${entry.file}.bak`;
  const code = basename(entry.file, DATABASE_SUFFIX).toUpperCase();
  const backupHint = existsSync(backup)
    ? ` The previous version is kept as ${backup} (saved ${statSync(backup).mtime.toISOString()}): "usc site restore --site ${code}" shows what it holds, and restores it with --yes.`
    : '';
  const hint =
    entry.journalStart === undefined
      ? backupHint
      : ` The database file itself is whole: "usc site restore --site ${code} --yes" opens it without the journal's unreadable tail, keeping the ${entry.journalStart.saves} saves before the damage (the journal as it was is kept aside).` +
        (existsSync(backup) ? ` Or put back the previous version ${backup} (saved ${statSync(backup).mtime.toISOString()}) with --from-backup --yes.` : '');
  return `The site database ${entry.file} cannot be opened: ${entry.reason}. The file was left untouched.${hint}`;
}

function describeEntry(entry: Entry): Site {
  if (entry.kind === 'damaged') {
    return {
      code: entry.code,
      name: 'Site database damaged',
      parentCode: null,
      databaseFile: entry.file,
      schemaVersion: 0,
      createdAt: '',
      health: { state: 'damaged', message: damagedMessage(entry) },
    };
  }
  const identity = entry.database.readIdentity();
  if (identity === undefined) throw new Error(`Site database ${entry.database.file} lost its identity row.`);
  return {
    code: identity.code,
    name: identity.name,
    parentCode: identity.parentCode,
    databaseFile: entry.database.file,
    schemaVersion: entry.database.schemaVersion,
    createdAt: identity.createdAt,
    health: { state: 'ok' },
    ...blobDamageField(entry.database),
  };
}

function blobDamageField(database: SiteDatabase): Pick<Site, 'blobDamage'> {
  const damage = blobDamageOf(database);
  const message = describeBlobDamage(damage);
  return message === undefined ? {} : { blobDamage: { updates: damage.records, message } };
}
