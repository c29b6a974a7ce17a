/**
 * Saves without rewriting the whole file. sql.js can persist a database only by exporting all of it, so each
 * committed change (a synchronization batch, a run row, a schedule's last-fired time) is appended to
 * `<file>.journal` instead: one fsynced JSON line per save holding the statements since the previous one, replayed
 * when the database is opened and dropped by the next whole-file save. This is what makes every applied batch of a
 * synchronization durable the moment it is committed.
 *
 * The journal captures writes by wrapping the ways sql.js writes: `db.run`, and `run` of prepared statements. Which
 * statements write, and whether a write can be journaled, SQLite decides (StatementClassifier, which also states the
 * rules a journaled write follows): row changes are journaled, whatever their text looks like. Any other write (a
 * change of the schema, a write a replay could not reproduce, a write stepped by hand, any write through `db.exec`,
 * a parameter JSON cannot carry) marks the journal incomplete, and the next save writes the whole file. A
 * rolled-back transaction, or what a savepoint rolled back, is dropped from what is pending. Writes to the
 * connection's temporary schema (a query's scratch table) are not the file's: left out.
 *
 * Replay is strict: each line is `<CRC-32 of the entry> <entry>`, the entry naming the generation of the file it
 * applies to and its sequence number (JournalLine says what else it holds). A last line without its newline (a crash
 * while appending) was never saved: replay leaves it out and the open cuts it off, so the next append starts a line
 * of its own. Any other line that is unreadable or fails its checksum, a gap in the sequence or a line of a newer
 * generation means the journal does not belong to this file, and the site is reported damaged: nothing is replayed
 * onto the wrong base.
 *
 * A file cut short loses whole lines at its end, which its lines alone cannot tell from a torn append. So each
 * append, once its line is on disk, records its sequence number beside the journal (`<journal>-seq`, not synced: a
 * stale mark only says less): a journal that ends before the mark's save lost saves, and says which.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { crc32 } from 'node:zlib';
import type { BindParams, Database, SqlValue, Statement } from 'sql.js';
import { StatementClassifier, type StatementKind } from './statement-kind';

interface JournaledStatement {
  sql: string;
  params: SqlValue[] | Record<string, SqlValue> | null;
}

/**
 * One save. Each distinct statement's text is written once per line (`texts`) and each run names its text by index:
 * a synchronization batch runs the same few statements thousands of times, and repeating their text made up more
 * than half of every line (and of every whole-file checkpoint the journal's growth forces). Lines written before
 * this format list `statements` with the text of each; replay reads both.
 */
type JournalLine = { generation: number; seq: number } & (
  { texts: string[]; runs: Array<[number, JournaledStatement['params']]> } | { statements: JournaledStatement[] }
);

export class JournalDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    /** The saves before the damage, all readable: how many, and the bytes of the journal they take. */
    readonly intact: { saves: number; bytes: number } = { saves: 0, bytes: 0 },
  ) {
    super(`The journal ${file} cannot be replayed: ${reason}`);
    this.name = 'JournalDamagedError';
  }
}

export class WriteJournal {
  /** Each with the milliseconds it took here: about what replaying it at the next open costs. */
  private pending: Array<JournaledStatement & { ms: number }> = [];
  /** What replaying the lines now in the journal costs (they ran this long when written, or when last replayed). */
  private linesCostMs: number;
  /** Where the open transaction's statements start in `pending` (to drop them on ROLLBACK). */
  private transactionStart: number | undefined;
  /** Open savepoints, innermost last: where each one's statements start in `pending` (to drop them on ROLLBACK TO). */
  private savepoints: Array<{ name: string; start: number; opened: boolean }> = [];
  private complete = true;
  private changed = false;
  private seq: number;
  private readonly kinds: StatementClassifier;

