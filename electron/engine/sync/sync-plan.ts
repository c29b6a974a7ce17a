/**
 * What a synchronization must change, decided without I/O (SPEC §3):
 * - full: every listed revision compared with the site database: new ones inserted, higher revisions applied
 *   (modified or expired), and whatever the upstream no longer lists marked removed;
 * - delta: only the revisions listed since the anchor, and of those only UpdateIDs not yet in the database;
 *   the rest are skipped (the next full sync applies them).
 */
import type { UpdateIdentity } from '../upstream/update-metadata';

export interface StoredRevision {
  revision: number;
  state: 'published' | 'expired' | 'removed';
}

export interface SyncPlan {
  /** Revisions whose metadata must be fetched and applied. */
  fetch: UpdateIdentity[];
  newCount: number;
  changedCount: number;
  /** Stored updates the upstream no longer lists (full sync only). */
  remove: string[];
  /** Listed revisions a delta sync leaves to the next full sync. */
  skipped: number;
  /** Revisions earlier syncs could not fetch, fetched again by this one. */
  pending: number;
}

export function planFullSync(stored: ReadonlyMap<string, StoredRevision>, listed: UpdateIdentity[]): SyncPlan {
  const fetch: UpdateIdentity[] = [];
  let newCount = 0;
  let changedCount = 0;
  const seen = new Set<string>();
  for (const identity of listed) {
    seen.add(identity.updateId);
    const current = stored.get(identity.updateId);
    if (current === undefined || current.state === 'removed') {
      fetch.push(identity);
      newCount++;
    } else if (identity.revision > current.revision) {
      fetch.push(identity);
      changedCount++;
    }
  }
  const remove: string[] = [];
  for (const [updateId, current] of stored) if (current.state !== 'removed' && !seen.has(updateId)) remove.push(updateId);
  return { fetch, newCount, changedCount, remove, skipped: 0, pending: 0 };
}

export function planDeltaSync(stored: ReadonlyMap<string, StoredRevision>, listedSinceAnchor: UpdateIdentity[]): SyncPlan {
  const fetch = listedSinceAnchor.filter((identity) => !stored.has(identity.updateId));
  return { fetch, newCount: fetch.length, changedCount: 0, remove: [], skipped: listedSinceAnchor.length - fetch.length, pending: 0 };
}

/**
 * Adds the revisions earlier syncs could not fetch (the next sync fetches exactly what is missing, whatever its
 * kind): at the revision listed now, or at the failed one when this list does not name them. A complete list (a full
 * one, no anchor) that does not name one means the upstream no longer offers it: it is not fetched.
 */
export function addPending(plan: SyncPlan, pending: ReadonlyMap<string, UpdateIdentity>, listed: UpdateIdentity[], listIsComplete: boolean): SyncPlan {
  // Nearly always nothing is pending: not worth two lookups built over the whole list (643,000 revisions at 500,000).
  if (pending.size === 0) return plan;
  const planned = new Set(plan.fetch.map((identity) => identity.updateId));
  const listedRevision = new Map(listed.map((identity) => [identity.updateId, identity.revision]));
  const extra: UpdateIdentity[] = [];
  let wasSkipped = 0;
  let alreadyPlanned = 0;
  for (const [updateId, failed] of pending) {
    if (planned.has(updateId)) {
      alreadyPlanned++;
      continue;
    }
    const revision = listedRevision.get(updateId);
    if (revision === undefined && listIsComplete) continue;
    if (revision !== undefined) wasSkipped++;
    extra.push({ updateId, revision: revision ?? failed.revision });
  }
  return { ...plan, fetch: [...plan.fetch, ...extra], skipped: Math.max(0, plan.skipped - wasSkipped), pending: plan.pending + alreadyPlanned + extra.length };
}
