import type { SupersedenceRule } from '../../../shared/domain';
import { ruleCondition, ruleReason } from './supersedence-rule';
/**
 * Writes synchronized metadata into a site database. Each batch is applied inside one transaction by the caller;
 * this class only knows the rows. It reports what each update's arrival changed, for the run's history.
 *
 * Updates get an integer key (assigned here, explicitly, so a journal replay gives every row the same key) that
 * the links, the search index and the history use instead of the 36-character GUID.
 */
import type { Database, Statement } from 'sql.js';
import type { SiteDatabase } from './site-database';
import type { BlobLocation } from './blob-store';
import type { UpdateIdentity, UpdateMetadata } from '../upstream/update-metadata';
import type { StoredRevision } from '../sync/sync-plan';

const SEVERITY_RANK: Record<string, number> = { Critical: 1, Important: 2, Moderate: 3, Low: 4 };

export type ChangeKind = 'added' | 'revised' | 'expired' | 'removed';

interface CategoryEntry {
  key: number;
  name: string;
  type: string;
}

/** What the store needs to know of a stored update to change it. */
interface StoredUpdate extends StoredRevision {
  key: number;
  deployable: number;
  productKeys: number[];
}

function keysOf(value: unknown): number[] {
  return value === null || value === undefined || value === '' ? [] : String(value).split(',').map(Number);
}

export class UpdateStore {
  private readonly statements: Statement[] = [];
  private readonly sql: Record<
    | 'upsertCategory'
    | 'upsertDetectoid'
    | 'selectUpdate'
    | 'selectTitle'
    | 'insertUpdate'
    | 'updateUpdate'
    | 'unindex'
    | 'index'
    | 'deleteProduct'
    | 'insertProduct'
    | 'deleteSupersedence'
    | 'insertSupersedence'
    | 'deleteBundle'
    | 'insertBundle'
    | 'insertChange'
    | 'markRemoved'
    | 'hideProduct'
    | 'upsertPending'
    | 'insertFailure'
    | 'resolvePending',
    Statement
  >;
  private categories = new Map<string, CategoryEntry>();
  private nextKey: number;
  /** Stored updates already looked up (a full sync reads them all once), kept current as they change. */
  private known = new Map<string, StoredUpdate | null>();
  /** Whether earlier syncs left revisions to fetch again: when none did, there is nothing to resolve per update. */
  private pendingLeft: boolean;
  /** False while the repository's indexes are set aside (deferred-indexes): the full-text index is rebuilt after. */
  private searchIndexed = true;

  private readonly db: Database;

