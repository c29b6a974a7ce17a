/** The Software Update Point's settings: source, products, classifications, languages, proxy, retry interval. */
import type { ApiResult } from '../../../shared/contract';
import { DEFAULT_STALL_MINUTES, describeSyncSource, type SiteCode, type SupConfig, type SyncSource } from '../../../shared/domain';
import { ApiError } from '../../../shared/errors';
import { UPDATE_LANGUAGES } from '../../../shared/languages';
import type { UpstreamClient } from '../upstream/client/upstream-client';
import type { ClientSettings } from '../upstream/sync-source';
import { categoryRows, detectoidIds } from '../storage/categories';
import { describeMismatch, matchCategory } from '../settings/category-selection';

import { offeredCategories } from '../settings/upstream-categories';
import { inTransaction } from '../storage/transaction';
import { previewScope } from '../repository/scope-preview';
import { readSupConfig, withoutSecrets, writeSupConfig } from '../settings/sup-config';
import type { EngineContext, EngineHandlers } from './engine-context';

export function supConfigHandlers(
  engine: EngineContext,
  connect: (source: SyncSource, settings: ClientSettings) => Promise<UpstreamClient>,
): Pick<EngineHandlers, 'getSupConfig' | 'previewSupScope' | 'setSupConfig' | 'resolveCategories'> {
  return {
    resolveCategories: ({ site, products, classifications }) => resolveCategories(engine, connect, site, products, classifications),
    getSupConfig: ({ site }) => engine.supConfigOf(site),
    previewSupScope: ({ site, config }) => previewScope(engine.sites.database(engine.topLevelOf(site)), engine.supConfigOf(site), config, engine.now()),
    setSupConfig: ({ site, config }) => {
      const database = engine.sites.database(site);
      refuseUnknownLanguages(config.languages);
      if (engine.sites.get(site).parentCode !== null) {
        // A child keeps only its source (its parent, or a parent elsewhere) and its retry interval.
        const top = engine.supConfigOf(engine.topLevelOf(site));
        const owned = (['products', 'classifications', 'languages'] as const).filter((key) => JSON.stringify(config[key]) !== JSON.stringify(top[key]));
        if (owned.length > 0) engine.requireTopLevel(site, `change the ${owned.join(', ')} of the Software Update Point`);
        // 'parent' (or 'sample', as earlier versions said it) means its parent here; 'upstream' a parent elsewhere.
        if (config.source.kind !== 'upstream' && config.source.kind !== 'parent' && config.source.kind !== 'sample') {
          throw new ApiError('BAD_REQUEST', `A child site synchronizes from its parent: its source can only be the parent's URL.`);
        }
        const own = readSupConfig(database);
        const next = config.source.kind === 'upstream' ? config.source : { kind: 'parent' as const, site: engine.sites.get(site).parentCode! };
        logSettingChanges(engine, site, own, { ...own, source: next, retryMinutes: config.retryMinutes });
        inTransaction(database, () =>
          writeSupConfig(database, {
            ...own,
            source: config.source.kind === 'upstream' ? config.source : { kind: 'parent', site: engine.sites.get(site).parentCode! },
            retryMinutes: config.retryMinutes,
          }),
        );
        database.save();
        return engine.supConfigOf(site);
      }
      if (config.source.kind === 'parent') throw new ApiError('BAD_REQUEST', `${site} is the top-level site: it has no parent to synchronize from.`);
      // The password goes to the credential store: absent keeps the saved one (the console never has it), '' forgets it.
      const password = config.proxy?.password;
      if (config.proxy === undefined) engine.credentials.setProxyPassword(site, undefined);
      else if (password !== undefined) engine.credentials.setProxyPassword(site, password === '' ? undefined : password);
      logSettingChanges(engine, site, readSupConfig(database), config);
      inTransaction(database, () => writeSupConfig(database, withoutSecrets(config)));
      database.save();
      // Set to "Do not synchronize", a site has nothing left to retry: a pending retry would only fail again.
      if (config.source.kind === 'none') engine.retries.forget(site);
      return engine.supConfigOf(site);
    },
  };
}

