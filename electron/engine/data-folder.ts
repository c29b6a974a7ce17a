import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
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
  for (const dir of [folder.root, folder.sitesDir, folder.logsDir]) mkdirSync(dir, { recursive: true });
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
