import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { StatusMessage } from '../../shared/contract';
import { useConsoleStore, type StatusFilter } from '../store/console-store';

const SEVERITY_LABELS: Record<StatusMessage['severity'], string> = { I: 'Information', W: 'Warning', E: 'Error' };
const PERIOD_MS: Record<StatusFilter['period'], number> = { all: Infinity, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 };

/**
 * A component's status messages (SMS_WSUS_SYNC_MANAGER), newest first, filtered by severity and period, with the
 * selected message's details under the list as ConfigMgr's Status Message Details shows them: its properties and
 * each insertion string. Arrow keys, Home and End move the selection.
 */
export function StatusMessages({ site }: { site: string }) {
  const messages = useConsoleStore((state) => state.statusMessages);
  const load = useConsoleStore((state) => state.loadStatusMessages);
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const filter = useConsoleStore((state) => state.statusFilter);
  const setFilter = useConsoleStore((state) => state.setStatusFilter);
  const [selected, setSelected] = useState<number | undefined>();
  useEffect(() => void load(site), [site, load, hierarchy]);
  const shown = useMemo(() => {
    const since = Date.now() - PERIOD_MS[filter.period];
    return messages.filter((message) => (filter.severity === 'all' || message.severity === filter.severity) && Date.parse(message.time) >= since);
  }, [messages, filter]);
  const current = shown.find((message) => message.messageId === selected) ?? shown[0];

  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    const index = current === undefined ? -1 : shown.indexOf(current);
    const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: shown.length - 1 }[event.key];
    if (next === undefined || shown.length === 0) return;
    event.preventDefault();
    const target = shown[Math.max(0, Math.min(shown.length - 1, next))]!;
    setSelected(target.messageId);
    document.getElementById(`status-message-${target.messageId}`)?.scrollIntoView({ block: 'nearest' });
  };

  return (
    <div className="status-message-view">
      <div className="status-filters">
        <label>
          Severity{' '}
          <select value={filter.severity} onChange={(event) => setFilter({ ...filter, severity: event.target.value as StatusFilter['severity'] })}>
            <option value="all">All</option>
            <option value="E">Errors</option>
            <option value="W">Warnings</option>
            <option value="I">Information</option>
          </select>
        </label>
        <label>
          Period{' '}
          <select value={filter.period} onChange={(event) => setFilter({ ...filter, period: event.target.value as StatusFilter['period'] })}>
            <option value="all">All messages kept</option>
            <option value="24h">Last 24 hours</option>
            <option value="7d">Last 7 days</option>
          </select>
        </label>
        <span className="muted">{`${shown.length.toLocaleString('en-US')} of ${messages.length.toLocaleString('en-US')} messages`}</span>
      </div>
      {messages.length === 0 ? (
        <p className="empty">SMS_WSUS_SYNC_MANAGER has reported no status messages for {site} yet.</p>
      ) : shown.length === 0 ? (
        <p className="empty">No message matches this severity and period.</p>
      ) : (
        <table
          className="list-view status-messages"
          aria-label="Status messages"
          role="grid"
          tabIndex={0}
          aria-activedescendant={current === undefined ? undefined : `status-message-${current.messageId}`}
          onKeyDown={onKeyDown}
        >
          <thead>
            <tr>
              <th>Severity</th>
              <th>Date / Time</th>
              <th>Message ID</th>
              <th>Component</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((message) => (
              <tr
                key={message.messageId}
                id={`status-message-${message.messageId}`}
                aria-selected={message === current}
                className={message.severity === 'E' ? 'row-error' : message.severity === 'W' ? 'row-warning' : undefined}
                onClick={() => setSelected(message.messageId)}
              >
                <td>{SEVERITY_LABELS[message.severity]}</td>
                <td>{new Date(message.time).toLocaleString()}</td>
                <td>{message.id}</td>
                <td>{message.component}</td>
                <td>{message.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {current !== undefined && <MessageDetails message={current} />}
    </div>
  );
}

function MessageDetails({ message }: { message: StatusMessage }) {
  return (
    <section className="message-details" aria-label="Status message details">
      <h3>Status Message Details</h3>
      <dl className="details">
        <dt>Severity</dt>
        <dd>{SEVERITY_LABELS[message.severity]}</dd>
        <dt>Type</dt>
        <dd>Milestone</dd>
        <dt>Site code</dt>
        <dd>{message.site}</dd>
        <dt>Date / Time</dt>
        <dd>{`${new Date(message.time).toLocaleString()} (${message.time})`}</dd>
        <dt>Component</dt>
        <dd>{message.component}</dd>
        <dt>Message ID</dt>
        <dd>{message.id}</dd>
        <dt>Description</dt>
        <dd>{message.description}</dd>
        {message.insertionStrings.length === 0 && (
          <>
            <dt>Insertion strings</dt>
            <dd>none</dd>
          </>
        )}
        {message.insertionStrings.map((text, index) => (
          <div key={index} className="contents">
            <dt>{`Insertion string ${index + 1}`}</dt>
            <dd className="mono">{text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
