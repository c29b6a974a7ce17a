import type { SyncRun } from '../../../shared/domain';
import { shortTime } from './RunBarChart';
import { CHANGE_KEYS, CHANGE_LABELS, n, took } from './run-figures';

/** The charts' numbers, for a screen reader or a spreadsheet: in a box of its own, its header stays above its rows. */
export function RunTable({ site, runs }: { site: string; runs: SyncRun[] }) {
  return (
    <div className="run-table" tabIndex={0} role="region" aria-label={`Runs of ${site}`}>
      <table className="list-view" aria-label={`Synchronization runs of ${site}`}>
        <thead>
          <tr>
            <th>Run</th>
            <th>Started</th>
            <th>Trigger</th>
            <th>Outcome</th>
            <th>Duration</th>
            {CHANGE_KEYS.map((key) => (
              <th key={key}>{CHANGE_LABELS[key]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...runs].reverse().map((run) => (
            <tr key={run.runId} className={run.outcome === 'failed' ? 'row-error' : undefined}>
              <td>{run.runId}</td>
              <td className="nowrap">{shortTime(run.startedAt)}</td>
              <td>{`${run.kind}, ${run.trigger}`}</td>
              <td>{run.outcome}</td>
              <td className="number">{took(run.durationMs)}</td>
              {CHANGE_KEYS.map((key) => (
                <td key={key} className="number">
                  {n(run.listed[key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
