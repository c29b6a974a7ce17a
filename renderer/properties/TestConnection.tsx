import { useState } from 'react';
import type { PreflightReport } from '../../shared/contract';
import type { SupConfig } from '../../shared/domain';
import { errorText } from '../../shared/errors';
import { useConsoleStore } from '../store/console-store';
import { FieldError } from '../dialogs/FieldError';

/**
 * Sync Settings → Test connection: the engine's pre-flight check, step by step, with what to do about a step that
 * fails. With changes not applied yet, it tests the values in the dialog (the saved settings, and the source a sync
 * uses, stay as they are); on a child site it tests the saved settings.
 */
export function TestConnection({ site, unsaved, proposed }: { site: string; unsaved: boolean; proposed?: SupConfig | undefined }) {
  const api = useConsoleStore((state) => state.api);
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<PreflightReport | undefined>();
  const [error, setError] = useState<string | undefined>();
  const run = async () => {
    if (api === undefined) return;
    setRunning(true);
    setError(undefined);
    try {
      setReport(await api.runPreflight(unsaved && proposed !== undefined ? { site, config: proposed } : { site }));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setRunning(false);
    }
  };
  return (
    <div className="test-connection">
      <div className="row">
        <button type="button" disabled={running} onClick={() => void run()}>
          {running ? 'Testing…' : 'Test connection'}
        </button>
        <span className="muted">
          {!unsaved
            ? 'Checks every step a synchronization takes.'
            : proposed !== undefined
              ? 'Tests the values above, not applied yet: the saved settings stay as they are until you apply.'
              : 'Tests the saved settings: Apply your changes first to test them.'}
        </span>
      </div>
      <FieldError message={error} />
      {report !== undefined && (
        <div role="status" aria-label="Connection test">
          <p className={report.ok ? 'test-ok' : 'test-failed'}>{report.ok ? 'Every check passed.' : 'Some checks failed: see what to do below each.'}</p>
          <table className="list-view preflight" aria-label="Connection test steps">
            <thead>
              <tr>
                <th>Check</th>
                <th>Result</th>
                <th>Time</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {report.checks.map((check) => (
                <tr key={check.name} className={check.ok ? undefined : 'row-error'}>
                  <td>{check.name}</td>
                  <td>{check.ok ? 'Pass' : 'Fail'}</td>
                  <td>{`${check.ms} ms`}</td>
                  <td>
                    {check.detail}
                    {check.hint !== null && <div className="preflight-hint">{check.hint}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
