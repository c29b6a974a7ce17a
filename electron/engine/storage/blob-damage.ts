/**
 * Blob store damage as a state of the site, not only a failure of whoever reads the record: the updates whose stored
 * metadata is missing (a blob file deleted or cut short: rows pointing past its end, found cheaply) or fails its
 * checksum (found only by reading it: an export, a child's request, the details pane, doctor, a full sync). Those
 * found by reading are noted in the site's settings, so the state survives a restart and the next sync, delta or
 * full, fetches them again. A note lapses by itself once its row points elsewhere (the sync stored a new record).
 *
 * The state is computed once per open database (a scan of the update rows: about 25 ms at 35,000 updates) and again
 * after a sync or a new note.
 */
import { selectRows } from './rows';
import { readSetting, writeSetting } from './settings';
import type { SiteDatabase } from './site-database';
import { inTransaction } from './transaction';

const NOTED_KEY = 'storage.damagedRecords';
/** Notes kept at most: beyond this many unreadable records the blob store is gone as a whole (found cheaply anyway). */
const MAX_NOTES = 10_000;

export interface BlobDamage {
  /** Records (updates, bundled ones included) whose stored metadata cannot be read. */
  records: number;
  /**
   * The updates to mark: those records, and the updates they are bundled in (the repository lists those; an export
   * or a child's request for them lacks the bundled part).
   */
  ids: ReadonlySet<string>;
  /** How many of those the repository lists (deployable ones). */
  listed: number;
  /** A few of the repository's updates concerned, titled, for a message. */
  examples: Array<{ updateId: string; title: string }>;
}

const known = new WeakMap<SiteDatabase, BlobDamage>();

/** The site's damaged updates (cached per open database). */
export function blobDamageOf(site: SiteDatabase): BlobDamage {
  let damage = known.get(site);
  if (damage === undefined) {
    damage = scan(site);
    known.set(site, damage);
  }
  return damage;
}

/** After a sync (or anything that rewrote records): the next look scans again. */
export function forgetBlobDamage(site: SiteDatabase): void {
  known.delete(site);
}

/** Records a record found damaged by reading it; saved at once, so it is a state of the site from now on. */
export function noteDamagedRecord(site: SiteDatabase, id: string, offset: number): void {
  const notes = readSetting<Array<[string, number]>>(site, NOTED_KEY) ?? [];
  if (notes.some(([noted, at]) => noted === id && at === offset)) return;
  inTransaction(site, () => writeSetting(site, NOTED_KEY, [...notes, [id, offset]].slice(-MAX_NOTES)));
  try {
    site.save();
  } catch {
    // The note is in memory either way; a site that cannot be saved says so at its next write.
  }
  known.delete(site);
}

/**
 * Compaction moved the records (copied as they are, damage included): the notes follow them, or the damage would
 * lapse unrepaired. Runs inside compaction's transaction.
 */
export function moveNotes(site: SiteDatabase, movedTo: (id: string, offset: number) => number | undefined): void {
  const notes = readSetting<Array<[string, number]>>(site, NOTED_KEY) ?? [];
  if (notes.length === 0) return;
  writeSetting(
    site,
    NOTED_KEY,
    notes.flatMap(([id, offset]): Array<[string, number]> => {
      const moved = movedTo(id, offset);
      return moved === undefined ? [] : [[id, moved]];
    }),
  );
  known.delete(site);
}

/** Noted records whose row still points where the damage was found: id → offset. */
export function notedDamage(site: SiteDatabase): Map<string, number> {
  const notes = readSetting<Array<[string, number]>>(site, NOTED_KEY) ?? [];
  const current = new Map<string, number>();
  if (notes.length === 0) return current;
  const statement = site.db.prepare(
    `SELECT blob_offset FROM software_update WHERE update_id = ?1
     UNION ALL SELECT blob_offset FROM category WHERE category_id = ?1
     UNION ALL SELECT blob_offset FROM detectoid WHERE detectoid_id = ?1`,
  );
  try {
    for (const [id, offset] of notes) {
      statement.bind([id]);
      const still = statement.step() && Number(statement.get()[0]) === offset;
      statement.reset();
      if (still) current.set(id, offset);
    }
  } finally {
    statement.free();
  }
  return current;
}

/** A sentence for `usc sites` and the console, or undefined when the store is whole. */
export function describeBlobDamage(damage: BlobDamage): string | undefined {
  const count = damage.records;
  if (count === 0) return undefined;
  const named = damage.examples.map((example) => `${example.title} (${example.updateId})`).join('; ');
  const more = damage.listed - damage.examples.length;
  return (
    `The stored metadata of ${count.toLocaleString('en-US')} ${count === 1 ? 'update is' : 'updates are'} damaged or missing` +
    `${named === '' ? '' : `, in: ${named}${more > 0 ? `; and ${more.toLocaleString('en-US')} more` : ''}`}. ` +
    `${count === 1 ? 'It' : 'They'} cannot be exported or served to child sites until the next synchronization fetches ${count === 1 ? 'it' : 'them'} again from the upstream server.`
  );
}

function scan(site: SiteDatabase): BlobDamage {
  // One pass over the rows for what lies past the end of the store (a whole store deleted: every row, so nothing
  // is looked up row by row), then the few records noted as damaged when read.
  const damagedRows = selectRows(
    site.db,
    `SELECT update_id AS id, title, deployable FROM software_update
     WHERE state != 'removed' AND (blob_offset IS NULL OR blob_offset + blob_length > ?)`,
    [site.blobs.size],
  );
  const noted = notedDamage(site);
  if (noted.size > 0) {
    const statement = site.db.prepare("SELECT update_id, title, deployable FROM software_update WHERE update_id = ? AND state != 'removed'");
    try {
      for (const id of noted.keys()) {
        statement.bind([id]);
        if (statement.step()) {
          const [updateId, title, deployable] = statement.get();
          damagedRows.push({ id: updateId ?? id, title: title ?? '', deployable: deployable ?? 0 });
        }
        statement.reset();
      }
    } finally {
      statement.free();
    }
  }
  const damaged = new Set(damagedRows.map((row) => String(row.id)));
  if (damaged.size === 0) return { records: 0, ids: damaged, listed: 0, examples: [] };
  // The repository's updates concerned: the damaged deployable ones, and those a damaged bundled update is inside.
  const listedRows = new Map<string, string>();
  for (const row of damagedRows) if (Number(row.deployable) === 1) listedRows.set(String(row.id), String(row.title));
  if (damagedRows.some((row) => Number(row.deployable) !== 1)) {
    for (const row of selectRows(
      site.db,
      "SELECT b.child_id AS child, u.update_id AS parent, u.title FROM bundle b JOIN software_update u ON u.update_key = b.parent_key WHERE u.state != 'removed'",
    )) {
      if (damaged.has(String(row.child))) listedRows.set(String(row.parent), String(row.title));
    }
  }
  const ids = new Set([...damaged, ...listedRows.keys()]);
  const examples = [...listedRows].slice(0, 3).map(([updateId, title]) => ({ updateId, title }));
  return { records: damaged.size, ids, listed: listedRows.size, examples };
}
