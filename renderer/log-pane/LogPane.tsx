import { useEffect, useRef } from 'react';
import { useConsoleStore } from '../store/console-store';

const RENDERED_LINES = 1_000;

/** The live log pane: the site's wsyncmgr.log lines as the engine writes them. */
export function LogPane({ site }: { site: string | undefined }) {
  const all = useConsoleStore((state) => state.logLines);
  const lines = site === undefined ? all : all.filter((line) => line.site === site);
  const list = useRef<HTMLOListElement>(null);
  const shown = lines.length > RENDERED_LINES ? lines.slice(lines.length - RENDERED_LINES) : lines;

  useEffect(() => {
    const element = list.current;
    if (element !== null) element.scrollTop = element.scrollHeight;
  }, [shown.length]);

  return (
    <section className="log-pane" aria-label="Sync log">
      <header className="pane-title small">
        <h2>wsyncmgr.log{site === undefined ? '' : ` — ${site}`}</h2>
        <span className="muted">{lines.length.toLocaleString()} lines</span>
      </header>
      {shown.length === 0 ? (
        <p className="empty">No synchronization has written to the log yet.</p>
      ) : (
        <ol className="log-lines" ref={list}>
          {shown.map((line, index) => (
            <li key={lines.length - shown.length + index} className={`log-${line.severity}`}>
              {line.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
