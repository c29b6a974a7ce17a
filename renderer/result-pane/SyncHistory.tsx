import { Fragment, useEffect, useState } from 'react';
import type { SyncRun } from '../../shared/domain';
import { useConsoleStore } from '../store/console-store';

type Change = { updateId: string; change: string; title: string; kb: string | null };

/** A site's synchronization history, with what each run changed (added, revised, expired, removed). */
export function SyncHistory({ site }: { site: string }) {
  const api = useConsoleStore((state) => state.api);
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const [runs, setRuns] = useState<SyncRun[]>([]);
  const [open, setOpen] = useState<{ runId: number; changes: Change[] } | undefined>();
  useEffect(() => {
    if (api !== undefined) void api.querySyncHistory({ site, limit: 50 }).then(setRuns, () => setRuns([]));
  }, [api, site, hierarchy]);
  const show = async (runId: number) => {
    if (open?.runId === runId || api === undefined) return setOpen(undefined);
    setOpen({ runId, changes: await api.querySyncChanges({ site, runId }) });
  };
  if (runs.length === 0) return <p className="empty">{site} has not synchronized yet.</p>;
  return (
    <table className="list-view" aria-label="Synchronization history">
      <thead>
        <tr>
          <th>Started</th>
          <th>Kind</th>
          <th>Trigger</th>
          <th>Outcome</th>
          <th>New</th>
          <th>Modified</th>
          <th>Expired</th>
          <th>Removed</th>
          <th>Skipped</th>
          <th>Duration</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <Fragment key={run.runId}>
            <tr className={run.outcome === 'failed' ? 'row-error' : undefined} title={run.error?.message ?? run.fullReason ?? undefined}>
              <td>{new Date(run.startedAt).toLocaleString()}</td>
              <td>{run.kind}</td>
              <td>{run.trigger}</td>
              <td>{run.outcome}</td>
              <td>{run.counts.new}</td>
              <td>{run.counts.modified}</td>
              <td>{run.counts.expired}</td>
              <td>{run.counts.removed}</td>
              <td>{run.counts.skipped}</td>
              <td>{run.durationMs === null ? '' : `${(run.durationMs / 1000).toFixed(1)} s`}</td>
              <td>
                <button type="button" className="link-button" onClick={() => void show(run.runId)}>
                  {open?.runId === run.runId ? 'Hide changes' : 'What changed'}
                </button>
              </td>
            </tr>
            {open?.runId === run.runId && (
              <tr>
                <td colSpan={11}>
                  {open.changes.length === 0 ? (
                    <span className="muted">This run changed nothing.</span>
                  ) : (
                    <ul className="changes" aria-label={`Changes of run ${run.runId}`}>
                      {open.changes.slice(0, 500).map((change) => (
                        <li key={change.updateId}>
                          <strong>{change.change}</strong> {change.title || change.updateId} {change.kb === null ? '' : `(KB${change.kb})`}
                        </li>
                      ))}
                      {open.changes.length > 500 && <li className="muted">… and {open.changes.length - 500} more</li>}
                    </ul>
                  )}
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
