/** Whether a site's storage is whole: SQLite's own integrity check, and every metadata record's checksum. */
import { selectRows } from './rows';
import type { SiteDatabase } from './site-database';

/** `PRAGMA integrity_check`: ['ok'], or SQLite's list of problems. */
export function integrityProblems(site: SiteDatabase): string[] {
  const answer = selectRows(site.db, 'PRAGMA integrity_check').map((row) => String(Object.values(row)[0]));
  return answer.join() === 'ok' ? [] : answer;
}

/** Checks every blob record the rows point at (a BlobStoreError names the first damaged one); returns how many. */
export function verifyBlobRecords(site: SiteDatabase): number {
  let records = 0;
  for (const [table, idColumn] of [
    ['software_update', 'update_id'],
    ['category', 'category_id'],
  ] as const) {
    for (const row of selectRows(site.db, `SELECT ${idColumn} AS id, blob_offset, blob_length FROM ${table} WHERE blob_offset IS NOT NULL`)) {
      site.blobs.verify({ offset: Number(row.blob_offset), length: Number(row.blob_length) }, String(row.id));
      records++;
    }
  }
  return records;
}