  constructor(
    private readonly db: Database,
    readonly file: string,
    private readonly generation: () => number,
    /** The sequence number of the last line already in the journal (from replay). */
    lastSeq = 0,
    /** How long replaying the lines already in the journal took. */
    replayedMs = 0,
  ) {
    this.seq = lastSeq;
    this.linesCostMs = replayedMs;
    const run = db.run.bind(db);
    const prepare = db.prepare.bind(db);
    const exec = db.exec.bind(db);
    this.kinds = new StatementClassifier(db, prepare);
    db.run = (sql: string, params?: BindParams) => {
      if (params === undefined || params === null) {
        // Without parameters sql.js runs every statement of the text: classified before, as a failure part-way
        // through leaves the ones before it applied.
        const script = this.kinds.scriptOf(sql);
        const started = performance.now();
        try {
          run(sql);
        } catch (error) {
          if (script === undefined || script.some((statement) => statement.kind.kind !== 'read')) this.uncaptured();
          throw error;
        }
        const ms = (performance.now() - started) / Math.max(1, script?.length ?? 1);
        if (script === undefined) this.uncaptured();
        else for (const statement of script) this.record(statement.sql, null, statement.kind, ms);
      } else {
        // Classified before it runs: compiling EXPLAIN afterwards would reset what getRowsModified() reports.
        const kind = this.kinds.kindOf(sql);
        // Not through db.prepare (wrapped below), so the statement's own step is not taken for an uncaptured write.
        const statement = prepare(sql);
        const started = performance.now();
        try {
          statement.run(params);
        } finally {
          statement.free();
        }
        this.record(sql, params, kind, performance.now() - started);
      }
      return db;
    };
    db.prepare = (sql: string, params?: BindParams): Statement => {
      const statement = prepare(sql, params);
      const kind = this.kinds.kindOf(sql);
      if (kind.kind !== 'read') this.capture(statement, sql, kind);
      return statement;
    };
    db.exec = (sql: string, params?: BindParams) => {
      // A script is never journaled (its parameters bind to its first statement only): any write in it, whole save.
      const script = this.kinds.scriptOf(sql);
      if (script === undefined || script.some((statement) => statement.kind.kind !== 'read')) this.uncaptured();
      return exec(sql, params);
    };
  }

  /** True when nothing was written since the last save. */
  get clean(): boolean {
    return this.complete && !this.changed;
  }

  /**
   * Appends what was written since the last save as one fsynced line, when the journal can hold it exactly and stays
   * under `maxBytes`; false means the whole file must be written instead. A failed write is rolled back and thrown.
   */
  tryAppend(maxBytes: number): boolean {
    if (!this.complete || this.transactionStart !== undefined) return false;
    const entry = JSON.stringify({ generation: this.generation(), seq: this.seq + 1, ...byText(this.pending) } satisfies JournalLine);
    const bytes = Buffer.from(`${checksumOf(entry)} ${entry}\n`, 'utf8');
    const fd = openSync(this.file, 'a');
    const before = fstatSync(fd).size;
    if (before + bytes.length > maxBytes) {
      closeSync(fd);
      return false;
    }
    try {
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written, bytes.length - written);
      fdatasyncSync(fd);
    } catch (error) {
      // A partial line followed by later ones would read as damage: cut it off.
      try {
        ftruncateSync(fd, before);
      } catch {
        this.complete = false;
      }
      throw error;
    } finally {
      closeSync(fd);
    }
    this.seq++;
    writeMark(this.file, this.generation(), this.seq);
    for (const statement of this.pending) this.linesCostMs += statement.ms;
    this.reset();
    return true;
  }

  /** After the whole file was written: the journal's lines are in it. */
  discard(): void {
    rmSync(this.file, { force: true });
    rmSync(markFileOf(this.file), { force: true });
    this.seq = 0;
    this.linesCostMs = 0;
    this.reset();
  }

  /** About what replaying the journal's lines costs the next open (each ran this long when written). */
  get replayCostMs(): number {
    return this.linesCostMs;
  }

  get hasLines(): boolean {
    return existsSync(this.file) && statSync(this.file).size > 0;
  }

  private capture(statement: Statement, sql: string, kind: StatementKind): void {
    const run = statement.run.bind(statement);
    const step = statement.step.bind(statement);
    let running = false;
    statement.run = (params?: BindParams) => {
      running = true;
      const started = performance.now();
      try {
        run(params);
      } finally {
        running = false;
      }
      this.record(sql, params, kind, performance.now() - started);
      return true;
    };
    statement.step = () => {
      // Stepped by hand, its parameters are not known here.
      if (!running) this.uncaptured();
      return step();
    };
  }

  /** A write the journal cannot hold exactly: the next save writes the whole file. */
  private uncaptured(): void {
    this.changed = true;
    this.complete = false;
    // It may have changed the schema, and a text then compiles to another program.
    this.kinds.forget();
  }

  private record(sql: string, params: BindParams | undefined, kind: StatementKind, ms = 0): void {
    switch (kind.kind) {
      case 'read':
        return;
      case 'begin':
        this.transactionStart = this.pending.length;
        return;
      case 'commit':
        this.transactionStart = undefined;
        this.savepoints = [];
        return;
      case 'rollback':
        if (this.transactionStart !== undefined) this.pending.length = this.transactionStart;
        this.transactionStart = undefined;
        this.savepoints = [];
        return;
      case 'savepoint':
        this.savepoint(kind.op, kind.name);
        return;
      case 'other-write':
        this.uncaptured();
        return;
      case 'row-write':
        this.changed = true;
        if (!carriesInJson(params)) this.complete = false;
        else this.pending.push({ sql, params: params ?? null, ms });
    }
  }

  /**
   * Savepoints as SQLite keeps them: SAVEPOINT outside a transaction opens one, RELEASE of that savepoint commits it,
   * ROLLBACK TO drops what was written since the savepoint (which stays open). A savepoint this does not know of
   * makes the next save a whole-file one.
   */
  private savepoint(op: 'open' | 'release' | 'rollback-to', name: string): void {
    const at = this.savepoints.map((entry) => entry.name).lastIndexOf(name);
    if (op === 'open') {
      const opened = this.transactionStart === undefined;
      if (opened) this.transactionStart = this.pending.length;
      this.savepoints.push({ name, start: this.pending.length, opened });
    } else if (at < 0) {
      this.uncaptured();
    } else if (op === 'release') {
      if (this.savepoints[at]!.opened) this.transactionStart = undefined;
      this.savepoints.length = at;
    } else {
      this.pending.length = this.savepoints[at]!.start;
      this.savepoints.length = at + 1;
    }
  }

  private reset(): void {
    this.pending = [];
    this.transactionStart = undefined;
    this.savepoints = [];
    this.complete = true;
    this.changed = false;
  }
}

