import { useEffect, useState } from 'react';
import type { ScheduleInfo, SyncStatusRow } from '../../shared/contract';
import type { Site } from '../../shared/domain';
import { errorText } from '../../shared/errors';
import { atAndIn } from '../../shared/time-text';
import { useConsoleStore } from '../store/console-store';
import { useNow } from '../status/use-now';

const when = (iso: string | null | undefined) => (iso === null || iso === undefined ? 'Never' : new Date(iso).toLocaleString());

/**
 * Software Update Point's result pane: what an administrator checks first about it — where it synchronizes from, on
 * what schedule, how the last synchronization went and when the next one runs — with its Properties a click away.
 */
export function SupDetails({ site }: { site: Site }) {
  const api = useConsoleStore((state) => state.api);
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const progress = useConsoleStore((state) => state.progress[site.code]);
  const openDialog = useConsoleStore((state) => state.openDialog);
  const [facts, setFacts] = useState<{ status: SyncStatusRow | undefined; schedule: ScheduleInfo | null } | { error: string } | undefined>();
  const now = useNow(facts !== undefined && 'status' in facts && facts.status?.nextRetry != null);
  useEffect(() => {
    if (api === undefined) return;
    let live = true;
    const child = site.parentCode !== null;
    Promise.all([api.getSyncStatus({}), child ? Promise.resolve(null) : api.getSchedule({ site: site.code })]).then(
      ([rows, schedule]) => live && setFacts({ status: rows.find((row) => row.site === site.code), schedule }),
      (error: unknown) => live && setFacts({ error: errorText(error) }),
    );
    return () => {
      live = false;
    };
  }, [api, site.code, site.parentCode, hierarchy]);

  if (facts === undefined) return <p className="empty">Loading…</p>;
  if ('error' in facts)
    return (
      <p className="callout error">
        Could not read the Software Update Point of {site.code}: {facts.error}
      </p>
    );
  const { status, schedule } = facts;
  const last = status?.lastAttempt;
  const next =
    status?.nextRetry != null && Date.parse(status.nextRetry) > now
      ? `Retry ${atAndIn(status.nextRetry, now)}`
      : site.parentCode !== null
        ? `When ${site.parentCode} asks (after each of its synchronizations)`
        : status?.nextScheduled != null
          ? `${when(status.nextScheduled)} (scheduled)`
          : 'Not scheduled: Run Synchronization on Update Repository';
  return (
    <>
      <dl className="details" aria-label="Software Update Point">
        <dt>Synchronization source</dt>
        <dd>{status?.source ?? '…'}</dd>
        <dt>Schedule</dt>
        <dd>{site.parentCode !== null ? `Follows its parent site ${site.parentCode}` : (schedule?.description ?? 'None')}</dd>
        <dt>Last synchronization</dt>
        <dd>
          {progress !== undefined
            ? `Running: ${progress.phase} ${Math.round(progress.percent)}%`
            : last == null
              ? 'Never'
              : `${last.outcome} (${last.kind}, ${last.trigger}) ${when(last.at)}`}
        </dd>
        <dt>Last successful synchronization</dt>
        <dd>{when(status?.lastSuccess)}</dd>
        <dt>Next synchronization</dt>
        <dd>{next}</dd>
        {status?.lastError != null && (
          <>
            <dt>Last error</dt>
            <dd className="error-text">{`${status.lastError.code}: ${status.lastError.message}`}</dd>
          </>
        )}
      </dl>
      <p>
        <button type="button" onClick={() => openDialog({ kind: 'supProperties', site: site.code })}>
          Properties…
        </button>
      </p>
    </>
  );
}
