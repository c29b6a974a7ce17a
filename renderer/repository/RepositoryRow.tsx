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
export const ROW_STATE_ICONS = { expired: '⊘', superseded: '⤳' } as const;

function RowStateIcons({ row }: { row: UpdateRow }) {
  return (
    <>
      {row.state === 'expired' && (
        <span className="row-icon row-icon-expired" role="img" aria-label="Expired" title="Expired">
          {ROW_STATE_ICONS.expired}
        </span>
      )}
      {row.superseded && (
        <span className="row-icon row-icon-superseded" role="img" aria-label="Superseded" title="Superseded">
          {ROW_STATE_ICONS.superseded}
        </span>
      )}
    </>
  );
}
