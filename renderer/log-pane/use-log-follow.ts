import { useEffect, useLayoutEffect, useRef } from 'react';
import type { FixedRowWindow } from '../virtual/fixed-row-window';
import type { LogView } from './log-view';
import { ROW_HEIGHT } from './LogRow';

interface Follow {
  rows: FixedRowWindow;
  view: LogView;
  /** Lines listed (up to the pause). */
  count: number;
  following: boolean;
  setFollowing(following: boolean): void;
  /** Changes when lines arrive. */
  version: number;
}

/**
 * While following, the newest line stays in view; otherwise the lines on screen stay put as lines arrive and the ring
 * drops its oldest ones (their row indexes shift, their sequence numbers do not). Returns the lines' scroll handler.
 */
export function useLogFollow({ rows, view, count, following, setFollowing, version }: Follow): () => void {
  const { element } = rows;
  const topSeq = useRef<number | undefined>(undefined);
  /** Where the pane last scrolled itself to while following. */
  const autoTop = useRef(0);
  const followFrame = useRef<number | undefined>(undefined);
  useEffect(() => () => cancelAnimationFrame(followFrame.current ?? 0), []);
  useLayoutEffect(() => {
    if (element === null) return;
    if (following) {
      // To the end at the next frame, from the row count: reading scrollHeight here forced a layout for every batch
      // of lines (several a frame during a sync), the renderer's largest cost while a 100,000-update sync streamed.
      const end = Math.max(0, count * ROW_HEIGHT - rows.viewportHeight);
      autoTop.current = end;
      if (followFrame.current === undefined) {
        followFrame.current = requestAnimationFrame(() => {
          followFrame.current = undefined;
          element.scrollTop = autoTop.current;
        });
      }
      topSeq.current = count === 0 ? undefined : view.seqAt(Math.min(count - 1, Math.floor(end / ROW_HEIGHT)));
      return;
    }
    // The last scroll position seen, not the element's: the DOM just changed, and reading it would force a layout.
    let top = rows.scrollTop;
    if (topSeq.current !== undefined) {
      const kept = view.indexOfSeq(topSeq.current) * ROW_HEIGHT + (top % ROW_HEIGHT);
      if (Math.abs(kept - top) >= 1) element.scrollTop = top = kept;
    }
    topSeq.current = count === 0 ? undefined : view.seqAt(Math.min(count - 1, Math.floor(top / ROW_HEIGHT)));
    // The pane's height changes (the splitter, a hidden pane shown again, the window): a following pane stays at the end.
    // Not on a scroll (rows.scrollTop): only lines arriving or the pane changing move it; version: lines arrived.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [element, following, version, view, count, rows.viewportHeight]);

  return () => {
    if (element === null) return;
    // The scroll event of our own move to the end can arrive after more lines made the list taller: only a move
    // up by the administrator stops following.
    if (following && element.scrollTop >= autoTop.current - 1) return;
    const atEnd = element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT * 2;
    if (atEnd !== following) setFollowing(atEnd);
    topSeq.current = count === 0 ? undefined : view.seqAt(Math.min(count - 1, Math.floor(element.scrollTop / ROW_HEIGHT)));
  };
}
