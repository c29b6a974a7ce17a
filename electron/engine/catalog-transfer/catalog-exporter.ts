/**
 * Writes a site's catalog to an export file (export-format.ts): the rows are read once, up front, so a sync that
 * runs meanwhile changes nothing of what is written (the blob store only grows, and it is not compacted during an
 * export); the records are copied as they are stored, checked on the way. The file appears under its name only when
 * it is complete and on disk (temp file + rename); a failed or cancelled export leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../../../shared/errors';
import type { SiteDatabase } from '../storage/site-database';
import { snapshotCatalog } from '../storage/catalog-snapshot';
import { encodePreamble, encodeTrailer, type ExportHeader, type ExportIndex, type RecordRef } from './export-format';
import { noteDamagedRecord } from '../storage/blob-damage';
import { BlobStoreError } from '../storage/blob-store';

export interface ExportSummary {
  file: string;
  bytes: number;
  sha256: string;
  updates: number;
  categories: number;
  /** What `skipDamaged` left out: records whose stored metadata could not be read. */
  missing: Array<{ updateId: string; reason: string }>;
}

export async function writeCatalogExport(options: {
  database: SiteDatabase;
  header: ExportHeader;
  file: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Export the rest when records are damaged, listing what is missing (in the result and the file's index). */
  skipDamaged?: boolean;
}): Promise<ExportSummary> {
  const { database, header, file, onProgress, signal } = options;
  const missing: ExportSummary['missing'] = [];
  const snapshot = snapshotCatalog(database);
  if (snapshot.config.length === 0 && snapshot.updates.length === 0) {
    throw new ApiError('NOT_ALLOWED', `${header.site} has no synchronized catalog to export yet: synchronize it first.`);
  }
  const temp = join(dirname(file), `.${basename(file)}.partial-${process.pid}`);
  const handle = await open(temp, 'w');
  const hash = createHash('sha256');
  let position = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    const chunk = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    for (let written = 0; written < chunk.length;) written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
  };
  // Written in chunks of a few MiB: the engine answers other calls between them.
  const write = async (bytes: Buffer) => {
    hash.update(bytes);
    pending.push(bytes);
    pendingBytes += bytes.length;
    position += bytes.length;
    if (pendingBytes >= 4 * 2 ** 20) await flush();
  };
  let completed = false;
  try {
    await write(encodePreamble(header));
    const total = snapshot.config.length + snapshot.updates.length;
    let done = 0;
    const copy = async (item: { id: string; revision: number; offset: number; length: number }): Promise<RecordRef | undefined> => {
      // A damaged record stops the export with its name, or (skipDamaged) is left out and listed: an export never
      // leaves an update out without saying so.
      let raw: Buffer;
      try {
        raw = database.blobs.readRaw({ offset: item.offset, length: item.length }, item.id);
      } catch (error) {
        if (!(error instanceof BlobStoreError)) throw error;
        noteDamagedRecord(database, item.id, item.offset);
        if (options.skipDamaged === true) {
          missing.push({ updateId: item.id, reason: error.message });
          done++;
          return undefined;
        }
        throw new ApiError(
          'SITE_DAMAGED',
          `Nothing was exported: the stored metadata of ${item.id} is damaged (${error.message}). Run a synchronization of the site, which fetches damaged metadata again, then export (or export the rest with --skip-damaged).`,
        );
      }
      const ref: RecordRef = [item.id, item.revision, position, raw.length];
      await write(raw);
      done++;
      if (done % 500 === 0 || done === total) {
        signal?.throwIfAborted();
        onProgress?.(done, total);
      }
      return ref;
    };
    const index: ExportIndex = { config: [], updates: [] };
    for (const item of snapshot.config) {
      const ref = await copy(item);
      if (ref !== undefined) index.config.push(ref);
    }
    for (const item of snapshot.updates) {
      const ref = await copy(item);
      if (ref === undefined) continue;
      index.updates.push({
        ref,
        deployable: item.deployable,
        classification: item.classification,
        products: item.products,
        bundled: item.bundled,
      });
    }
    // An import of this file keeps what it lacks as it is, instead of marking it removed.
    if (missing.length > 0) index.missing = missing.map((entry) => entry.updateId);
    let indexBytes: Buffer;
    try {
      indexBytes = Buffer.from(JSON.stringify(index), 'utf8');
    } catch (error) {
      // V8's longest string (512 Mi characters) holds the index of about 3 million updates; the export is refused.
      if (!(error instanceof RangeError)) throw error;
      throw new ApiError(
        'BAD_REQUEST',
        `The catalog of ${snapshot.updates.length.toLocaleString('en-US')} updates is too large for one export file (its index would pass 512 Mi characters). Export a site that selects fewer products.`,
      );
    }
    const indexOffset = position;
    await write(indexBytes);
    await flush();
    const sha256 = hash.digest();
    await handle.write(encodeTrailer(indexOffset, indexBytes.length, sha256));
    await handle.datasync();
    await handle.close();
    signal?.throwIfAborted();
    await rename(temp, file);
    completed = true;
    return {
      file,
      bytes: position + encodeTrailer(0, 0, sha256).length,
      sha256: sha256.toString('hex'),
      updates: index.updates.filter((update) => update.deployable).length,
      categories: index.config.length,
      missing,
    };
  } finally {
    if (!completed) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
    }
  }
}
