/**
 * How a batch of metadata becomes durable: its raw metadata is appended to the blob store (on disk first), then its
 * rows are written in one transaction, and that transaction is saved as one journal line (storage/write-journal.ts)
 * before the next batch is applied. A crash at any point leaves either the whole batch or none of it.
 *
 * Whatever one revision carries fails only that revision: one that cannot be made a record, or whose rows cannot be
 * written (each is applied under a savepoint), is recorded as failed and fetched again by the next sync; the rest of
 * the batch commits.
 */
import { encodeRevision } from '../storage/blob-store';
import { SiteSaveError } from '../storage/save-error';
import type { SiteDatabase } from '../storage/site-database';
import { inSavepoint, inTransaction } from '../storage/transaction';
import type { UpdateStore } from '../storage/update-store';
import type { MetadataFailure } from '../upstream/client/upstream-client';
import type { UpdateIdentity } from '../upstream/update-metadata';
import type { ArrivedBatch } from './metadata-fetch';
import type { RunRecord } from './run-record';

export type ArrivedRevision = ArrivedBatch['revisions'][number];
export type ApplyRevision = (entry: ArrivedRevision, location: { offset: number; length: number }, now: string) => void;

export interface BatchTarget {
  database: SiteDatabase;
  store: UpdateStore;
  run: RunRecord;
  now: () => Date;
  /** Throws when the sync was cancelled: checked before the batch is written and before its rows. */
  checkCancelled: () => void;
  /** The batch's records are on disk; its rows are about to be written. */
  onApplying: () => void;
  /** Makes the committed transaction durable. */
  commit: () => void;
}

export async function applyBatch(
  target: BatchTarget,
  batch: ArrivedBatch,
  config: boolean,
  apply: ApplyRevision,
): Promise<{ applied: number; failed: number }> {
  const { database, store, run } = target;
  target.checkCancelled();
  const failures: MetadataFailure[] = [...batch.failures];
  const entries: ArrivedRevision[] = [];
  const records: Uint8Array[] = [];
  for (const entry of batch.revisions) {
    const record = entry.record ?? encodeRevision({ ...entry.payload!, metadata: entry.metadata });
    if (record instanceof Uint8Array) {
      entries.push(entry);
      records.push(record);
    } else failures.push(record);
  }
  let locations: Array<{ offset: number; length: number }>;
  try {
    locations = database.blobs.appendEncoded(records);
  } catch (error) {
    throw new SiteSaveError(database.blobs.file, error);
  }
  target.checkCancelled();
  target.onApplying();
  const now = target.now().toISOString();
  let applied = 0;
  inTransaction(database, () => {
    entries.forEach((entry, index) => {
      const error = inSavepoint(database, () => apply(entry, locations[index]!, now));
      if (error === undefined) applied++;
      else failures.push(applyFailure(entry.metadata, error));
    });
    for (const failure of failures) store.recordFailure(failure, run.runId, config);
    run.recordFailed(failures.length);
  });
  target.commit();
  run.logFailures(failures, config);
  return { applied, failed: failures.length };
}

/** A revision whose rows could not be written: it fails alone, and the next sync fetches it again. */
function applyFailure(update: UpdateIdentity, error: unknown): MetadataFailure {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    updateId: update.updateId,
    revision: update.revision,
    message: `Update ${update.updateId}: its metadata could not be applied (${reason})`,
    source: 'CWSyncMgr::ApplyUpdate',
  };
}
