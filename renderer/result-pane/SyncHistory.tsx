import { Fragment, useEffect, useMemo, useState } from 'react';
import type { SyncRun } from '../../shared/domain';
import { FAILED_MEANING, revisionsOf, SKIPPED_MEANING } from '../../shared/sync-counts';
import { useConsoleStore } from '../store/console-store';

type Change = { updateId: string; change: string; title: string; kb: string | null };

const n = (value: number) => value.toLocaleString('en-US');
const CHANGE_LABELS: Record<string, string> = { added: 'New', revised: 'Modified', expired: 'Expired', removed: 'Removed' };
/** Entries shown at once in "What changed"; the search reaches the others. */
const CHANGES_SHOWN = 500;

/**
 * A site's synchronization history, with what each run changed. Counted as the Update Repository lists updates
 * (bundled updates inside their parent), with the revisions the run wrote beside them.
 */
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
          <th title="Updates as the Update Repository lists them">New</th>
          <th title="Updates as the Update Repository lists them">Modified</th>
          <th title="Updates as the Update Repository lists them">Expired</th>
          <th title="Updates as the Update Repository lists them">Removed</th>
          <th title="Every revision the run wrote: updates and the updates bundled inside them">Revisions</th>
          <th title={`Skipped: ${SKIPPED_MEANING}`}>Skipped</th>
          <th>Duration</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <Fragment key={run.runId}>
            <tr
              className={run.outcome === 'failed' ? 'row-error' : run.warnings.length > 0 ? 'row-warning' : undefined}
              title={run.error?.message ?? (run.warnings.length > 0 ? run.warnings.join('\n') : (run.fullReason ?? undefined))}
            >
              <td>{new Date(run.startedAt).toLocaleString()}</td>
              <td>{run.kind}</td>
              <td>{run.trigger}</td>
              <td>
                {run.warnings.length === 0 ? run.outcome : `${run.outcome}, ${run.warnings.length === 1 ? '1 warning' : `${run.warnings.length} warnings`}`}
              </td>
              <td>{n(run.listed.new)}</td>
              <td>{n(run.listed.modified)}</td>
              <td>{n(run.listed.expired)}</td>
              <td>{n(run.listed.removed)}</td>
              <td title={revisionsTitle(run)}>{n(revisionsOf(run))}</td>
              <td title={run.counts.skipped > 0 ? `${n(run.counts.skipped)} ${SKIPPED_MEANING}` : undefined}>{n(run.counts.skipped)}</td>
              <td>{run.durationMs === null ? '' : `${(run.durationMs / 1000).toFixed(1)} s`}</td>
              <td>
                <button type="button" className="link-button" aria-expanded={open?.runId === run.runId} onClick={() => void show(run.runId)}>
                  {open?.runId === run.runId ? 'Hide changes' : 'What changed'}
                </button>
              </td>
            </tr>
            {open?.runId === run.runId && (
              <tr>
                <td colSpan={12}>
                  <RunChanges run={run} changes={open.changes} />
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function revisionsTitle(run: SyncRun): string {
  const c = run.counts;
  const failed = c.failed > 0 ? `; ${n(c.failed)} failed (${FAILED_MEANING})` : '';
  return `Revisions written: ${n(c.new)} new, ${n(c.modified)} modified, ${n(c.expired)} expired, ${n(c.removed)} removed${failed}`;
}

/** What one run changed: one entry per update, counted by kind, searchable by title or article ID. */
function RunChanges({ run, changes }: { run: SyncRun; changes: Change[] }) {
  const [search, setSearch] = useState('');
  const openDialog = useConsoleStore((state) => state.openDialog);
  const matching = useMemo(() => {
    const words = search.trim().toLowerCase();
    if (words === '') return changes;
    return changes.filter((change) => change.title.toLowerCase().includes(words) || (change.kb !== null && `kb${change.kb}`.includes(words)));
  }, [changes, search]);
  if (changes.length === 0) {
    return <span className="muted">{revisionsOf(run) === 0 ? 'This run changed nothing.' : 'This run changed only updates bundled inside others.'}</span>;
  }
  const byKind = new Map<string, number>();
  for (const change of changes) byKind.set(change.change, (byKind.get(change.change) ?? 0) + 1);
  return (
    <div className="run-changes">
      <div className="run-changes-bar">
        <span>
          {[...byKind].map(([kind, count]) => `${n(count)} ${(CHANGE_LABELS[kind] ?? kind).toLowerCase()}`).join(', ')}
          {revisionsOf(run) > changes.length ? ` (bundled updates are inside these: ${n(revisionsOf(run))} revisions in all)` : ''}
        </span>
        <input
          type="search"
          aria-label={`Search the changes of run ${run.runId}`}
          placeholder="Title or article ID"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        {search.trim() !== '' && <span className="muted">{n(matching.length)} matching</span>}
        <button
          type="button"
          className="link-button"
          onClick={() =>
            openDialog({ kind: 'exportList', request: { site: run.site, title: `what run ${run.runId} changed`, list: 'changes', runId: run.runId } })
          }
        >
          Export List…
        </button>
      </div>
      <ul className="changes" aria-label={`Changes of run ${run.runId}`}>
        {matching.slice(0, CHANGES_SHOWN).map((change) => (
          <li key={change.updateId}>
            <strong>{CHANGE_LABELS[change.change] ?? change.change}</strong> {change.title || change.updateId}
            {change.kb === null || change.title.includes(`KB${change.kb}`) ? '' : ` (KB${change.kb})`}
          </li>
        ))}
        {matching.length > CHANGES_SHOWN && <li className="muted">… and {n(matching.length - CHANGES_SHOWN)} more: search to find one</li>}
      </ul>
    </div>
  );
}
