/**
 * A grid's header row as one Tab stop (WAI-ARIA's roving tabindex): Tab reaches the header once, at the column last
 * visited; ArrowLeft/ArrowRight, Home and End move between its columns; Alt+ArrowRight and Alt+ArrowLeft widen and
 * narrow the column (Shift: by 50 px); ArrowDown goes to the rows. Twenty Tab stops of sort buttons and separators
 * were a long way through every header before the rows.
 */
import { useRef, useState, type KeyboardEvent } from 'react';

export interface RovingHeader {
  tabIndexOf(index: number): 0 | -1;
  /** The ref each column's focusable element takes. */
  refOf(index: number): (element: HTMLElement | null) => void;
  onKeyDown(index: number, event: KeyboardEvent): void;
  onFocus(index: number): void;
  /** Focuses the column last visited (from the rows: ArrowUp on the first row). */
  focusActive(): void;
}

export function useRovingHeader(count: number, actions: { resizeBy(index: number, delta: number): void; toRows(): void }): RovingHeader {
  const [active, setActive] = useState(0);
  const elements = useRef<Array<HTMLElement | null>>([]);
  const current = Math.min(active, Math.max(0, count - 1));
  const moveTo = (index: number) => {
    const bounded = Math.max(0, Math.min(count - 1, index));
    setActive(bounded);
    elements.current[bounded]?.focus();
  };
  return {
    tabIndexOf: (index) => (index === current ? 0 : -1),
    refOf: (index) => (element) => {
      elements.current[index] = element;
    },
    onFocus: (index) => setActive(index),
    focusActive: () => elements.current[current]?.focus(),
    onKeyDown(index, event) {
      const step = event.shiftKey ? 50 : 10;
      if (event.altKey && (event.key === 'ArrowRight' || event.key === 'ArrowLeft')) actions.resizeBy(index, event.key === 'ArrowRight' ? step : -step);
      else if (event.key === 'ArrowRight') moveTo(index + 1);
      else if (event.key === 'ArrowLeft') moveTo(index - 1);
      else if (event.key === 'Home') moveTo(0);
      else if (event.key === 'End') moveTo(count - 1);
      else if (event.key === 'ArrowDown') actions.toRows();
      else return;
      event.preventDefault();
      event.stopPropagation();
    },
  };
}
