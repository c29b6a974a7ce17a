/**
 * The log pane's columns as CMTrace shows them: Log Text, Component, Date/Time, Thread. The text takes the room
 * that is left; the other three are resized by dragging or with the arrow keys on their separators, and remembered.
 */
import { useEffect, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useRovingHeader } from '../layout/roving-header';

const STORAGE_KEY = 'usc.logColumns';
const MIN_WIDTH = 48;
const MAX_WIDTH = 600;

export interface LogColumnWidths {
  component: number;
  time: number;
  thread: number;
}

const DEFAULT_WIDTHS: LogColumnWidths = { component: 190, time: 200, thread: 110 };
const NAMES: Array<{ key: keyof LogColumnWidths; label: string }> = [
  { key: 'component', label: 'Component' },
  { key: 'time', label: 'Date/Time' },
  { key: 'thread', label: 'Thread' },
];

export interface LogColumns {
  widths: LogColumnWidths;
  /** The CSS grid template every row and the header share. */
  template: string;
  resize(key: keyof LogColumnWidths, width: number): void;
}

function storedWidths(): LogColumnWidths {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<LogColumnWidths>;
    return { ...DEFAULT_WIDTHS, ...Object.fromEntries(Object.entries(stored).filter(([, value]) => typeof value === 'number')) };
  } catch {
    return DEFAULT_WIDTHS;
  }
}

export function useLogColumns(): LogColumns {
  const [widths, setWidths] = useState<LogColumnWidths>(storedWidths);
  useEffect(() => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(widths));
    } catch {
      // Storage can be unavailable (private windows); the widths then last for this page only.
    }
  }, [widths]);
  return {
    widths,
    template: `minmax(200px, 1fr) ${widths.component}px ${widths.time}px ${widths.thread}px`,
    resize: (key, width) => setWidths((current) => ({ ...current, [key]: Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Math.round(width))) })),
  };
}

export function LogColumnHeader({ columns }: { columns: LogColumns }) {
  const startDrag = (key: keyof LogColumnWidths, event: PointerEvent<HTMLSpanElement>) => {
    event.preventDefault();
    const startX = event.clientX;
    const startWidth = columns.widths[key];
    const target = event.currentTarget;
    target.setPointerCapture(event.pointerId);
    // The separator sits at a column's left edge: dragging it left widens the column.
    const move = (moveEvent: globalThis.PointerEvent) => columns.resize(key, startWidth - (moveEvent.clientX - startX));
    const end = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', end);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', end);
  };
  const onKey = (key: keyof LogColumnWidths, event: KeyboardEvent<HTMLSpanElement>) => {
    const step = event.shiftKey ? 50 : 10;
    if (event.key === 'ArrowLeft') columns.resize(key, columns.widths[key] + step);
    else if (event.key === 'ArrowRight') columns.resize(key, columns.widths[key] - step);
    else if (event.key === 'Home') columns.resize(key, MAX_WIDTH);
    else if (event.key === 'End') columns.resize(key, MIN_WIDTH);
    else return;
    event.preventDefault();
  };
  // One Tab stop for the header: arrows move between the columns, Alt+arrows resize the one with the focus.
  const roving = useRovingHeader(NAMES.length, {
    resizeBy: (index, delta) => {
      const { key } = NAMES[index]!;
      columns.resize(key, columns.widths[key] + delta);
    },
    toRows: () => document.querySelector<HTMLElement>('.log-lines')?.focus(),
  });
  return (
    <div className="log-header" role="row">
      <span role="columnheader">Log Text</span>
      {NAMES.map(({ key, label }, index) => (
        <span
          key={key}
          role="columnheader"
          className="log-column"
          tabIndex={roving.tabIndexOf(index)}
          ref={roving.refOf(index)}
          onKeyDown={(event) => roving.onKeyDown(index, event)}
          onFocus={() => roving.onFocus(index)}
          aria-keyshortcuts="ArrowLeft ArrowRight Alt+ArrowLeft Alt+ArrowRight"
          title={`${label}: Alt+arrows make it narrower or wider`}
        >
          <span
            role="separator"
            aria-orientation="vertical"
            aria-label={`Resize ${label}`}
            aria-valuenow={columns.widths[key]}
            aria-valuemin={MIN_WIDTH}
            aria-valuemax={MAX_WIDTH}
            tabIndex={-1}
            className="log-column-separator"
            onPointerDown={(event) => startDrag(key, event)}
            onKeyDown={(event) => onKey(key, event)}
          />
          {label}
        </span>
      ))}
    </div>
  );
}
