/**
 * Writes synchronized metadata into a site database. Each batch is applied inside one transaction by the caller;
 * this class only knows the rows. It reports what each update's arrival changed, for the run's history.
 */
import type { Database, Statement } from 'sql.js';
import type { BlobLocation } from '../sites/blob-store';
import type { UpdateIdentity, UpdateMetadata } from '../upstream/update-metadata';
import type { StoredRevision } from './sync-plan';

const SEVERITY_RANK: Record<string, number> = { Critical: 1, Important: 2, Moderate: 3, Low: 4 };

export type ChangeKind = 'added' | 'revised' | 'expired' | 'removed';

export class UpdateStore {
  private readonly statements: Statement[] = [];
  private readonly upsertCategory: Statement;
  private readonly selectUpdate: Statement;
  private readonly upsertUpdate: Statement;
  private readonly deleteLinks: Statement[];
  private readonly insertText: Statement;
  private readonly insertCategoryLink: Statement;
  private readonly replaceSearch: Statement;
  private readonly hideLinks: Statement;
  private readonly insertSupersedence: Statement;
  private readonly insertBundle: Statement;
  private readonly upsertLocation: Statement;
  private readonly insertChange: Statement;
  private readonly markRemoved: Statement;
  private readonly upsertDetectoid: Statement;
  private readonly upsertPending: Statement;
  private readonly insertFailure: Statement;
  private readonly resolvePending: Statement;
  private categoryNames = new Map<string, { name: string; type: string }>();

  constructor(private readonly db: Database) {
    const prepare = (sql: string) => {
      const statement = db.prepare(sql);
      this.statements.push(statement);
      return statement;
    };
    this.upsertCategory = prepare(
      `INSERT INTO category (category_id, revision, category_type, name, parent_id, changed_run) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (category_id) DO UPDATE SET revision = excluded.revision, category_type = excluded.category_type, name = excluded.name, parent_id = excluded.parent_id,
         changed_run = excluded.changed_run`,
    );
    this.upsertDetectoid = prepare(
      `INSERT INTO detectoid (detectoid_id, revision, name, changed_run) VALUES (?, ?, ?, ?)
       ON CONFLICT (detectoid_id) DO UPDATE SET revision = excluded.revision, name = excluded.name, changed_run = excluded.changed_run`,
    );
    this.upsertPending = prepare('INSERT OR REPLACE INTO pending_revision (update_id, revision, config, reason, run_id) VALUES (?, ?, ?, ?, ?)');
    this.insertFailure = prepare('INSERT OR REPLACE INTO sync_failure (run_id, update_id, revision, reason) VALUES (?, ?, ?, ?)');
    this.resolvePending = prepare('DELETE FROM pending_revision WHERE update_id = ? AND revision <= ?');
    this.selectUpdate = prepare('SELECT revision, state FROM software_update WHERE update_id = ?');
    this.upsertUpdate = prepare(
      `INSERT INTO software_update (update_id, revision, title, kb, kb_number, bulletin, severity, severity_rank, classification_id, classification_name, product_names, released_at, revised_at, state, deployable)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (update_id) DO UPDATE SET revision = excluded.revision, title = excluded.title, kb = excluded.kb, kb_number = excluded.kb_number, severity_rank = excluded.severity_rank,
         bulletin = excluded.bulletin, severity = excluded.severity, classification_id = excluded.classification_id, classification_name = excluded.classification_name,
         product_names = excluded.product_names, released_at = excluded.released_at, revised_at = excluded.revised_at, state = excluded.state, deployable = excluded.deployable`,
    );
    this.deleteLinks = [
      prepare('DELETE FROM update_text WHERE update_id = ?'),
      prepare('DELETE FROM update_category WHERE update_id = ?'),
      prepare('DELETE FROM supersedence WHERE update_id = ?'),
      prepare('DELETE FROM bundle WHERE parent_id = ?'),
    ];
    this.insertText = prepare('INSERT OR REPLACE INTO update_text (update_id, language, title, description) VALUES (?, ?, ?, ?)');
    this.insertCategoryLink = prepare('INSERT OR IGNORE INTO update_category (update_id, category_id, visible, title) VALUES (?, ?, ?, ?)');
    this.replaceSearch = prepare('INSERT OR REPLACE INTO update_search (docid, title, kb, bulletin) SELECT rowid, title, kb, bulletin FROM software_update WHERE update_id = ?');
    this.hideLinks = prepare('UPDATE update_category SET visible = 0 WHERE update_id = ?');
    this.insertSupersedence = prepare('INSERT OR IGNORE INTO supersedence (update_id, superseded_id) VALUES (?, ?)');
    this.insertBundle = prepare('INSERT OR IGNORE INTO bundle (parent_id, child_id) VALUES (?, ?)');
    this.upsertLocation = prepare('INSERT OR REPLACE INTO revision_store (update_id, revision, blob_offset, blob_length) VALUES (?, ?, ?, ?)');
    this.insertChange = prepare('INSERT OR REPLACE INTO sync_change (run_id, update_id, change) VALUES (?, ?, ?)');
    this.markRemoved = prepare("UPDATE software_update SET state = 'removed', revised_at = ? WHERE update_id = ? AND state <> 'removed'");
    this.reloadCategories();
  }

