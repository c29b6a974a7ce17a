import { useState } from 'react';
import { DEFAULT_STALL_MINUTES, describeSyncSource, type SupConfig, type SyncSource } from '../../../shared/domain';
import { FieldError } from '../../dialogs/FieldError';
import { TestConnection } from '../TestConnection';

interface Props {
  site: string;
  config: SupConfig;
  savedConfig: SupConfig | undefined;
  onChange: (config: SupConfig) => void;
  /** A child site's parent: it synchronizes from it here, or from a parent on another server given by its URL. */
  parentCode: string | null;
  errors: Record<string, string>;
  /** OK or Apply was refused: every problem is shown, touched or not. */
  revealErrors: boolean;
}

/** The Sync Settings tab: where updates come from, through which proxy, and when a failure is retried. */
export function SyncSettingsTab({ site, config, savedConfig, onChange, parentCode, errors, revealErrors }: Props) {
  const source = config.source;
  // A URL is judged once it is typed in (or OK is pressed): choosing the upstream radio is not yet a mistake.
  const [urlTouched, setUrlTouched] = useState(false);
  const urlError = urlTouched || revealErrors ? errors['source.url'] : undefined;
  const setSource = (next: SyncSource) => onChange({ ...config, source: next });
  const kinds = parentCode !== null ? (['parent', 'upstream'] as const) : (['sample', 'microsoft-update', 'upstream', 'none'] as const);
  const labelOf = (kind: (typeof kinds)[number]) =>
    kind === 'upstream'
      ? parentCode !== null
        ? 'Synchronize from a parent site on another server'
        : 'Synchronize from an upstream update server'
      : kind === 'parent'
        ? describeSyncSource({ kind, site: parentCode ?? '' })
        : describeSyncSource({ kind });
  return (
    <fieldset>
      <legend>Synchronization source</legend>
      {kinds.map((kind) => (
        <label key={kind} className="inline block">
          <input
            type="radio"
            name="source"
            checked={source.kind === kind}
            onChange={() =>
              setSource(
                kind === 'upstream'
                  ? { kind, url: source.kind === 'upstream' ? source.url : 'https://' }
                  : kind === 'parent'
                    ? { kind, site: parentCode ?? '' }
                    : { kind },
              )
            }
          />
          {labelOf(kind)}
        </label>
      ))}
      {source.kind === 'upstream' && (
        <label>
          Upstream update server URL
          <input
            value={source.url}
            aria-invalid={urlError !== undefined}
            placeholder="https://wsus.corp.example:8531"
            onChange={(event) => {
              setUrlTouched(true);
              setSource({ kind: 'upstream', url: event.target.value });
            }}
            onBlur={() => source.url !== 'https://' && setUrlTouched(true)}
          />
        </label>
      )}
      <FieldError message={urlError} />
      <ProxyFields config={config} onChange={onChange} errors={errors} />
      <NumberField
        label="Retry a failed synchronization after (minutes)"
        value={config.retryMinutes}
        error={errors.retryMinutes}
        onChange={(retryMinutes) => onChange({ ...config, retryMinutes })}
      />
      <NumberField
        label="Retry stuck requests after no progress for (minutes)"
        value={config.stallMinutes ?? DEFAULT_STALL_MINUTES}
        error={errors.stallMinutes}
        onChange={(stallMinutes) => onChange({ ...config, stallMinutes })}
      />
      <TestConnection site={site} unsaved={JSON.stringify(config) !== JSON.stringify(savedConfig)} {...(parentCode === null ? { proposed: config } : {})} />
    </fieldset>
  );
}

function ProxyFields({ config, onChange, errors }: Pick<Props, 'config' | 'onChange' | 'errors'>) {
  const proxy = config.proxy;
  const optional = (value: string) => (value === '' ? undefined : value);
  return (
    <>
      <label className="inline block">
        <input
          type="checkbox"
          checked={proxy !== undefined}
          onChange={(event) => onChange({ ...config, proxy: event.target.checked ? { url: '' } : undefined })}
        />{' '}
        Use a proxy server when synchronizing software updates
      </label>
      {proxy !== undefined && (
        <>
          <label>
            Proxy server URL
            <input
              value={proxy.url}
              aria-invalid={errors['proxy.url'] !== undefined}
              placeholder="http://proxy.corp.example:8080"
              onChange={(event) => onChange({ ...config, proxy: { ...proxy, url: event.target.value } })}
            />
          </label>
          <FieldError message={errors['proxy.url']} />
          <label>
            Proxy user name (optional)
            <input
              value={proxy.username ?? ''}
              autoComplete="off"
              onChange={(event) => onChange({ ...config, proxy: { ...proxy, username: optional(event.target.value) } })}
            />
          </label>
          <label>
            Proxy password
            {/* The saved password never comes back to the console: type a new one to replace it. */}
            <input
              type="password"
              autoComplete="new-password"
              value={proxy.password ?? ''}
              placeholder={proxy.passwordSaved ? '•••••••• (saved; type to replace)' : 'none'}
              onChange={(event) => onChange({ ...config, proxy: { ...proxy, password: optional(event.target.value) } })}
            />
          </label>
        </>
      )}
    </>
  );
}

function NumberField({ label, value, error, onChange }: { label: string; value: number; error: string | undefined; onChange: (value: number) => void }) {
  return (
    <>
      <label>
        {label}
        <input type="number" value={value} aria-invalid={error !== undefined} onChange={(event) => onChange(Number(event.target.value))} />
      </label>
      <FieldError message={error} />
    </>
  );
}
