import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Replaces `file` with `bytes` so that a crash at any moment leaves either the old or the new content, never a mix:
 * write a temp file, fsync it, keep the previous version as `<file>.bak` (a hard link, so no window without a file),
 * rename over the original, then fsync the folder so the rename itself is durable.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array, options: { keepBackup?: boolean } = {}): void {
  const temp = `${file}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (options.keepBackup && existsSync(file)) {
    const backup = `${file}.bak`;
    if (existsSync(backup)) unlinkSync(backup);
    linkSync(file, backup);
  }
  renameSync(temp, file);
  fsyncFolder(dirname(file));
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
