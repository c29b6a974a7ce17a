/**
 * OK, Cancel and Apply of a Properties dialog, as MMC lays them out. OK submits the dialog's form when it has one
 * (no onOk), or applies and closes; Apply saves and keeps the dialog open; both wait while a save runs.
 */
export function PropertyButtons({ saving, onOk, onCancel, onApply }: { saving: boolean; onOk?(): void; onCancel(): void; onApply(): void }) {
  return (
    <div className="dialog-buttons">
      <button type={onOk === undefined ? 'submit' : 'button'} disabled={saving} onClick={onOk}>
        OK
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="button" disabled={saving} onClick={onApply}>
        Apply
      </button>
    </div>
  );
}
