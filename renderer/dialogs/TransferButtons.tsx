/** The buttons of a dialog that writes or reads a file: its action and Cancel while it can run, then Close. */
export function TransferButtons({
  done,
  action,
  disabled,
  onCancel,
  onClose,
}: {
  done: boolean;
  action: string;
  disabled: boolean;
  onCancel(): void;
  onClose(): void;
}) {
  return (
    <div className="dialog-buttons">
      {done ? (
        <button type="button" data-autofocus onClick={onClose}>
          Close
        </button>
      ) : (
        <>
          <button type="submit" disabled={disabled}>
            {action}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </>
      )}
    </div>
  );
}
