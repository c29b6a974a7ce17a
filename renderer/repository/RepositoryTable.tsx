import { useTable, type ColumnSizingState } from '@tanstack/react-table';
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { UpdateRow } from '../../shared/contract';
import { ContextMenu } from '../context-menu/ContextMenu';
import { copyToClipboard } from '../log-pane/clipboard';
import { UpdateDetails } from './UpdateDetails';
import { RepositoryRow } from './RepositoryRow';
import { clampWidth, ColumnHeader } from './ColumnHeader';
import { COLUMN_WIDTHS_KEY, COLUMNS, features, savedColumnWidths } from './repository-columns';
import { rowMenuItems, rowsAsTsv, selectedRange, type RowSelection } from './row-actions';
import type { RepositoryView } from '../store/console-store';
import { useConsoleStore } from '../store/console-store';
import { useFixedRowWindow } from '../virtual/fixed-row-window';

const ROW_HEIGHT = 22;
/** Rows one copy takes at most (a clipboard of a whole 500,000-update catalog helps nobody). */
const COPY_LIMIT = 10_000;

/**
 * The Update Repository list: one scrollable grid over the whole result, sorted, searched and filtered by the engine.
 * Only the rows on screen exist in the page; their pages are fetched as they scroll into view.
 */
export function RepositoryTable({ filter }: { filter: { classificationId?: string; productId?: string } }) {
  const view = useConsoleStore((state) => state.repository);
  const parentCode = useConsoleStore((state) => state.sites.find((site) => site.code === state.repository.site)?.parentCode);
  const importsOnly = useConsoleStore((state) => state.hierarchy.find((entry) => entry.site.code === state.repository.site)?.sourceKind === 'none');
  const rows = useConsoleStore((state) => state.repositoryRows);
  const load = useConsoleStore((state) => state.loadRepository);
  const ensureRows = useConsoleStore((state) => state.ensureRepositoryRows);
  const [search, setSearch] = useState(view.search);
  const [selected, setSelected] = useState<RowSelection | undefined>();
  const [menu, setMenu] = useState<{ x: number; y: number } | undefined>();
  const notify = useConsoleStore((state) => state.notify);
  const [columnSizing, setColumnSizing] = useState<ColumnSizingState>(savedColumnWidths);

  useEffect(() => {
    if (view.classificationId !== filter.classificationId || view.productId !== filter.productId) {
      void load({ classificationId: filter.classificationId, productId: filter.productId });
    }
  }, [filter.classificationId, filter.productId, view.classificationId, view.productId, load]);

  // A new query starts at its top with nothing selected.
  // While a refresh loads, the grid keeps its size: the rows on screen show Loading… and the scroll position is kept.
  const grid = useFixedRowWindow(view.total, ROW_HEIGHT, { overscan: 8, keepInView: selected?.index, stickyHeader: 'thead' });
  const { first, last, element } = grid;
  useEffect(() => {
    setSelected(undefined);
    element?.scrollTo({ top: 0 });
  }, [view.sort, view.direction, view.search, view.classificationId, view.productId, view.site, element]);

  useEffect(() => localStorage.setItem(COLUMN_WIDTHS_KEY, JSON.stringify(columnSizing)), [columnSizing]);

  useEffect(() => ensureRows(first, last), [first, last, view.generation, view.total, view.loading, ensureRows]);

  const version = useConsoleStore((state) => state.repositoryVersion);
  const windowRows = useMemo(() => {
    const loaded: UpdateRow[] = [];
    for (let index = first; index <= last; index++) {
      const row = rows.rowAt(index);
      if (row !== undefined) loaded.push(row);
    }
    return loaded;
    // version: a page of this window arrived (rows is a cache filled in place).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [first, last, rows, version]);
  const table = useTable({
    features,
    columns: COLUMNS,
    data: windowRows,
    getRowId: (row) => row.updateId,
    columnResizeMode: 'onChange',
    state: { columnSizing },
    onColumnSizingChange: setColumnSizing,
  });
  const tableRows = new Map(table.getRowModel().rows.map((row) => [row.id, row]));

  const sortBy = (key: RepositoryView['sort']) => void load({ sort: key, direction: view.sort === key && view.direction === 'asc' ? 'desc' : 'asc' });
  const selectIndex = (index: number, extend = false) => {
    const bounded = Math.max(0, Math.min(view.total - 1, index));
    setSelected((current) => ({ anchor: extend && current !== undefined ? current.anchor : bounded, index: bounded, updateId: rows.rowAt(bounded)?.updateId }));
    grid.scrollToIndex(bounded);
  };
  const range = selected === undefined ? undefined : selectedRange(selected);
  const inSelection = (index: number) => range !== undefined && index >= range.from && index <= range.to;

  /** Copies the selected rows that are loaded (a range far larger than the screen may not all be). */
  const copyRows = async () => {
    if (range === undefined) return;
    const picked: UpdateRow[] = [];
    for (let index = range.from; index <= range.to && picked.length < COPY_LIMIT; index++) {
      const row = rows.rowAt(index);
      if (row !== undefined) picked.push(row);
    }
    const wanted = Math.min(range.to - range.from + 1, COPY_LIMIT);
    try {
      await copyToClipboard(rowsAsTsv(picked));
      notify(
        picked.length < wanted ? 'warning' : 'info',
        picked.length < wanted
          ? `Copied the ${picked.length.toLocaleString()} loaded rows of the ${wanted.toLocaleString()} selected; scroll through the others to load them.`
          : `Copied ${picked.length.toLocaleString()} update${picked.length === 1 ? '' : 's'} as tab-separated text.`,
      );
    } catch (error) {
      notify('error', `Could not copy to the clipboard: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const openMenuAtRow = () => {
    if (selected === undefined) return;
    const row = document.getElementById(rowId(selected.index))?.getBoundingClientRect();
    setMenu({ x: (row?.left ?? 0) + 24, y: row?.bottom ?? 0 });
  };
  // A row selected by keyboard before its page arrived gets its update once the page is in.
  const selectedId = selected?.updateId ?? (selected === undefined ? undefined : rows.rowAt(selected.index)?.updateId);

  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    if (view.total === 0) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c') {
      event.preventDefault();
      void copyRows();
      return;
    }
    if (event.key === 'Enter' || event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
      event.preventDefault();
      openMenuAtRow();
      return;
    }
    const page = Math.max(1, Math.floor((grid.viewportHeight || ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const current = selected?.index ?? first - 1;
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + page,
      PageUp: current - page,
      Home: 0,
      End: view.total - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    selectIndex(target, event.shiftKey);
  };

  const selectedRow = selected === undefined ? undefined : rows.rowAt(selected.index);
  const status = view.loading
    ? 'Loading…'
    : view.error !== undefined
      ? `Could not load the updates: ${view.error}`
      : view.total === 0
        ? 'No updates'
        : `${view.total.toLocaleString()} updates${selectedRow === undefined ? '' : ` — 1 selected: ${selectedRow.kb === null ? selectedRow.title : `KB${selectedRow.kb}`} (row ${(selected!.index + 1).toLocaleString()})`}`;
  return (
    <div className="repository">
      <form
        className="search-bar"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void load({ search });
        }}
      >
        <label>
          Look for:
          <input type="search" value={search} placeholder="Title, article ID or bulletin ID" onChange={(event) => setSearch(event.target.value)} />
        </label>
        <button type="submit">Find Now</button>
        <button
          type="button"
          onClick={() => {
            setSearch('');
            void load({ search: '' });
          }}
        >
          Clear
        </button>
        <span className="muted" aria-live="polite">
          {status}
        </span>
      </form>
      <div className="grid-scroller" ref={grid.ref}>
        {/* One focusable grid; the selected row is its active descendant, so screen readers follow the selection. */}
        <table
          className="list-view virtual-grid"
          role="grid"
          tabIndex={0}
          onKeyDown={onKeyDown}
          aria-label="Software updates"
          aria-rowcount={view.total + 1}
          aria-activedescendant={selected === undefined ? undefined : rowId(selected.index)}
          style={{ minWidth: table.getTotalSize(), width: '100%' }}
        >
          <thead>
            <tr aria-rowindex={1}>
              {table.getFlatHeaders().map((header) => {
                const key = header.column.id as RepositoryView['sort'];
                return (
                  <ColumnHeader
                    key={header.id}
                    label={String(header.column.columnDef.header)}
                    width={header.getSize()}
                    sorted={view.sort === key ? view.direction : undefined}
                    resizing={header.column.getIsResizing()}
                    onSort={() => sortBy(key)}
                    onResizeStart={header.getResizeHandler()}
                    onResizeBy={(delta) => setColumnSizing((sizes) => ({ ...sizes, [header.column.id]: clampWidth(header.getSize() + delta) }))}
                    onResetSize={() => header.column.resetSize()}
                  />
                );
              })}
            </tr>
          </thead>
          <tbody style={{ height: grid.totalHeight }}>
            {windowIndexes(first, last).map((index) => {
              const row = rows.rowAt(index);
              const style = { height: ROW_HEIGHT, transform: `translateY(${index * ROW_HEIGHT}px)` };
              const tableRow = row === undefined ? undefined : tableRows.get(row.updateId);
              if (row === undefined || tableRow === undefined) {
                return (
                  <tr key={`pending-${index}`} id={rowId(index)} aria-rowindex={index + 2} className="row-pending" style={style}>
                    <td style={{ width: table.getTotalSize() }}>Loading…</td>
                  </tr>
                );
              }
              return (
                <RepositoryRow
                  key={row.updateId}
                  id={rowId(index)}
                  index={index}
                  height={ROW_HEIGHT}
                  row={row}
                  cells={tableRow.getAllCells().map((cell) => ({
                    id: cell.id,
                    columnId: cell.column.id,
                    width: cell.column.getSize(),
                    text: String(cell.getValue() ?? ''),
                  }))}
                  selected={inSelection(index)}
                  onClick={(event) =>
                    setSelected((current) => ({ anchor: event.shiftKey && current !== undefined ? current.anchor : index, index, updateId: row.updateId }))
                  }
                  onContextMenu={(event) => {
                    // A right-click selects the row under it (keeping a selection it is part of), as Windows lists do.
                    event.preventDefault();
                    if (!inSelection(index)) setSelected({ anchor: index, index, updateId: row.updateId });
                    setMenu({ x: event.clientX, y: event.clientY });
                  }}
                />
              );
            })}
          </tbody>
        </table>
      </div>
      {selectedId !== undefined && <UpdateDetails site={view.site} updateId={selectedId} onClose={() => setSelected(undefined)} />}
      {menu !== undefined && selectedRow !== undefined && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          label="Update actions"
          items={rowMenuItems(selectedRow, range === undefined ? 1 : range.to - range.from + 1, {
            properties: () => document.querySelector<HTMLElement>('.update-details')?.focus(),
            copy: () => void copyRows(),
            copyArticleId: (kb) => void copyToClipboard(`KB${kb}`).then(() => notify('info', `Copied KB${kb}.`)),
          })}
          onClose={() => {
            setMenu(undefined);
            document.querySelector<HTMLElement>('.repository [role="grid"]')?.focus();
          }}
        />
      )}
      {view.total === 0 && !view.loading && view.search === '' && view.error === undefined && (
        <p className="empty">
          No software updates have been synchronized to {view.site} yet.{' '}
          {importsOnly
            ? `${view.site} is set to "Do not synchronize": import a catalog (right-click its Software Update Point and choose Import Catalog…).`
            : parentCode === undefined || parentCode === null
              ? 'Right-click Update Repository and choose Run Synchronization.'
              : `${view.site} is a child site: it synchronizes after its parent site ${parentCode} does.`}
        </p>
      )}
    </div>
  );
}

const rowId = (index: number) => `update-row-${index}`;

function windowIndexes(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, offset) => first + offset);
}
