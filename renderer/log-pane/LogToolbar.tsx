import type { LogBuffer } from './log-buffer';
import { LogFileButtons } from './LogFileButtons';

interface Props {
  title: string;
  filter: string;
  onFilter(filter: string): void;
  highlight: string;
  onHighlight(highlight: string): void;
  /** Whether something is highlighted to go to. */
  canFind: boolean;
  onFind(direction: 1 | -1): void;
  paused: boolean;
  /** Lines that arrived while paused. */
  waiting: number;
  onPause(paused: boolean): void;
  count: number;
  selectedCount: number;
  onCopy(): void;
  showingFile: boolean;
  onOpened(file: { name: string; buffer: LogBuffer }): void;
  onBack(): void;
}

/** The log pane's title bar: filter, highlight with Find Next/Previous, Pause, Copy, Open log file…, the line count. */
export function LogToolbar(props: Props) {
  const { canFind, onFind, paused, waiting, selectedCount } = props;
  return (
    <header className="pane-title small">
      <h2 title={props.title}>{props.title}</h2>
      <input
        className="log-filter"
        type="search"
        placeholder="Filter lines"
        aria-label="Filter log lines"
        value={props.filter}
        onChange={(event) => props.onFilter(event.target.value)}
      />
      <input
        className="log-filter"
        type="search"
        placeholder="Highlight"
        aria-label="Highlight lines containing"
        value={props.highlight}
        onChange={(event) => props.onHighlight(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') onFind(event.shiftKey ? -1 : 1);
        }}
      />
      <button type="button" disabled={!canFind} onClick={() => onFind(-1)} title="Previous highlighted line (Shift+F3)" aria-label="Previous highlighted line">
        ↑
      </button>
      <button type="button" disabled={!canFind} onClick={() => onFind(1)} title="Next highlighted line (F3)" aria-label="Next highlighted line">
        ↓
      </button>
      <button
        type="button"
        aria-pressed={paused}
        onClick={() => props.onPause(!paused)}
        title={paused ? 'Show the lines that arrived while paused, and follow again' : 'Stop showing new lines (they are kept)'}
      >
        {paused ? `Resume${waiting > 0 ? ` (${waiting.toLocaleString()} new)` : ''}` : 'Pause'}
      </button>
      <button type="button" disabled={selectedCount === 0} onClick={props.onCopy} title="Copy the selected lines (Ctrl+C)">
        Copy
      </button>
      <LogFileButtons showingFile={props.showingFile} onOpened={props.onOpened} onBack={props.onBack} />
      <span className="muted" aria-live="off">
        {props.count.toLocaleString()} lines{selectedCount > 0 ? `, ${selectedCount.toLocaleString()} selected` : ''}
      </span>
    </header>
  );
}
