/** One reading of a site's synchronization state for the hierarchy table, the tree's badge and the status bar. */
import type { HierarchyEntry } from '../../shared/contract';

export type SiteState = 'damaged' | 'syncing' | 'failed' | 'behind' | 'never' | 'ok';

export const SITE_STATE_LABELS: Record<SiteState, string> = {
  damaged: 'Database damaged',
  syncing: 'Synchronizing',
  failed: 'Failed',
  behind: 'Behind its parent',
  never: 'Not synchronized yet',
  ok: 'OK',
};

export function siteState(entry: HierarchyEntry, syncing: boolean): SiteState {
  if (entry.site.health.state !== 'ok') return 'damaged';
  if (syncing || entry.syncing) return 'syncing';
  if (entry.lastRun?.outcome === 'failed') return 'failed';
  if (entry.drift) return 'behind';
  if (entry.lastRun === null) return 'never';
  return 'ok';
}