  reloadCategories(): void {
    this.categoryNames = new Map();
    const rows = this.db.exec('SELECT category_id, name, category_type FROM category')[0]?.values ?? [];
    for (const [id, name, type] of rows) this.categoryNames.set(String(id), { name: String(name), type: String(type) });
  }

  /** Every stored update's revision and state (the input of a sync plan). */
  storedRevisions(): Map<string, StoredRevision> {
    const stored = new Map<string, StoredRevision>();
    const statement = this.db.prepare('SELECT update_id, revision, state FROM software_update');
    try {
      while (statement.step()) {
        const [id, revision, state] = statement.get();
        stored.set(String(id), { revision: Number(revision), state: state as StoredRevision['state'] });
      }
    } finally {
      statement.free();
    }
    return stored;
  }

  /** The stored revisions of just these updates (a delta sync's list is short; the database may not be). */
  storedRevisionsOf(updateIds: string[]): Map<string, StoredRevision> {
    const stored = new Map<string, StoredRevision>();
    for (const updateId of updateIds) {
      this.selectUpdate.bind([updateId]);
      if (this.selectUpdate.step()) {
        const [revision, state] = this.selectUpdate.get();
        stored.set(updateId, { revision: Number(revision), state: state as StoredRevision['state'] });
      }
      this.selectUpdate.reset();
    }
    return stored;
  }

  /** Stored categories, classifications and detectoids (the config revisions GetConfig lists). */
  storedConfigRevisions(): Map<string, StoredRevision> {
    const stored = new Map<string, StoredRevision>();
    for (const [id, revision] of this.db.exec('SELECT category_id, revision FROM category UNION ALL SELECT detectoid_id, revision FROM detectoid')[0]?.values ?? []) {
      stored.set(String(id), { revision: Number(revision), state: 'published' });
    }
    return stored;
  }

  /** A category, classification or detectoid. */
  applyConfigRevision(entry: UpdateMetadata, location: BlobLocation, runId: number): void {
    const name = entry.localized.find((text) => text.language === 'en')?.title ?? entry.localized[0]!.title;
    if (entry.type === 'Detectoid') {
      this.upsertDetectoid.run([entry.updateId, entry.revision, name, runId]);
    } else {
      this.upsertCategory.run([entry.updateId, entry.revision, entry.categoryType ?? 'Product', name, entry.categoryGroups[0]?.[0] ?? null, runId]);
      this.categoryNames.set(entry.updateId, { name, type: entry.categoryType ?? 'Product' });
    }
    this.keep(entry, location);
  }

  /** A revision that could not be fetched or read: asked for again by the next synchronization. */
  recordFailure(failure: UpdateIdentity & { message: string }, runId: number, config: boolean): void {
    this.upsertPending.run([failure.updateId, failure.revision, config ? 1 : 0, failure.message, runId]);
    this.insertFailure.run([runId, failure.updateId, failure.revision, failure.message]);
  }

  /** Revisions earlier synchronizations could not fetch or read, not applied since. */
  pendingRevisions(config: boolean): Map<string, UpdateIdentity & { reason: string }> {
    const pending = new Map<string, UpdateIdentity & { reason: string }>();
    for (const [id, revision, reason] of this.db.exec('SELECT update_id, revision, reason FROM pending_revision WHERE config = ?', [config ? 1 : 0])[0]?.values ?? []) {
      pending.set(String(id), { updateId: String(id), revision: Number(revision), reason: String(reason) });
    }
    return pending;
  }