  constructor(site: SiteDatabase) {
    const db = site.db;
    this.db = db;
    const prepare = (sql: string) => {
      const statement = db.prepare(sql);
      this.statements.push(statement);
      return statement;
    };
    const updateColumns =
      'revision, title, kb, kb_number, bulletin, severity, severity_rank, classification_key, classification_name, product_names, product_keys, released_at, revised_at, state, deployable, blob_offset, blob_length, expired_by_rule';
    this.sql = {
      upsertCategory: prepare(
        `INSERT INTO category (category_id, revision, category_type, name, parent_id, changed_run, blob_offset, blob_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (category_id) DO UPDATE SET revision = excluded.revision, category_type = excluded.category_type, name = excluded.name,
           parent_id = excluded.parent_id, changed_run = excluded.changed_run, blob_offset = excluded.blob_offset, blob_length = excluded.blob_length`,
      ),
      upsertDetectoid: prepare(
        `INSERT INTO detectoid (detectoid_id, revision, name, changed_run, blob_offset, blob_length) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (detectoid_id) DO UPDATE SET revision = excluded.revision, name = excluded.name, changed_run = excluded.changed_run,
           blob_offset = excluded.blob_offset, blob_length = excluded.blob_length`,
      ),
      selectUpdate: prepare('SELECT update_key, revision, state, deployable, product_keys FROM software_update WHERE update_id = ?'),
      // The title the product links were written with: read when they change, not kept for every update (memory).
      selectTitle: prepare('SELECT title FROM software_update WHERE update_key = ?'),
      insertUpdate: prepare(
        `INSERT INTO software_update (update_key, update_id, ${updateColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // A new revision keeps the date the update was first released (ConfigMgr's Date Released); Date Revised is the
      // new revision's own CreationDate.
      updateUpdate: prepare(
        `UPDATE software_update SET (${updateColumns}) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(released_at, ?), ?, ?, ?, ?, ?, ?) WHERE update_key = ?`,
      ),
      // The search index reads its words from the update row (its view): take the old words out before the row
      // changes, whether its text or a fact the facets hold (classification, products, deployable, removed).
      unindex: prepare('DELETE FROM update_search WHERE docid = ?'),
      // Read from the row just written: the same text, without carrying it a second time (into SQLite, the journal).
      index: prepare(
        'INSERT INTO update_search (docid, title, kb, bulletin, facets) SELECT rowid, title, kb, bulletin, facets FROM update_search_source WHERE rowid = ?',
      ),
      // Links are found by their whole key (the old title and products are known), so they need no second index.
      deleteProduct: prepare('DELETE FROM update_product WHERE category_key = ? AND visible = ? AND title = ? AND update_key = ?'),
      insertProduct: prepare('INSERT OR IGNORE INTO update_product (category_key, visible, title, update_key) VALUES (?, ?, ?, ?)'),
      deleteSupersedence: prepare('DELETE FROM supersedence WHERE update_key = ?'),
      insertSupersedence: prepare('INSERT OR IGNORE INTO supersedence (superseded_id, update_key) VALUES (?, ?)'),
      deleteBundle: prepare('DELETE FROM bundle WHERE parent_key = ?'),
      insertBundle: prepare('INSERT OR IGNORE INTO bundle (parent_key, child_id) VALUES (?, ?)'),
      // An upsert, not INSERT OR REPLACE: with foreign keys on, REPLACE took seven times as long per row (a full sync
      // writes one change per revision: 11 s of the engine thread's 33 s at 100,000 updates, 1.6 s as an upsert).
      insertChange: prepare(
        'INSERT INTO sync_change (run_id, update_key, change) VALUES (?, ?, ?) ON CONFLICT (run_id, update_key) DO UPDATE SET change = excluded.change',
      ),
      markRemoved: prepare("UPDATE software_update SET state = 'removed', revised_at = ? WHERE update_key = ? AND state <> 'removed'"),
      hideProduct: prepare('UPDATE update_product SET visible = 0 WHERE category_key = ? AND visible = 1 AND title = ? AND update_key = ?'),
      upsertPending: prepare('INSERT OR REPLACE INTO pending_revision (update_id, revision, config, reason, run_id) VALUES (?, ?, ?, ?, ?)'),
      insertFailure: prepare('INSERT OR REPLACE INTO sync_failure (run_id, update_id, revision, reason) VALUES (?, ?, ?, ?)'),
      resolvePending: prepare('DELETE FROM pending_revision WHERE update_id = ? AND revision <= ?'),
    };
    this.nextKey = Number(db.exec('SELECT coalesce(max(update_key), 0) + 1 FROM software_update')[0]?.values[0]?.[0] ?? 1);
    this.pendingLeft = Number(db.exec('SELECT count(*) FROM pending_revision')[0]?.values[0]?.[0] ?? 0) > 0;
    this.reloadCategories();
  }

  reloadCategories(): void {
    this.categories = new Map();
    for (const [id, key, name, type] of this.db.exec('SELECT category_id, category_key, name, category_type FROM category')[0]?.values ?? []) {
      this.categories.set(String(id), { key: Number(key), name: String(name), type: String(type) });
    }
  }

  /**
   * Every stored update's revision and state (the input of a sync plan). It is the store's own lookup, read once and
   * kept current as the sync changes updates: one entry per update, not two (643,000 at 500,000 updates).
   */
  storedRevisions(): ReadonlyMap<string, StoredRevision> {
    const stored = new Map<string, StoredUpdate>();
    const statement = this.db.prepare('SELECT update_id, update_key, revision, state, deployable, product_keys FROM software_update');
    try {
      while (statement.step()) {
        const [id, key, revision, state, deployable, productKeys] = statement.get();
        stored.set(String(id), {
          key: Number(key),
          revision: Number(revision),
          state: state as StoredUpdate['state'],
          deployable: Number(deployable),
          productKeys: keysOf(productKeys),
        });
      }
    } finally {
      statement.free();
    }
    // Anything not read here is not stored (until it is applied).
    this.known = stored;
    this.allKnown = true;
    return stored;
  }

  /** The stored revisions of just these updates (a delta sync's list is short; the database may not be). */
  storedRevisionsOf(updateIds: string[]): Map<string, StoredRevision> {
    const stored = new Map<string, StoredRevision>();
    for (const updateId of updateIds) {
      const found = this.find(updateId);
      if (found !== undefined) stored.set(updateId, { revision: found.revision, state: found.state });
    }
    return stored;
  }

  /** Stops writing the full-text index, whose words the caller rebuilds from the rows once it is done. */
  stopIndexingSearch(): void {
    this.searchIndexed = false;
  }

  /** Stored categories, classifications and detectoids (the config revisions GetConfig lists). */
  storedConfigRevisions(): Map<string, StoredRevision> {
    const stored = new Map<string, StoredRevision>();
    for (const [id, revision] of this.db.exec('SELECT category_id, revision FROM category UNION ALL SELECT detectoid_id, revision FROM detectoid')[0]?.values ??
      []) {
      stored.set(String(id), { revision: Number(revision), state: 'published' });
    }
    return stored;
  }

  /** A category, classification or detectoid. */
  applyConfigRevision(entry: UpdateMetadata, location: BlobLocation, runId: number): void {
    const name = entry.localized.find((text) => text.language === 'en')?.title ?? entry.localized[0]!.title;
    if (entry.type === 'Detectoid') {
      this.sql.upsertDetectoid.run([entry.updateId, entry.revision, name, runId, location.offset, location.length]);
    } else {
      const type = entry.categoryType ?? 'Product';
      this.sql.upsertCategory.run([entry.updateId, entry.revision, type, name, entry.categoryGroups[0]?.[0] ?? null, runId, location.offset, location.length]);
      const key =
        this.categories.get(entry.updateId)?.key ??
        Number(this.db.exec('SELECT category_key FROM category WHERE category_id = ?', [entry.updateId])[0]!.values[0]![0]);
      this.categories.set(entry.updateId, { key, name, type });
    }
    if (this.pendingLeft) this.sql.resolvePending.run([entry.updateId, entry.revision]);
  }

  /** A revision that could not be fetched or read: asked for again by the next synchronization. */
  recordFailure(failure: UpdateIdentity & { message: string }, runId: number, config: boolean): void {
    this.pendingLeft = true;
    this.sql.upsertPending.run([failure.updateId, failure.revision, config ? 1 : 0, failure.message, runId]);
    this.sql.insertFailure.run([runId, failure.updateId, failure.revision, failure.message]);
  }

  /** Revisions earlier synchronizations could not fetch or read, not applied since. */
  pendingRevisions(config: boolean): Map<string, UpdateIdentity & { reason: string }> {
    const pending = new Map<string, UpdateIdentity & { reason: string }>();
    for (const [id, revision, reason] of this.db.exec('SELECT update_id, revision, reason FROM pending_revision WHERE config = ?', [config ? 1 : 0])[0]
      ?.values ?? []) {
      pending.set(String(id), { updateId: String(id), revision: Number(revision), reason: String(reason) });
    }
    return pending;
  }

  /** Forgets pending revisions the upstream no longer lists (a full sync's list is complete). */
  dropPending(updateIds: Iterable<string>): void {
    for (const updateId of updateIds) this.sql.resolvePending.run([updateId, Number.MAX_SAFE_INTEGER]);
  }

  /** Inserts or updates one update; returns what changed for the history, or undefined for no visible change. */
  applyUpdate(update: UpdateMetadata, options: { runId: number; languages: readonly string[]; now: string; location: BlobLocation }): ChangeKind | undefined {
    const before = this.find(update.updateId);
    const state = update.publicationState === 'Expired' ? 'expired' : 'published';
    const display =
      options.languages.map((language) => update.localized.find((text) => text.language === language)).find((text) => text !== undefined) ??
      update.localized.find((text) => text.language === update.defaultLanguage) ??
      update.localized[0]!;
    const linked = update.categoryGroups.flat().flatMap((id) => {
      const category = this.categories.get(id);
      return category === undefined ? [] : [category];
    });
    const classification = linked.find((category) => category.type === 'UpdateClassification');
    const products = linked.filter((category) => category.type !== 'UpdateClassification');
    const productKeys = products.map((product) => product.key);
    const kbNumber = update.kb !== undefined && /^\d+$/.test(update.kb) ? Number(update.kb) : null;
    const values = [
      update.revision,
      display.title,
      update.kb ?? null,
      kbNumber,
      update.bulletin ?? null,
      update.msrcSeverity ?? null,
      SEVERITY_RANK[update.msrcSeverity ?? ''] ?? 5,
      classification?.key ?? null,
      classification?.name ?? null,
      products
        .filter((category) => category.type === 'Product')
        .map((category) => category.name)
        .join(', ') || null,
      productKeys.join(',') || null,
      update.creationDate ?? null,
      // The upstream's date of this revision; the day of the sync only when it gives none.
      update.creationDate ?? options.now,
      state,
      update.explicitlyDeployable ? 1 : 0,
      options.location.offset,
      options.location.length,
      // A new revision is the upstream's word again: the rule decides anew at the end of the sync.
      null,
    ];
    let key: number;
    if (before === undefined) {
      key = this.nextKey++;
      this.sql.insertUpdate.run([key, update.updateId, ...values]);
    } else {
      key = before.key;
      if (this.searchIndexed) this.sql.unindex.run([key]);
      const linkedVisible = before.deployable === 1 && before.state !== 'removed' ? 1 : 0;
      const title = this.titleOf(key);
      for (const productKey of before.productKeys) this.sql.deleteProduct.run([productKey, linkedVisible, title, key]);
      this.sql.updateUpdate.run([...values, key]);
      this.sql.deleteSupersedence.run([key]);
      this.sql.deleteBundle.run([key]);
    }
    if (this.searchIndexed) this.sql.index.run([key]);
    const visible = update.explicitlyDeployable ? 1 : 0;
    for (const product of products) this.sql.insertProduct.run([product.key, visible, display.title, key]);
    for (const superseded of update.supersedes) this.sql.insertSupersedence.run([superseded, key]);
    for (const child of update.bundled) this.sql.insertBundle.run([key, child.updateId]);
    if (this.pendingLeft) this.sql.resolvePending.run([update.updateId, update.revision]);
    this.known.set(update.updateId, { key, revision: update.revision, state, deployable: visible, productKeys });

    let change: ChangeKind | undefined;
    if (before === undefined || before.state === 'removed') change = 'added';
    else if (state === 'expired' && before.state !== 'expired') change = 'expired';
    else if (update.revision > before.revision) change = 'revised';
    if (change !== undefined) this.sql.insertChange.run([options.runId, key, change]);
    return change;
  }

  /** Returns how many revisions it marked removed, and how many of them the repository lists. */
  markRemovedUpdates(updateIds: string[], runId: number, now: string): { revisions: number; listed: number } {
    let removed = 0;
    let listed = 0;
    for (const updateId of updateIds) {
      const found = this.find(updateId);
      if (found === undefined || found.state === 'removed') continue;
      if (this.searchIndexed) this.sql.unindex.run([found.key]);
      this.sql.markRemoved.run([now, found.key]);
      if (this.searchIndexed) this.sql.index.run([found.key]);
      if (found.deployable === 1) {
        listed++;
        const title = this.titleOf(found.key);
        for (const productKey of found.productKeys) this.sql.hideProduct.run([productKey, title, found.key]);
      }
      this.sql.insertChange.run([runId, found.key, 'removed']);
      this.known.set(updateId, { ...found, state: 'removed' });
      removed++;
    }
    return { revisions: removed, listed };
  }

  /**
   * The supersedence rule: expires published updates a present update supersedes, at once or once the first update
   * superseding them was released `months` before now. Each is recorded as an expired change of the run, with the
   * reason on the update. Returns how many (all of them listed: the rule applies to updates the repository lists).
   */
  applySupersedenceRule(rule: SupersedenceRule, runId: number, now: Date): number {
    const condition = ruleCondition(rule, now);
    if (condition === undefined) return 0;
    this.db.run(`INSERT OR IGNORE INTO sync_change (run_id, update_key, change) SELECT ?, update_key, 'expired' FROM software_update WHERE ${condition.sql}`, [
      runId,
      ...condition.params,
    ]);
    this.db.run(`UPDATE software_update SET state = 'expired', expired_by_rule = ${ruleReason(rule)} WHERE ${condition.sql}`, condition.params);
    return this.db.getRowsModified();
  }

  /** Flags updates that a present update supersedes (writing only the rows whose flag changes). */
  refreshSupersededFlags(): void {
    this.db.run(`UPDATE software_update SET superseded = 1 - superseded WHERE superseded <> EXISTS (
      SELECT 1 FROM supersedence s JOIN software_update newer ON newer.update_key = s.update_key AND newer.state <> 'removed'
      WHERE s.superseded_id = software_update.update_id)`);
  }

  close(): void {
    for (const statement of this.statements) statement.free();
    // One entry per stored update: let go before the run's last save copies the whole database.
    this.known.clear();
  }

  private allKnown = false;

  private titleOf(key: number): string {
    const select = this.sql.selectTitle;
    select.bind([key]);
    try {
      return select.step() ? String(select.get()[0]) : '';
    } finally {
      select.reset();
    }
  }

  private find(updateId: string): StoredUpdate | undefined {
    const cached = this.known.get(updateId);
    if (cached !== undefined) return cached ?? undefined;
    if (this.allKnown) return undefined;
    const select = this.sql.selectUpdate;
    select.bind([updateId]);
    try {
      if (!select.step()) {
        this.known.set(updateId, null);
        return undefined;
      }
      const [key, revision, state, deployable, productKeys] = select.get();
      const found = {
        key: Number(key),
        revision: Number(revision),
        state: state as StoredUpdate['state'],
        deployable: Number(deployable),
        productKeys: keysOf(productKeys),
      };
      this.known.set(updateId, found);
      return found;
    } finally {
      select.reset();
    }
  }
}
