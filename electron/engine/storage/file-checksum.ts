/**
 * A site database's checksum, kept beside it (`<file>.sum`) at every whole-file save and checked at every open, so a
 * byte changed on disk is found before any of it is served or written back. SQLite's own checks read every page
 * (seconds at catalog scale); a CRC-32 of the image read for the open costs tens of milliseconds.
 *
 * The checksum file is replaced before and after the database: first it accepts both the file on disk and the one
 * being written, then only the new one, so a crash at any moment leaves a pair that matches.
 */
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { writeFileAtomic } from './atomic-file';

export const checksumFileOf = (file: string) => `${file}.sum`;

export function checksumOf(bytes: Uint8Array): string {
  return crc32(bytes).toString(16).padStart(8, '0');
}

/** The checksums the file may have (one, or two while a save is replacing it); undefined when none were recorded. */
export function recordedChecksums(file: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(checksumFileOf(file), 'utf8');
  } catch {
    return undefined;
  }
  const sums = text
    .trim()
    .split(/\s+/)
    .filter((sum) => /^[0-9a-f]{8}$/.test(sum));
  return sums.length === 0 ? undefined : sums;
}

export function recordChecksums(file: string, sums: readonly string[]): void {
  writeFileAtomic(checksumFileOf(file), Buffer.from(`${sums.join(' ')}\n`, 'utf8'));
}
