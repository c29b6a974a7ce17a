/**
 * What a statement does to the site database's file, as SQLite compiles it (EXPLAIN), not as its text reads: a
 * `WITH … INSERT`, a write behind a comment and a query that only fills a scratch table in the temporary schema are
 * told apart by the program SQLite would run. The write journal journals exactly the `row-write`s, and its replay
 * accepts exactly those.
 *
 * A write is a `row-write` only when replaying its text and parameters on the same file gives the same rows. So a
 * statement that writes the file must not:
 * - read the temporary schema (a replay starts on a fresh connection, without the query's scratch tables);
 * - call a function whose result is not fixed by the file and the parameters (`random()`, `changes()`,
 *   `last_insert_rowid()`, the date and time functions, which may read the clock): the engine passes times and keys
 *   as parameters;
 * - change the schema or a database header field (`CREATE`, `DROP`, `PRAGMA user_version = …`, `VACUUM`, `ANALYZE`).
 * Such a statement is an `other-write`, and the next save writes the whole file instead of a journal line.
 */
import type { Database, Statement } from 'sql.js';

export type StatementKind =
  | { kind: 'read' }
  | { kind: 'row-write' }
  | { kind: 'other-write'; reason: string }
  | { kind: 'begin' }
  | { kind: 'commit' }
  | { kind: 'rollback' }
  | { kind: 'savepoint'; op: 'open' | 'release' | 'rollback-to'; name: string };

/** One statement of a script, with the text SQLite compiled for it. */
export interface ScriptStatement {
  sql: string;
  kind: StatementKind;
}

type Prepare = (sql: string) => Statement;

/** Opcodes of a program that changes the schema or the database header: not a row change. */
const SCHEMA_OPCODES = new Set([
  'CreateBtree',
  'Destroy',
  'DropTable',
  'DropIndex',
  'DropTrigger',
  'ParseSchema',
  'SetCookie',
  'Vacuum',
  'IncrVacuum',
  'LoadAnalysis',
]);
/** Functions whose result a replay cannot reproduce from the file and the parameters. */
const UNREPEATABLE_FUNCTION =
  /^(random|randomblob|changes|total_changes|last_insert_rowid|date|time|datetime|julianday|unixepoch|strftime|timediff|current_\w+)\(/i;
/**
 * A text whose first statement starts with SELECT (after comments) is a query: SQLite has no SELECT that writes. It is
 * taken for one without compiling its EXPLAIN, which cost the repository's first page of each new query shape (their
 * text is built per sort and filter) 4-8 ms at 100,000 updates. Anything else (a `WITH`, a `VALUES`, a `PRAGMA`) is
 * asked of SQLite.
 */
const PLAIN_SELECT = /^\s*(?:(?:--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)\s*)*SELECT\b[^;]*;?\s*$/i;
const READ: StatementKind = { kind: 'read' };
/** Schema numbers SQLite gives its databases: main is the site's file, temp the connection's scratch schema. */
const MAIN = 0;
const TEMP = 1;
/** Enough for every statement text the engine uses, with room for the searches that build their text. */
const CACHE_LIMIT = 1024;

export class StatementClassifier {
  private readonly kinds = new Map<string, StatementKind>();
  private readonly scripts = new Map<string, ScriptStatement[] | undefined>();

  /** `prepare` must be the connection's own (a wrapper that classifies would recurse). */
  constructor(
    private readonly db: Database,
    private readonly prepare: Prepare = db.prepare.bind(db),
  ) {}

  /** The kind of the first statement of `sql` (what `prepare` compiles); a text SQLite cannot compile is an other-write. */
  kindOf(sql: string): StatementKind {
    let kind = this.kinds.get(sql);
    if (kind === undefined) {
      kind = PLAIN_SELECT.test(sql) ? READ : this.explain(sql);
      remember(this.kinds, sql, kind);
    }
    return kind;
  }

  /**
   * Every statement of a script (what `exec` runs), or undefined when SQLite cannot compile it before it runs (a
   * statement that uses a table an earlier one creates): the caller then takes it for an other-write.
   */
  scriptOf(sql: string): ScriptStatement[] | undefined {
    // One plain query: nothing to split (splitting compiles it, as much again as running it).
    if (PLAIN_SELECT.test(sql)) return [{ sql, kind: READ }];
    if (this.scripts.has(sql)) return this.scripts.get(sql);
    let script: ScriptStatement[] | undefined = [];
    try {
      for (const statement of this.db.iterateStatements(sql)) {
        const text = statement.getSQL();
        statement.free();
        script.push({ sql: text, kind: this.kindOf(text) });
      }
    } catch {
      script = undefined;
    }
    remember(this.scripts, sql, script);
    return script;
  }

  /** After the schema changed, a text may compile to another program. */
  forget(): void {
    this.kinds.clear();
    this.scripts.clear();
  }

  private explain(sql: string): StatementKind {
    let program: Statement;
    try {
      program = this.prepare(`EXPLAIN ${sql}`);
    } catch (error) {
      return { kind: 'other-write', reason: `SQLite cannot compile it (${error instanceof Error ? error.message : String(error)})` };
    }
    try {
      const ops: Opcode[] = [];
      while (program.step()) {
        const [, name, p1, p2, p3, p4] = program.get();
        ops.push({ name: String(name), p1: Number(p1), p2: Number(p2), p3: Number(p3), p4: p4 === null ? '' : String(p4) });
      }
      return kindOfProgram(ops);
    } finally {
      program.free();
    }
  }
}

interface Opcode {
  name: string;
  p1: number;
  p2: number;
  p3: number;
  p4: string;
}

function kindOfProgram(ops: readonly Opcode[]): StatementKind {
  const autoCommit = ops.find((op) => op.name === 'AutoCommit');
  if (autoCommit !== undefined) return autoCommit.p1 === 0 ? { kind: 'begin' } : autoCommit.p2 === 0 ? { kind: 'commit' } : { kind: 'rollback' };
  const savepoint = ops.find((op) => op.name === 'Savepoint');
  if (savepoint !== undefined)
    return { kind: 'savepoint', op: (['open', 'release', 'rollback-to'] as const)[savepoint.p1] ?? 'open', name: savepoint.p4.toLowerCase() };

  const writesFile = ops.some((op) => (op.name === 'Transaction' && op.p1 !== TEMP && op.p2 !== 0) || op.name === 'Vacuum');
  if (!writesFile) return { kind: 'read' };
  if (ops.some((op) => op.name === 'Transaction' && op.p1 !== MAIN && op.p1 !== TEMP && op.p2 !== 0))
    return { kind: 'other-write', reason: 'it writes an attached database' };
  if (ops.some((op) => SCHEMA_OPCODES.has(op.name))) return { kind: 'other-write', reason: 'it changes the schema or the database header' };
  if (ops.some((op) => (op.name === 'OpenRead' || op.name === 'OpenWrite') && op.p3 === TEMP))
    return { kind: 'other-write', reason: 'it reads the temporary schema, which a replay does not have' };
  const unrepeatable = ops.find((op) => (op.name === 'Function' || op.name === 'PureFunc') && UNREPEATABLE_FUNCTION.test(op.p4));
  if (unrepeatable !== undefined) return { kind: 'other-write', reason: `its result depends on ${unrepeatable.p4.replace(/\(.*$/, '()')}` };
  return { kind: 'row-write' };
}

function remember<V>(cache: Map<string, V>, sql: string, value: V): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(sql, value);
}