/**
 * Applies the journal of a database just read from its file: the lines written on top of this file's generation,
 * in order, each as one transaction. Returns the sequence number of the last line applied (0 for none) and the
 * length in bytes of a torn last append (0 for none), which the caller cuts off once the open has succeeded.
 */
export function replayJournal(db: Database, journalFile: string, generation: number): { lastSeq: number; tornBytes: number } {
  if (!existsSync(journalFile)) return { lastSeq: 0, tornBytes: 0 };
  const text = readFileSync(journalFile, 'utf8');
  const lines = text.split('\n');
  // The text after the last newline is an entry whose append a crash cut short: it was never saved.
  const torn = lines.pop() ?? '';
  let lastSeq = 0;
  /** The bytes of the lines read so far, all intact: what "open without the unreadable tail" keeps. */
  let intactBytes = 0;
  const statements = new Map<string, Statement>();
  const kinds = new StatementClassifier(db);
  try {
    lines.forEach((raw, index) => {
      const damaged = (reason: string) => new JournalDamagedError(journalFile, reason, { saves: lastSeq, bytes: intactBytes });
      const where = `line ${index + 1}`;
      const space = raw.indexOf(' ');
      const entry = raw.slice(space + 1);
      if (space !== 8 || raw.slice(0, 8) !== checksumOf(entry)) throw damaged(`${where} fails its checksum (it was changed or corrupted on disk)`);
      let line: JournalLine;
      try {
        line = JSON.parse(entry) as JournalLine;
      } catch {
        throw damaged(`${where} is not a journal entry`);
      }
      const runs = typeof line === 'object' && line !== null ? statementsOf(line) : undefined;
      if (runs === undefined || !Number.isInteger(line.generation) || !Number.isInteger(line.seq)) {
        throw damaged(`${where} is not a journal entry`);
      }
      // Lines of an older generation are in the file already (a crash between the whole save and the journal's removal).
      if (line.generation < generation) {
        intactBytes += Buffer.byteLength(raw, 'utf8') + 1;
        return;
      }
      if (line.generation > generation) throw damaged(`${where} belongs to a newer version of the database than the file (was the file replaced?)`);
      if (line.seq !== lastSeq + 1) throw damaged(`${where} is save ${line.seq}, but save ${lastSeq + 1} was expected`);
      db.run('BEGIN IMMEDIATE');
      try {
        for (const statement of runs) {
          // What the journal could have written, and nothing else: a row change, as SQLite compiles it.
          if (typeof statement?.sql !== 'string' || kinds.kindOf(statement.sql).kind !== 'row-write')
            throw new Error('it holds a statement that is not a row change');
          let prepared = statements.get(statement.sql);
          if (prepared === undefined) statements.set(statement.sql, (prepared = db.prepare(statement.sql)));
          prepared.run(statement.params ?? undefined);
        }
        db.run('COMMIT');
      } catch (error) {
        db.run('ROLLBACK');
        throw damaged(`${where} cannot be applied (${error instanceof Error ? error.message : String(error)})`);
      }
      lastSeq = line.seq;
      intactBytes += Buffer.byteLength(raw, 'utf8') + 1;
    });
  } finally {
    for (const statement of statements.values()) statement.free();
  }
  const mark = readMark(journalFile);
  if (mark !== undefined && mark.generation === generation && mark.seq > lastSeq) {
    const lost = mark.seq === lastSeq + 1 ? `save ${mark.seq} is` : `saves ${lastSeq + 1} to ${mark.seq} are`;
    throw new JournalDamagedError(
      journalFile,
      `it ends at save ${lastSeq}, but ${mark.seq} saves were written: ${lost} missing (the file was cut short or overwritten)`,
      { saves: lastSeq, bytes: intactBytes },
    );
  }
  return { lastSeq, tornBytes: Buffer.byteLength(torn, 'utf8') };
}

