import type { HierarchyEntry } from '../../shared/contract';
import type { TreeNode } from '../console-tree/tree-model';

export interface MenuItem {
  id: string;
  label: string;
  shortcut?: string;
  disabled?: boolean;
  /** Why the item is disabled, in full: its tooltip and its accessible description. */
  reason?: string;
  /** The same in a few words, shown under the disabled item in the menu itself. */
  note?: string;
  run(): void;
}

export interface MenuContext {
  hierarchy: HierarchyEntry[];
  syncing(site: string): boolean;
  refresh(): void;
  expand(node: TreeNode): void;
  runSync(site: string, kind: 'delta' | 'full'): void;
  cancelSync(site: string): void;
  retrySync(site: string): void;
  newChildSite(parent?: string): void;
  removeSite(site: string): void;
  properties(site: string): void;
  siteProperties(site: string): void;
  exportCatalog(site: string): void;
  importCatalog(site: string): void;
  /** Export List…: the list the node shows, to a CSV file. */
  exportList(node: TreeNode): void;
  notifyProperties(site: string): void;
}

/** Why a manual synchronization is not available on a site (in full and in a few words), or undefined when it is. */
export function manualSyncRefusal(site: string, hierarchy: HierarchyEntry[]): { reason: string; note: string } | undefined {
  const entry = hierarchy.find((candidate) => candidate.site.code === site);
  if (entry === undefined) return undefined;
  if (entry.site.health.state !== 'ok') return { reason: `The site database of ${site} is damaged.`, note: 'Site database damaged' };
  if (entry.sourceKind === 'none') {
    return {
      reason: `${site} is set to "Do not synchronize": it is kept current by catalog imports (Import Catalog… on its Software Update Point). Choose a source in its Software Update Point Properties to synchronize it.`,
      note: 'Kept current by catalog imports: Import Catalog…',
    };
  }
  if (entry.site.parentCode !== null) {
    return {
      reason: `Manual synchronization is not available on child sites: ${site} synchronizes when its parent site ${entry.site.parentCode} asks it to, or on its own retry after a failed synchronization.`,
      note: `Child site: synchronizes after ${entry.site.parentCode}`,
    };
  }
  return undefined;
}

/** The actions of a tree node's context menu; only actions that work are listed. */
export function menuItemsFor(node: TreeNode, context: MenuContext): MenuItem[] {
  const items: MenuItem[] = [];
  const site = node.site;
  if ((node.kind === 'updateRepository' || node.kind === 'softwareUpdatePoint') && site !== undefined) {
    if (context.syncing(site)) {
      items.push({ id: 'cancel-sync', label: 'Cancel Synchronization', run: () => context.cancelSync(site) });
    } else {
      const refusal = manualSyncRefusal(site, context.hierarchy);
      const refused = refusal === undefined ? {} : { disabled: true, ...refusal };
      // As ConfigMgr's SyncNow: a delta (what is new since the last sync) or, with the full-sync flag, everything
      // changed since the last full sync, revisions and expirations included.
      items.push({ id: 'run-sync', label: 'Run Synchronization', run: () => context.runSync(site, 'delta'), ...refused });
      items.push({ id: 'run-full-sync', label: 'Run Full Synchronization', run: () => context.runSync(site, 'full'), ...refused });
    }
  }
  if (node.kind === 'softwareUpdatePoint' && site !== undefined) {
    items.push({ id: 'export-catalog', label: 'Export Catalog…', run: () => context.exportCatalog(site) });
    const parent = context.hierarchy.find((candidate) => candidate.site.code === site)?.site.parentCode ?? null;
    const importRefusal =
      parent !== null
        ? {
            reason: `${site} is a child site: it synchronizes from its parent site ${parent}. Import a catalog on the top-level site.`,
            note: `Child site: import on the top-level site`,
          }
        : context.syncing(site)
          ? { reason: `${site} is synchronizing now: import when that synchronization ends.`, note: 'Synchronizing now' }
          : undefined;
    items.push({
      id: 'import-catalog',
      label: 'Import Catalog…',
      run: () => context.importCatalog(site),
      ...(importRefusal === undefined ? {} : { disabled: true, ...importRefusal }),
    });
    items.push({ id: 'properties', label: 'Properties', shortcut: 'Alt+Enter', run: () => context.properties(site) });
  }
  if (node.kind === 'site' && site !== undefined) {
    const entry = context.hierarchy.find((candidate) => candidate.site.code === site);
    if (entry?.lastRun?.outcome === 'failed' && !context.syncing(site))
      items.push({ id: 'retry-sync', label: 'Retry Synchronization Now', run: () => context.retrySync(site) });
    if (entry?.site.health.state === 'ok') items.push({ id: 'new-child', label: 'New Child Site…', run: () => context.newChildSite(site) });
    if (entry !== undefined && entry.site.parentCode !== null) {
      const hasChildren = context.hierarchy.some((candidate) => candidate.site.parentCode === site);
      items.push({
        id: 'delete-site',
        label: 'Delete Site…',
        run: () => context.removeSite(site),
        ...(hasChildren ? { disabled: true, reason: `${site} has child sites; delete them first.`, note: 'Delete its child sites first' } : {}),
      });
    }
  }
  if (node.kind === 'site' && site !== undefined)
    items.push({ id: 'site-properties', label: 'Properties', shortcut: 'Alt+Enter', run: () => context.siteProperties(site) });
  if (node.kind === 'siteManagement') items.push({ id: 'new-child', label: 'New Child Site…', run: () => context.newChildSite() });
  if (node.kind === 'emailNotification' && site !== undefined)
    items.push({ id: 'notify-properties', label: 'Properties', shortcut: 'Alt+Enter', run: () => context.notifyProperties(site) });
  // Every list the result pane shows leaves the console as a file.
  if (
    (site !== undefined && ['updateRepository', 'repositoryFilter', 'syncManagerStatus', 'site'].includes(node.kind) && entryIsOk(site, context.hierarchy)) ||
    node.kind === 'syncStatus'
  )
    items.push({ id: 'export-list', label: 'Export List…', run: () => context.exportList(node) });
  if (node.children.length > 0) items.push({ id: 'expand', label: 'Expand', run: () => context.expand(node) });
  items.push({ id: 'refresh', label: 'Refresh', shortcut: 'F5', run: context.refresh });
  return items;
}

function entryIsOk(site: string, hierarchy: HierarchyEntry[]): boolean {
  return hierarchy.find((candidate) => candidate.site.code === site)?.site.health.state === 'ok';
}