/** A language code Microsoft Update does not offer would silently bring no text: refused, with the nearest codes. */
function refuseUnknownLanguages(languages: readonly string[]): void {
  const known = new Set(UPDATE_LANGUAGES.map((language) => language.code));
  const unknown = languages.filter((code) => code !== 'all' && !known.has(code.toLowerCase()));
  if (unknown.length === 0) return;
  const near = (code: string) =>
    UPDATE_LANGUAGES.filter((language) => language.code.startsWith(code.slice(0, 2).toLowerCase())).map((language) => `${language.code} (${language.name})`);
  throw new ApiError(
    'BAD_REQUEST',
    `Microsoft Update offers no language ${unknown.map((code) => `"${code}"${near(code).length > 0 ? ` (did you mean ${near(code).join(', ')}?)` : ''}`).join(', ')}. The languages are: ${UPDATE_LANGUAGES.map((language) => language.code).join(', ')}.`,
  );
}

/**
 * Names and IDs against the top-level site's categories, then, for any the site does not list, against the
 * upstream's categories as they are now (fetched as a first sync would, through the site's proxy).
 */
async function resolveCategories(
  engine: EngineContext,
  connect: (source: SyncSource, settings: ClientSettings) => Promise<UpstreamClient>,
  site: SiteCode,
  products: string[],
  classifications: string[],
): Promise<ApiResult<'resolveCategories'>> {
  const top = engine.topLevelOf(site);
  const database = engine.sites.database(top);
  const known = categoryRows(database);
  const inputs = [
    ...products.map((input) => ({ input, kind: 'product' as const })),
    ...classifications.map((input) => ({ input, kind: 'classification' as const })),
  ];
  let matches = inputs.map(({ input, kind }) => matchCategory(known, input, kind));
  let askedUpstream = false;
  let upstreamError: string | undefined;
  if (matches.some((match) => match.id === undefined)) {
    const config = await engine.configFor(top);
    if (config.source.kind === 'none') upstreamError = 'the site is set to "Do not synchronize": only the categories it holds are known';
    else {
      askedUpstream = true;
      let client: UpstreamClient | undefined;
      try {
        client = await connect(config.source, {
          ...(config.proxy === undefined ? {} : { proxy: config.proxy }),
          ...(config.extraCaCertificates === undefined ? {} : { extraCaCertificates: config.extraCaCertificates }),
        });
        const { rows } = await offeredCategories(client, known, detectoidIds(database));
        const all = [...known, ...rows.filter((row) => !known.some((other) => other.id === row.id))];
        matches = inputs.map(({ input, kind }) => matchCategory(all, input, kind));
      } catch (error) {
        upstreamError = `the upstream server's categories could not be read (${error instanceof Error ? error.message : String(error)})`;
      } finally {
        await client?.close().catch(() => undefined);
      }
    }
  }
  return {
    matches: matches.map((match) =>
      match.id !== undefined
        ? { input: match.input, kind: match.kind, id: match.id, name: match.name, candidates: [] }
        : {
            input: match.input,
            kind: match.kind,
            problem: match.problem,
            message: describeMismatch(match),
            candidates: match.candidates.map(({ id, name, type }) => ({ id, name, type })),
          },
    ),
    askedUpstream,
    ...(upstreamError === undefined ? {} : { upstreamError }),
  };
}

/**
 * What changed, in the site's wsyncmgr.log, as ConfigMgr logs a changed Software Update Point: the source said in full
 * (from what, to what), the other settings by name. A save that changes nothing writes nothing.
 */
function logSettingChanges(engine: EngineContext, site: SiteCode, before: SupConfig, after: SupConfig): void {
  const log = engine.logFor(site);
  if (JSON.stringify(before.source) !== JSON.stringify(after.source)) {
    log.writeNow(`Synchronization source changed from ${describeSyncSource(before.source)} to ${describeSyncSource(after.source)}.`);
  }
  const sorted = (items: readonly string[]) => JSON.stringify([...items].map((item) => item.toLowerCase()).sort());
  const changed = [
    sorted(before.products) !== sorted(after.products) && 'products',
    sorted(before.classifications) !== sorted(after.classifications) && 'classifications',
    sorted(before.languages) !== sorted(after.languages) && 'languages',
    before.retryMinutes !== after.retryMinutes && 'retry interval',
    (before.stallMinutes ?? DEFAULT_STALL_MINUTES) !== (after.stallMinutes ?? DEFAULT_STALL_MINUTES) && 'stall limit',
    JSON.stringify(before.proxy?.url ?? null) !== JSON.stringify(after.proxy?.url ?? null) && 'proxy server',
    JSON.stringify(before.supersedence ?? null) !== JSON.stringify(after.supersedence ?? null) && 'supersedence rules',
  ].filter((name): name is string => name !== false);
  if (changed.length > 0) log.writeNow(`Software Update Point settings changed: ${changed.join(', ')}.`);
}
