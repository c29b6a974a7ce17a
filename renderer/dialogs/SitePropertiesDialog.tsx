import { useEffect, useRef, useState } from 'react';
import { apiMethods } from '../../shared/contract';
import { errorText } from '../../shared/errors';
import { describeIssues } from '../../shared/validate';
import { useConsoleStore } from '../store/console-store';
import { ModalDialog } from './ModalDialog';
import { PropertyButtons } from './PropertyButtons';
import { FieldError } from './FieldError';
import { SitePicker } from './SitePicker';

/**
 * A site → Properties: its name and, for a child site, its parent (never itself or a site below it), with the site's
 * database and synchronization state for reference. OK / Cancel / Apply; problems are explained beside the field.
 */
export function SitePropertiesDialog({ site }: { site: string }) {
  const sites = useConsoleStore((state) => state.sites);
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const api = useConsoleStore((state) => state.api);
  const close = useConsoleStore((state) => state.openDialog);
  const notify = useConsoleStore((state) => state.notify);
  const entry = sites.find((candidate) => candidate.code === site);
  const status = hierarchy.find((candidate) => candidate.site.code === site);
  const [name, setName] = useState(entry?.name ?? '');
  const [parent, setParent] = useState(entry?.parentCode ?? '');
  const [errors, setErrors] = useState<{ name?: string; form?: string }>({});
  const [saving, setSaving] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  if (entry === undefined) return null;

  // A site cannot move below itself: its own subtree is not offered as a parent.
  const below = new Set([site]);
  for (let grew = true; grew;) {
    grew = false;
    for (const candidate of sites) {
      if (candidate.parentCode !== null && below.has(candidate.parentCode) && !below.has(candidate.code)) {
        below.add(candidate.code);
        grew = true;
      }
    }
  }
  const parents = sites.filter((candidate) => !below.has(candidate.code) && candidate.health.state === 'ok');

  const apply = async (): Promise<boolean> => {
    const changes = { site, ...(name !== entry.name ? { name } : {}), ...(entry.parentCode !== null && parent !== entry.parentCode ? { parent } : {}) };
    const checked = apiMethods.updateSite.params.safeParse(changes);
    if (!checked.success) {
      setErrors({ name: describeIssues(checked.error).replace(/^name: /, '') });
      return false;
    }
    if (Object.keys(changes).length === 1 || api === undefined) return true;
    setSaving(true);
    try {
      const updated = await api.updateSite(checked.data);
      setErrors({});
      notify('info', `Site ${updated.code} - ${updated.name} saved${updated.parentCode === null ? '' : ` (parent ${updated.parentCode})`}.`);
      return true;
    } catch (error) {
      setErrors({ form: errorText(error) });
      return false;
    } finally {
      setSaving(false);
    }
  };
  const when = (text: string | null | undefined) => (text === null || text === undefined || text === '' ? 'never' : new Date(text).toLocaleString());

  return (
    <ModalDialog
      labelledBy="site-properties-title"
      onEscape={() => close(undefined)}
      onSubmit={(event) => {
        event.preventDefault();
        void apply().then((ok) => ok && close(undefined));
      }}
    >
      <h2 id="site-properties-title">Site Properties — {site}</h2>
      <label>
        Site code
        <input value={entry.code} readOnly aria-readonly="true" />
      </label>
      <label>
        Site name
        <input
          ref={first}
          value={name}
          maxLength={60}
          onChange={(event) => setName(event.target.value)}
          aria-invalid={errors.name !== undefined}
          aria-describedby="site-name-error"
        />
      </label>
      {errors.name !== undefined && (
        <p id="site-name-error" className="field-error">
          {errors.name}
        </p>
      )}
      <label>
        Parent site
        {entry.parentCode === null ? (
          <input value="None: this is the top-level site (it synchronizes from the upstream)" readOnly aria-readonly="true" />
        ) : (
          <SitePicker sites={parents} value={parent} onChange={setParent} />
        )}
      </label>
      <dl className="details">
        <dt>Site database</dt>
        <dd className="mono">{entry.databaseFile}</dd>
        <dt>Last synchronization</dt>
        <dd>
          {status?.lastRun === null || status?.lastRun === undefined
            ? 'never'
            : `${status.lastRun.outcome} (${status.lastRun.kind}) ${when(status.lastRun.at)}`}
        </dd>
        <dt>Content version</dt>
        <dd>{status?.contentVersion ?? 0}</dd>
      </dl>
      <FieldError message={errors.form} />
      <PropertyButtons saving={saving} onCancel={() => close(undefined)} onApply={() => void apply()} />
    </ModalDialog>
  );
}
