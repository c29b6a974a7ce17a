/** How the storage modules read rows: prepared, bound, stepped and freed in one place. */
import type { Database, SqlValue } from 'sql.js';

export type Row = Record<string, SqlValue>;

export function selectRows(db: Database, sql: string, params: SqlValue[] = []): Row[] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const rows: Row[] = [];
    while (statement.step()) rows.push(statement.getAsObject());
    return rows;
  } finally {
    statement.free();
  }
}

/** The first column of the first row, or undefined. */
export function selectValue(db: Database, sql: string, params: SqlValue[] = []): SqlValue | undefined {
  return db.exec(sql, params)[0]?.values[0]?.[0];
}

/** Rows of (key, value) pairs as lists of values per key. */
export function groupPairs(rows: Array<Record<string, unknown>>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const key = String(row.key);
    let list = groups.get(key);
    if (list === undefined) groups.set(key, (list = []));
    list.push(String(row.value));
  }
  return groups;
}
