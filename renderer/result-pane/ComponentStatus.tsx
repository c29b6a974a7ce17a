import { Fragment, useEffect, useState } from 'react';
import type { ComponentStatus as ComponentRow } from '../../shared/contract';
import { errorText } from '../../shared/errors';
import { useConsoleStore, type StatusFilter } from '../store/console-store';

const STATE_LABELS: Record<ComponentRow['state'], string> = { ok: 'OK', warning: 'Warning', critical: 'Critical' };
const SEVERITY_WORDS: Record<'E' | 'W' | 'I', [string, string]> = {
  E: ['error', 'errors'],
  W: ['warning', 'warnings'],
  I: ['information message', 'information messages'],
};

/**
 * System Status / Component Status, as ConfigMgr's: per component its state, and its errors, warnings and
 * information messages of the last 24 hours and the last 7 days. A count opens the component's messages filtered to
 * it (the message view has the details of each); Show Messages opens all of them.
 */
export function ComponentStatus({ site }: { site: string }) {
  const api = useConsoleStore((state) => state.api);
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const select = useConsoleStore((state) => state.select);
  const expandAll = useConsoleStore((state) => state.expandAll);
  const setStatusFilter = useConsoleStore((state) => state.setStatusFilter);
  const notify = useConsoleStore((state) => state.notify);
  const [rows, setRows] = useState<ComponentRow[] | { error: string } | undefined>();
  const [resets, setResets] = useState(0);
  useEffect(() => {
    if (api === undefined) return;
    let live = true;
    api.getComponentStatus({ site }).then(
      (result) => live && setRows(result),
      (error: unknown) => live && setRows({ error: errorText(error) }),
    );
    return () => {
      live = false;
    };
  }, [api, site, hierarchy, resets]);
  if (rows === undefined) return <p className="empty">Loading…</p>;
  if ('error' in rows)
    return (
      <p className="callout error">
        Could not read the component status of {site}: {rows.error}
      </p>
    );

  const show = (filter: StatusFilter) => {
    setStatusFilter(filter);
    expandAll([`status:${site}`, `status:${site}/components`]);
    select(`status:${site}/wsyncmgr`);
  };
  const count = (value: number, severity: 'E' | 'W' | 'I', period: '24h' | '7d') => {
    const [one, many] = SEVERITY_WORDS[severity];
    return value === 0 ? (
      <span>0</span>
    ) : (
      <button
        type="button"
        className="link-button"
        aria-label={`Show the ${value.toLocaleString('en-US')} ${value === 1 ? one : many} of the last ${period === '24h' ? '24 hours' : '7 days'}`}
        onClick={() => show({ severity, period })}
      >
        {value.toLocaleString('en-US')}
      </button>
    );
  };
  // ConfigMgr's Reset Counts: the administrator has seen the errors, so a recovered component is not left Critical
  // until they age out of the last 24 hours.
  const resetCounts = async (component: string) => {
    try {
      await api!.resetComponentCounts({ site, component });
      setResets((value) => value + 1);
      notify('info', `The counts of ${component} on ${site} start again from now; its messages are kept.`);
    } catch (error) {
      notify('error', errorText(error));
    }
  };
  const resetNotes = rows.filter((row) => row.countsSince !== null);
  return (
    <>
      <table className="list-view component-status" aria-label="Component Status">
        <thead>
          <tr>
            <th rowSpan={2}>Status</th>
            <th rowSpan={2}>Component</th>
            <th colSpan={3}>Last 24 hours</th>
            <th colSpan={3}>Last 7 days</th>
            <th rowSpan={2}>Last status message</th>
          </tr>
          <tr>
            {[0, 1].map((period) => (
              <Fragment key={period}>
                <th>Errors</th>
                <th>Warnings</th>
                <th>
                  <abbr title="Information messages">Info</abbr>
                </th>
              </Fragment>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.component} className={row.state === 'critical' ? 'row-error' : row.state === 'warning' ? 'row-warning' : undefined}>
              <td>{STATE_LABELS[row.state]}</td>
              <td>{row.component}</td>
              <td className="number">{count(row.last24Hours.errors, 'E', '24h')}</td>
              <td className="number">{count(row.last24Hours.warnings, 'W', '24h')}</td>
              <td className="number">{count(row.last24Hours.information, 'I', '24h')}</td>
              <td className="number">{count(row.last7Days.errors, 'E', '7d')}</td>
              <td className="number">{count(row.last7Days.warnings, 'W', '7d')}</td>
              <td className="number">{count(row.last7Days.information, 'I', '7d')}</td>
              <td className="last-message">{row.lastMessageAt === null ? 'none yet' : new Date(row.lastMessageAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* Under the table, not in a column of it: in a 1024-pixel window that column was past the pane's edge. */}
      {rows.map((row) => (
        <div key={row.component} className="row-buttons component-actions" role="group" aria-label={`${row.component} actions`}>
          {rows.length > 1 && <span>{row.component}:</span>}
          <button type="button" onClick={() => show({ severity: 'all', period: 'all' })}>
            Show Messages
          </button>
          <button type="button" title="Count only the messages from now on (they are all kept)" onClick={() => void resetCounts(row.component)}>
            Reset Counts
          </button>
        </div>
      ))}
      {resetNotes.map((row) => (
        <p key={row.component} className="muted">
          {`${row.component}: counts since ${new Date(row.countsSince!).toLocaleString()} (Reset Counts). Show Messages lists every message.`}
        </p>
      ))}
    </>
  );
}
