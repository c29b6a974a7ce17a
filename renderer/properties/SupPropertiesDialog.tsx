import { useEffect, useState } from 'react';
import { categoryName } from '../../shared/categories';
import { DEFAULT_STALL_MINUTES, describeSyncSource, SupConfigSchema, type SupConfig, type SyncSource } from '../../shared/domain';
import { errorText } from '../../shared/errors';
import type { SyncSchedule } from '../../shared/schedule/schedule-model';
import { useConsoleStore } from '../store/console-store';
import { ModalDialog } from '../dialogs/ModalDialog';
import { CustomScheduleDialog } from './CustomScheduleDialog';
import { ProductsTree, type Category } from './ProductsTree';
import { ScopeChange } from './ScopeChange';
import { UPDATE_LANGUAGES } from '../../shared/languages';
import { scheduleErrors } from './schedule-errors';
import { SchedulePreview } from './SchedulePreview';
import { SupersedenceRules } from './SupersedenceRules';
import { TestConnection } from './TestConnection';
import { TriStateBox } from './TriStateBox';
import { PropertyButtons } from '../dialogs/PropertyButtons';
import { FieldError } from '../dialogs/FieldError';

const TABS = ['Sync Settings', 'Synchronization Schedule', 'Classifications', 'Products', 'Supersedence Rules', 'Languages'] as const;
type Tab = (typeof TABS)[number];

