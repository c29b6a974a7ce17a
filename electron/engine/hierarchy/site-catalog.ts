/**
 * A site database served as an upstream catalog, so a parent site answers its child sites (or any downstream server
 * that follows [MS-WSUSSS]) over the same protocol as Microsoft Update, with what its own upstream gave it: the same
 * metadata XML, FileDigestList and file URLs, read from the site's blob store. Anchors name the site's successful
 * sync runs (`<run id>,<start time>`); a revision changed after an anchor was written by a later run.
 */
import { noteDamagedRecord } from '../storage/blob-damage';
import { BlobStoreError, type BlobLocation, type BlobStore } from '../storage/blob-store';
import type { SiteDatabase } from '../storage/site-database';
import { lastSuccessfulRun, runStartedAt, updatesChangedAfter } from '../storage/runs';
import { configRevisionsAfter, listedUpdateCount, servedUpdateRows, storedRecordOf } from '../storage/served-rows';
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

  private lastRun(): { runId: number; startedAt: string } {
    return lastSuccessfulRun(this.site()) ?? { runId: 0, startedAt: '1970-01-01T00:00:00.000Z' };
  }

  anchor(): string {
    const last = this.lastRun();
    return `${last.runId},${last.startedAt.replace('T', ' ').replace('Z', '')}`;
  }

  counterOf(anchor: string): number {
    const [idText, time] = anchor.split(',');
    const runId = Number(idText);
    if (runId === 0 && time === '1970-01-01 00:00:00.000') return 0;
    const started = Number.isInteger(runId) ? runStartedAt(this.site(), runId) : undefined;
    if (started === undefined || started.replace('T', ' ').replace('Z', '') !== time) {
      throw new AnchorMismatchError(`Anchor ${anchor} was not issued by this site`);
    }
    return runId;
  }

  /** Categories, classifications and detectoids, only those a run after the anchor's wrote when one is given. */
  listConfigRevisions(sinceCounter?: number): UpdateIdentity[] {
    return configRevisionsAfter(this.site(), sinceCounter);
  }

  listUpdates(filter: RevisionFilter): UpdateIdentity[] {
    const products = new Map(filter.categories.map((item) => [item.id.toLowerCase(), item.delta]));
    const classifications = new Map(filter.classifications.map((item) => [item.id.toLowerCase(), item.delta]));
    const unfiltered = products.size === 0 && classifications.size === 0;
    const changed = filter.sinceCounter === undefined ? undefined : updatesChangedAfter(this.site(), filter.sinceCounter);
    const rows = servedUpdateRows(this.site(), !unfiltered);
    const result: UpdateIdentity[] = [];
    const listed = new Set<string>();
    const list = (updateId: string, revision: number) => {
      if (listed.has(updateId)) return;
      listed.add(updateId);
      result.push({ updateId, revision });
    };
    // Every update its own categories select, deployable or not (an upstream may list a bundled update whose parent
    // it does not), and with each the updates it bundles: what this site's upstream listed, it lists.
    for (const row of rows.updates) {
      const id = row.updateId;
      const classificationDelta = unfiltered ? true : classifications.get(String(row.classificationId));
      const productDelta = unfiltered ? true : (rows.products.get(id) ?? []).map((category) => products.get(category)).find((delta) => delta !== undefined);
      if (classificationDelta === undefined || productDelta === undefined) continue;
      const everything = changed === undefined || !classificationDelta || !productDelta;
      if (!everything && !changed.has(id)) continue;
      list(id, row.revision);
      for (const childId of rows.bundled.get(id) ?? []) {
        const child = rows.revisions.get(childId);
        if (child !== undefined && child.state !== 'removed' && (everything || changed.has(childId))) list(childId, child.revision);
      }
    }
    return result;
  }

  /** The revision as this site received it, read from its blob store; only the latest revision of each is kept. */
  revisionData(id: UpdateIdentity): RevisionData | undefined {
    const updateId = id.updateId.toLowerCase();
    const record = storedRecordOf(this.site(), updateId);
    if (record === undefined || record.revision !== id.revision) return undefined;
    try {
      return servedRevision(this.site().blobs, { offset: record.offset, length: record.length }, { updateId, revision: id.revision });
    } catch (error) {
      // Found by a child's request: a state of the site from now on, and the next sync fetches it again.
      if (error instanceof RevisionUnavailableError) noteDamagedRecord(this.site(), updateId, record.offset);
      throw error;
    }
  }

  updateCount(): number {
    return listedUpdateCount(this.site());
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
