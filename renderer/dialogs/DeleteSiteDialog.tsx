import { useState } from 'react';
import { errorText } from '../../shared/errors';
import { useConsoleStore } from '../store/console-store';
import { ModalDialog } from './ModalDialog';
import { FieldError } from './FieldError';

/**
 * Delete Site…: an in-page confirmation (the browser's confirm() is unstyled, blocks every tab and cannot say what
 * is kept). Cancel has the focus, so Enter on an accidental open deletes nothing.
 */
export function DeleteSiteDialog({ site }: { site: string }) {
  const close = useConsoleStore((state) => state.openDialog);
  const removeSite = useConsoleStore((state) => state.removeSite);
  const entry = useConsoleStore((state) => state.sites.find((candidate) => candidate.code === site));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const confirm = async () => {
    setBusy(true);
    try {
      await removeSite(site);
      close(undefined);
    } catch (failure) {
      setError(errorText(failure));
      setBusy(false);
    }
  };

  return (
    <ModalDialog labelledBy="delete-site-title" onEscape={() => close(undefined)}>
      <h2 id="delete-site-title">Delete Site {site}?</h2>
      <p>
        {entry === undefined ? site : `${entry.code} - ${entry.name}`} leaves the hierarchy and stops synchronizing. Its site database is not erased: it is kept
        aside in the data folder as a file, and can be restored from there.
      </p>
      <FieldError message={error} />
      <div className="dialog-buttons">
        <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
          Delete Site
        </button>
        <button type="button" data-autofocus onClick={() => close(undefined)}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
