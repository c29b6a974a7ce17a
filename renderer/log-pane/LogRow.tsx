import type { MouseEvent } from 'react';
import { parseTraceLine } from '../../shared/trace-log';
import type { BufferedLine } from './log-buffer';

export const ROW_HEIGHT = 18;

interface Props {
  index: number;
  line: BufferedLine | undefined;
  selected: boolean;
  highlighted: boolean;
  onClick: (event: MouseEvent) => void;
}

/** One line of the log grid, placed at its row (the pane is windowed): text, component, time and thread. */
export function LogRow({ index, line, selected, highlighted, onClick }: Props) {
  const parsed = line === undefined ? undefined : parseTraceLine(line.text);
  return (
    <div
      role="row"
      aria-selected={selected}
      className={`log-line log-${line?.severity ?? 'info'}${selected ? ' log-selected' : ''}${highlighted ? ' log-highlight' : ''}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      // Shift+click extends the selection: the browser's own text selection would fight it.
      onMouseDown={(event) => event.shiftKey && event.preventDefault()}
      onClick={onClick}
    >
      <span role="cell" className="log-text">
        {(parsed?.text ?? line?.text ?? '').replace(/\r?\n/g, ' ↵ ')}
      </span>
      <span role="cell">{parsed?.component}</span>
      <span role="cell">{parsed?.time}</span>
      <span role="cell">{parsed === undefined ? '' : `${parsed.thread} (0x${parsed.thread.toString(16).toUpperCase()})`}</span>
    </div>
  );
}
