import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { PRODUCT_NAME } from './product';

/**
 * The data folder Electron would use as `userData` for this product, so the CLI, the web host and the desktop
 * console share one folder unless told otherwise.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}

/** `--data DIR` wins over `USC_DATA_DIR`, which wins over the default. */
export function resolveDataDir(option: string | undefined, env: NodeJS.ProcessEnv = process.env, fallback?: string): string {
  const chosen = option ?? env.USC_DATA_DIR ?? fallback ?? defaultDataDir(env);
  return resolve(chosen);
}

export interface BuildPaths {
  workerPath: string;
  rendererDir: string;
  sqlWasmPath: string;
}

/** Locations inside the build output folder (`out/`), shared by every entry point. */
export function buildPaths(outDir: string): BuildPaths {
  return {
    workerPath: join(outDir, 'engine', 'worker.js'),
    rendererDir: join(outDir, 'renderer'),
    sqlWasmPath: join(outDir, 'engine', 'sql-wasm.wasm'),
  };
}
