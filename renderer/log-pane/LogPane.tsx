import { useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent } from 'react';
import { useConsoleStore } from '../store/console-store';
import { useFixedRowWindow } from '../virtual/fixed-row-window';
import type { LogBuffer } from './log-buffer';
import { LogFileButtons } from './LogFileButtons';
import { isSelected, logViewOf, selectedText, type LineSelection } from './log-view';
import { copyToClipboard } from './clipboard';
import { LogColumnHeader, useLogColumns } from './log-columns';
import { ErrorLookupBox, LogEntryDetails } from './LogEntryDetails';
import { LogRow, ROW_HEIGHT } from './LogRow';

/** More than this many lines in one copy would make a clipboard of hundreds of megabytes; the rest is left out, and said so. */
const COPY_LIMIT = 200_000;

/**
 * The live log pane: the site's wsyncmgr.log lines as the engine writes them, windowed (only the visible rows exist
 * in the page), following the end unless the administrator scrolled up. Lines are selected with the mouse
 * (Shift+click extends) or the keyboard (arrows, Shift+arrows, Ctrl+A) and copied with Ctrl+C or Copy. Also opens
 * any CMTrace-format log file, in either format.
 */
export function LogPane({ site }: { site: string | undefined }) {
  const bufferOf = useConsoleStore((state) => state.logBufferOf);
  const notify = useConsoleStore((state) => state.notify);
  const live = bufferOf(site ?? 'CEN');
  const version = useConsoleStore((state) => state.logVersion);
  const [opened, setOpened] = useState<{ name: string; buffer: LogBuffer } | undefined>();
  const [filter, setFilter] = useState('');
  const [following, setFollowing] = useState(true);
  const [selection, setSelection] = useState<LineSelection | undefined>();
  const [highlight, setHighlight] = useState('');
  /** While paused, the pane shows the lines up to this sequence number; the others wait in the buffer. */
  const [pausedAt, setPausedAt] = useState<number | undefined>();
  const columns = useLogColumns();
  const buffer = opened?.buffer ?? live;
  const api = useConsoleStore((state) => state.api);
  const loadLogTail = useConsoleStore((state) => state.loadLogTail);
  // What the log already holds on disk (earlier syncs, before a restart or a reload) comes first, then live lines.
  useEffect(() => {
    if (site !== undefined && api !== undefined) void loadLogTail(site);
  }, [site, api, loadLogTail]);

  const view = useMemo(() => logViewOf(buffer, filter), [buffer, filter]);
  // The view keeps up with each batch as the store pushes it (before logVersion changes); rendering only reads it.
  useEffect(() => view.follow(), [view]);
  const count = pausedAt === undefined ? view.length : Math.min(view.length, view.indexOfSeq(pausedAt));
  const waiting = view.length - count;
  const rows = useFixedRowWindow(count, ROW_HEIGHT, { overscan: 30 });
  const { element } = rows;

  // While following, the newest line stays in view; otherwise the lines on screen stay put as lines arrive and the
  // ring drops its oldest ones (their row indexes shift, their sequence numbers do not).
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

  useEffect(() => setSelection(undefined), [buffer]);

  const onScroll = () => {
    if (element === null) return;
    // The scroll event of our own move to the end can arrive after more lines made the list taller: only a move
    // up by the administrator stops following.
    if (following && element.scrollTop >= autoTop.current - 1) return;
    const atEnd = element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT * 2;
    if (atEnd !== following) setFollowing(atEnd);
    topSeq.current = count === 0 ? undefined : view.seqAt(Math.min(count - 1, Math.floor(element.scrollTop / ROW_HEIGHT)));
  };

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

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const control = event.ctrlKey || event.metaKey;
    if (control && event.key.toLowerCase() === 'c') {
      event.preventDefault();
      void copySelection();
      return;
    }
    if (control && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      if (count > 0) setSelection({ anchor: view.seqAt(0), focus: view.seqAt(count - 1) });
      return;
    }
    if (event.key === 'Escape') {
      setSelection(undefined);
      return;
    }
    if (event.key === 'F3') {
      event.preventDefault();
      findHighlighted(event.shiftKey ? -1 : 1);
      return;
    }
    const focusIndex = selection === undefined ? Math.floor((element?.scrollTop ?? 0) / ROW_HEIGHT) - 1 : view.indexOfSeq(selection.focus);
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

  const onLineClick = (event: MouseEvent, seq: number) => {
    setSelection((current) => ({ anchor: event.shiftKey && current !== undefined ? current.anchor : seq, focus: seq }));
  };

  const selectedCount =
    selection === undefined
      ? 0
      : view.indexOfSeq(Math.max(selection.anchor, selection.focus) + 1) - view.indexOfSeq(Math.min(selection.anchor, selection.focus));
  const visible = [];
  for (let index = rows.first; index <= rows.last && index < count; index++) {
    const seq = view.seqAt(index);
    const line = buffer.atSeq(seq);
    visible.push(
      <LogRow
        key={seq}
        index={index}
        line={line}
        selected={isSelected(selection, seq)}
        highlighted={highlighted(line?.text)}
        onClick={(event) => onLineClick(event, seq)}
      />,
    );
  }
  const focused = selection === undefined ? undefined : buffer.atSeq(selection.focus);

  return (
    <section className="log-pane" aria-label="Sync log">
      <header className="pane-title small">
        <h2>{opened === undefined ? `wsyncmgr.log${site === undefined ? '' : ` — ${site}`}` : opened.name}</h2>
        <input
          className="log-filter"
          type="search"
          placeholder="Filter lines"
          aria-label="Filter log lines"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
        <input
          className="log-filter"
          type="search"
          placeholder="Highlight"
          aria-label="Highlight lines containing"
          value={highlight}
          onChange={(event) => setHighlight(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') findHighlighted(event.shiftKey ? -1 : 1);
          }}
        />
        <button
          type="button"
          disabled={needle === ''}
          onClick={() => findHighlighted(-1)}
          title="Previous highlighted line (Shift+F3)"
          aria-label="Previous highlighted line"
        >
          ↑
        </button>
        <button type="button" disabled={needle === ''} onClick={() => findHighlighted(1)} title="Next highlighted line (F3)" aria-label="Next highlighted line">
          ↓
        </button>
        <button
          type="button"
          aria-pressed={pausedAt !== undefined}
          onClick={() => {
            if (pausedAt === undefined) {
              setPausedAt(buffer.endSeq);
              setFollowing(false);
            } else {
              setPausedAt(undefined);
              setFollowing(true);
            }
          }}
          title={pausedAt === undefined ? 'Stop showing new lines (they are kept)' : 'Show the lines that arrived while paused, and follow again'}
        >
          {pausedAt === undefined ? 'Pause' : `Resume${waiting > 0 ? ` (${waiting.toLocaleString()} new)` : ''}`}
        </button>
        <button type="button" disabled={selectedCount === 0} onClick={() => void copySelection()} title="Copy the selected lines (Ctrl+C)">
          Copy
        </button>
        <LogFileButtons
          showingFile={opened !== undefined}
          onOpened={(file) => {
            setOpened(file);
            setFollowing(false);
          }}
          onBack={() => setOpened(undefined)}
        />
        <span className="muted" aria-live="off">
          {count.toLocaleString()} lines{selectedCount > 0 ? `, ${selectedCount.toLocaleString()} selected` : ''}
        </span>
      </header>
      {count === 0 ? (
        <p className="empty">{filter === '' ? 'No synchronization has written to the log yet.' : 'No line matches the filter.'}</p>
      ) : (
        <div
          className="log-grid"
          style={{ '--log-columns': columns.template } as CSSProperties}
          role="grid"
          aria-label="Log lines"
          aria-rowcount={count + 1}
          aria-multiselectable="true"
        >
          <LogColumnHeader columns={columns} />
          <div className="log-lines" ref={rows.ref} onScroll={onScroll} onKeyDown={onKeyDown} tabIndex={0} role="rowgroup" aria-live="off">
            <div style={{ height: rows.totalHeight, position: 'relative' }}>{visible}</div>
          </div>
          {!following && pausedAt === undefined && (
            <button type="button" className="jump-to-latest" onClick={() => setFollowing(true)}>
              Jump to latest ↓
            </button>
          )}
        </div>
      )}
      {focused !== undefined && <LogEntryDetails text={focused.text} />}
      <ErrorLookupBox />
    </section>
  );
}
