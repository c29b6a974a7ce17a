import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

/**
 * Loads the SQLite WASM module once per thread. The build copies `sql-wasm.wasm` beside the bundled engine;
 * when running from source (tests) it comes from the sql.js package.
 */
export function loadSqlJs(wasmPath?: string): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: () => wasmPath ?? locateWasm() });
  return loading;
}

function locateWasm(): string {
  const bundled = typeof __dirname === 'string' ? join(__dirname, 'sql-wasm.wasm') : undefined;
  if (bundled !== undefined && existsSync(bundled)) return bundled;
  const require = createRequire(join(process.cwd(), 'package.json'));
  return require.resolve('sql.js/dist/sql-wasm.wasm');
}
