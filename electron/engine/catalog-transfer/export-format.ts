/**
 * The catalog export file (`usc export`, `usc import`, WsusUtil export's job for disconnected sites): one file with
 * everything a site needs to be synchronized from it, and a checksum over all of it.
 *
 * Layout: `USCEXPRT` | format (u32 LE) | header length (u32 LE) | header JSON (site, time, content version, the
 * settings it was exported with) | the revisions' records, byte for byte as the site's blob store holds them (each
 * with its own CRC-32, the metadata still compressed) | index JSON (where each record is; each update's products,
 * classification and bundled updates) | trailer: `USCEXEND` | index offset (u64 LE) | index length (u64 LE, as two
 * u32: low, high) | SHA-256 of every byte before the trailer.
 *
 * Format 2 (2026-12) holds blob records of version 2, whose header length is 32-bit, so an update listing thousands
 * of files travels too; format 1 files (version 1 records, the high word of the index length reserved as 0) are read
 * as ever. An older release refuses a format 2 file as newer instead of misreading its records.
 *
 * A file is refused, with the reason, before anything is applied: one that does not start with the magic (not an
 * export), from a newer format, without its trailer (truncated), or whose SHA-256 does not match (changed or damaged).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { z } from 'zod';
import { SupersedenceRuleSchema } from '../../../shared/domain';

export const EXPORT_MAGIC = Buffer.from('USCEXPRT', 'ascii');
export const TRAILER_MAGIC = Buffer.from('USCEXEND', 'ascii');
export const EXPORT_FORMAT = 2;
export const PREAMBLE_BYTES = 16;
export const TRAILER_BYTES = 56;
/** The extension the console proposes; any name is accepted. */
export const EXPORT_EXTENSION = '.uscexport';

export const ExportHeaderSchema = z.object({
  format: z.number().int(),
  product: z.string(),
  site: z.string(),
  siteName: z.string(),
  exportedAt: z.string(),
  /** The exporting site's content version: how many complete synchronizations its catalog has had. */
  contentVersion: z.number().int(),
  /** The Software Update Point settings the catalog was synchronized with (no source, proxy or secrets). */
  settings: z.object({
    products: z.array(z.string()),
    classifications: z.array(z.string()),
    languages: z.array(z.string()),
    supersedence: SupersedenceRuleSchema.optional(),
  }),
  /** Languages with localized text, as the exporting site served them. */
  languages: z.array(z.string()),
});
export type ExportHeader = z.infer<typeof ExportHeaderSchema>;

/** [update ID, revision, record offset, record length] */
const RecordRefSchema = z.tuple([z.string(), z.number().int(), z.number().int().nonnegative(), z.number().int().positive()]);
export type RecordRef = z.infer<typeof RecordRefSchema>;

export const ExportIndexSchema = z.object({
  /** Categories, classifications and detectoids. */
  config: z.array(RecordRefSchema),
  /** Every update that is not removed, bundled ones included. */
  updates: z.array(
    z.object({
      ref: RecordRefSchema,
      deployable: z.boolean(),
      classification: z.string().nullable(),
      products: z.array(z.string()),
      bundled: z.array(z.string()),
    }),
  ),
  /** Updates and categories the exporting site could not read (`usc export --skip-damaged`): not in the file, not gone. */
  missing: z.array(z.string()).optional(),
});
export type ExportIndex = z.infer<typeof ExportIndexSchema>;

export type ExportRefusal = 'NOT_AN_EXPORT' | 'NEWER_FORMAT' | 'TRUNCATED' | 'CHECKSUM' | 'DAMAGED';

/** Why a file cannot be imported; nothing was applied from it. */
export class ExportFileError extends Error {
  constructor(
    readonly reason: ExportRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'ExportFileError';
  }
}

export function encodePreamble(header: ExportHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  EXPORT_MAGIC.copy(preamble, 0);
  preamble.writeUInt32LE(EXPORT_FORMAT, 8);
  preamble.writeUInt32LE(json.length, 12);
  return Buffer.concat([preamble, json]);
}

export function encodeTrailer(indexOffset: number, indexLength: number, sha256: Buffer): Buffer {
  const trailer = Buffer.alloc(TRAILER_BYTES);
  TRAILER_MAGIC.copy(trailer, 0);
  trailer.writeBigUInt64LE(BigInt(indexOffset), 8);
  trailer.writeUInt32LE(indexLength % 2 ** 32, 16);
  trailer.writeUInt32LE(Math.floor(indexLength / 2 ** 32), 20);
  sha256.copy(trailer, 24);
  return trailer;
}

