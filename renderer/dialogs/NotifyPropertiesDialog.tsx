import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../../shared/errors';
import type { DeliveryResult, NotifyEvent, NotifySettings, SmtpSecurity } from '../../shared/notify';
import { useConsoleStore } from '../store/console-store';
import { FieldError } from './FieldError';
import { ModalDialog } from './ModalDialog';
import { PropertyButtons } from './PropertyButtons';

interface Form {
  enabled: boolean;
  host: string;
  port: string;
  security: SmtpSecurity;
  from: string;
  user: string;
  /** Typed now; empty keeps the saved one. */
  password: string;
  recipients: string;
  on: NotifyEvent[];
  digestEvery: string;
  digestUnit: 'hours' | 'days' | 'weeks';
  webhooks: string;
}

const EVENTS: Array<{ event: NotifyEvent; label: string }> = [
  { event: 'failure', label: 'A synchronization failed' },
  { event: 'success', label: 'A synchronization brought new or revised updates' },
  { event: 'digest', label: 'A digest of the synchronizations, every' },
];

const items = (text: string) => text.split(/[\s,;]+/).filter((item) => item !== '');

function formOf(settings: NotifySettings): Form {
  return {
    enabled: settings.enabled,
    host: settings.smtp?.host ?? '',
    port: String(settings.smtp?.port ?? 587),
    security: settings.smtp?.security ?? 'starttls',
    from: settings.smtp?.from ?? '',
    user: settings.smtp?.user ?? '',
    password: '',
    recipients: settings.recipients.join('\n'),
    on: settings.on,
    digestEvery: String(settings.digestEvery?.every ?? 1),
    digestUnit: settings.digestEvery?.unit ?? 'weeks',
    webhooks: settings.webhooks.join('\n'),
  };
}

/** The form as settings; the engine checks them (an address, a URL, someone to tell) and says what is wrong. */
function settingsOf(form: Form): NotifySettings {
  const port = Number(form.port);
  return {
    enabled: form.enabled,
    smtp:
      form.host.trim() === ''
        ? null
        : {
            host: form.host.trim(),
            port: Number.isInteger(port) ? port : 0,
            security: form.security,
            from: form.from.trim(),
            ...(form.user.trim() === '' ? {} : { user: form.user.trim() }),
          },
    recipients: items(form.recipients),
    on: form.on,
    digestEvery: form.on.includes('digest') ? { every: Math.max(1, Number(form.digestEvery) || 1), unit: form.digestUnit } : null,
    webhooks: items(form.webhooks),
  };
}

/**
 * Site Settings → Component Configuration → E-mail Notification → Properties: who is told of the top-level site's
 * synchronizations (its child sites' too), by mail and webhook, and of what. Send test message sends to every
 * recipient and webhook as the form stands (before it is saved) and shows what each server answered.
 */
