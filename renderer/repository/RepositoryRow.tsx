import type { MouseEvent } from 'react';
import type { UpdateRow } from '../../shared/contract';

export interface RowCell {
  id: string;
  columnId: string;
  width: number;
  text: string;
}

interface Props {
  id: string;
  index: number;
  height: number;
  row: UpdateRow;
  cells: RowCell[];
  selected: boolean;
  onClick(event: MouseEvent): void;
  onContextMenu(event: MouseEvent): void;
}

/** One update of the grid, placed at its row (the grid is windowed); expired and superseded rows are marked. */
export function RepositoryRow({ id, index, height, row, cells, selected, onClick, onContextMenu }: Props) {
  return (
    <tr
      id={id}
      aria-rowindex={index + 2}
      aria-selected={selected}
      style={{ height, transform: `translateY(${index * height}px)` }}
      onClick={onClick}
      onContextMenu={onContextMenu}
      className={`${row.state === 'expired' ? 'row-expired' : ''} ${row.superseded ? 'row-superseded' : ''} ${selected ? 'row-selected' : ''}`}
    >
      {cells.map((cell) => (
        <td
          key={cell.id}
          style={{ width: cell.width }}
          title={
            cell.columnId === 'title' ? row.title : cell.columnId === 'state' && row.state === 'expired' ? (row.expiredBy ?? 'Expired by Microsoft') : undefined
          }
        >
          {cell.columnId === 'title' && <RowStateIcons row={row} />}
          {cell.text}
        </td>
      ))}
    </tr>
  );
}

/** A row whose page has not arrived yet. */
export function PendingRow({ id, index, height, width }: { id: string; index: number; height: number; width: number }) {
  return (
    <tr id={id} aria-rowindex={index + 2} className="row-pending" style={{ height, transform: `translateY(${index * height}px)` }}>
      <td style={{ width }}>Loading…</td>
    </tr>
  );
}

/** The marks of an expired or superseded update: an icon with its name, not only italic and strike-through. */
export const ROW_STATE_ICONS = { damaged: '⚠', expired: '⊘', superseded: '⤳' } as const;

/**
 * The title's mark, in a slot every title has (marked or not), so the titles line up: one icon, damaged metadata
 * before expired before superseded (an expired update's supersedence no longer matters), all named in its label.
 */
function RowStateIcons({ row }: { row: UpdateRow }) {
  const names = [
    row.damaged === true && 'Stored metadata damaged: the next synchronization fetches it again',
    row.state === 'expired' && 'Expired',
    row.superseded && 'Superseded',
  ].filter((name): name is string => name !== false);
  const shown = row.damaged === true ? 'damaged' : row.state === 'expired' ? 'expired' : row.superseded ? 'superseded' : undefined;
  return (
    <span className="row-icon-slot">
      {shown !== undefined && (
        <span className={`row-icon row-icon-${shown}`} role="img" aria-label={names.join(', ')} title={names.join(', ')}>
          {ROW_STATE_ICONS[shown]}
        </span>
      )}
    </span>
  );
}
