import { useEffect, useState } from 'react';
import type { SyncSchedule } from '../../shared/schedule/schedule-model';
import { useConsoleStore } from '../store/console-store';

/** The next five run times of a schedule, as the engine computes them (its time zone and rules). */
export function SchedulePreview({ site, schedule, valid }: { site: string; schedule: SyncSchedule; valid: boolean }) {
  const api = useConsoleStore((state) => state.api);
  const [runs, setRuns] = useState<{ description: string; nextRuns: string[]; timeZone: string } | undefined>();
  const key = JSON.stringify(schedule);
  useEffect(() => {
    if (!valid || api === undefined) return;
    let current = true;
    const timer = setTimeout(() => {
      // The schedule as of `key`: a new object with the same values is not a new preview.
      api.previewSchedule({ site, schedule: JSON.parse(key) as SyncSchedule, count: 5 }).then(
        (info) => current && setRuns(info),
        () => current && setRuns(undefined),
      );
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, valid, api, site]);
  if (!valid) return <p className="muted">Correct the highlighted values to see the next runs.</p>;
  if (runs === undefined) return null;
  return (
    <div className="schedule-preview" aria-label="Next runs">
      <p>{runs.description}</p>
      {!schedule.enabled ? null : runs.nextRuns.length === 0 ? (
        <p className="muted">No further runs.</p>
      ) : (
        <ol>
          {runs.nextRuns.map((run, index) => (
            <li key={run}>
              {/* A default start runs as soon as the schedule is applied: the engine lists that run first. */}
              {index === 0 && schedule.startIsDefault ? 'As soon as you apply, then ' : ''}
              {new Date(run).toLocaleString(undefined, {
                timeZone: runs.timeZone,
                weekday: 'short',
                year: 'numeric',
                month: 'short',
                day: 'numeric',
                hour: '2-digit',
                minute: '2-digit',
                timeZoneName: 'short',
              })}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
