import { useState, type Dispatch, type KeyboardEvent, type SetStateAction } from 'react';
import type { UpdateRow } from '../../shared/contract';
import { copyToClipboard } from '../log-pane/clipboard';
import { useConsoleStore } from '../store/console-store';
import type { FixedRowWindow } from '../virtual/fixed-row-window';
import type { RowCache } from './row-cache';
import { rowsAsTsv, selectedRange, type RowSelection } from './row-actions';
import { createTypeAhead, findByPrefix, isTypeAheadKey } from '../console-tree/type-ahead';

/** Rows one copy takes at most (a clipboard of a whole 500,000-update catalog helps nobody). */
const COPY_LIMIT = 10_000;
/** Type-ahead looks this many rows either side of the selection (the rows loaded near the screen). */
const TYPE_AHEAD_ROWS = 2_000;

export const rowId = (index: number) => `update-row-${index}`;

interface Grid {
  selected: RowSelection | undefined;
  setSelected: Dispatch<SetStateAction<RowSelection | undefined>>;
  rows: RowCache<UpdateRow>;
  grid: FixedRowWindow;
  total: number;
  rowHeight: number;
  /** ArrowUp from the first row goes up to the header (its one Tab stop), as ArrowDown there comes back. */
  toHeader(): void;
}

/**
 * The repository's selection and what acts on it: arrows, Page Up/Down, Home/End (Shift extends), Ctrl+C, and Enter /
 * the Menu key / Shift+F10 for the row menu.
 */
export function useRowSelection({ selected, setSelected, rows, grid, total, rowHeight, toHeader }: Grid) {
  const notify = useConsoleStore((state) => state.notify);
  const [menu, setMenu] = useState<{ x: number; y: number } | undefined>();
  const [typeAhead] = useState(() => createTypeAhead());
  const range = selected === undefined ? undefined : selectedRange(selected);
  const inSelection = (index: number) => range !== undefined && index >= range.from && index <= range.to;

  const selectIndex = (index: number, extend = false) => {
    const bounded = Math.max(0, Math.min(total - 1, index));
    setSelected((current) => ({ anchor: extend && current !== undefined ? current.anchor : bounded, index: bounded, updateId: rows.rowAt(bounded)?.updateId }));
    grid.scrollToIndex(bounded);
  };

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

  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    // Keys pressed on the header's controls are theirs (Enter sorts there; it does not open a row's menu).
    if (event.target !== event.currentTarget) return;
    if (event.key === 'ArrowUp' && !event.shiftKey && (selected?.index ?? 0) <= 0) {
      event.preventDefault();
      return toHeader();
    }
    if (total === 0) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c') {
      event.preventDefault();
      return void copyRows();
    }
    if (event.key === 'Enter' || event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
      event.preventDefault();
      return openMenuAtRow();
    }
    if (!isTypeAheadKey(event)) typeAhead.reset();
    else {
      // The titles of the rows loaded around the selection (the grid holds pages near what is on screen).
      event.preventDefault();
      const from = Math.max(0, (selected?.index ?? grid.first) - TYPE_AHEAD_ROWS);
      const titles: string[] = [];
      for (let index = from; index < Math.min(total, from + 2 * TYPE_AHEAD_ROWS); index++) titles.push(rows.rowAt(index)?.title ?? '');
      const found = findByPrefix(titles, (selected?.index ?? grid.first - 1) - from, typeAhead(event.key, event.timeStamp));
      if (found >= 0) selectIndex(from + found);
      return;
    }
    const page = Math.max(1, Math.floor((grid.viewportHeight || rowHeight * 10) / rowHeight) - 1);
    const current = selected?.index ?? grid.first - 1;
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + page,
      PageUp: current - page,
      Home: 0,
      End: total - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    selectIndex(target, event.shiftKey);
  };

  return { range, inSelection, copyRows, menu, setMenu, onKeyDown };
}
