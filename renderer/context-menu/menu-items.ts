import type { TreeNode } from '../console-tree/tree-model';

export interface MenuItem {
  id: string;
  label: string;
  shortcut?: string;
  disabled?: boolean;
  /** Why the item is disabled, shown as its tooltip and read by screen readers. */
  reason?: string;
  run(): void;
}

export interface MenuActions {
  refresh(): void;
  expand(node: TreeNode): void;
}

/**
 * The actions of a tree node's context menu. Only actions that work are listed: Run Synchronization and
 * Properties join these once the sync engine and the property sheets exist.
 */
export function menuItemsFor(node: TreeNode, actions: MenuActions): MenuItem[] {
  const items: MenuItem[] = [];
  if (node.children.length > 0) items.push({ id: 'expand', label: 'Expand', run: () => actions.expand(node) });
  items.push({ id: 'refresh', label: 'Refresh', shortcut: 'F5', run: actions.refresh });
  return items;
}
