/**
 * A scrolled box gives back its horizontal scroll when the focus leaves it. Tab into a wide table scrolls it sideways
 * to show the control it reaches; without this, the first columns stayed out of view after the focus had moved on
 * (and Tab through a grid's header left the Title column scrolled away for good).
 */
import { useCallback, useRef } from 'react';

export function restoreScrollOnLeave(box: HTMLElement): () => void {
  let before: number | undefined;
  const entered = (event: FocusEvent) => {
    if (event.relatedTarget instanceof Node && box.contains(event.relatedTarget)) return;
    before = box.scrollLeft;
  };
  const left = (event: FocusEvent) => {
    if (event.relatedTarget instanceof Node && box.contains(event.relatedTarget)) return;
    if (before !== undefined) box.scrollLeft = before;
    before = undefined;
  };
  box.addEventListener('focusin', entered);
  box.addEventListener('focusout', left);
  return () => {
    box.removeEventListener('focusin', entered);
    box.removeEventListener('focusout', left);
  };
}

/** A callback ref that does it for the element it is given (and stops for the one it replaced). */
export function useRestoreScrollOnLeave<E extends HTMLElement>(): (element: E | null) => void {
  const stop = useRef<(() => void) | undefined>(undefined);
  return useCallback((element: E | null) => {
    stop.current?.();
    stop.current = element === null ? undefined : restoreScrollOnLeave(element);
  }, []);
}
