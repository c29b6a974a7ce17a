import { FieldError } from '../dialogs/FieldError';
import type { ReactNode } from 'react';

interface Props {
  /** The words before the number ("Recur every", "Run every"). */
  lead?: string;
  /** The number's accessible name (Interval, Weeks, Months…). */
  label: string;
  value: number;
  onChange: (value: number) => void;
  disabled?: boolean;
  /** The error beside the row, when its values are refused. */
  error?: string | undefined;
  /** What follows the number: its unit, as words or a select. */
  children?: ReactNode;
}

/** "Recur every N unit", the row every recurrence shares; an empty box is NaN, refused with its reason. */
export function RecurEvery({ lead = 'Recur every', label, value, onChange, disabled = false, error, children }: Props) {
  return (
    <div className="row">
      {lead}
      <input
        aria-label={label}
        type="number"
        disabled={disabled}
        value={Number.isNaN(value) ? '' : value}
        onChange={(event) => onChange(event.target.value.trim() === '' ? Number.NaN : Number(event.target.value))}
      />
      {children}
      <FieldError message={error} inline />
    </div>
  );
}
