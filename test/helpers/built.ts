import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildPaths } from '../../electron/host/paths';

export const ROOT = join(__dirname, '..', '..');
export const OUT_DIR = join(ROOT, 'out');
export const USC_BIN = join(ROOT, 'bin', 'usc.js');

/** The built entry points; integration and e2e tests run the real bundles, as users do. */
export function builtPaths() {
  const paths = buildPaths(OUT_DIR);
  if (!existsSync(paths.workerPath) || !existsSync(join(paths.rendererDir, 'index.html'))) {
    throw new Error('The console is not built: run "npm run build" (npm test does it for you).');
  }
  return paths;
}