  /** Forgets pending revisions the upstream no longer lists (a full sync's list is complete). */
  dropPending(updateIds: Iterable<string>): void {
    for (const updateId of updateIds) this.resolvePending.run([updateId, Number.MAX_SAFE_INTEGER]);
  }

  /** Where the revision's raw metadata lies in the blob store; it resolves an earlier failure of that revision. */
  private keep(entry: UpdateIdentity, location: BlobLocation): void {
    this.upsertLocation.run([entry.updateId, entry.revision, location.offset, location.length]);
    this.resolvePending.run([entry.updateId, entry.revision]);
  }

  /** Inserts or updates one update; returns what changed for the history, or undefined for no visible change. */
  applyUpdate(update: UpdateMetadata, options: { runId: number; languages: readonly string[]; now: string; location: BlobLocation }): ChangeKind | undefined {
    this.selectUpdate.bind([update.updateId]);
    const before = this.selectUpdate.step() ? { revision: Number(this.selectUpdate.get()[0]), state: String(this.selectUpdate.get()[1]) } : undefined;
    this.selectUpdate.reset();
    const state = update.publicationState === 'Expired' ? 'expired' : 'published';
    const texts = update.localized.filter((text) => options.languages.includes(text.language));
    const display =
      options.languages.map((language) => update.localized.find((text) => text.language === language)).find((text) => text !== undefined) ??
      update.localized.find((text) => text.language === update.defaultLanguage) ??
      update.localized[0]!;
    const linked = update.categoryGroups.flat();
    const classification = linked.map((id) => ({ id, ...this.categoryNames.get(id) })).find((category) => category.type === 'UpdateClassification');
    const products = linked.filter((id) => this.categoryNames.get(id)?.type === 'Product').map((id) => this.categoryNames.get(id)!.name);
    this.upsertUpdate.run([
      update.updateId,
      update.revision,
      display.title,
      update.kb ?? null,
      update.kb !== undefined && /^\d+$/.test(update.kb) ? Number(update.kb) : null,
      update.bulletin ?? null,
      update.msrcSeverity ?? null,
      SEVERITY_RANK[update.msrcSeverity ?? ''] ?? 5,
      classification?.id ?? null,
      classification?.name ?? null,
      products.join(', ') || null,
      update.creationDate ?? null,
      options.now,
      state,
      update.explicitlyDeployable ? 1 : 0,
    ]);
    for (const statement of this.deleteLinks) statement.run([update.updateId]);
    for (const text of texts.length > 0 ? texts : [display]) this.insertText.run([update.updateId, text.language, text.title, text.description ?? null]);
    const visible = update.explicitlyDeployable ? 1 : 0;
    for (const categoryId of linked) this.insertCategoryLink.run([update.updateId, categoryId, visible, display.title]);
    this.replaceSearch.run([update.updateId]);
    for (const superseded of update.supersedes) this.insertSupersedence.run([update.updateId, superseded]);
    for (const child of update.bundled) this.insertBundle.run([update.updateId, child.updateId]);
    // The metadata as received lies in the blob store, so this site can serve it to its child sites.
    this.keep(update, options.location);

    let change: ChangeKind | undefined;
    if (before === undefined || before.state === 'removed') change = 'added';
    else if (state === 'expired' && before.state !== 'expired') change = 'expired';
    else if (update.revision > before.revision) change = 'revised';
    if (change !== undefined) this.insertChange.run([options.runId, update.updateId, change]);
    return change;
  }

  markRemovedUpdates(updateIds: string[], runId: number, now: string): number {
    let removed = 0;
    for (const updateId of updateIds) {
      this.markRemoved.run([now, updateId]);
      if (this.db.getRowsModified() > 0) {
        removed++;
        this.hideLinks.run([updateId]);
        this.insertChange.run([runId, updateId, 'removed']);
      }
    }
    return removed;
  }

  /** Flags updates that a present update supersedes. */
  refreshSupersededFlags(): void {
    this.db.run(`UPDATE software_update SET superseded = CASE WHEN EXISTS (
      SELECT 1 FROM supersedence s JOIN software_update newer ON newer.update_id = s.update_id AND newer.state <> 'removed'
      WHERE s.superseded_id = software_update.update_id) THEN 1 ELSE 0 END`);
  }

  close(): void {
    for (const statement of this.statements) statement.free();
  }
}
