import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { useConsoleStore } from '../store/console-store';
import { useFixedRowWindow } from '../virtual/fixed-row-window';
import type { LogBuffer } from './log-buffer';
import { isSelected, logViewOf, type LogView } from './log-view';
import { LogColumnHeader, useLogColumns } from './log-columns';
import { ErrorLookupBox, LogEntryDetails } from './LogEntryDetails';
import { LogRow, ROW_HEIGHT } from './LogRow';
import { LogToolbar } from './LogToolbar';
import { useLogFollow } from './use-log-follow';
import { useLogSelection } from './use-log-selection';

/**
 * The live log pane: the site's wsyncmgr.log lines as the engine writes them, windowed (only the visible rows exist
 * in the page), following the end unless the administrator scrolled up. Lines are selected with the mouse
 * (Shift+click extends) or the keyboard (arrows, Shift+arrows, Ctrl+A) and copied with Ctrl+C or Copy. Also opens
 * any CMTrace-format log file, in either format.
 */
export function LogPane({ site }: { site: string | undefined }) {
  const bufferOf = useConsoleStore((state) => state.logBufferOf);
  const live = bufferOf(site ?? 'CEN');
  const version = useConsoleStore((state) => state.logVersion);
  const [opened, setOpened] = useState<{ name: string; buffer: LogBuffer } | undefined>();
  const [filter, setFilter] = useState('');
  const [following, setFollowing] = useState(true);
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
  const rows = useFixedRowWindow(count, ROW_HEIGHT, { overscan: 30 });
  const onScroll = useLogFollow({ rows, view, count, following, setFollowing, version });
  const lines = useLogSelection({ view, buffer, count, rows, highlight, setFollowing });
  const { selection } = lines;
  // A new run's lines follow; a line selected in an earlier run would stay in the details strip beside them.
  const running = useConsoleStore((state) => site !== undefined && state.progress[site] !== undefined);
  const { clear } = lines;
  useEffect(() => {
    if (running) clear();
  }, [running, clear]);

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
        highlighted={lines.highlighted(line?.text)}
        onClick={(event) => lines.onLineClick(event, seq)}
      />,
    );
  }
  // Only a line the view still lists (not one the filter now hides) is shown in full.
  const focused = selection === undefined || !listed(view, selection.focus) ? undefined : buffer.atSeq(selection.focus);

  return (
    <section className="log-pane" aria-label="Sync log">
      <LogToolbar
        title={opened === undefined ? `wsyncmgr.log${site === undefined ? '' : ` — ${site}`}` : opened.name}
        filter={filter}
        onFilter={setFilter}
        highlight={highlight}
        onHighlight={setHighlight}
        canFind={lines.hasNeedle}
        onFind={lines.findHighlighted}
        paused={pausedAt !== undefined}
        waiting={view.length - count}
        onPause={(pause) => {
          setPausedAt(pause ? buffer.endSeq : undefined);
          setFollowing(!pause);
        }}
        count={count}
        selectedCount={lines.selectedCount}
        onCopy={() => void lines.copySelection()}
        showingFile={opened !== undefined}
        onOpened={(file) => {
          setOpened(file);
          setFollowing(false);
        }}
        onBack={() => setOpened(undefined)}
      />
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
          <div className="log-lines" ref={rows.ref} onScroll={onScroll} onKeyDown={lines.onKeyDown} tabIndex={0} role="rowgroup" aria-live="off">
            <div style={{ height: rows.totalHeight, position: 'relative' }}>{visible}</div>
          </div>
        </div>
      )}
      {/* A strip of its own below the lines, never over them: floating, it hid the Date/Time column. */}
      {count > 0 && !following && pausedAt === undefined && (
        <div className="jump-to-latest-bar">
          <span className="muted">Not following new lines.</span>
          <button type="button" className="jump-to-latest" onClick={() => setFollowing(true)}>
            Jump to latest ↓
          </button>
        </div>
      )}
      {focused !== undefined && <LogEntryDetails text={focused.text} />}
      <ErrorLookupBox />
    </section>
  );
}

function listed(view: LogView, seq: number): boolean {
  const index = view.indexOfSeq(seq);
  return index < view.length && view.seqAt(index) === seq;
}
