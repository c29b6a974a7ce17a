/**
 * What a change of products or classifications would do to a site's repository, worked out from the site
 * database before the change is applied: which updates stay, which the next full synchronization marks removed,
 * which removed ones the new scope covers again, and which selections are new (their updates are not in the
 * database yet: only the upstream can count them, at the next full synchronization).
 */
import type { SupConfig } from '../../../shared/domain';
import { resolveFilter } from '../settings/category-selection';
import { categoryRows } from '../storage/categories';
import type { SiteDatabase } from '../storage/site-database';
import { countExpiring } from '../storage/supersedence-rule';
import { scopeCounts } from '../storage/repository-queries';

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

export function previewScope(db: SiteDatabase, saved: SupConfig, proposed: SupConfig, now: Date): ScopePreview {
  const next = resolveFilter(db, proposed);
  const before = resolveFilter(db, saved);
  const counts = scopeCounts(db, next.classificationIds, next.productIds);
  const names = new Map(categoryRows(db).map((row) => [row.id, row.name]));
  const wasSelected = new Set([...before.productIds, ...before.classificationIds]);
  const newlySelected = [...next.productIds, ...next.classificationIds].filter((id) => !wasSelected.has(id)).map((id) => names.get(id) ?? id);
  return {
    current: counts.current,
    kept: counts.kept,
    dropped: counts.current - counts.kept,
    returning: counts.returning,
    newlySelected,
    unknown: next.unknown,
    expiring: countExpiring(db, proposed.supersedence, now),
  };
}
