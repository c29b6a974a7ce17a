import { listExportFor } from '../context-menu/list-export';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { ContextMenu } from '../context-menu/ContextMenu';
import { menuItemsFor } from '../context-menu/menu-items';
import { siteState } from '../status/site-state';
import { useConsoleStore } from '../store/console-store';
import { findNode, visibleNodes, type TreeNode } from './tree-model';
import { createTypeAhead, findByPrefix, isTypeAheadKey } from './type-ahead';

interface OpenMenu {
  node: TreeNode;
  x: number;
  y: number;
}

/** The console tree (WAI-ARIA tree pattern): arrows, Home/End, Enter, Shift+F10 / context-menu key, F5. */
export function ConsoleTree({ root }: { root: TreeNode }) {
  const selectedId = useConsoleStore((state) => state.selectedId);
  const expanded = useConsoleStore((state) => state.expanded);
  const select = useConsoleStore((state) => state.select);
  const setExpanded = useConsoleStore((state) => state.setExpanded);
  const refresh = useConsoleStore((state) => state.refresh);
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const progress = useConsoleStore((state) => state.progress);
  const runSync = useConsoleStore((state) => state.runSync);
  const cancelSync = useConsoleStore((state) => state.cancelSync);
  const retrySync = useConsoleStore((state) => state.retrySync);
  const openDialog = useConsoleStore((state) => state.openDialog);
  const [menu, setMenu] = useState<OpenMenu | undefined>();
  const [typeAhead] = useState(() => createTypeAhead());
  const container = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => visibleNodes(root, expanded), [root, expanded]);
  const failedSites = useMemo(
    () => new Set(hierarchy.filter((entry) => siteState(entry, progress[entry.site.code] !== undefined) === 'failed').map((entry) => entry.site.code)),
    [hierarchy, progress],
  );

  const focusRow = useCallback((id: string) => {
    container.current?.querySelector<HTMLElement>(`[data-node-id="${CSS.escape(id)}"]`)?.focus();
  }, []);

  // Keep the selection on a node that exists (a site may disappear on refresh).
  useEffect(() => {
    if (findNode(root, selectedId) === undefined) select('sitedb');
  }, [root, selectedId, select]);

  const openMenuFor = (node: TreeNode, x: number, y: number) => {
    select(node.id);
    setMenu({ node, x, y });
  };

  const openMenuAtRow = (node: TreeNode) => {
    const element = container.current?.querySelector<HTMLElement>(`[data-node-id="${CSS.escape(node.id)}"] .tree-label`);
    const rect = element?.getBoundingClientRect();
    openMenuFor(node, rect ? rect.left + 12 : 40, rect ? rect.bottom : 40);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (!isTypeAheadKey(event)) typeAhead.reset();
    const index = rows.findIndex((row) => row.node.id === selectedId);
    const row = rows[index];
    if (row === undefined) return;
    const move = (target: number) => {
      const next = rows[Math.max(0, Math.min(rows.length - 1, target))];
      if (next !== undefined) {
        select(next.node.id);
        focusRow(next.node.id);
      }
    };
    const hasChildren = row.node.children.length > 0;
    const isExpanded = expanded.has(row.node.id);
    if ((event.key === 'F10' && event.shiftKey) || event.key === 'ContextMenu') {
      openMenuAtRow(row.node);
    } else if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(rows.length - 1);
    else if (event.key === 'ArrowRight') {
      if (hasChildren && !isExpanded) setExpanded(row.node.id, true);
      else if (hasChildren) move(index + 1);
    } else if (event.key === 'ArrowLeft') {
      if (hasChildren && isExpanded) setExpanded(row.node.id, false);
      else if (row.parentId !== null) move(rows.findIndex((candidate) => candidate.node.id === row.parentId));
    } else if (
      event.key === 'Enter' &&
      event.altKey &&
      row.node.site !== undefined &&
      (row.node.kind === 'site' || row.node.kind === 'softwareUpdatePoint' || row.node.kind === 'emailNotification')
    ) {
      // Alt+Enter opens Properties, as in MMC.
      const site = row.node.site;
      openDialog(
        row.node.kind === 'site'
          ? { kind: 'siteProperties', site }
          : row.node.kind === 'emailNotification'
            ? { kind: 'notifyProperties', site }
            : { kind: 'supProperties', site },
      );
    } else if (event.key === 'Enter' && event.altKey) {
      // Alt+Enter is Properties: a node without them (a folder) is left as it is, not toggled.
    } else if (event.key === 'Enter') {
      if (row.node.kind === 'softwareUpdatePoint' && row.node.site !== undefined) openDialog({ kind: 'supProperties', site: row.node.site });
      else if (row.node.kind === 'emailNotification' && row.node.site !== undefined) openDialog({ kind: 'notifyProperties', site: row.node.site });
      else if (hasChildren) setExpanded(row.node.id, !isExpanded);
    } else if (event.key === 'F5') {
      void refresh();
    } else if (isTypeAheadKey(event)) {
      const found = findByPrefix(
        rows.map((candidate) => candidate.node.name ?? candidate.node.label),
        index,
        typeAhead(event.key, event.timeStamp),
      );
      if (found >= 0) move(found);
    } else return;
    event.preventDefault();
  };

  const onContextMenu = (event: MouseEvent, node: TreeNode) => {
    event.preventDefault();
    openMenuFor(node, event.clientX, event.clientY);
  };

  return (
    <div className="console-tree" ref={container}>
      <div role="tree" aria-label="Console tree" onKeyDown={onKeyDown}>
        {rows.map(({ node, depth }) => {
          const isExpanded = expanded.has(node.id);
          const isSelected = node.id === selectedId;
          return (
            <div
              key={node.id}
              role="treeitem"
              data-node-id={node.id}
              aria-level={depth + 1}
              aria-selected={isSelected}
              aria-expanded={node.children.length > 0 ? isExpanded : undefined}
              aria-description={node.kind === 'site' && failedSites.has(node.site ?? '') ? 'Last synchronization failed' : undefined}
              tabIndex={isSelected ? 0 : -1}
              className={`tree-row${isSelected ? ' selected' : ''}`}
              style={{ paddingLeft: 4 + depth * 16 }}
              onClick={() => select(node.id)}
              onDoubleClick={() => node.children.length > 0 && setExpanded(node.id, !isExpanded)}
              onContextMenu={(event) => onContextMenu(event, node)}
            >
              <span
                className={`twisty${node.children.length === 0 ? ' leaf' : ''}`}
                aria-hidden="true"
                onClick={(event) => {
                  event.stopPropagation();
                  setExpanded(node.id, !isExpanded);
                }}
              >
                {node.children.length === 0 ? '' : isExpanded ? '▾' : '▸'}
              </span>
              <img className="tree-icon" src={`./icons/${node.icon}.svg`} alt="" aria-hidden="true" />
              {node.count === undefined ? (
                <span className="tree-label">{node.label}</span>
              ) : (
                // A long product name is shortened in its middle, so its end stays in view (two products that differ
                // only there, "…-21H2" and "…-24H2", stay apart), with its full name in the tooltip and its count.
                <span className="tree-label counted" title={node.label}>
                  {/* Read as one name: the parts laid out as flex items would be read with spaces between them. */}
                  <span className="visually-hidden">{node.label}</span>
                  <span className="tree-name" aria-hidden="true">
                    {nameHead(node.name ?? node.label)}
                  </span>
                  <span className="tree-name-tail" aria-hidden="true">
                    {nameTail(node.name ?? node.label)}
                  </span>
                  <span className="tree-count" aria-hidden="true">{` (${node.count})`}</span>
                </span>
              )}
              {node.kind === 'site' && failedSites.has(node.site ?? '') && (
                <span className="tree-badge failed" aria-hidden="true" title="The last synchronization failed">
                  !
                </span>
              )}
            </div>
          );
        })}
      </div>
      {menu !== undefined && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          label={`${menu.node.label} actions`}
          items={menuItemsFor(menu.node, {
            hierarchy,
            syncing: (site) => progress[site] !== undefined || hierarchy.some((entry) => entry.site.code === site && entry.syncing),
            refresh: () => void refresh(),
            expand: (node) => setExpanded(node.id, true),
            runSync: (site, kind) => void runSync(site, kind),
            cancelSync: (site) => void cancelSync(site),
            retrySync: (site) => void retrySync(site),
            newChildSite: (parent) => openDialog({ kind: 'newChildSite', parent: parent ?? 'CEN' }),
            properties: (site) => openDialog({ kind: 'supProperties', site }),
            siteProperties: (site) => openDialog({ kind: 'siteProperties', site }),
            removeSite: (site) => openDialog({ kind: 'deleteSite', site }),
            exportCatalog: (site) => openDialog({ kind: 'exportCatalog', site }),
            importCatalog: (site) => openDialog({ kind: 'importCatalog', site }),
            exportList: (node) => {
              const state = useConsoleStore.getState();
              const request = listExportFor(node, state.repository, state.connectedSite);
              if (request !== undefined) openDialog({ kind: 'exportList', request });
            },
            notifyProperties: (site) => openDialog({ kind: 'notifyProperties', site }),
          })}
          onClose={() => {
            const id = menu.node.id;
            setMenu(undefined);
            requestAnimationFrame(() => focusRow(id));
          }}
        />
      )}
    </div>
  );
}

/** The last characters of a long name, kept whole when it is shortened (its distinguishing end: a version, a year). */
const TAIL = 8;
const nameHead = (name: string) => (name.length > TAIL * 3 ? name.slice(0, -TAIL) : name);
const nameTail = (name: string) => (name.length > TAIL * 3 ? name.slice(-TAIL) : '');
