/**
 * A site database served as an upstream catalog, so a parent site answers its child sites over the same
 * server-server protocol as Microsoft Update (and children run the same client code). Anchors name the parent's
 * sync runs: `<run id>,<start time>`; an update changed after an anchor has a change recorded in a later run.
 */
import { inflateRawSync } from 'node:zlib';
import type { Database } from 'sql.js';
import { AnchorMismatchError, type RevisionFilter } from '../upstream/service/catalog';
import type { UpstreamCatalog } from '../upstream/service/upstream-service';
import type { UpdateIdentity } from '../upstream/update-metadata';
import { selectRows } from '../sync/sync-queries';

export class SiteCatalog implements UpstreamCatalog {
  constructor(
    private readonly db: () => Database,
    readonly languages: readonly string[],
  ) {}

  private lastRun(): { runId: number; startedAt: string } {
    const [row] = selectRows(this.db(), "SELECT run_id, started_at FROM sync_run WHERE outcome = 'succeeded' ORDER BY run_id DESC LIMIT 1");
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
    const [row] = selectRows(this.db(), 'SELECT started_at FROM sync_run WHERE run_id = ?', [runId]);
    if (row === undefined || String(row.started_at).replace('T', ' ').replace('Z', '') !== time) {
      throw new AnchorMismatchError(`Anchor ${anchor} was not issued by this site`);
    }
    return runId;
  }

  listCategories(): UpdateIdentity[] {
    return selectRows(this.db(), 'SELECT category_id, revision FROM category').map((row) => ({ updateId: String(row.category_id), revision: Number(row.revision) }));
  }

  listUpdates(filter: RevisionFilter): UpdateIdentity[] {
    const db = this.db();
    const products = new Map(filter.categories.map((item) => [item.id.toLowerCase(), item.delta]));
    const classifications = new Map(filter.classifications.map((item) => [item.id.toLowerCase(), item.delta]));
    const changed =
      filter.sinceCounter === undefined
        ? undefined
        : new Set(selectRows(db, 'SELECT DISTINCT update_id FROM sync_change WHERE run_id > ?', [filter.sinceCounter]).map((row) => String(row.update_id)));
    const links = groupPairs(selectRows(db, 'SELECT update_id AS key, category_id AS value FROM update_category'));
    const children = groupPairs(selectRows(db, 'SELECT parent_id AS key, child_id AS value FROM bundle'));
    const revisions = new Map<string, { revision: number; state: string }>();
    for (const row of selectRows(db, 'SELECT update_id, revision, state FROM software_update')) revisions.set(String(row.update_id), { revision: Number(row.revision), state: String(row.state) });
    const result: UpdateIdentity[] = [];
    for (const row of selectRows(db, "SELECT update_id, revision, classification_id FROM software_update WHERE deployable = 1 AND state <> 'removed'")) {
      const id = String(row.update_id);
      const classificationDelta = classifications.get(String(row.classification_id));
      const productDelta = (links.get(id) ?? []).map((category) => products.get(category)).find((delta) => delta !== undefined);
      if (classificationDelta === undefined || productDelta === undefined) continue;
      const everything = changed === undefined || !classificationDelta || !productDelta;
      if (!everything && !changed.has(id)) continue;
      result.push({ updateId: id, revision: Number(row.revision) });
      for (const childId of children.get(id) ?? []) {
        const child = revisions.get(childId);
        if (child !== undefined && child.state !== 'removed' && (everything || changed!.has(childId))) result.push({ updateId: childId, revision: child.revision });
      }
    }
    return result;
  }

  metadataXml(id: UpdateIdentity): string | undefined {
    const [row] = selectRows(this.db(), 'SELECT xml_deflate FROM revision_blob WHERE update_id = ? AND revision = ?', [id.updateId.toLowerCase(), id.revision]);
    return row === undefined ? undefined : inflateRawSync(row.xml_deflate as Uint8Array).toString('utf8');
  }

  updateCount(): number {
    return Number(this.db().exec("SELECT count(*) FROM software_update WHERE deployable = 1 AND state <> 'removed'")[0]?.values[0]?.[0] ?? 0);
  }
}

function groupPairs(rows: Array<Record<string, unknown>>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const key = String(row.key);
    let list = groups.get(key);
    if (list === undefined) groups.set(key, (list = []));
    list.push(String(row.value));
  }
  return groups;
}
