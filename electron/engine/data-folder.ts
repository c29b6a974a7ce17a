import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ApiError } from '../../shared/errors';

/** Where the engine keeps its files under the data folder. */
export interface DataFolder {
  root: string;
  sitesDir: string;
  logsDir: string;
  lockFile: string;
}

export function dataFolderLayout(root: string): DataFolder {
  return {
    root,
    sitesDir: join(root, 'sites'),
    logsDir: join(root, 'Logs'),
    lockFile: join(root, 'engine.lock'),
  };
}

export function ensureDataFolder(folder: DataFolder): void {
  const created = !existsSync(folder.root);
  for (const dir of [folder.root, folder.sitesDir, folder.logsDir]) makeFolder(dir);
  keepPrivate(folder, created);
}

/**
 * The data folder is its user's alone (POSIX): folders 0700, files 0600. New files get it from the hosts' umask;
 * files an earlier release left readable by others (0644 in 0755 folders) are tightened at each start.
 */
function keepPrivate(folder: DataFolder, createdRoot: boolean): void {
  if (process.platform === 'win32') return;
  const tighten = (path: string, mode: number) => {
    try {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, mode);
    } catch {
      // Not ours to change (a folder shared on purpose, a file another user owns): left as it is.
    }
  };
  // sites/ and Logs/ (with each site's log folder) hold only what the engine writes. The root is the
  // administrator's choice (it may be a folder of their own): made private only when the engine made it.
  const walk = (dir: string, depth: number) => {
    tighten(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (!entry.isDirectory()) tighten(path, 0o600);
      else if (depth < 1) walk(path, depth + 1);
    }
  };
  if (createdRoot) tighten(folder.root, 0o700);
  walk(folder.sitesDir, 0);
  walk(folder.logsDir, 0);
  if (existsSync(folder.lockFile)) tighten(folder.lockFile, 0o600);
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir spins forever at full CPU on a path that can never be made
 * (`--data /proc/nope/usc`), where this fails at once, naming the folder and why.
 */
export function makeFolder(path: string): void {
  const missing: string[] = [];
  let current = resolve(path);
  while (!existsSync(current)) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // The system's error names the folder and the reason ("Could not mkdir /proc/nope: … (ENOENT)").
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

interface LockContent {
  pid: number;
  host: string;
  since: string;
}

/**
 * One engine per data folder: two engines writing the same site databases would lose each other's changes.
 * A lock left by a process that no longer runs is taken over; one held by this process (a restarted worker) is reused.
 */
export function acquireDataFolderLock(folder: DataFolder, now: Date = new Date()): () => void {
  const content: LockContent = { pid: process.pid, host: hostname(), since: now.toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(folder.lockFile, 'wx');
      writeSync(fd, JSON.stringify(content));
      closeSync(fd);
      return () => releaseLock(folder.lockFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(folder.lockFile);
      if (holder !== undefined && holder.pid === process.pid && holder.host === content.host) {
        return () => releaseLock(folder.lockFile);
      }
      if (holder !== undefined && holder.host === content.host && isRunning(holder.pid)) {
        throw new ApiError(
          'DATA_FOLDER_IN_USE',
          `The data folder ${folder.root} is in use by another Update Sync Console (process ${holder.pid}, since ${holder.since}). ` +
            'Close it first, or choose another folder with --data.',
        );
      }
      unlinkSync(folder.lockFile);
    }
  }
  throw new ApiError('DATA_FOLDER_IN_USE', `Could not lock the data folder ${folder.root}.`);
}

function readLock(file: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? 'unknown') };
  } catch {
    return undefined;
  }
}

function releaseLock(file: string): void {
  const holder = readLock(file);
  if (holder?.pid === process.pid) {
    try {
      unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
