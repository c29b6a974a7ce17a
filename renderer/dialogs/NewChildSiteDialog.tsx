import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../../shared/errors';
import { SiteCodeSchema } from '../../shared/domain';
import { useConsoleStore } from '../store/console-store';
import { ModalDialog } from './ModalDialog';
import { FieldError } from './FieldError';
import { SitePicker } from './SitePicker';

/** Site Management → New Child Site…: code, name and parent, each problem explained beside its field. */
export function NewChildSiteDialog({ parent }: { parent: string }) {
  const sites = useConsoleStore((state) => state.sites);
  const api = useConsoleStore((state) => state.api);
  const close = useConsoleStore((state) => state.openDialog);
  const notify = useConsoleStore((state) => state.notify);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [parentCode, setParentCode] = useState(parent);
  const [errors, setErrors] = useState<{ code?: string; name?: string; form?: string }>({});
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const codeCheck = SiteCodeSchema.safeParse(code);
    const next = {
      ...(codeCheck.success ? {} : { code: codeCheck.error.issues[0]?.message ?? 'Invalid site code' }),
      ...(name.trim() === '' ? { name: 'A site needs a name' } : {}),
    };
    setErrors(next);
    if (Object.keys(next).length > 0 || api === undefined) return;
    try {
      await api.addSite({ code, name, parent: parentCode });
      notify('info', `Site ${code.toUpperCase()} - ${name} was added below ${parentCode}.`);
      close(undefined);
    } catch (error) {
      const message = errorText(error);
      setErrors(/code/i.test(message) ? { code: message } : { form: message });
    }
  };

  return (
    <ModalDialog labelledBy="new-site-title" onEscape={() => close(undefined)} onSubmit={(event) => void submit(event)}>
      <h2 id="new-site-title">New Child Site</h2>
      <label>
        Site code
        <input
          ref={first}
          value={code}
          maxLength={3}
          onChange={(event) => setCode(event.target.value)}
          aria-invalid={errors.code !== undefined}
          aria-describedby="site-code-error"
        />
      </label>
      {errors.code !== undefined && (
        <p id="site-code-error" className="field-error">
          {errors.code}
        </p>
      )}
      <label>
        Site name
        <input value={name} onChange={(event) => setName(event.target.value)} aria-invalid={errors.name !== undefined} />
      </label>
      {errors.name !== undefined && <p className="field-error">{errors.name}</p>}
      <label>
        Parent site
        <SitePicker sites={sites.filter((site) => site.health.state === 'ok')} value={parentCode} onChange={setParentCode} />
      </label>
      <FieldError message={errors.form} />
      <div className="dialog-buttons">
        <button type="submit">OK</button>
        <button type="button" onClick={() => close(undefined)}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
