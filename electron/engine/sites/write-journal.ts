/**
 * Small saves without rewriting the whole file. sql.js can persist a database only by exporting all of it (about
 * 4 s for a 460 MiB repository of 100,000 updates), so a save that follows only a few plain statements (a
 * synchronization that found nothing new, a schedule's last-fired time) appends those statements to
 * `<file>.journal` instead: one fsynced JSON line per save, replayed when the database is opened and dropped by the
 * next whole-file save.
 *
 * A save falls back to the whole file whenever the journal could be incomplete or wrong: rows changed other than
 * through db.run (prepared statements, db.exec), a rolled-back transaction, a statement other than INSERT, UPDATE or
 * DELETE (a PRAGMA, a schema change), a parameter JSON cannot carry, or too much pending. SQLite's own count of changed rows (total_changes) is the check, so nothing written is ever
 * missing from what reaches the disk.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import type { BindParams, Database } from 'sql.js';

/** Statements captured since the last save; more than this and the whole file is written. */
const MAX_PENDING_STATEMENTS = 2_000;
/** A journal this large is folded into the whole file at the next save. */
const MAX_JOURNAL_BYTES = 4 * 1024 * 1024;

const JOURNALED = /^\s*(INSERT|UPDATE|DELETE|REPLACE|BEGIN|COMMIT|END)\b/i;

interface Statement {
  sql: string;
  params: BindParams | null;
}

interface JournalLine {
  generation: number;
  statements: Statement[];
}

export class WriteJournal {
  private pending: Statement[] = [];
  private capturedChanges = 0;
  private baseline: number;
  private complete = true;

  constructor(
    private readonly db: Database,
    readonly file: string,
    private readonly generation: () => number,
  ) {
    const run = db.run.bind(db);
    this.baseline = totalChanges(db);
    db.run = (sql: string, params?: BindParams) => {
      if (!this.complete) return run(sql, params);
      const before = totalChanges(db);
      const result = run(sql, params);
      this.capturedChanges += totalChanges(db) - before;
      this.pending.push({ sql, params: params ?? null });
      // Only row changes and the transactions around them are journaled: a rollback, a PRAGMA or a schema change is
      // saved with the whole file.
      if (!JOURNALED.test(sql) || !carriesInJson(params) || this.pending.length > MAX_PENDING_STATEMENTS) this.complete = false;
      return result;
    };
  }

  /** True when nothing was written since the last save. */
  get clean(): boolean {
    return this.complete && totalChanges(this.db) === this.baseline && this.pending.every((statement) => /^\s*(BEGIN|COMMIT)/i.test(statement.sql));
  }

  /** Appends what was written since the last save, if the journal can hold it exactly; false means save the whole file. */
  tryAppend(): boolean {
    if (!this.complete || totalChanges(this.db) - this.baseline !== this.capturedChanges) return false;
    const line = `${JSON.stringify({ generation: this.generation(), statements: this.pending } satisfies JournalLine)}\n`;
    const size = existsSync(this.file) ? statSync(this.file).size : 0;
    if (size + Buffer.byteLength(line) > MAX_JOURNAL_BYTES) return false;
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.reset();
    return true;
  }

  /** After the whole file was written: the journal's lines are in it. */
  discard(): void {
    rmSync(this.file, { force: true });
    this.reset();
  }

  get hasLines(): boolean {
    return existsSync(this.file) && statSync(this.file).size > 0;
  }

  private reset(): void {
    this.pending = [];
    this.capturedChanges = 0;
    this.complete = true;
    this.baseline = totalChanges(this.db);
  }
}

/**
 * Applies the journal of a database just read from `file`: the lines written on top of this file's generation, in
 * order. A torn last line (a crash while appending) is ignored; lines of an older generation are already in the file.
 * Returns how many saves were replayed.
 */
export function replayJournal(db: Database, journalFile: string, generation: number): number {
  if (!existsSync(journalFile)) return 0;
  let replayed = 0;
  for (const text of readFileSync(journalFile, 'utf8').split('\n')) {
    let line: JournalLine;
    try {
      line = JSON.parse(text) as JournalLine;
    } catch {
      continue;
    }
    if (line.generation !== generation || !Array.isArray(line.statements)) continue;
    // Each save was committed as a whole in memory, so it is replayed as one transaction (its own BEGIN and COMMIT
    // left out): a save that cannot be applied leaves the database as of the save before it.
    db.run('BEGIN IMMEDIATE');
    try {
      for (const statement of line.statements) {
        if (!/^\s*(BEGIN|COMMIT|END)\b/i.test(statement.sql)) db.run(statement.sql, statement.params ?? undefined);
      }
      db.run('COMMIT');
    } catch (error) {
      db.run('ROLLBACK');
      throw new JournalReplayError(`save ${replayed + 1} of the journal could not be applied: ${error instanceof Error ? error.message : String(error)}`);
    }
    replayed++;
  }
  return replayed;
}

export class JournalReplayError extends Error {}

function totalChanges(db: Database): number {
  return Number(db.exec('SELECT total_changes()')[0]?.values[0]?.[0] ?? 0);
}

function carriesInJson(params: BindParams | undefined): boolean {
  if (params === undefined || params === null) return true;
  const values = Array.isArray(params) ? params : Object.values(params);
  return values.every((value) => value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean');
}
