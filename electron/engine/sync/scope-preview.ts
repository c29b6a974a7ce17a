/**
 * What a change of products or classifications would do to a site's repository, worked out from the site
 * database before the change is applied: which updates stay, which the next full synchronization marks removed,
 * which removed ones the new scope covers again, and which selections are new (their updates are not in the
 * database yet: only the upstream can count them, at the next full synchronization).
 */
import type { Database } from 'sql.js';
import type { SupConfig } from '../../../shared/domain';
import { resolveFilter } from './category-selection';
import { ruleCondition } from './supersedence-rule';

export interface ScopePreview {
  /** Updates in the repository now (deployable, not removed). */
  current: number;
  kept: number;
  dropped: number;
  /** Updates marked removed earlier that the new scope covers again (if the upstream still offers them). */
  returning: number;
  /** Names of the products and classifications selected now and not before. */
  newlySelected: string[];
  unknown: string[];
  /** Published updates the proposed supersedence rule would expire at the next full synchronization. */
  expiring: number;
}

export function previewScope(db: Database, saved: SupConfig, proposed: SupConfig, now: Date): ScopePreview {
  const next = resolveFilter(db, proposed);
  const before = resolveFilter(db, saved);
  const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ') || 'NULL';
  // Read only: no temporary table, so a preview never turns the next small save into a whole-file one.
  const statement = db.prepare(`
    SELECT
      coalesce(sum(state != 'removed'), 0) AS current,
      coalesce(sum(state != 'removed' AND in_scope), 0) AS kept,
      coalesce(sum(state = 'removed' AND in_scope), 0) AS returning_count
    FROM (
      SELECT state,
        classification_key IN (SELECT category_key FROM category WHERE category_id IN (${placeholders(next.classificationIds.length)}))
        AND update_key IN (SELECT link.update_key FROM update_product AS link
          WHERE link.category_key IN (SELECT category_key FROM category WHERE category_id IN (${placeholders(next.productIds.length)}))) AS in_scope
      FROM software_update WHERE deployable = 1
    )`);
  try {
    statement.bind([...next.classificationIds, ...next.productIds]);
    statement.step();
    const row = statement.getAsObject() as { current: number; kept: number; returning_count: number };
    const names = new Map((db.exec('SELECT category_id, name FROM category')[0]?.values ?? []).map(([id, name]) => [String(id), String(name)]));
    const wasSelected = new Set([...before.productIds, ...before.classificationIds]);
    const newlySelected = [...next.productIds, ...next.classificationIds].filter((id) => !wasSelected.has(id)).map((id) => names.get(id) ?? id);
    const rule = ruleCondition(proposed.supersedence, now);
    const expiring = rule === undefined ? 0 : Number(db.exec(`SELECT count(*) FROM software_update WHERE ${rule.sql}`, rule.params)[0]?.values[0]?.[0] ?? 0);
    return {
      current: row.current,
      kept: row.kept,
      dropped: row.current - row.kept,
      returning: row.returning_count,
      newlySelected,
      unknown: next.unknown,
      expiring,
    };
  } finally {
    statement.free();
  }
}
