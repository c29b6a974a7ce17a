import type { SupersedenceRule } from '../../shared/domain';
import { FieldError } from '../dialogs/FieldError';

/**
 * Supersedence Rules, as in MECM: what a full synchronization does with updates a newer one supersedes. Expiring
 * them keeps the repository to what is worth deploying; the months give clients time to move to the newer update.
 */
export function SupersedenceRules({
  rule,
  disabled,
  error,
  onChange,
}: {
  rule: SupersedenceRule;
  disabled: boolean;
  error: string | undefined;
  onChange(rule: SupersedenceRule): void;
}) {
  // Leaving "after N months" with a bad N takes a valid one along, so that choice is not blocked by a field it hides.
  const months = Number.isInteger(rule.months) && rule.months >= 1 && rule.months <= 99 ? rule.months : 3;
  return (
    <fieldset disabled={disabled}>
      <legend>When an update is superseded</legend>
      <label className="inline block">
        <input type="radio" name="supersedence" checked={rule.expire === 'never'} onChange={() => onChange({ expire: 'never', months })} /> Do not expire
        superseded updates by a rule (only Microsoft expires them)
      </label>
      <label className="inline block">
        <input type="radio" name="supersedence" checked={rule.expire === 'immediately'} onChange={() => onChange({ expire: 'immediately', months })} />{' '}
        Immediately expire a superseded software update
      </label>
      <div className="row">
        <label className="inline">
          <input type="radio" name="supersedence" checked={rule.expire === 'after'} onChange={() => onChange({ ...rule, expire: 'after' })} /> Expire a
          superseded software update after
        </label>
        <input
          type="number"
          aria-label="Months before a superseded update expires"
          min={1}
          max={99}
          disabled={rule.expire !== 'after'}
          value={Number.isNaN(rule.months) ? '' : rule.months}
          aria-invalid={error !== undefined}
          onChange={(event) => onChange({ ...rule, months: event.target.value.trim() === '' ? Number.NaN : Number(event.target.value) })}
        />
        months
      </div>
      <FieldError message={error} />
      <p className="muted">
        Applied by full synchronizations (scheduled ones and Run Full Synchronization), counting from the release of the first update that supersedes it. The
        repository says, for each expired update, whether the rule or Microsoft expired it.
      </p>
    </fieldset>
  );
}
