// `npm start`: build, then open the desktop console in Electron. Where the Electron binary is missing (it is
// downloaded from outside the npm registry on install), say so in one line and start the browser console instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function electronBinary() {
  // Read what electron's installer records instead of require('electron'), which would try to download it.
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

// --no-build: start what is already built (the tests, which build once for all).
const args = process.argv.slice(2);
const noBuild = args.includes('--no-build');
const passOn = args.filter((arg) => arg !== '--no-build');
if (!noBuild) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// USC_ELECTRON=none starts the browser console even where Electron is installed.
const binary = process.env.USC_ELECTRON === 'none' ? undefined : electronBinary();
if (binary === undefined) {
  // One line on stderr, so the first line on stdout is the console's URL (scripts and people both look there).
  console.error(
    'The Electron runtime is not installed on this machine (its installer downloads it from outside the npm registry): starting the browser console instead.',
  );
  // Open the default browser where there is one to open (never in CI or when told not to).
  const open = process.env.CI === undefined && process.env.USC_NO_BROWSER === undefined ? ['--open'] : [];
  const web = spawn(process.execPath, [join(root, 'bin', 'usc.js'), 'web', ...open, ...passOn], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => web.kill(signal));
  web.on('exit', (code) => process.exit(code ?? 0));
} else {
  const child = spawn(binary, [root, ...passOn], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