export function NotifyPropertiesDialog({ site }: { site: string }) {
  const api = useConsoleStore((state) => state.api);
  const close = useConsoleStore((state) => state.openDialog);
  const notify = useConsoleStore((state) => state.notify);
  const [form, setForm] = useState<Form | undefined>();
  const [passwordSaved, setPasswordSaved] = useState(false);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [results, setResults] = useState<DeliveryResult[] | undefined>();
  const resultsList = useRef<HTMLUListElement>(null);
  // The answers appear below the fold of a small window: the dialog's panel scrolls to them (scrollIntoView would
  // scroll the page under the modal too, and the console out of the window).
  useEffect(() => {
    const list = resultsList.current;
    const panel = list?.closest('.tab-panel');
    if (list === null || list === undefined || panel === null || panel === undefined) return;
    const below = list.getBoundingClientRect().bottom - panel.getBoundingClientRect().bottom;
    if (below > 0) panel.scrollTop += below;
  }, [results]);

  useEffect(() => {
    if (api === undefined) return;
    let live = true;
    void api.getNotifySettings({ site }).then(
      (view) => {
        if (!live) return;
        setForm(formOf(view.settings));
        setPasswordSaved(view.passwordSaved);
      },
      (failure: unknown) => live && setError(errorText(failure)),
    );
    return () => {
      live = false;
    };
  }, [api, site]);

  const change = (patch: Partial<Form>) => setForm((current) => (current === undefined ? current : { ...current, ...patch }));

  const save = async (): Promise<boolean> => {
    if (api === undefined || form === undefined) return false;
    setSaving(true);
    setError(undefined);
    try {
      const view = await api.setNotifySettings({ site, settings: settingsOf(form), ...(form.password === '' ? {} : { password: form.password }) });
      setPasswordSaved(view.passwordSaved);
      change({ password: '' });
      notify('info', `Notification settings of ${site} saved.`);
      return true;
    } catch (failure) {
      setError(errorText(failure));
      return false;
    } finally {
      setSaving(false);
    }
  };

  const test = async () => {
    if (api === undefined || form === undefined) return;
    setTesting(true);
    setError(undefined);
    setResults(undefined);
    try {
      const answer = await api.testNotifications({
        site,
        settings: { ...settingsOf(form), enabled: true },
        ...(form.password === '' ? {} : { password: form.password }),
      });
      setResults(answer.results);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setTesting(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await save()) close(undefined);
  };

  if (form === undefined)
    return (
      <ModalDialog label={`E-mail Notification Properties — ${site}`} onEscape={() => close(undefined)}>
        <p>{error ?? 'Loading…'}</p>
      </ModalDialog>
    );
  const off = !form.enabled;
  return (
    <ModalDialog className="properties notify" labelledBy="notify-title" onEscape={() => close(undefined)} onSubmit={(event) => void submit(event)}>
      <h2 id="notify-title">{`E-mail Notification Properties — ${site}`}</h2>
      <div className="tab-panel">
        <label className="inline">
          <input type="checkbox" checked={form.enabled} onChange={(event) => change({ enabled: event.target.checked })} />
          Tell administrators of this site’s synchronizations (and its child sites’)
        </label>
        <fieldset disabled={off}>
          <legend>Send when</legend>
          {EVENTS.map(({ event, label }) => (
            <label className="inline" key={event}>
              <input
                type="checkbox"
                checked={form.on.includes(event)}
                onChange={(changed) => change({ on: changed.target.checked ? [...form.on, event] : form.on.filter((item) => item !== event) })}
              />
              {label}
              {event === 'digest' && (
                <>
                  <input
                    className="narrow"
                    aria-label="Digest interval"
                    inputMode="numeric"
                    value={form.digestEvery}
                    onChange={(changed) => change({ digestEvery: changed.target.value })}
                  />
                  <select
                    aria-label="Digest interval unit"
                    value={form.digestUnit}
                    onChange={(changed) => change({ digestUnit: changed.target.value as Form['digestUnit'] })}
                  >
                    <option value="hours">hours</option>
                    <option value="days">days</option>
                    <option value="weeks">weeks</option>
                  </select>
                </>
              )}
            </label>
          ))}
        </fieldset>
        <fieldset disabled={off}>
          <legend>E-mail</legend>
          <div className="row">
            <label>
              SMTP server
              <input value={form.host} onChange={(event) => change({ host: event.target.value })} spellCheck={false} placeholder="mail.example.com" />
            </label>
            <label>
              Port
              <input className="narrow" value={form.port} inputMode="numeric" onChange={(event) => change({ port: event.target.value })} />
            </label>
            <label>
              Security
              <select aria-label="Security" value={form.security} onChange={(event) => change({ security: event.target.value as SmtpSecurity })}>
                <option value="starttls">STARTTLS</option>
                <option value="tls">TLS (implicit, port 465)</option>
                <option value="none">None</option>
              </select>
            </label>
          </div>
          <div className="row">
            <label>
              Sender
              <input value={form.from} onChange={(event) => change({ from: event.target.value })} spellCheck={false} placeholder="updates@example.com" />
            </label>
            <label>
              User name
              <input value={form.user} onChange={(event) => change({ user: event.target.value })} spellCheck={false} autoComplete="off" />
            </label>
            <label>
              Password
              <input
                type="password"
                value={form.password}
                onChange={(event) => change({ password: event.target.value })}
                autoComplete="new-password"
                placeholder={passwordSaved ? '(saved; type to replace)' : ''}
              />
            </label>
          </div>
          <label>
            Recipients (one per line)
            <textarea rows={2} value={form.recipients} onChange={(event) => change({ recipients: event.target.value })} spellCheck={false} />
          </label>
        </fieldset>
        <fieldset disabled={off}>
          <legend>Webhooks</legend>
          <label>
            URLs receiving the JSON digest (one per line; https://, or http:// on 127.0.0.1). A Teams or Slack incoming webhook shows its text line.
            <textarea rows={2} value={form.webhooks} onChange={(event) => change({ webhooks: event.target.value })} spellCheck={false} />
          </label>
        </fieldset>
        <div className="row">
          <button type="button" onClick={() => void test()} disabled={testing || off}>
            {testing ? 'Sending…' : 'Send test message'}
          </button>
        </div>
        {results !== undefined && (
          <ul ref={resultsList} className="test-results" role="status" aria-label="Test message results">
            {results.map((result) => (
              <li key={`${result.channel}:${result.target}`} className={result.ok ? 'ok' : 'failed'}>
                <b>{result.ok ? 'Accepted' : 'Refused'}</b>
                {` — ${result.channel === 'mail' ? `mail to ${result.target}` : `webhook ${result.target}`}: `}
                <span className="mono">{result.answer}</span>
              </li>
            ))}
          </ul>
        )}
        <FieldError message={error} />
      </div>
      <PropertyButtons saving={saving} onCancel={() => close(undefined)} onApply={() => void save()} />
    </ModalDialog>
  );
}
