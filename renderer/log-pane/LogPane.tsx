import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { parseTraceLine, severityOf } from '../../shared/trace-log';
import { useConsoleStore } from '../store/console-store';
import { LogBuffer, type BufferedLine } from './log-buffer';

const ROW_HEIGHT = 18;

/**
 * The live log pane: the site's wsyncmgr.log lines as the engine writes them, virtualized (only the visible
 * rows exist in the page), following the end unless the administrator scrolled up. Also opens any
 * CMTrace-format log file, in either format.
 */
export function LogPane({ site }: { site: string | undefined }) {
  const bufferOf = useConsoleStore((state) => state.logBufferOf);
  const live = bufferOf(site ?? 'CEN');
  const version = useConsoleStore((state) => state.logVersion);
  const [opened, setOpened] = useState<{ name: string; buffer: LogBuffer } | undefined>();
  const [filter, setFilter] = useState('');
  const [following, setFollowing] = useState(true);
  const scroller = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const buffer = opened?.buffer ?? live;

  // Positions of the lines matching the filter (all lines when there is none: no scan per batch).
  const positions = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    if (needle === '') return undefined;
    return buffer.positionsWhere((line) => line.text.toLowerCase().includes(needle));
  }, [buffer, filter, version]);
  const count = positions?.length ?? buffer.length;

  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 30 });

  useEffect(() => {
    if (following && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [count, following, virtualizer]);

  const onScroll = () => {
    const element = scroller.current;
    if (element === null) return;
    const atEnd = element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT * 2;
    if (atEnd !== following) setFollowing(atEnd);
  };

  const openFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file === undefined) return;
    const text = await file.text();
    const lines: BufferedLine[] = text.split(/\r?\n/).filter((raw) => raw.trim() !== '').map((raw) => {
      const parsed = parseTraceLine(raw);
      return { site: file.name, text: parsed === undefined ? raw : `${parsed.text}  [${parsed.component}  ${parsed.time}]`, severity: parsed?.severity ?? severityOf(raw) };
    });
    const sized = new LogBuffer(Math.max(1, lines.length));
    sized.push(lines);
    setOpened({ name: file.name, buffer: sized });
    setFollowing(false);
    event.target.value = '';
  };

  const lineAt = (index: number) => buffer.at(positions === undefined ? index : positions[index]!);

  return (
    <section className="log-pane" aria-label="Sync log">
      <header className="pane-title small">
        <h2>{opened === undefined ? `wsyncmgr.log${site === undefined ? '' : ` — ${site}`}` : opened.name}</h2>
        <input className="log-filter" type="search" placeholder="Filter lines" aria-label="Filter log lines" value={filter} onChange={(event) => setFilter(event.target.value)} />
        <button type="button" onClick={() => fileInput.current?.click()}>Open log file…</button>
        {opened !== undefined && (
          <button type="button" onClick={() => setOpened(undefined)}>Back to live log</button>
        )}
        <input ref={fileInput} type="file" accept=".log,.lo_,.txt" hidden onChange={(event) => void openFile(event)} />
        <span className="muted">{count.toLocaleString()} lines</span>
      </header>
      {count === 0 ? (
        <p className="empty">{filter === '' ? 'No synchronization has written to the log yet.' : 'No line matches the filter.'}</p>
      ) : (
        <div className="log-lines" ref={scroller} onScroll={onScroll} role="log" aria-live="off">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((row) => {
              const line = lineAt(row.index);
              return (
                <div key={row.key} className={`log-line log-${line?.severity ?? 'info'}`} style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}>
                  {line?.text}
                </div>
              );
            })}
          </div>
        </div>
      )}
      {!following && count > 0 && (
        <button type="button" className="jump-to-latest" onClick={() => setFollowing(true)}>
          Jump to latest ↓
        </button>
      )}
    </section>
  );
}
