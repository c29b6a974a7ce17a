import { useEffect, useState } from 'react';
import { SupConfigSchema, type SupConfig } from '../../../shared/domain';
import { errorText } from '../../../shared/errors';
import type { SyncSchedule } from '../../../shared/schedule/schedule-model';
import { useConsoleStore } from '../../store/console-store';
import type { Category } from '../ProductsTree';
import { scheduleErrors } from '../schedule-errors';

export const SUP_TABS = ['Sync Settings', 'Synchronization Schedule', 'Classifications', 'Products', 'Supersedence Rules', 'Languages'] as const;
export type SupTab = (typeof SUP_TABS)[number];

/** What the Software Update Point Properties dialog edits, loads and applies, apart from how it is drawn. */
export function useSupProperties(site: string) {
  const api = useConsoleStore((state) => state.api)!;
  const notify = useConsoleStore((state) => state.notify);
  const refresh = useConsoleStore((state) => state.refresh);
  const parentCode = useConsoleStore((state) => state.sites.find((candidate) => candidate.code === site)?.parentCode ?? null);
  const isChild = parentCode !== null;
  const [tab, setTab] = useState<SupTab>('Sync Settings');
  const [config, setConfig] = useState<SupConfig | undefined>();
  const [savedConfig, setSavedConfig] = useState<SupConfig | undefined>();
  const [schedule, setSchedule] = useState<SyncSchedule | undefined>();
  const [categories, setCategories] = useState<Category[]>([]);
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

  const settingErrors = config === undefined ? {} : configErrors(config);
  const errors = schedule === undefined ? {} : scheduleErrors(schedule);

  const apply = async (): Promise<boolean> => {
    if (config === undefined || schedule === undefined) return false;
    const keys = Object.keys(settingErrors);
    setError(undefined);
    if (keys.length > 0) {
      setTab(keys.includes('languages') ? 'Languages' : keys.some((key) => key.startsWith('supersedence')) ? 'Supersedence Rules' : 'Sync Settings');
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
      notify('info', `Software Update Point settings of ${site} saved.`);
      // What the menus offer follows the source (a site set to "Do not synchronize" offers no synchronization).
      void refresh();
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

  return {
    tab,
    setTab,
    config,
    setConfig,
    savedConfig,
    schedule,
    setSchedule,
    categories,
    parentCode,
    isChild,
    settingErrors,
    revealSettingErrors: refused === 'settings',
    errors,
    banner,
    saving,
    apply,
  };
}

/** The settings' problems by field path (source.url, proxy.url, retryMinutes, languages), in the schema's words. */
function configErrors(config: SupConfig): Record<string, string> {
  const checked = SupConfigSchema.safeParse(config);
  if (checked.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of checked.error.issues) errors[issue.path.join('.')] ??= issue.message;
  return errors;
}

/** A new choice of products or classifications replaces the names an earlier version kept for them. */
export function withSelection(config: SupConfig, changes: Partial<Pick<SupConfig, 'products' | 'classifications'>>): SupConfig {
  const left = {
    products: changes.products === undefined ? (config.unresolvedNames?.products ?? []) : [],
    classifications: changes.classifications === undefined ? (config.unresolvedNames?.classifications ?? []) : [],
  };
  const { unresolvedNames: _names, ...rest } = config;
  return { ...rest, ...changes, ...(left.products.length + left.classifications.length > 0 ? { unresolvedNames: left } : {}) };
}

export const toggle = (list: string[], id: string, on: boolean) => (on ? [...new Set([...list, id])] : list.filter((item) => item !== id));
