/** A problem with a field or a form, said beside it and announced to screen readers; nothing when there is none. */
export function FieldError({ message }: { message: string | undefined }) {
  return message === undefined ? null : (
    <p className="field-error" role="alert">
      {message}
    </p>
  );
}
