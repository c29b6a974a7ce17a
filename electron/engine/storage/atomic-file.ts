import { closeSync, existsSync, fchmodSync, fsyncSync, linkSync, openSync, readdirSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Temp files are named `<file>.tmp-<pid>`. */
const TEMP_MARKER = '.tmp-';

/**
 * Replaces `file` with `bytes` so that a crash at any moment leaves either the old or the new content, never a mix:
 * write a temp file, fsync it, keep the previous version as `<file>.bak` (a hard link, so no window without a file),
 * rename over the original, then fsync the folder so the rename itself is durable.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array, options: { keepBackup?: boolean; mode?: number } = {}): void {
  const temp = `${file}${TEMP_MARKER}${process.pid}`;
  const fd = openSync(temp, 'w', options.mode ?? 0o666);
  try {
    // A temp file left by a crash keeps its old permissions through 'w': set them before any byte is written.
    if (options.mode !== undefined) fchmodSync(fd, options.mode);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    // A full disk or a read-only folder: the original is untouched, and no partial copy stays behind.
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  if (options.keepBackup && existsSync(file)) {
    const backup = `${file}.bak`;
    if (existsSync(backup)) unlinkSync(backup);
    linkSync(file, backup);
  }
  try {
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncFolder(dirname(file));
}

/**
 * Removes temp files a crash left in a folder (a kill during a save leaves one the size of the database). Only the
 * engine that holds the data folder's lock calls this, so no other writer's temp file can be taken for a leftover.
 */
export function removeLeftoverTempFiles(folder: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(folder)) {
    if (!new RegExp(`\\${TEMP_MARKER}\\d+$`).test(name)) continue;
    rmSync(join(folder, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function fsyncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
