/**
 * A verified export file served as an upstream catalog, so an import is a synchronization like any other: the
 * engine serves the file on loopback over [MS-WSUSSS] and the sync runner applies it with its usual plan, batches,
 * history, status messages and log. The records are read from the file by offset, never loaded whole.
 *
 * An export holds one state of a catalog, not its history: every listing is complete (an import is a full sync),
 * whatever anchor the importing site presents.
 */
import { servedRevision } from '../hierarchy/site-catalog';
import { BlobStore } from '../storage/blob-store';
import type { RevisionData, RevisionFilter, UpstreamCatalog } from '../upstream/service/upstream-catalog';
import type { UpdateIdentity } from '../upstream/update-metadata';
import { parseUpdateXml } from '../upstream/xml/update-xml';
import type { CategoryRow } from '../settings/category-selection';
import type { ExportIndex, RecordRef, VerifiedExport } from './export-format';

type IndexedUpdate = ExportIndex['updates'][number];

export class ExportFileCatalog implements UpstreamCatalog {
  readonly languages: readonly string[];
  private readonly store: BlobStore;
  private readonly records = new Map<string, RecordRef>();
  private readonly updates = new Map<string, IndexedUpdate>();

  constructor(private readonly verified: VerifiedExport) {
    this.languages = verified.header.languages;
    this.store = BlobStore.openReadOnly(verified.file);
    for (const ref of verified.index.config) this.records.set(ref[0].toLowerCase(), ref);
    for (const update of verified.index.updates) {
      this.records.set(update.ref[0].toLowerCase(), update.ref);
      this.updates.set(update.ref[0].toLowerCase(), update);
    }
  }

  anchor(): string {
    const { header } = this.verified;
    return `${header.contentVersion},${header.exportedAt.replace('T', ' ').replace('Z', '')}`;
  }

  counterOf(): number {
    return 0;
  }

  listConfigRevisions(): UpdateIdentity[] {
    return this.verified.index.config.map(([updateId, revision]) => ({ updateId, revision }));
  }

  /** What the importing site's products and classifications select, each deployable update followed by its bundled ones. */
  listUpdates(filter: RevisionFilter): UpdateIdentity[] {
    const products = new Set(filter.categories.map((item) => item.id.toLowerCase()));
    const classifications = new Set(filter.classifications.map((item) => item.id.toLowerCase()));
    const unfiltered = products.size === 0 && classifications.size === 0;
    const result: UpdateIdentity[] = [];
    const listed = new Set<string>();
    const list = (ref: RecordRef) => {
      if (listed.has(ref[0].toLowerCase())) return;
      listed.add(ref[0].toLowerCase());
      result.push({ updateId: ref[0], revision: ref[1] });
    };
    // Deployable updates first, each with what it bundles; then any other update its own categories select (an
    // upstream may list a bundled update whose parent it does not), as the exporting site served them.
    const ordered = [...this.verified.index.updates].sort((a, b) => Number(b.deployable) - Number(a.deployable));
    for (const update of ordered) {
      if (!unfiltered) {
        if (update.classification === null || !classifications.has(update.classification.toLowerCase())) continue;
        if (!update.products.some((product) => products.has(product.toLowerCase()))) continue;
      }
      list(update.ref);
      for (const childId of update.bundled) {
        const child = this.updates.get(childId.toLowerCase());
        if (child !== undefined) list(child.ref);
      }
    }
    return result;
  }

  revisionData(id: UpdateIdentity): RevisionData | undefined {
    const ref = this.records.get(id.updateId.toLowerCase());
    if (ref === undefined || ref[1] !== id.revision) return undefined;
    return servedRevision(this.store, { offset: ref[2], length: ref[3] }, { updateId: ref[0], revision: ref[1] });
  }

  /** The file's categories (products, families, classifications), read from its records. */
  categoryRows(): CategoryRow[] {
    const rows: CategoryRow[] = [];
    for (const [updateId, revision] of this.verified.index.config) {
      const data = this.revisionData({ updateId, revision });
      if (data === undefined) continue;
      const metadata = parseUpdateXml(data.xml, { updateId, revision });
      if (metadata.type !== 'Category') continue;
      const name = metadata.localized.find((text) => text.language === 'en')?.title ?? metadata.localized[0]?.title ?? updateId;
      rows.push({ id: updateId.toLowerCase(), name, type: metadata.categoryType ?? 'Product', parent: metadata.categoryGroups[0]?.[0]?.toLowerCase() ?? null });
    }
    return rows;
  }

  /** The updates an administrator deploys (bundled ones travel inside them), with their products and classification. */
  deployableUpdates(): Array<Pick<IndexedUpdate, 'products' | 'classification'>> {
    return this.verified.index.updates.filter((update) => update.deployable);
  }

  updateCount(): number {
    let count = 0;
    for (const update of this.verified.index.updates) if (update.deployable) count++;
    return count;
  }

  close(): void {
    this.store.close();
  }
}