/** Software Update Point Properties: sync source, schedule, classifications, products and languages. */
export function SupPropertiesDialog({ site }: { site: string }) {
  const api = useConsoleStore((state) => state.api)!;
  const close = useConsoleStore((state) => state.openDialog);
  const notify = useConsoleStore((state) => state.notify);
  const sites = useConsoleStore((state) => state.sites);
  const parentCode = sites.find((candidate) => candidate.code === site)?.parentCode ?? null;
  const isChild = parentCode !== null;
  const [tab, setTab] = useState<Tab>('Sync Settings');
  const [config, setConfig] = useState<SupConfig | undefined>();
  const [savedConfig, setSavedConfig] = useState<SupConfig | undefined>();
  const [schedule, setSchedule] = useState<SyncSchedule | undefined>();
  const [categories, setCategories] = useState<Category[]>([]);
  const [customizing, setCustomizing] = useState(false);
  const [error, setError] = useState<string | undefined>();
  /** Apply was refused for invalid values: the banner says so while they remain, and goes when they are fixed. */
  const [refused, setRefused] = useState<'settings' | 'schedule' | undefined>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void Promise.all([api.getSupConfig({ site }), api.getSchedule({ site }), api.listCategories({ site })]).then(
      ([loaded, info, known]) => {
        setConfig(loaded);
        setSavedConfig(loaded);
        setSchedule(info.schedule);
        setCategories(known);
      },
      (failure: unknown) => setError(errorText(failure)),
    );
  }, [api, site]);

  if (config === undefined || schedule === undefined) {
    return (
      <ModalDialog label="Software Update Point Properties" onEscape={() => close(undefined)}>
        {error ?? 'Loading…'}
      </ModalDialog>
    );
  }
  const errors = scheduleErrors(schedule);
  const settingErrors = configErrors(config);
  const readOnly = isChild;

  const apply = async (): Promise<boolean> => {
    const keys = Object.keys(settingErrors);
    const settingsTab = keys.includes('languages') ? 'Languages' : keys.some((key) => key.startsWith('supersedence')) ? 'Supersedence Rules' : 'Sync Settings';
    setError(undefined);
    if (Object.keys(settingErrors).length > 0) {
      setTab(settingsTab);
      setRefused('settings');
      return false;
    }
    if (Object.keys(errors).length > 0) {
      setTab('Synchronization Schedule');
      setRefused('schedule');
      return false;
    }
    setRefused(undefined);
    setSaving(true);
    try {
      setSavedConfig(await api.setSupConfig({ site, config }));
      if (!isChild) await api.setSchedule({ site, schedule });
      setError(undefined);
      notify('info', `Software Update Point settings of ${site} saved.`);
      return true;
    } catch (failure) {
      setError(errorText(failure));
      return false;
    } finally {
      setSaving(false);
    }
  };

  const banner =
    refused === 'settings' && Object.keys(settingErrors).length > 0
      ? 'Some settings have invalid values; they are explained beside each field.'
      : refused === 'schedule' && Object.keys(errors).length > 0
        ? 'The schedule has invalid values; they are explained beside each field.'
        : error;

  const toggle = (list: string[], id: string, on: boolean) => (on ? [...new Set([...list, id])] : list.filter((item) => item !== id));
  const selected = (list: string[], category: Category) => list.includes(category.id);
  const categoryNames = new Map(categories.map((category) => [category.id, category.name]));
  /** A new choice of products or classifications replaces the names an earlier version kept for them. */
  const withSelection = (changes: Partial<Pick<SupConfig, 'products' | 'classifications'>>): SupConfig => {
    const left = {
      products: changes.products === undefined ? (config.unresolvedNames?.products ?? []) : [],
      classifications: changes.classifications === undefined ? (config.unresolvedNames?.classifications ?? []) : [],
    };
    const { unresolvedNames: _names, ...rest } = config;
    return { ...rest, ...changes, ...(left.products.length + left.classifications.length > 0 ? { unresolvedNames: left } : {}) };
  };
  const classifications = categories.filter((category) => category.type === 'UpdateClassification');
  const source = config.source;
  const setSource = (next: SyncSource) => setConfig({ ...config, source: next });
  const inherited = readOnly ? (
    <p className="callout">These settings belong to the top-level site; child sites inherit them and always synchronize from their parent.</p>
  ) : null;

  return (
    <ModalDialog className="properties" labelledBy="sup-title" onEscape={() => close(undefined)}>
      <h2 id="sup-title">Software Update Point Properties — {site}</h2>
      <div
        role="tablist"
        aria-label="Property pages"
        onKeyDown={(event) => {
          // Arrow keys move between tabs (and show them), Home and End go to the first and the last.
          const index = TABS.indexOf(tab);
          const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 }[event.key];
          if (next === undefined) return;
          event.preventDefault();
          const target = TABS[(next + TABS.length) % TABS.length]!;
          setTab(target);
          event.currentTarget.querySelector<HTMLElement>(`[data-tab="${target}"]`)?.focus();
        }}
      >
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            data-tab={name}
            tabIndex={tab === name ? 0 : -1}
            aria-selected={tab === name}
            className={tab === name ? 'tab active' : 'tab'}
            onClick={() => setTab(name)}
          >
            {name}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={tab} className="tab-panel">
        {tab === 'Sync Settings' && (
          <fieldset>
            <legend>Synchronization source</legend>
            {/* A child synchronizes from its parent here, or from a parent on another server given by its URL. */}
            {(readOnly ? (['parent', 'upstream'] as const) : (['sample', 'microsoft-update', 'upstream', 'none'] as const)).map((kind) => (
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
                {kind === 'upstream'
                  ? readOnly
                    ? 'Synchronize from a parent site on another server'
                    : 'Synchronize from an upstream update server'
                  : kind === 'parent'
                    ? describeSyncSource({ kind, site: parentCode ?? '' })
                    : describeSyncSource({ kind } as SyncSource)}
              </label>
            ))}
            {source.kind === 'upstream' && (
              <label>
                Upstream update server URL
                <input
                  value={source.url}
                  aria-invalid={settingErrors['source.url'] !== undefined}
                  onChange={(event) => setSource({ kind: 'upstream', url: event.target.value })}
                />
              </label>
            )}
            <FieldError message={settingErrors['source.url']} />
            <label className="inline block">
              <input
                type="checkbox"
                checked={config.proxy !== undefined}
                onChange={(event) => setConfig({ ...config, proxy: event.target.checked ? { url: '' } : undefined })}
              />{' '}
              Use a proxy server when synchronizing software updates
            </label>
            {config.proxy !== undefined && (
              <>
                <label>
                  Proxy server URL
                  <input
                    value={config.proxy.url}
                    aria-invalid={settingErrors['proxy.url'] !== undefined}
                    placeholder="http://proxy.corp.example:8080"
                    onChange={(event) => setConfig({ ...config, proxy: { ...config.proxy!, url: event.target.value } })}
                  />
                </label>
                <FieldError message={settingErrors['proxy.url']} />
                <label>
                  Proxy user name (optional)
                  <input
                    value={config.proxy.username ?? ''}
                    autoComplete="off"
                    onChange={(event) =>
                      setConfig({ ...config, proxy: { ...config.proxy!, username: event.target.value === '' ? undefined : event.target.value } })
                    }
                  />
                </label>
                <label>
                  Proxy password
                  {/* The saved password never comes back to the console: type a new one to replace it. */}
                  <input
                    type="password"
                    autoComplete="new-password"
                    value={config.proxy.password ?? ''}
                    placeholder={config.proxy.passwordSaved ? '•••••••• (saved; type to replace)' : 'none'}
                    onChange={(event) =>
                      setConfig({ ...config, proxy: { ...config.proxy!, password: event.target.value === '' ? undefined : event.target.value } })
                    }
                  />
                </label>
              </>
            )}
            <label>
              Retry a failed synchronization after (minutes)
              <input
                type="number"
                value={config.retryMinutes}
                aria-invalid={settingErrors.retryMinutes !== undefined}
                onChange={(event) => setConfig({ ...config, retryMinutes: Number(event.target.value) })}
              />
            </label>
            <FieldError message={settingErrors.retryMinutes} />
            <label>
              Retry stuck requests after no progress for (minutes)
              <input
                type="number"
                value={config.stallMinutes ?? DEFAULT_STALL_MINUTES}
                aria-invalid={settingErrors.stallMinutes !== undefined}
                onChange={(event) => setConfig({ ...config, stallMinutes: Number(event.target.value) })}
              />
            </label>
            <FieldError message={settingErrors.stallMinutes} />
            <TestConnection site={site} unsaved={JSON.stringify(config) !== JSON.stringify(savedConfig)} />
          </fieldset>
        )}
        {tab === 'Synchronization Schedule' && (
          <div>
            {inherited}
            <fieldset disabled={readOnly}>
              <label className="inline block">
                <input type="checkbox" checked={schedule.enabled} onChange={(event) => setSchedule({ ...schedule, enabled: event.target.checked })} /> Enable
                synchronization on a schedule
              </label>
              <label className="inline block">
                <input
                  type="radio"
                  name="mode"
                  disabled={!schedule.enabled}
                  checked={schedule.mode === 'simple'}
                  onChange={() => setSchedule({ ...schedule, mode: 'simple', startIsDefault: true })}
                />{' '}
                Simple schedule
              </label>
              <div className="row indent">
                Run every
                <input
                  aria-label="Simple schedule interval"
                  type="number"
                  disabled={!schedule.enabled || schedule.mode !== 'simple'}
                  value={Number.isNaN(schedule.simple.every) ? '' : schedule.simple.every}
                  onChange={(event) =>
                    setSchedule({ ...schedule, simple: { ...schedule.simple, every: event.target.value === '' ? Number.NaN : Number(event.target.value) } })
                  }
                />
                <select
                  aria-label="Simple schedule unit"
                  disabled={!schedule.enabled || schedule.mode !== 'simple'}
                  value={schedule.simple.unit}
                  onChange={(event) => setSchedule({ ...schedule, simple: { ...schedule.simple, unit: event.target.value as 'hours' | 'days' | 'weeks' } })}
                >
                  <option value="hours">hours</option>
                  <option value="days">days</option>
                  <option value="weeks">weeks</option>
                </select>
                {errors['simple.every'] !== undefined && (
                  <span className="field-error" role="alert">
                    {errors['simple.every']}
                  </span>
                )}
              </div>
              <label className="inline block">
                <input
                  type="radio"
                  name="mode"
                  disabled={!schedule.enabled}
                  checked={schedule.mode === 'custom'}
                  onChange={() => setSchedule({ ...schedule, mode: 'custom' })}
                />{' '}
                Custom schedule
              </label>
              <div className="row indent">
                <button type="button" disabled={!schedule.enabled || schedule.mode !== 'custom'} onClick={() => setCustomizing(true)}>
                  Customize…
                </button>
              </div>
            </fieldset>
            <SchedulePreview site={site} schedule={schedule} valid={Object.keys(errors).length === 0} />
          </div>
        )}
        {tab === 'Classifications' && (
          <fieldset disabled={readOnly}>
            {inherited}
            <legend>Update classifications to synchronize</legend>
            {classifications.length === 0 && (
              <p className="muted">
                The classifications are listed after the first synchronization. Selected now:{' '}
                {config.classifications.map((id) => categoryName(id, categoryNames)).join(', ')}
              </p>
            )}
            {(config.unresolvedNames?.classifications.length ?? 0) > 0 && (
              <p className="callout" role="note">
                Kept by name by an earlier version, and matching no classification exactly:{' '}
                {config.unresolvedNames!.classifications.map((name) => `“${name}”`).join(', ')}. They are not synchronized: tick the classifications you mean
                (this drops the names).
              </p>
            )}
            {classifications.length > 0 && (
              <label className="inline block all-choice">
                <TriStateBox
                  chosen={classifications.filter((category) => selected(config.classifications, category)).length}
                  of={classifications.length}
                  onChange={(on) => setConfig(withSelection({ classifications: on ? classifications.map((category) => category.id) : [] }))}
                />{' '}
                All classifications
              </label>
            )}
            {classifications.map((category) => (
              <label key={category.id} className="inline block">
                <input
                  type="checkbox"
                  checked={selected(config.classifications, category)}
                  onChange={(event) => setConfig(withSelection({ classifications: toggle(config.classifications, category.id, event.target.checked) }))}
                />{' '}
                {category.name}
              </label>
            ))}
          </fieldset>
        )}
        {tab === 'Products' && (
          <div>
            {inherited}
            <ProductsTree
              categories={categories}
              products={config.products}
              unresolvedNames={config.unresolvedNames?.products ?? []}
              disabled={readOnly}
              onChange={(products) => setConfig(withSelection({ products }))}
            />
          </div>
        )}
        {tab === 'Supersedence Rules' && (
          <SupersedenceRules
            rule={config.supersedence ?? { expire: 'never', months: 3 }}
            disabled={readOnly}
            error={settingErrors['supersedence.months']}
            onChange={(supersedence) => setConfig({ ...config, supersedence })}
          />
        )}
        {tab === 'Languages' && (
          <fieldset disabled={readOnly}>
            {inherited}
            <legend>Summary details languages</legend>
            <p className="muted">The languages of update titles and descriptions kept in the site database: every language Microsoft Update offers.</p>
            <div className="language-list">
              {UPDATE_LANGUAGES.map(({ code, name }) => (
                <label key={code} className="inline block">
                  <input
                    type="checkbox"
                    checked={config.languages.some((chosen) => chosen.toLowerCase() === code)}
                    onChange={(event) => setConfig({ ...config, languages: toggle(config.languages, code, event.target.checked) })}
                  />{' '}
                  {name}
                </label>
              ))}
            </div>
            <FieldError message={settingErrors.languages} />
          </fieldset>
        )}
      </div>
      {!readOnly && <ScopeChange site={site} saved={savedConfig} proposed={config} />}
      <FieldError message={banner} />
      <PropertyButtons
        saving={saving}
        onOk={() => void apply().then((ok) => ok && close(undefined))}
        onCancel={() => close(undefined)}
        onApply={() => void apply()}
      />
      {customizing && (
        <CustomScheduleDialog
          site={site}
          initial={schedule}
          onDone={(next) => {
            setCustomizing(false);
            if (next !== undefined) setSchedule(next);
          }}
        />
      )}
    </ModalDialog>
  );
}

/** The settings' problems by field path (source.url, proxy.url, retryMinutes, languages), in the schema's words. */
function configErrors(config: SupConfig): Record<string, string> {
  const checked = SupConfigSchema.safeParse(config);
  if (checked.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of checked.error.issues) errors[issue.path.join('.')] ??= issue.message;
  return errors;
}
