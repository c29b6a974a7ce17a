import { WEEKDAYS, WEEK_ORDERS, type Recurrence } from '../../shared/schedule/schedule-model';
import { FieldError } from '../dialogs/FieldError';
import { RecurEvery } from './RecurEvery';

type Monthly = Extract<Recurrence, { type: 'monthlyByDate' | 'monthlyByWeekday' }>;

const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

interface Props {
  recurrence: Monthly;
  onChange(recurrence: Recurrence): void;
  /** The day of the month as typed (0 is refused with its reason instead of silently meaning the last day). */
  dayText: string | undefined;
  onDayText(text: string | undefined): void;
  errors: Record<string, string>;
}

/** A monthly recurrence: on a day of the month (or its last day), or on the Nth weekday, every N months. */
export function MonthlyRecurrence({ recurrence, onChange: setRecurrence, dayText, onDayText: setDayText, errors }: Props) {
  return (
    <div className="column">
      <div className="row">
        <input
          type="radio"
          name="monthly"
          aria-label="On a day of the month"
          checked={recurrence.type === 'monthlyByDate'}
          onChange={() => setRecurrence({ type: 'monthlyByDate', day: 1, everyMonths: recurrence.everyMonths })}
        />
        Day
        <input
          aria-label="Day of the month"
          type="number"
          disabled={recurrence.type !== 'monthlyByDate'}
          value={dayText ?? (recurrence.type === 'monthlyByDate' && recurrence.day !== 0 && !Number.isNaN(recurrence.day) ? recurrence.day : '')}
          onChange={(event) => {
            if (recurrence.type !== 'monthlyByDate') return;
            setDayText(event.target.value);
            const day = number(event.target.value);
            // Day 0 is how the model stores "last day": typed, it is a mistake, kept out of the model.
            setRecurrence({ ...recurrence, day: day === 0 ? Number.NaN : day });
          }}
        />
        <label className="inline">
          <input
            type="checkbox"
            aria-label="Last day of the month"
            disabled={recurrence.type !== 'monthlyByDate'}
            checked={recurrence.type === 'monthlyByDate' && recurrence.day === 0}
            onChange={(event) => {
              if (recurrence.type !== 'monthlyByDate') return;
              setDayText(undefined);
              setRecurrence({ ...recurrence, day: event.target.checked ? 0 : 1 });
            }}
          />{' '}
          Last day of the month
        </label>
        <FieldError message={errors['recurrence.day']} inline />
      </div>
      <div className="row">
        <input
          type="radio"
          name="monthly"
          aria-label="On a weekday of the month"
          checked={recurrence.type === 'monthlyByWeekday'}
          onChange={() => setRecurrence({ type: 'monthlyByWeekday', week: 2, weekday: 2, everyMonths: recurrence.everyMonths })}
        />
        The
        <select
          aria-label="Week of the month"
          disabled={recurrence.type !== 'monthlyByWeekday'}
          value={recurrence.type === 'monthlyByWeekday' ? recurrence.week : 1}
          onChange={(event) => recurrence.type === 'monthlyByWeekday' && setRecurrence({ ...recurrence, week: Number(event.target.value) })}
        >
          {[1, 2, 3, 4, 0].map((week) => (
            <option key={week} value={week}>
              {WEEK_ORDERS[week]}
            </option>
          ))}
        </select>
        <select
          aria-label="Weekday of the month"
          disabled={recurrence.type !== 'monthlyByWeekday'}
          value={recurrence.type === 'monthlyByWeekday' ? recurrence.weekday : 2}
          onChange={(event) => recurrence.type === 'monthlyByWeekday' && setRecurrence({ ...recurrence, weekday: Number(event.target.value) })}
        >
          {WEEKDAYS.map((day, index) => (
            <option key={day} value={index}>
              {day}
            </option>
          ))}
        </select>
      </div>
      <RecurEvery
        label="Months"
        value={recurrence.everyMonths}
        onChange={(everyMonths) => setRecurrence({ ...recurrence, everyMonths })}
        error={errors['recurrence.everyMonths']}
      >
        months
      </RecurEvery>
    </div>
  );
}
