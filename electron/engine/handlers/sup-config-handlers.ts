/** The Software Update Point's settings: source, products, classifications, languages, proxy, retry interval. */
import { ApiError } from '../../../shared/errors';
import { inTransaction } from '../sites/transaction';
import { previewScope } from '../sync/scope-preview';
import { readSupConfig, withoutSecrets, writeSupConfig } from '../sync/sup-config';
import type { EngineContext, EngineHandlers } from './engine-context';

export function supConfigHandlers(engine: EngineContext): Pick<EngineHandlers, 'getSupConfig' | 'previewSupScope' | 'setSupConfig'> {
  return {
    getSupConfig: ({ site }) => engine.supConfigOf(site),
    previewSupScope: ({ site, config }) => previewScope(engine.sites.database(engine.topLevelOf(site)).db, engine.supConfigOf(site), config, engine.now()),
    setSupConfig: ({ site, config }) => {
      const database = engine.sites.database(site);
      if (engine.sites.get(site).parentCode !== null) {
        // A child keeps only its source (its parent, or a parent elsewhere) and its retry interval.
        const top = engine.supConfigOf(engine.topLevelOf(site));
        const owned = (['products', 'classifications', 'languages'] as const).filter((key) => JSON.stringify(config[key]) !== JSON.stringify(top[key]));
        if (owned.length > 0) engine.requireTopLevel(site, `change the ${owned.join(', ')} of the Software Update Point`);
        // 'parent' (or 'sample', as earlier versions said it) means its parent here; 'upstream' a parent elsewhere.
        if (config.source.kind !== 'upstream' && config.source.kind !== 'parent' && config.source.kind !== 'sample') {
          throw new ApiError('BAD_REQUEST', `A child site synchronizes from its parent: its source can only be the parent's URL.`);
        }
        const own = readSupConfig(database.db);
        inTransaction(database.db, () =>
          writeSupConfig(database.db, {
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
      inTransaction(database.db, () => writeSupConfig(database.db, withoutSecrets(config)));
      database.save();
      return engine.supConfigOf(site);
    },
  };
}
