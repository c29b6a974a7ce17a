import { columnResizingFeature, columnSizingFeature, createColumnHelper, tableFeatures, useTable, type ColumnSizingState } from '@tanstack/react-table';
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { UpdateRow } from '../../shared/contract';
import { UpdateDetails } from './UpdateDetails';
import type { RepositoryView } from '../store/console-store';
import { useConsoleStore } from '../store/console-store';
import { useFixedRowWindow } from '../virtual/fixed-row-window';

const ROW_HEIGHT = 22;
const COLUMN_WIDTHS_KEY = 'usc.repository.columnWidths';

const features = tableFeatures({ columnSizingFeature, columnResizingFeature });
const column = createColumnHelper<typeof features, UpdateRow>();
const date = (text: string | null) => (text === null ? '' : new Date(text).toLocaleDateString());

/** The columns of the ConfigMgr 2007 Update Repository list; each id is the engine's sort key. */
const COLUMNS = column.columns([
  column.accessor('title', { id: 'title', header: 'Title', size: 420 }),
  column.accessor((row) => row.kb ?? '', { id: 'kb', header: 'Article ID', size: 90 }),
  column.accessor((row) => row.bulletin ?? '', { id: 'bulletin', header: 'Bulletin ID', size: 100 }),
  column.accessor((row) => row.classification ?? '', { id: 'classification', header: 'Classification', size: 150 }),
  column.accessor((row) => row.products ?? '', { id: 'products', header: 'Product', size: 180 }),
  column.accessor((row) => row.severity ?? '', { id: 'severity', header: 'Severity', size: 90 }),
  column.accessor((row) => date(row.releasedAt), { id: 'releasedAt', header: 'Date Released', size: 105 }),
  column.accessor((row) => date(row.revisedAt), { id: 'revisedAt', header: 'Date Revised', size: 105 }),
  column.accessor((row) => (row.state === 'expired' ? 'Yes' : 'No'), { id: 'state', header: 'Expired', size: 70 }),
  column.accessor((row) => (row.superseded ? 'Yes' : 'No'), { id: 'superseded', header: 'Superseded', size: 90 }),
]);

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
  const [selected, setSelected] = useState<{ index: number; updateId: string | undefined } | undefined>();
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
  const selectIndex = (index: number) => {
    const bounded = Math.max(0, Math.min(view.total - 1, index));
    setSelected({ index: bounded, updateId: rows.rowAt(bounded)?.updateId });
    grid.scrollToIndex(bounded);
  };
  // A row selected by keyboard before its page arrived gets its update once the page is in.
  const selectedId = selected?.updateId ?? (selected === undefined ? undefined : rows.rowAt(selected.index)?.updateId);

  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    if (view.total === 0) return;
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
    selectIndex(target);
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
                  <th
                    key={header.id}
                    style={{ width: header.getSize() }}
                    aria-sort={view.sort === key ? (view.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                  >
                    <button type="button" className="column-sort" onClick={() => sortBy(key)}>
                      {String(header.column.columnDef.header)}
                      {view.sort === key ? (view.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                    </button>
                    <span
                      className={`column-resizer${header.column.getIsResizing() ? ' resizing' : ''}`}
                      role="separator"
                      tabIndex={0}
                      aria-orientation="vertical"
                      aria-label={`Resize ${String(header.column.columnDef.header)}`}
                      aria-valuemin={MIN_COLUMN_WIDTH}
                      aria-valuemax={MAX_COLUMN_WIDTH}
                      aria-valuenow={header.getSize()}
                      onMouseDown={header.getResizeHandler()}
                      onDoubleClick={() => header.column.resetSize()}
                      onKeyDown={(event) => {
                        // Arrow keys resize by 10 px (Shift: 50), Enter or Delete goes back to the default width.
                        const step = event.shiftKey ? 50 : 10;
                        const delta = event.key === 'ArrowRight' ? step : event.key === 'ArrowLeft' ? -step : 0;
                        if (delta !== 0) setColumnSizing((sizes) => ({ ...sizes, [header.column.id]: clampWidth(header.getSize() + delta) }));
                        else if (event.key === 'Enter' || event.key === 'Delete') header.column.resetSize();
                        else return;
                        event.preventDefault();
                        event.stopPropagation();
                      }}
                    />
                  </th>
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
              const isSelected = row.updateId === selectedId;
              return (
                <tr
                  key={row.updateId}
                  id={rowId(index)}
                  aria-rowindex={index + 2}
                  aria-selected={isSelected}
                  style={style}
                  onClick={() => setSelected({ index, updateId: row.updateId })}
                  className={`${row.state === 'expired' ? 'row-expired' : ''} ${row.superseded ? 'row-superseded' : ''} ${isSelected ? 'row-selected' : ''}`}
                >
                  {tableRow.getAllCells().map((cell) => (
                    <td
                      key={cell.id}
                      style={{ width: cell.column.getSize() }}
                      title={
                        cell.column.id === 'title'
                          ? row.title
                          : cell.column.id === 'state' && row.state === 'expired'
                            ? (row.expiredBy ?? 'Expired by Microsoft')
                            : undefined
                      }
                    >
                      {String(cell.getValue() ?? '')}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {selectedId !== undefined && <UpdateDetails site={view.site} updateId={selectedId} onClose={() => setSelected(undefined)} />}
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

const MIN_COLUMN_WIDTH = 40;
const MAX_COLUMN_WIDTH = 2000;
const clampWidth = (width: number) => Math.max(MIN_COLUMN_WIDTH, Math.min(MAX_COLUMN_WIDTH, width));
const rowId = (index: number) => `update-row-${index}`;

function windowIndexes(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, offset) => first + offset);
}

/** Column widths the administrator set last time (kept per browser profile). */
function savedColumnWidths(): ColumnSizingState {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(COLUMN_WIDTHS_KEY) ?? '{}');
    if (typeof saved !== 'object' || saved === null) return {};
    return Object.fromEntries(
      Object.entries(saved).filter(
        (entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] >= MIN_COLUMN_WIDTH && entry[1] <= MAX_COLUMN_WIDTH,
      ),
    );
  } catch {
    return {};
  }
}
