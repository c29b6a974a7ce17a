import { useEffect, useState } from 'react';
import { errorText } from '../../shared/errors';
import type { NotifySettingsView } from '../../shared/notify';
import { useConsoleStore } from '../store/console-store';

/** E-mail Notification selected in the tree: who is told of what, and the way to change it. */
export function NotifyDetails({ site }: { site: string }) {
  const api = useConsoleStore((state) => state.api);
  const openDialog = useConsoleStore((state) => state.openDialog);
  const dialog = useConsoleStore((state) => state.dialog);
  const [view, setView] = useState<NotifySettingsView | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (api === undefined || dialog !== undefined) return;
    let live = true;
    void api.getNotifySettings({ site }).then(
      (answer) => live && setView(answer),
      (failure: unknown) => live && setError(errorText(failure)),
    );
    return () => {
      live = false;
    };
  }, [api, site, dialog]);

  if (view === undefined) return <p>{error ?? 'Loading…'}</p>;
  const { settings } = view;
  const smtp = settings.smtp;
  return (
    <>
      <dl className="details">
        <dt>Notifications</dt>
        <dd>
          {settings.enabled
            ? `On: ${settings.on.map((event) => ({ failure: 'failed syncs', success: 'syncs with new updates', digest: 'digest' })[event]).join(', ')}`
            : 'Off'}
        </dd>
        <dt>SMTP server</dt>
        <dd>
          {smtp === null
            ? 'None'
            : `${smtp.host}:${smtp.port} (${smtp.security.toUpperCase()}), from ${smtp.from}${smtp.user === undefined ? '' : `, as ${smtp.user}`}`}
        </dd>
        <dt>Recipients</dt>
        <dd>{settings.recipients.join(', ') || 'None'}</dd>
        <dt>Webhooks</dt>
        <dd>{settings.webhooks.join(', ') || 'None'}</dd>
        {settings.digestEvery !== null && (
          <>
            <dt>Digest</dt>
            <dd>{`Every ${settings.digestEvery.every} ${settings.digestEvery.unit}`}</dd>
          </>
        )}
      </dl>
      <p>
        <button type="button" onClick={() => openDialog({ kind: 'notifyProperties', site })}>
          Properties…
        </button>
      </p>
    </>
  );
}
