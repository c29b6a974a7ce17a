/** A box for "all of a list": ticked when all are, mixed when some are. */
export function TriStateBox({ chosen, of, onChange }: { chosen: number; of: number; onChange(on: boolean): void }) {
  const all = of > 0 && chosen === of;
  return (
    <input
      type="checkbox"
      checked={all}
      aria-checked={all ? 'true' : chosen > 0 ? 'mixed' : 'false'}
      ref={(element) => {
        if (element !== null) element.indeterminate = !all && chosen > 0;
      }}
      onChange={(event) => onChange(event.target.checked)}
    />
  );
}