/**
 * "Open without the unreadable tail": the journal set aside as it is (`aside`), and a journal of its first `bytes`
 * (the saves before the damage, each intact) put in its place, written to a temp file and renamed. The mark of
 * saves written goes aside with it: the saves it counted past the damage are the ones given up.
 */
export function keepJournalStart(journalFile: string, bytes: number, aside: string): void {
  renameSync(journalFile, aside);
  if (existsSync(markFileOf(journalFile))) renameSync(markFileOf(journalFile), `${aside}-seq`);
  if (bytes === 0) return;
  const temp = `${journalFile}.start-${process.pid}`;
  const start = Buffer.alloc(bytes);
  const fd = openSync(aside, 'r');
  try {
    readSync(fd, start, 0, bytes, 0);
  } finally {
    closeSync(fd);
  }
  const out = openSync(temp, 'w');
  try {
    writeSync(out, start);
    fsyncSync(out);
  } finally {
    closeSync(out);
  }
  renameSync(temp, journalFile);
}

/** Cuts a torn last append off the journal, so the next append starts a line of its own. */
export function cutTornTail(journalFile: string, tornBytes: number): void {
  const fd = openSync(journalFile, 'r+');
  try {
    ftruncateSync(fd, fstatSync(fd).size - tornBytes);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const markFileOf = (journalFile: string) => `${journalFile}-seq`;

function writeMark(journalFile: string, generation: number, seq: number): void {
  try {
    writeFileSync(markFileOf(journalFile), `${generation} ${seq}\n`);
  } catch {
    // Only an aid to find a journal cut short: a save does not fail for it.
  }
}

function readMark(journalFile: string): { generation: number; seq: number } | undefined {
  try {
    const [generation, seq] = readFileSync(markFileOf(journalFile), 'utf8').trim().split(' ').map(Number);
    return Number.isInteger(generation) && Number.isInteger(seq) ? { generation: generation!, seq: seq! } : undefined;
  } catch {
    return undefined;
  }
}

function byText(statements: readonly JournaledStatement[]): { texts: string[]; runs: Array<[number, JournaledStatement['params']]> } {
  const index = new Map<string, number>();
  const texts: string[] = [];
  const runs = statements.map(({ sql, params }): [number, JournaledStatement['params']] => {
    let at = index.get(sql);
    if (at === undefined) index.set(sql, (at = texts.push(sql) - 1));
    return [at, params];
  });
  return { texts, runs };
}

/** The statements of a line in either format; undefined when it is neither (each statement is checked when run). */
function statementsOf(line: JournalLine): Array<Partial<JournaledStatement> | undefined> | undefined {
  if ('statements' in line) return Array.isArray(line.statements) ? line.statements : undefined;
  const { texts, runs } = line as Partial<Extract<JournalLine, { texts: string[] }>>;
  if (!Array.isArray(texts) || !Array.isArray(runs)) return undefined;
  return runs.map((run) => (Array.isArray(run) && run.length === 2 && Number.isInteger(run[0]) ? { sql: texts[run[0]], params: run[1] } : undefined));
}

function checksumOf(entry: string): string {
  return crc32(entry).toString(16).padStart(8, '0');
}

function carriesInJson(params: BindParams | undefined): boolean {
  if (params === undefined || params === null) return true;
  const values = Array.isArray(params) ? params : Object.values(params);
  return values.every(
    (value) => value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean',
  );
}
