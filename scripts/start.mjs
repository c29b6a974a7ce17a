// `npm start`: build, then open the desktop console in Electron. Where the Electron binary is missing (it is
// downloaded from outside the npm registry on install), explain that and point to the browser console instead.
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

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const binary = electronBinary();
if (binary === undefined) {
  console.log(`
The desktop console needs the Electron runtime, and it is not installed on this machine.
(Electron's installer downloads its binary from outside the npm registry; here that download is not possible.)

Use the browser console instead; it is the same console, served on 127.0.0.1:

    npm run web

It prints the console's address; open it in Chromium, Chrome, Edge or Firefox.
To get the desktop console on a machine with internet access: npx install-electron --no  (then npm start).
`);
  process.exit(0);
}

const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
