// `npm run bench -- <name> [args]`: builds the console, bundles test/bench/<name>.bench.ts and runs it.
// Benchmarks print figures; they never fail on a time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(join(root, 'test', 'bench'))
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace('.bench.ts', ''));
if (name === undefined || !available.includes(name)) {
  console.error(`Usage: npm run bench -- <${available.join('|')}> [options]`);
  process.exit(2);
}
const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const outfile = join(root, 'out', 'bench', `${name}.js`);
await build({
  entryPoints: [join(root, 'test', 'bench', `${name}.bench.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // lz4-wasm-nodejs reads its WASM from beside itself: left to node_modules (benchmarks run in the repository).
  external: ['electron', 'bufferutil', 'utf-8-validate', 'playwright-core', 'lz4-wasm-nodejs'],
});
if (!existsSync(outfile)) process.exit(1);
// The benchmarks hold whole catalogs (the sync benchmark's floor generates 500,000 updates' XML): give them room.
const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=16384', outfile, ...args], { stdio: 'inherit', cwd: root });
process.exit(run.status ?? 1);
