import { useCallback, useEffect, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useConsoleStore } from '../store/console-store';
import type { FixedRowWindow } from '../virtual/fixed-row-window';
import { copyToClipboard } from './clipboard';
import type { LogBuffer } from './log-buffer';
import { selectedText, type LineSelection, type LogView } from './log-view';
import { ROW_HEIGHT } from './LogRow';

/** More than this many lines in one copy would make a clipboard of hundreds of megabytes; the rest is left out, and said so. */
const COPY_LIMIT = 200_000;

interface Lines {
  view: LogView;
  buffer: LogBuffer;
  count: number;
  rows: FixedRowWindow;
  /** The text lines are highlighted for (CMTrace's Highlight), as typed. */
  highlight: string;
  setFollowing(following: boolean): void;
}

/**
 * The log pane's selection: the mouse (Shift+click extends) and the keyboard (arrows, Shift+arrows, Page Up/Down,
 * Home/End, Ctrl+A, Escape), Ctrl+C and Copy, and F3 / Shift+F3 to the next or previous highlighted line.
 */
export function useLogSelection({ view, buffer, count, rows, highlight, setFollowing }: Lines) {
  const notify = useConsoleStore((state) => state.notify);
  const [selection, setSelection] = useState<LineSelection | undefined>();
  useEffect(() => setSelection(undefined), [buffer]);

  const copySelection = async () => {
    if (selection === undefined) return;
    const picked = selectedText(view, buffer, selection, COPY_LIMIT);
    try {
      await copyToClipboard(picked.text);
      notify(
        picked.truncated ? 'warning' : 'info',
        picked.truncated
          ? `Copied the first ${picked.lines.toLocaleString()} selected lines; a copy holds at most ${COPY_LIMIT.toLocaleString()}.`
          : `Copied ${picked.lines.toLocaleString()} line${picked.lines === 1 ? '' : 's'}.`,
      );
    } catch (error) {
      notify('error', `Could not copy to the clipboard: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const moveTo = (index: number, extend: boolean) => {
    if (count === 0) return;
    const bounded = Math.max(0, Math.min(count - 1, index));
    const seq = view.seqAt(bounded);
    setSelection((current) => ({ anchor: extend && current !== undefined ? current.anchor : seq, focus: seq }));
    rows.scrollToIndex(bounded);
    if (bounded < count - 1) setFollowing(false);
  };

  const needle = highlight.trim().toLowerCase();
  const highlighted = (text: string | undefined) => needle !== '' && text !== undefined && text.toLowerCase().includes(needle);
  /** Moves the selection to the next (or previous) highlighted line, as CMTrace's Find Next does. */
  const findHighlighted = (direction: 1 | -1) => {
    if (needle === '' || count === 0) return;
    const from = selection === undefined ? (direction === 1 ? -1 : count) : view.indexOfSeq(selection.focus);
    for (let index = from + direction; index >= 0 && index < count; index += direction) {
      if (highlighted(buffer.textAt(view.seqAt(index) - buffer.firstSeq))) {
        moveTo(index, false);
        return;
      }
    }
    notify('info', `No ${direction === 1 ? 'later' : 'earlier'} line contains "${highlight.trim()}".`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const control = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (control && (key === 'c' || key === 'a')) {
      event.preventDefault();
      if (key === 'c') void copySelection();
      else if (count > 0) setSelection({ anchor: view.seqAt(0), focus: view.seqAt(count - 1) });
      return;
    }
    if (event.key === 'Escape') return setSelection(undefined);
    if (event.key === 'F3') {
      event.preventDefault();
      return findHighlighted(event.shiftKey ? -1 : 1);
    }
    const focusIndex = selection === undefined ? Math.floor((rows.element?.scrollTop ?? 0) / ROW_HEIGHT) - 1 : view.indexOfSeq(selection.focus);
    const page = Math.max(1, Math.floor(rows.viewportHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: focusIndex + 1,
      ArrowUp: focusIndex - 1,
      PageDown: focusIndex + page,
      PageUp: focusIndex - page,
      Home: 0,
      End: count - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    moveTo(target, event.shiftKey);
    if (event.key === 'End' && !event.shiftKey) setFollowing(true);
  };

  const onLineClick = (event: MouseEvent, seq: number) =>
    setSelection((current) => ({ anchor: event.shiftKey && current !== undefined ? current.anchor : seq, focus: seq }));

  const selectedCount =
    selection === undefined
      ? 0
      : view.indexOfSeq(Math.max(selection.anchor, selection.focus) + 1) - view.indexOfSeq(Math.min(selection.anchor, selection.focus));
  const clear = useCallback(() => setSelection(undefined), []);
  return { selection, clear, selectedCount, copySelection, findHighlighted, highlighted, hasNeedle: needle !== '', onKeyDown, onLineClick };
}