/** Whether a file starts as an export does (a regular file whose first bytes are the magic); nothing else is checked. */
export function isExportFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    const fd = openSync(file, 'r');
    try {
      return readAt(fd, 0, EXPORT_MAGIC.length).equals(EXPORT_MAGIC);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

export interface VerifiedExport {
  file: string;
  bytes: number;
  sha256: string;
  header: ExportHeader;
  index: ExportIndex;
}

/**
 * Checks a file end to end before anything of it is applied: magic, format, trailer, SHA-256 of every byte, header
 * and index. `onProgress` hears how many bytes were checksummed; the signal stops the check.
 */
export async function verifyExportFile(file: string, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<VerifiedExport> {
  const name = `"${file}"`;
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new ExportFileError('NOT_AN_EXPORT', `${name} is a folder, not an export file: give the path of the ${EXPORT_EXTENSION} file in it.`);
  }
  const fd = openSync(file, 'r');
  let size: number;
  let preamble: Buffer;
  let trailer: Buffer | undefined;
  try {
    size = fstatSync(fd).size;
    preamble = readAt(fd, 0, Math.min(PREAMBLE_BYTES, size));
    if (!preamble.subarray(0, Math.min(8, preamble.length)).equals(EXPORT_MAGIC.subarray(0, Math.min(8, preamble.length))) || size === 0) {
      throw new ExportFileError('NOT_AN_EXPORT', `${name} is not a catalog export of Update Sync Console: it does not start with "USCEXPRT".`);
    }
    if (size < PREAMBLE_BYTES + TRAILER_BYTES) {
      throw new ExportFileError('TRUNCATED', `${name} is truncated: it ends at byte ${size}, before the end of its header. Copy the export again.`);
    }
    const format = preamble.readUInt32LE(8);
    if (format > EXPORT_FORMAT) {
      throw new ExportFileError(
        'NEWER_FORMAT',
        `${name} was written in export format ${format} by a newer version of Update Sync Console; this one reads format ${EXPORT_FORMAT}. Import it with the newer version, or export again from a site running this one.`,
      );
    }
    if (format < 1) throw new ExportFileError('DAMAGED', `${name} is damaged: its format number (${format}) is not one any version writes.`);
    trailer = readAt(fd, size - TRAILER_BYTES, TRAILER_BYTES);
  } finally {
    closeSync(fd);
  }
  if (!trailer.subarray(0, 8).equals(TRAILER_MAGIC)) {
    throw new ExportFileError(
      'TRUNCATED',
      `${name} is truncated: it ends at byte ${size} without the closing record every export ends with (the copy or the export stopped early). Copy the export again.`,
    );
  }
  const expected = trailer.subarray(24, 56);
  const actual = await sha256Of(file, size - TRAILER_BYTES, onProgress, signal);
  if (!actual.equals(expected)) {
    throw new ExportFileError(
      'CHECKSUM',
      `${name} fails its checksum: its SHA-256 is ${actual.toString('hex')}, the export says ${expected.toString('hex')}. The file was changed or damaged after it was written; copy the export again.`,
    );
  }
  const indexOffset = Number(trailer.readBigUInt64LE(8));
  const indexLength = trailer.readUInt32LE(16) + trailer.readUInt32LE(20) * 2 ** 32;
  const headerLength = preamble.readUInt32LE(12);
  // Lengths a file declares are checked against the file before any is read or allocated (a crafted one with a
  // matching checksum declared 0xFFFFFFF0 bytes and ended as "unexpected error: length out of range").
  const room = size - TRAILER_BYTES;
  if (PREAMBLE_BYTES + headerLength > room) {
    throw new ExportFileError('DAMAGED', `${name} is damaged: its header declares ${headerLength} bytes, more than the file holds (${room - PREAMBLE_BYTES}).`);
  }
  if (indexOffset < PREAMBLE_BYTES + headerLength || indexOffset > room || indexLength > room) {
    throw new ExportFileError('DAMAGED', `${name} is damaged: its index is not where its trailer says.`);
  }
  const descriptor = openSync(file, 'r');
  try {
    const header = parsePart(ExportHeaderSchema, readAt(descriptor, PREAMBLE_BYTES, headerLength), name, 'header');
    if (indexOffset + indexLength !== size - TRAILER_BYTES)
      throw new ExportFileError('DAMAGED', `${name} is damaged: its index is not where its trailer says.`);
    const index = parsePart(ExportIndexSchema, readAt(descriptor, indexOffset, indexLength), name, 'index');
    return { file, bytes: size, sha256: actual.toString('hex'), header, index };
  } finally {
    closeSync(descriptor);
  }
}

function parsePart<T>(schema: z.ZodType<T>, bytes: Buffer, name: string, part: string): T {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ExportFileError('DAMAGED', `${name} is damaged: its ${part} is not readable.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ExportFileError('DAMAGED', `${name} is damaged: its ${part} is not what an export holds (${parsed.error.issues[0]?.message ?? 'invalid'}).`);
  return parsed.data;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const count = readSync(fd, buffer, read, length - read, position + read);
    if (count === 0) break;
    read += count;
  }
  return buffer.subarray(0, read);
}

async function sha256Of(file: string, length: number, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<Buffer> {
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(4 * 2 ** 20);
    for (let done = 0; done < length;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, length - done), done);
      if (bytesRead === 0) throw new ExportFileError('TRUNCATED', `"${file}" is truncated: it became shorter while it was being checked.`);
      hash.update(chunk.subarray(0, bytesRead));
      done += bytesRead;
      onProgress?.(done, length);
    }
  } finally {
    await handle.close();
  }
  return hash.digest();
}
