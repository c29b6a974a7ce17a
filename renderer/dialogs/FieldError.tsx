/** A problem with a field or a form, said beside it and announced to screen readers; nothing when there is none. */
export function FieldError({ message, inline = false }: { message: string | undefined; inline?: boolean }) {
  if (message === undefined) return null;
  // Inline: beside the field in its row (a recurrence's "every N"), not on a line of its own.
  return inline ? (
    <span className="field-error" role="alert">
      {message}
    </span>
  ) : (
    <p className="field-error" role="alert">
      {message}
    </p>
  );
}
