import type { SyncSchedule } from '../../../shared/schedule/schedule-model';
import { RecurEvery } from '../RecurEvery';
import { SchedulePreview } from '../SchedulePreview';

interface Props {
  site: string;
  schedule: SyncSchedule;
  onChange: (schedule: SyncSchedule) => void;
  errors: Record<string, string>;
  readOnly: boolean;
  onCustomize: () => void;
}

/** The Synchronization Schedule tab: a simple interval or a custom recurrence, and the next runs they give. */
export function ScheduleTab({ site, schedule, onChange, errors, readOnly, onCustomize }: Props) {
  const simpleOff = !schedule.enabled || schedule.mode !== 'simple';
  return (
    <div>
      {readOnly && <InheritedNote />}
      <fieldset disabled={readOnly}>
        <label className="inline block">
          <input type="checkbox" checked={schedule.enabled} onChange={(event) => onChange({ ...schedule, enabled: event.target.checked })} /> Enable
          synchronization on a schedule
        </label>
        <label className="inline block">
          <input
            type="radio"
            name="mode"
            disabled={!schedule.enabled}
            checked={schedule.mode === 'simple'}
            onChange={() => onChange({ ...schedule, mode: 'simple', startIsDefault: true })}
          />{' '}
          Simple schedule
        </label>
        <div className="indent">
          <RecurEvery
            lead="Run every"
            label="Simple schedule interval"
            value={schedule.simple.every}
            disabled={simpleOff}
            onChange={(every) => onChange({ ...schedule, simple: { ...schedule.simple, every } })}
            error={errors['simple.every']}
          >
            <select
              aria-label="Simple schedule unit"
              disabled={simpleOff}
              value={schedule.simple.unit}
              onChange={(event) => onChange({ ...schedule, simple: { ...schedule.simple, unit: event.target.value as SyncSchedule['simple']['unit'] } })}
            >
              <option value="hours">hours</option>
              <option value="days">days</option>
              <option value="weeks">weeks</option>
            </select>
          </RecurEvery>
        </div>
        <label className="inline block">
          <input
            type="radio"
            name="mode"
            disabled={!schedule.enabled}
            checked={schedule.mode === 'custom'}
            onChange={() => onChange({ ...schedule, mode: 'custom' })}
          />{' '}
          Custom schedule
        </label>
        <div className="row indent">
          <button type="button" disabled={!schedule.enabled || schedule.mode !== 'custom'} onClick={onCustomize}>
            Customize…
          </button>
        </div>
      </fieldset>
      <SchedulePreview site={site} schedule={schedule} valid={Object.keys(errors).length === 0} />
    </div>
  );
}

/** Said on the tabs a child site cannot change. */
export function InheritedNote() {
  return <p className="callout">These settings belong to the top-level site; child sites inherit them and always synchronize from their parent.</p>;
}
