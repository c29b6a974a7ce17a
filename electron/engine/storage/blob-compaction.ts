/**
 * Compaction of a site's blob store: every revision change appends a new record and leaves the old one behind, so
 * when superseded records make up most of the file, the live records are copied (as they are, checksums included)
 * into the next generation's file, the rows are pointed at it and the database saved whole, in that order. Until
 * that save the old file is what the database on disk points into; a crash at any step leaves a usable pair.
 */
import { rmSync, statSync } from 'node:fs';
import { BlobStore } from './blob-store';
import { SiteDatabase } from './site-database';
import { inTransactionOn } from './transaction';
import { moveNotes } from './blob-damage';

/** Tables whose rows point into the blob store, with their key column. */
const POINTING = [
  ['software_update', 'update_id'],
  ['category', 'category_id'],
  ['detectoid', 'detectoid_id'],
] as const;

export interface CompactionResult {
  compacted: boolean;
  /** Records copied (-1 when compaction was not worth it and they were not counted). */
  liveRecords: number;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Compacts when unreferenced records are more than half of a store of at least `minimumBytes` (or always, when
 * `force`). A damaged record is copied as it is (compaction neither repairs nor hides damage); one the file does not
 * hold whole stops the compaction, which then changes nothing. Unless forced, it only looks when records were
 * appended since it last looked (or since the store was opened): records become unreferenced when newer revisions
 * are appended, and looking reads every row (45 ms of a 0.9 s delta sync with nothing new at 100,000 updates).
 */
export function compactBlobStore(site: SiteDatabase, options: { force?: boolean; minimumBytes?: number } = {}): CompactionResult {
  const db = site.db;
  const bytesBefore = site.blobs.size;
  if (!options.force) {
    if (!site.blobs.appendedSinceCheck) return { compacted: false, liveRecords: -1, bytesBefore, bytesAfter: bytesBefore };
    site.blobs.appendedSinceCheck = false;
    // Most syncs end here: the sums are read in SQL, the rows only when compaction is worth it.
    const liveBytes = POINTING.reduce((sum, [table]) => sum + Number(db.exec(`SELECT coalesce(sum(blob_length), 0) FROM ${table}`)[0]?.values[0]?.[0] ?? 0), 0);
    if (bytesBefore < (options.minimumBytes ?? 64 * 1024 * 1024) || liveBytes * 2 >= bytesBefore)
      return { compacted: false, liveRecords: -1, bytesBefore, bytesAfter: bytesBefore };
  }
  const live: Array<{ table: string; key: string; id: string; offset: number; length: number }> = [];
  for (const [table, key] of POINTING) {
    for (const [id, offset, length] of db.exec(`SELECT ${key}, blob_offset, blob_length FROM ${table} WHERE blob_offset IS NOT NULL`)[0]?.values ?? []) {
      live.push({ table, key, id: String(id), offset: Number(offset), length: Number(length) });
    }
  }
  live.sort((a, b) => a.offset - b.offset);
  const oldGeneration = site.blobGeneration;
  const nextFile = SiteDatabase.blobFileOf(site.file, oldGeneration + 1);
  rmSync(nextFile, { force: true });
  const next = BlobStore.open(nextFile);
  const moved: number[] = [];
  try {
    for (let start = 0; start < live.length; start += 1000) {
      const chunk = live.slice(start, start + 1000).map((record) => site.blobs.readStored(record, record.id));
      moved.push(...next.appendEncoded(chunk).map((location) => location.offset));
    }
  } catch (error) {
    next.close();
    rmSync(nextFile, { force: true });
    throw error;
  }

  const point = (offsets: (index: number) => number) => {
    const statements = POINTING.map(([table, key]) => [table, db.prepare(`UPDATE ${table} SET blob_offset = ? WHERE ${key} = ?`)] as const);
    try {
      live.forEach((record, index) => statements.find(([table]) => table === record.table)![1].run([offsets(index), record.id]));
    } finally {
      for (const [, statement] of statements) statement.free();
    }
  };
  const newOffsets = new Map(live.map((record, index) => [`${record.id}@${record.offset}`, moved[index]!]));
  const previous = inTransactionOn(db, () => {
    point((index) => moved[index]!);
    moveNotes(site, (id, offset) => newOffsets.get(`${id}@${offset}`));
    return site.switchBlobGeneration(oldGeneration + 1, next);
  });
  try {
    site.saveWhole();
  } catch (error) {
    // The file on disk still points into the old store: put the memory back the same way.
    const oldOffsets = new Map(live.map((record, index) => [`${record.id}@${moved[index]!}`, record.offset]));
    inTransactionOn(db, () => {
      point((index) => live[index]!.offset);
      moveNotes(site, (id, offset) => oldOffsets.get(`${id}@${offset}`));
      site.switchBlobGeneration(oldGeneration, previous);
    });
    next.close();
    rmSync(nextFile, { force: true });
    throw error;
  }
  // The store before stays (the database's .bak points into it); the one before that goes.
  previous.close();
  rmSync(SiteDatabase.blobFileOf(site.file, oldGeneration - 1), { force: true });
  return { compacted: true, liveRecords: live.length, bytesBefore, bytesAfter: statSync(nextFile).size };
}
