import { useState } from 'react';
import { FieldError } from '../dialogs/FieldError';
import { ModalDialog } from '../dialogs/ModalDialog';
import { customScheduleDefaults, WEEKDAYS, type Recurrence, type SyncSchedule } from '../../shared/schedule/schedule-model';
import { MonthlyRecurrence } from './MonthlyRecurrence';
import { RecurEvery } from './RecurEvery';
import { scheduleErrors } from './schedule-errors';
import { SchedulePreview } from './SchedulePreview';

const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/** The recurrence patterns offered, with what choosing one starts from (monthly covers both of its forms). */
const PATTERNS: ReadonlyArray<{ label: string; types: ReadonlyArray<Recurrence['type']>; initial: Recurrence }> = [
  { label: 'None', types: ['none'], initial: { type: 'none' } },
  { label: 'Custom interval', types: ['interval'], initial: { type: 'interval', every: 1, unit: 'days' } },
  { label: 'Weekly', types: ['weekly'], initial: { type: 'weekly', everyWeeks: 1, weekday: 2 } },
  { label: 'Monthly', types: ['monthlyByDate', 'monthlyByWeekday'], initial: { type: 'monthlyByDate', day: 1, everyMonths: 1 } },
];

/** The Custom Schedule dialog: start date and time, UTC, and the recurrence pattern. */
export function CustomScheduleDialog({ site, initial, onDone }: { site: string; initial: SyncSchedule; onDone(schedule: SyncSchedule | undefined): void }) {
  const [schedule, setSchedule] = useState<SyncSchedule>(() => customScheduleDefaults(initial, new Date()));
  /** The day of the month as typed: 0 is refused with its reason instead of silently meaning the last day. */
  const [dayText, setDayText] = useState<string | undefined>();
  const dayProblem = dayText !== undefined && number(dayText) === 0 ? 'There is no day 0: type 1 to 31, or tick Last day of the month' : undefined;
  const errors: Record<string, string> = { ...scheduleErrors(schedule), ...(dayProblem === undefined ? {} : { 'recurrence.day': dayProblem }) };
  const recurrence = schedule.recurrence;
  const setRecurrence = (next: Recurrence) => setSchedule({ ...schedule, recurrence: next });
  const [date, time] = schedule.start.split('T') as [string, string];
  return (
    <ModalDialog className="wide" labelledBy="custom-schedule-title" onEscape={() => onDone(undefined)}>
      <h2 id="custom-schedule-title">Custom Schedule</h2>
      <fieldset>
        <legend>Start</legend>
        <div className="row">
          <label>
            Date <input type="date" value={date} onChange={(event) => setSchedule({ ...schedule, start: `${event.target.value}T${time}` })} />
          </label>
          <label>
            Time <input type="time" value={time} onChange={(event) => setSchedule({ ...schedule, start: `${date}T${event.target.value}` })} />
          </label>
          <label className="inline">
            <input type="checkbox" checked={schedule.utc} onChange={(event) => setSchedule({ ...schedule, utc: event.target.checked })} /> UTC
          </label>
        </div>
        <FieldError message={errors.start} inline />
      </fieldset>
      <fieldset>
        <legend>Recurrence pattern</legend>
        {PATTERNS.map((pattern) => (
          <label key={pattern.label} className="inline">
            <input type="radio" name="recurrence" checked={pattern.types.includes(recurrence.type)} onChange={() => setRecurrence(pattern.initial)} />{' '}
            {pattern.label}
          </label>
        ))}
        <div className="recurrence-detail">
          {recurrence.type === 'interval' && (
            <RecurEvery
              label="Interval"
              value={recurrence.every}
              onChange={(every) => setRecurrence({ ...recurrence, every })}
              error={errors['recurrence.every']}
            >
              <select
                aria-label="Interval unit"
                value={recurrence.unit}
                onChange={(event) => setRecurrence({ ...recurrence, unit: event.target.value as 'minutes' | 'hours' | 'days' })}
              >
                <option value="minutes">minutes</option>
                <option value="hours">hours</option>
                <option value="days">days</option>
              </select>
            </RecurEvery>
          )}
          {recurrence.type === 'weekly' && (
            <RecurEvery
              label="Weeks"
              value={recurrence.everyWeeks}
              onChange={(everyWeeks) => setRecurrence({ ...recurrence, everyWeeks })}
              error={errors['recurrence.everyWeeks']}
            >
              weeks on
              <select
                aria-label="Weekday"
                value={recurrence.weekday}
                onChange={(event) => setRecurrence({ ...recurrence, weekday: Number(event.target.value) })}
              >
                {WEEKDAYS.map((day, index) => (
                  <option key={day} value={index}>
                    {day}
                  </option>
                ))}
              </select>
            </RecurEvery>
          )}
          {(recurrence.type === 'monthlyByDate' || recurrence.type === 'monthlyByWeekday') && (
            <MonthlyRecurrence recurrence={recurrence} onChange={setRecurrence} dayText={dayText} onDayText={setDayText} errors={errors} />
          )}
        </div>
      </fieldset>
      <SchedulePreview site={site} schedule={schedule} valid={Object.keys(errors).length === 0} />
      <div className="dialog-buttons">
        <button type="button" disabled={Object.keys(errors).length > 0} onClick={() => onDone(schedule)}>
          OK
        </button>
        <button type="button" onClick={() => onDone(undefined)}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
