/**
 * The splitter between the result pane and the log pane: dragged, moved with the arrow keys (Shift for bigger
 * steps), collapsed and restored with Enter or a double-click; its position is remembered.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';

const STORAGE_KEY = 'usc.logPane';
const MIN_LOG = 90;
/** The result pane keeps at least this much: a grid header and a few rows. */
const MIN_RESULT = 140;

interface Stored {
  height: number;
  collapsed: boolean;
}

function stored(): Stored {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Stored>;
    return { height: typeof value.height === 'number' ? value.height : 260, collapsed: value.collapsed === true };
  } catch {
    return { height: 260, collapsed: false };
  }
}

export function SplitPanes({ top, bottom }: { top: ReactNode; bottom: ReactNode }) {
  const [layout, setLayout] = useState<Stored>(stored);
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(layout));
    } catch {
      // Without storage the position lasts for this page only.
    }
  }, [layout]);

  const maxHeight = () => Math.max(MIN_LOG, (container.current?.clientHeight ?? 800) - MIN_RESULT);
  const setHeight = (height: number) => setLayout({ collapsed: false, height: Math.round(Math.max(MIN_LOG, Math.min(maxHeight(), height))) });
  const toggle = () => setLayout((current) => ({ ...current, collapsed: !current.collapsed }));
  // The window can shrink under a remembered height: the result pane keeps its minimum.
  const height = Math.min(layout.height, maxHeight());

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    const target = event.currentTarget;
    const startY = event.clientY;
    const startHeight = layout.collapsed ? 0 : height;
    target.setPointerCapture(event.pointerId);
    const move = (moveEvent: globalThis.PointerEvent) => setHeight(startHeight - (moveEvent.clientY - startY));
    const end = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', end);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', end);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 80 : 20;
    const current = layout.collapsed ? 0 : height;
    if (event.key === 'ArrowUp') setHeight(current + step);
    else if (event.key === 'ArrowDown') setHeight(current - step);
    else if (event.key === 'Home') setHeight(maxHeight());
    else if (event.key === 'End') setHeight(MIN_LOG);
    else if (event.key === 'Enter' || event.key === ' ') toggle();
    else return;
    event.preventDefault();
  };

  return (
    <div className="split-panes" ref={container}>
      <div className="split-top">{top}</div>
      <div
        className="pane-splitter"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the log pane (Enter hides or shows it)"
        aria-valuenow={layout.collapsed ? 0 : height}
        aria-valuemin={0}
        aria-valuemax={maxHeight()}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
        onDoubleClick={toggle}
      >
        <button type="button" className="splitter-toggle" onClick={toggle} onPointerDown={(event) => event.stopPropagation()} tabIndex={-1}>
          {layout.collapsed ? '▴ Show log' : '▾ Hide log'}
        </button>
      </div>
      <div className="split-bottom" style={{ height: layout.collapsed ? 0 : height }} hidden={layout.collapsed}>
        {bottom}
      </div>
    </div>
  );
}
