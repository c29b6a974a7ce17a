// One build for every entry point, without the Electron binary:
// esbuild bundles main, preload, engine worker and CLI for Node; Vite builds the renderer.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(out, { recursive: true, force: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { __USC_VERSION__: JSON.stringify(pkg.version) },
  // Optional native speed-ups of ws; it works without them.
  external: ['electron', 'bufferutil', 'utf-8-validate'],
};

await Promise.all([
  esbuild({ ...node, entryPoints: [join(root, 'electron/main.ts')], outfile: join(out, 'main/main.js') }),
  esbuild({ ...node, entryPoints: [join(root, 'electron/preload.ts')], outfile: join(out, 'preload/preload.js'), sourcemap: false }),
  esbuild({ ...node, entryPoints: [join(root, 'electron/engine/worker.ts')], outfile: join(out, 'engine/worker.js') }),
  esbuild({ ...node, entryPoints: [join(root, 'electron/engine/upstream/fetch/fetch-worker.ts')], outfile: join(out, 'engine/fetch-worker.js') }),
  esbuild({ ...node, entryPoints: [join(root, 'electron/host/cli/main.ts')], outfile: join(out, 'cli/usc.js') }),
]);
mkdirSync(join(out, 'engine'), { recursive: true });
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(out, 'engine/sql-wasm.wasm'));
// The blob store's LZ4 loads its WASM from beside the bundle that holds it (both engine bundles do).
copyFileSync(join(dirname(require.resolve('lz4-wasm-nodejs')), 'lz4_wasm_nodejs_bg.wasm'), join(out, 'engine/lz4_wasm_nodejs_bg.wasm'));

await viteBuild({ configFile: join(root, 'renderer/vite.config.mts'), logLevel: 'warn' });
console.log(`Built ${pkg.productName} ${pkg.version} into ${out}`);
