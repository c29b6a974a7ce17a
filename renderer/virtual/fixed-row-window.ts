/**
 * Windowing for lists whose rows all have one height (the log pane, the repository grid). With a fixed height the
 * rows on screen follow from the scroll position by arithmetic, so a list that grows by 2,000 lines at a time up to
 * a million costs the same per update as an empty one; general virtualizers re-measure every row when the count changes.
 */
import { useCallback, useLayoutEffect, useRef, useState } from 'react';

export interface RowWindow {
  /** First and last row to render (overscan included); last < first when there is nothing to render. */
  first: number;
  last: number;
  totalHeight: number;
}

export function rowWindow(scrollTop: number, viewportHeight: number, count: number, rowHeight: number, overscan: number): RowWindow {
  const totalHeight = count * rowHeight;
  if (count === 0) return { first: 0, last: -1, totalHeight };
  const top = Math.max(0, Math.min(scrollTop, totalHeight));
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((top + Math.max(viewportHeight, rowHeight)) / rowHeight) + overscan);
  return { first, last, totalHeight };
}

/** Where to scroll so row index is visible: 'nearest' moves as little as possible. */
export function scrollTopFor(index: number, align: 'nearest' | 'start' | 'end', current: number, viewportHeight: number, rowHeight: number): number {
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (align === 'start') return rowTop;
  if (align === 'end') return Math.max(0, rowBottom - viewportHeight);
  if (rowTop < current) return rowTop;
  if (rowBottom > current + viewportHeight) return Math.max(0, rowBottom - viewportHeight);
  return current;
}

/**
 * Where to scroll when the list's viewport changes height (a pane opened beside it, the window was resized): a row
 * that was on screen stays on screen, so the selection never slips out of view under the administrator's eyes.
 */
export function scrollTopAfterResize(anchor: number | undefined, top: number, previousHeight: number, height: number, rowHeight: number): number {
  if (anchor === undefined || height === previousHeight) return top;
  const rowTop = anchor * rowHeight;
  const wasVisible = rowTop >= top && rowTop + rowHeight <= top + previousHeight;
  return wasVisible ? scrollTopFor(anchor, 'nearest', top, height, rowHeight) : top;
}

export interface FixedRowWindow extends RowWindow {
  /** Give this to the scrolling element (a callback ref, so a list that mounts later is still observed). */
  ref(element: HTMLElement | null): void;
  element: HTMLElement | null;
  scrollToIndex(index: number, align?: 'nearest' | 'start' | 'end'): void;
  viewportHeight: number;
  /** The scroll position last seen (reading the element's own forces a layout when the DOM just changed). */
  scrollTop: number;
}

export interface RowWindowOptions {
  overscan?: number;
  /** A row (the selection) that stays on screen when the viewport changes height, if it was on screen. */
  keepInView?: number;
  /** A sticky header inside the scrolling element (a table's thead) covers the top of the viewport. */
  stickyHeader?: string;
}

export function useFixedRowWindow(count: number, rowHeight: number, { overscan = 10, keepInView, stickyHeader }: RowWindowOptions = {}): FixedRowWindow {
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 0 });
  const anchor = useRef(keepInView);
  anchor.current = keepInView;
  const seenHeight = useRef(0);

  const rowsHeight = useCallback(
    (scroller: HTMLElement) => {
      const header = stickyHeader === undefined ? null : scroller.querySelector<HTMLElement>(stickyHeader);
      return Math.max(0, scroller.clientHeight - (header?.offsetHeight ?? 0));
    },
    [stickyHeader],
  );

  useLayoutEffect(() => {
    if (element === null) return;
    const update = () => {
      const height = rowsHeight(element);
      const top = scrollTopAfterResize(anchor.current, element.scrollTop, seenHeight.current || height, height, rowHeight);
      if (top !== element.scrollTop) element.scrollTop = top;
      seenHeight.current = height;
      setViewport((previous) => (previous.top === element.scrollTop && previous.height === height ? previous : { top: element.scrollTop, height }));
    };
    update();
    element.addEventListener('scroll', update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', update);
      observer.disconnect();
    };
  }, [element, rowHeight, rowsHeight]);

  const scrollToIndex = useCallback(
    (index: number, align: 'nearest' | 'start' | 'end' = 'nearest') => {
      if (element === null) return;
      const top = scrollTopFor(index, align, element.scrollTop, rowsHeight(element), rowHeight);
      if (top !== element.scrollTop) element.scrollTop = top;
    },
    [element, rowHeight, rowsHeight],
  );

  return {
    ...rowWindow(viewport.top, viewport.height, count, rowHeight, overscan),
    ref: setElement,
    element,
    scrollToIndex,
    viewportHeight: viewport.height,
    scrollTop: viewport.top,
  };
}
