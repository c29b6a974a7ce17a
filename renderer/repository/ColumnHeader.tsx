import type { KeyboardEvent, MouseEvent, TouchEvent } from 'react';

export const MIN_COLUMN_WIDTH = 40;
export const MAX_COLUMN_WIDTH = 2000;
export const clampWidth = (width: number) => Math.max(MIN_COLUMN_WIDTH, Math.min(MAX_COLUMN_WIDTH, width));

interface Props {
  label: string;
  width: number;
  /** How the grid is sorted by this column, if it is. */
  sorted: 'asc' | 'desc' | undefined;
  resizing: boolean;
  onSort(): void;
  /** The table's own drag handler (mouse and touch). */
  onResizeStart(event: MouseEvent | TouchEvent): void;
  onResizeBy(delta: number): void;
  onResetSize(): void;
  /** The header row's one Tab stop (roving-header.ts). */
  roving: { tabIndex: 0 | -1; ref(element: HTMLElement | null): void; onKeyDown(event: KeyboardEvent): void; onFocus(): void };
}

/** A column header: a sort button and a separator that resizes the column (drag, or the arrow keys). */
export function ColumnHeader({ label, width, sorted, resizing, onSort, onResizeStart, onResizeBy, onResetSize, roving }: Props) {
  return (
    <th style={{ width }} aria-sort={sorted === undefined ? 'none' : sorted === 'asc' ? 'ascending' : 'descending'}>
      <button
        type="button"
        className="column-sort"
        onClick={onSort}
        tabIndex={roving.tabIndex}
        ref={roving.ref}
        onKeyDown={roving.onKeyDown}
        onFocus={roving.onFocus}
        aria-keyshortcuts="ArrowLeft ArrowRight Alt+ArrowLeft Alt+ArrowRight"
        title={`Sort by ${label}. Arrow keys: other columns; Alt+arrows: narrower or wider`}
      >
        {label}
        {sorted === undefined ? '' : sorted === 'asc' ? ' ▲' : ' ▼'}
      </button>
      <span
        className={`column-resizer${resizing ? ' resizing' : ''}`}
        role="separator"
        // Reached with the mouse; the keyboard resizes from the column's header (Alt+arrows), one Tab stop for all.
        tabIndex={-1}
        aria-orientation="vertical"
        aria-label={`Resize ${label}`}
        aria-valuemin={MIN_COLUMN_WIDTH}
        aria-valuemax={MAX_COLUMN_WIDTH}
        aria-valuenow={width}
        onMouseDown={onResizeStart}
        onDoubleClick={onResetSize}
        onKeyDown={(event) => {
          // Arrow keys resize by 10 px (Shift: 50), Enter or Delete goes back to the default width.
          const step = event.shiftKey ? 50 : 10;
          const delta = event.key === 'ArrowRight' ? step : event.key === 'ArrowLeft' ? -step : 0;
          if (delta !== 0) onResizeBy(delta);
          else if (event.key === 'Enter' || event.key === 'Delete') onResetSize();
          else return;
          event.preventDefault();
          event.stopPropagation();
        }}
      />
    </th>
  );
}
