/**
 * A site database served as an upstream catalog, so a parent site answers its child sites (or any downstream server
 * that follows [MS-WSUSSS]) over the same protocol as Microsoft Update, with what its own upstream gave it: the same
 * metadata XML, FileDigestList and file URLs, read from the site's blob store. Anchors name the site's successful
 * sync runs (`<run id>,<start time>`); a revision changed after an anchor was written by a later run.
 */
import { BlobStoreError, type BlobLocation, type BlobStore } from '../storage/blob-store';
import type { SiteDatabase } from '../storage/site-database';
import { groupPairs, selectRows } from '../sync/sync-queries';
import {
  AnchorMismatchError,
  RevisionUnavailableError,
  type RevisionData,
  type RevisionFilter,
  type UpstreamCatalog,
} from '../upstream/service/upstream-catalog';
import type { UpdateIdentity } from '../upstream/update-metadata';

export class SiteCatalog implements UpstreamCatalog {
  constructor(
    private readonly site: () => SiteDatabase,
    readonly languages: readonly string[],
  ) {}

  private get db() {
    return this.site().db;
  }

  private lastRun(): { runId: number; startedAt: string } {
    const [row] = selectRows(this.db, "SELECT run_id, started_at FROM sync_run WHERE outcome = 'succeeded' ORDER BY run_id DESC LIMIT 1");
    return row === undefined ? { runId: 0, startedAt: '1970-01-01T00:00:00.000Z' } : { runId: Number(row.run_id), startedAt: String(row.started_at) };
  }

  anchor(): string {
    const last = this.lastRun();
    return `${last.runId},${last.startedAt.replace('T', ' ').replace('Z', '')}`;
  }

  counterOf(anchor: string): number {
    const [idText, time] = anchor.split(',');
    const runId = Number(idText);
    if (runId === 0 && time === '1970-01-01 00:00:00.000') return 0;
    const [row] = Number.isInteger(runId) ? selectRows(this.db, 'SELECT started_at FROM sync_run WHERE run_id = ?', [runId]) : [];
    if (row === undefined || String(row.started_at).replace('T', ' ').replace('Z', '') !== time) {
      throw new AnchorMismatchError(`Anchor ${anchor} was not issued by this site`);
    }
    return runId;
  }

  /** Categories, classifications and detectoids, only those a run after the anchor's wrote when one is given. */
  listConfigRevisions(sinceCounter?: number): UpdateIdentity[] {
    const since = sinceCounter ?? -1;
    return selectRows(
      this.db,
      'SELECT category_id AS id, revision FROM category WHERE changed_run > ? UNION ALL SELECT detectoid_id AS id, revision FROM detectoid WHERE changed_run > ?',
      [since, since],
    ).map((row) => ({ updateId: String(row.id), revision: Number(row.revision) }));
  }

  listUpdates(filter: RevisionFilter): UpdateIdentity[] {
    const db = this.db;
    const products = new Map(filter.categories.map((item) => [item.id.toLowerCase(), item.delta]));
    const classifications = new Map(filter.classifications.map((item) => [item.id.toLowerCase(), item.delta]));
    const unfiltered = products.size === 0 && classifications.size === 0;
    const changed =
      filter.sinceCounter === undefined
        ? undefined
        : new Set(
            selectRows(db, 'SELECT DISTINCT u.update_id FROM sync_change c JOIN software_update u ON u.update_key = c.update_key WHERE c.run_id > ?', [
              filter.sinceCounter,
            ]).map((row) => String(row.update_id)),
          );
    const links = unfiltered
      ? new Map<string, string[]>()
      : groupPairs(
          selectRows(
            db,
            'SELECT u.update_id AS key, c.category_id AS value FROM update_product p JOIN software_update u ON u.update_key = p.update_key JOIN category c ON c.category_key = p.category_key',
          ),
        );
    const children = groupPairs(
      selectRows(db, 'SELECT p.update_id AS key, b.child_id AS value FROM bundle b JOIN software_update p ON p.update_key = b.parent_key'),
    );
    const revisions = new Map<string, { revision: number; state: string }>();
    for (const row of selectRows(db, 'SELECT update_id, revision, state FROM software_update'))
      revisions.set(String(row.update_id), { revision: Number(row.revision), state: String(row.state) });
    const result: UpdateIdentity[] = [];
    const listed = new Set<string>();
    const list = (updateId: string, revision: number) => {
      if (listed.has(updateId)) return;
      listed.add(updateId);
      result.push({ updateId, revision });
    };
    // Every update its own categories select, deployable or not (an upstream may list a bundled update whose parent
    // it does not), and with each the updates it bundles: what this site's upstream listed, it lists.
    for (const row of selectRows(
      db,
      "SELECT u.update_id, u.revision, c.category_id AS classification_id FROM software_update u LEFT JOIN category c ON c.category_key = u.classification_key WHERE u.state <> 'removed' ORDER BY u.deployable DESC, u.update_key",
    )) {
      const id = String(row.update_id);
      const classificationDelta = unfiltered ? true : classifications.get(String(row.classification_id));
      const productDelta = unfiltered ? true : (links.get(id) ?? []).map((category) => products.get(category)).find((delta) => delta !== undefined);
      if (classificationDelta === undefined || productDelta === undefined) continue;
      const everything = changed === undefined || !classificationDelta || !productDelta;
      if (!everything && !changed.has(id)) continue;
      list(id, Number(row.revision));
      for (const childId of children.get(id) ?? []) {
        const child = revisions.get(childId);
        if (child !== undefined && child.state !== 'removed' && (everything || changed!.has(childId))) list(childId, child.revision);
      }
    }
    return result;
  }

  /** The revision as this site received it, read from its blob store; only the latest revision of each is kept. */
  revisionData(id: UpdateIdentity): RevisionData | undefined {
    const updateId = id.updateId.toLowerCase();
    const [row] = selectRows(
      this.db,
      `SELECT revision, blob_offset, blob_length FROM software_update WHERE update_id = ?1
       UNION ALL SELECT revision, blob_offset, blob_length FROM category WHERE category_id = ?1
       UNION ALL SELECT revision, blob_offset, blob_length FROM detectoid WHERE detectoid_id = ?1`,
      [updateId],
    );
    if (row === undefined || Number(row.revision) !== id.revision || row.blob_offset === null) return undefined;
    return servedRevision(this.site().blobs, { offset: Number(row.blob_offset), length: Number(row.blob_length) }, { updateId, revision: id.revision });
  }

  updateCount(): number {
    return Number(this.db.exec("SELECT count(*) FROM software_update WHERE deployable = 1 AND state <> 'removed'")[0]?.values[0]?.[0] ?? 0);
  }
}

/** A stored record as a GetUpdateData answer serves it; a damaged record fails that revision only (RevisionUnavailableError). */
export function servedRevision(store: BlobStore, location: BlobLocation, expected: UpdateIdentity): RevisionData {
  try {
    const record = store.read(location, expected);
    return {
      xml: record.xml,
      fileDigests: record.fileDigests,
      fileUrls: record.fileUrls,
      ...(record.cabinet === undefined ? {} : { cabinet: record.cabinet }),
    };
  } catch (error) {
    if (error instanceof BlobStoreError) throw new RevisionUnavailableError(error.message);
    throw error;
  }
}
