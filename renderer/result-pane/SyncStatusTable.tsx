import { useEffect, useState } from 'react';
import type { SyncStatusRow } from '../../shared/contract';
import type { RunError } from '../../shared/domain';
import { errorsIn } from '../../shared/error-lookup';
import { recurrence } from '../../shared/sync-counts';
import { errorText } from '../../shared/errors';
import { atAndIn } from '../../shared/time-text';
import { useConsoleStore } from '../store/console-store';
import { useNow } from '../status/use-now';

const STATE_LABELS: Record<SyncStatusRow['state'], string> = {
  synced: 'Synchronized',
  syncing: 'Synchronizing',
  failed: 'Failed',
  retrying: 'Failed, retrying',
  behind: 'Behind its parent',
  never: 'Not synchronized yet',
  damaged: 'Database damaged',
};

/**
 * Monitoring / Synchronization Status: one row per site of the hierarchy, as MECM's Software Update Point
 * Synchronization Status, with the next scheduled sync and the next retry besides. It follows the console's
 * refreshes (a sync that ends, F5) and shows a running sync's phase and percent.
 */
export function SyncStatusTable() {
  const api = useConsoleStore((state) => state.api);
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const progress = useConsoleStore((state) => state.progress);
  const [rows, setRows] = useState<SyncStatusRow[] | { error: string } | undefined>();
  const now = useNow(Array.isArray(rows) && rows.some((row) => row.nextRetry !== null));
  useEffect(() => {
    if (api !== undefined) api.getSyncStatus({}).then(setRows, (error: unknown) => setRows({ error: errorText(error) }));
  }, [api, hierarchy]);
  if (rows === undefined) return <p className="empty">Loading…</p>;
  if ('error' in rows) return <p className="callout error">Could not read the synchronization status: {rows.error}</p>;
  const when = (iso: string | null) => (iso === null ? '' : new Date(iso).toLocaleString());
  return (
    <table className="list-view sync-status" aria-label="Synchronization Status">
      <thead>
        <tr>
          <th>Site</th>
          <th>Sync source</th>
          <th>State</th>
          <th>Last successful sync</th>
          <th>Last attempt</th>
          <th>Last error</th>
          <th>Content version</th>
          <th>Next scheduled sync</th>
          <th>Next retry</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const live = progress[row.site];
          const state = live !== undefined ? `Synchronizing: ${live.phase} ${Math.round(live.percent)}%` : STATE_LABELS[row.state];
          return (
            <tr key={row.site} className={row.state === 'failed' || row.state === 'retrying' || row.state === 'damaged' ? 'row-error' : undefined}>
              <td>{`${row.site} - ${row.name}`}</td>
              <td>{row.source}</td>
              <td>{state}</td>
              <td>{when(row.lastSuccess)}</td>
              <td>
                {row.lastAttempt === null ? '' : `${row.lastAttempt.outcome} (${row.lastAttempt.kind}, ${row.lastAttempt.trigger}) ${when(row.lastAttempt.at)}`}
              </td>
              <td className="last-error" title={row.lastError?.message}>
                {row.lastError === null ? '' : <LastError error={row.lastError} />}
              </td>
              <td>{row.parentContentVersion === null ? row.contentVersion : `${row.contentVersion} (parent ${row.parentContentVersion})`}</td>
              <td>{when(row.nextScheduled)}</td>
              <td>{row.nextRetry === null || Date.parse(row.nextRetry) <= now ? '' : atAndIn(row.nextRetry, now)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The last error, and when it is the same as the run before's, that it recurs (naming the update) and what to check. */
function LastError({ error }: { error: RunError }) {
  const [explained] = errorsIn(`${error.code} ${error.message}`);
  return (
    <>
      {error.again && <strong className="recurring-failure">Fails again until fixed. </strong>}
      {`${error.code}: ${error.message}`}
      {error.again && <span className="muted"> {recurrence(error)}</span>}
      {error.again && explained !== undefined && <span> What to do: {explained.check}</span>}
    </>
  );
}
