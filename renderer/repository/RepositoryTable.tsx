import { useTable, type ColumnSizingState } from '@tanstack/react-table';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { UpdateRow } from '../../shared/contract';
import { UpdateDetails } from './UpdateDetails';
import { PendingRow, RepositoryRow } from './RepositoryRow';
import { EmptyRepository, repositoryStatus, RowLegend, RowMenu } from './repository-parts';
import { clampWidth, ColumnHeader } from './ColumnHeader';
import { COLUMN_WIDTHS_KEY, COLUMNS, features, savedColumnWidths } from './repository-columns';
import type { RowSelection } from './row-actions';
import { RepositorySearchBar } from './RepositorySearchBar';
import { rowId, useRowSelection } from './use-row-selection';
import type { RepositoryView } from '../store/console-store';
import { useConsoleStore } from '../store/console-store';
import { useFixedRowWindow } from '../virtual/fixed-row-window';
import { useRovingHeader } from '../layout/roving-header';
import { useRestoreScrollOnLeave } from '../layout/restore-scroll';

const ROW_HEIGHT = 22;

/**
 * The Update Repository list: one scrollable grid over the whole result, sorted, searched and filtered by the engine.
 * Only the rows on screen exist in the page; their pages are fetched as they scroll into view.
 */
export function RepositoryTable({ filter }: { filter: { classificationId?: string; productId?: string } }) {
  const view = useConsoleStore((state) => state.repository);
  const rows = useConsoleStore((state) => state.repositoryRows);
  const load = useConsoleStore((state) => state.loadRepository);
  const ensureRows = useConsoleStore((state) => state.ensureRepositoryRows);
  const [selected, setSelected] = useState<RowSelection | undefined>();
  const damagedSite = useConsoleStore((state) => state.sites.some((site) => site.code === state.repository.site && site.blobDamage !== undefined));

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

  useEffect(() => ensureRows(first, last), [first, last, view.generation, view.total, view.loading, ensureRows]);
  const { table, tableRows, setColumnSizing } = useWindowTable(first, last);

  const keepColumns = useRestoreScrollOnLeave<HTMLDivElement>();
  const gridRef = grid.ref;
  const scrollerRef = useCallback(
    (element: HTMLDivElement | null) => {
      gridRef(element);
      keepColumns(element);
    },
    [gridRef, keepColumns],
  );
  const headers = table.getFlatHeaders();
  const roving = useRovingHeader(headers.length, {
    resizeBy: (index, delta) => {
      const header = headers[index]!;
      setColumnSizing((sizes) => ({ ...sizes, [header.column.id]: clampWidth(header.getSize() + delta) }));
    },
    toRows: () => element?.querySelector<HTMLElement>('table[role="grid"]')?.focus(),
  });
  const sortBy = (key: RepositoryView['sort']) => void load({ sort: key, direction: view.sort === key && view.direction === 'asc' ? 'desc' : 'asc' });
  const { range, inSelection, copyRows, menu, setMenu, onKeyDown } = useRowSelection({
    selected,
    setSelected,
    rows,
    grid,
    total: view.total,
    rowHeight: ROW_HEIGHT,
    toHeader: () => roving.focusActive(),
  });
  // A row selected by keyboard before its page arrived gets its update once the page is in.
  const selectedId = selected?.updateId ?? (selected === undefined ? undefined : rows.rowAt(selected.index)?.updateId);

  const selectedRow = selected === undefined ? undefined : rows.rowAt(selected.index);
  const status = repositoryStatus(view, range, selectedRow);
  return (
    <div className="repository">
      <RepositorySearchBar key={view.search} search={view.search} status={status} onSearch={(search) => void load({ search })} />
      <div className="grid-scroller" ref={scrollerRef}>
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
              {headers.map((header, index) => {
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
                    roving={{
                      tabIndex: roving.tabIndexOf(index),
                      ref: roving.refOf(index),
                      onKeyDown: (event) => roving.onKeyDown(index, event),
                      onFocus: () => roving.onFocus(index),
                    }}
                  />
                );
              })}
            </tr>
          </thead>
          <tbody style={{ height: grid.totalHeight }}>
            {windowIndexes(first, last).map((index) => (
              <WindowRow
                key={rows.rowAt(index)?.updateId ?? `pending-${index}`}
                index={index}
                row={rows.rowAt(index)}
                tableRows={tableRows}
                width={table.getTotalSize()}
                selected={inSelection(index)}
                onSelect={(extend) => {
                  const updateId = rows.rowAt(index)?.updateId;
                  setSelected((current) => ({ anchor: extend && current !== undefined ? current.anchor : index, index, updateId }));
                }}
                onMenu={(at) => {
                  // A right-click selects the row under it (keeping a selection it is part of), as Windows lists do.
                  if (!inSelection(index)) setSelected({ anchor: index, index, updateId: rows.rowAt(index)?.updateId });
                  setMenu(at);
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
      {view.total > 0 && <RowLegend damaged={damagedSite} />}
      {selectedId !== undefined && <UpdateDetails site={view.site} updateId={selectedId} onClose={() => setSelected(undefined)} />}
      {menu !== undefined && selectedRow !== undefined && (
        <RowMenu
          at={menu}
          row={selectedRow}
          count={range === undefined ? 1 : range.to - range.from + 1}
          onCopy={() => void copyRows()}
          onClose={() => setMenu(undefined)}
        />
      )}
      {view.total === 0 && !view.loading && view.search === '' && view.error === undefined && <EmptyRepository site={view.site} />}
    </div>
  );
}

function windowIndexes(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, offset) => first + offset);
}

interface CellSource {
  getAllCells(): Array<{ id: string; column: { id: string; getSize(): number }; getValue(): unknown }>;
}

/** One row of the window: the update when its page is in, else a row that says it is loading. */
function WindowRow(props: {
  index: number;
  row: UpdateRow | undefined;
  tableRows: Map<string, CellSource>;
  width: number;
  selected: boolean;
  onSelect(extend: boolean): void;
  onMenu(at: { x: number; y: number }): void;
}) {
  const { index, row } = props;
  const tableRow = row === undefined ? undefined : props.tableRows.get(row.updateId);
  if (row === undefined || tableRow === undefined) return <PendingRow id={rowId(index)} index={index} height={ROW_HEIGHT} width={props.width} />;
  return (
    <RepositoryRow
      id={rowId(index)}
      index={index}
      height={ROW_HEIGHT}
      row={row}
      cells={tableRow
        .getAllCells()
        .map((cell) => ({ id: cell.id, columnId: cell.column.id, width: cell.column.getSize(), text: String(cell.getValue() ?? '') }))}
      selected={props.selected}
      onClick={(event) => props.onSelect(event.shiftKey)}
      onContextMenu={(event) => {
        event.preventDefault();
        props.onMenu({ x: event.clientX, y: event.clientY });
      }}
    />
  );
}

/** The grid's columns (their widths kept per browser profile) over the rows of the window that have arrived. */
function useWindowTable(first: number, last: number) {
  const rows = useConsoleStore((state) => state.repositoryRows);
  const [columnSizing, setColumnSizing] = useState<ColumnSizingState>(savedColumnWidths);
  useEffect(() => localStorage.setItem(COLUMN_WIDTHS_KEY, JSON.stringify(columnSizing)), [columnSizing]);
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
  return { table, tableRows, setColumnSizing };
}
