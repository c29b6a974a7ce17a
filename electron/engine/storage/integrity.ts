/** Whether a site's storage is whole: SQLite's own integrity check, and every metadata record's checksum. */
import { notedDamage } from './blob-damage';
import { BlobStoreError } from './blob-store';
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

/**
 * The updates whose stored metadata cannot be read: records missing or past the end of the blob store (a file
 * deleted or cut short: found cheaply, every sync), those found damaged when read (noted: blob-damage.ts, every
 * sync) and, when `thorough`, records whose checksum fails (every record read: a full sync's job). A sync fetches
 * them again; the rows stay meanwhile.
 */
export function damagedUpdateRecords(site: SiteDatabase, thorough: boolean): Array<{ updateId: string; revision: number }> {
  return damagedRecords(site, "SELECT update_id AS id, revision, blob_offset, blob_length FROM software_update WHERE state != 'removed'", thorough);
}

/** The same for categories, classifications and detectoids (the configuration a sync fetches first). */
export function damagedConfigRecords(site: SiteDatabase, thorough: boolean): Array<{ updateId: string; revision: number }> {
  return damagedRecords(
    site,
    'SELECT category_id AS id, revision, blob_offset, blob_length FROM category UNION ALL SELECT detectoid_id, revision, blob_offset, blob_length FROM detectoid',
    thorough,
  );
}

function damagedRecords(site: SiteDatabase, query: string, thorough: boolean): Array<{ updateId: string; revision: number }> {
  const damaged: Array<{ updateId: string; revision: number }> = [];
  const end = site.blobs.size;
  const noted = notedDamage(site);
  for (const row of selectRows(site.db, query)) {
    const location = row.blob_offset === null ? undefined : { offset: Number(row.blob_offset), length: Number(row.blob_length) };
    let readable = location !== undefined && location.offset + location.length <= end && noted.get(String(row.id)) !== location.offset;
    if (readable && thorough) {
      try {
        site.blobs.verify(location!, String(row.id));
      } catch (error) {
        if (!(error instanceof BlobStoreError)) throw error;
        readable = false;
      }
    }
    if (!readable) damaged.push({ updateId: String(row.id), revision: Number(row.revision) });
  }
  return damaged;
}
