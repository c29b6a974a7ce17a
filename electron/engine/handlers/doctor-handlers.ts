/** The pre-flight check of a site: its upstream path (doctor/preflight.ts), its disk, and its database's integrity. */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PreflightCheck } from '../../../shared/contract';
import { describeSyncSource, type SupConfig, type SyncSource } from '../../../shared/domain';
import { checkDiskSpace, checkUpstream, skipped, step } from '../doctor/preflight';
import { SiteDatabase } from '../storage/site-database';
import { categoryRows, detectoidIds } from '../storage/categories';
import { integrityProblems, verifyBlobRecords } from '../storage/integrity';
import { readKeptConfig } from '../sync/upstream-config';
import type { EngineContext, EngineHandlers } from './engine-context';

export function doctorHandlers(
  engine: EngineContext,
  urlOf: (source: SyncSource) => Promise<string>,
  account?: { accountName: string; accountGuid: string },
): Pick<EngineHandlers, 'runPreflight'> {
  return {
    runPreflight: async ({ site, config: proposed }) => {
      const code = engine.sites.get(site).code;
      const database = engine.sites.database(code);
      const checks: PreflightCheck[] = [];
      const entry = engine.sites.get(code);
      if (proposed !== undefined) engine.requireTopLevel(code, 'test settings that are not applied');
      const own = proposed ?? engine.supConfigOf(code);
      // A child served by its parent inside this engine has no network path of its own: asking for its effective
      // settings would start serving the parent, which a check must not do.
      if (entry.parentCode !== null && own.source.kind !== 'upstream') {
        checks.push(skipped('Upstream', `${code} synchronizes from its parent site ${entry.parentCode} inside this engine`));
      } else if (own.source.kind === 'none') {
        checks.push(skipped('Upstream', `the sync source is "${describeSyncSource(own.source)}"`));
      } else {
        const config = proposed === undefined ? await engine.configFor(code) : withSavedPassword(proposed, engine.credentials.proxyPassword(code));
        const url = await urlOf(config.source);
        const kept = readKeptConfig(database, url);
        checks.push(
          ...(await checkUpstream(
            {
              url,
              languages: config.languages,
              ...(account === undefined ? {} : { account }),
              ...(kept === undefined ? {} : { kept }),
              selection: {
                products: config.products,
                classifications: config.classifications,
                ...(config.unresolvedNames === undefined ? {} : { unresolvedNames: config.unresolvedNames }),
                known: categoryRows(database),
                detectoids: detectoidIds(database),
              },
              ...(config.proxy === undefined ? {} : { proxy: config.proxy }),
              ...(config.extraCaCertificates === undefined ? {} : { extraCaCertificates: config.extraCaCertificates }),
            },
            engine.now,
          )),
        );
      }
      const files = [database.file, database.journalFile, SiteDatabase.blobFileOf(database.file, database.blobGeneration)];
      checks.push(
        await checkDiskSpace(
          dirname(database.file),
          files.filter(existsSync).reduce((sum, file) => sum + statSync(file).size, 0),
        ),
      );
      checks.push(
        await step(
          'Site database integrity',
          async () => {
            const problems = integrityProblems(database);
            if (problems.length > 0)
              return { ok: false, detail: problems.slice(0, 5).join('; '), hint: `Restore the previous version: usc site restore --site ${code}.` };
            const records = verifyBlobRecords(database);
            return { detail: `PRAGMA integrity_check: ok; ${records.toLocaleString('en-US')} metadata records in the blob store, every checksum matches` };
          },
          () => 'A damaged metadata record fails only its update; a full synchronization fetches it again. A damaged site database: usc site restore.',
        ),
      );
      return { site: code, ok: checks.every((check) => check.ok), checks };
    },
  };
}

/**
 * Settings proposed in the dialog, as a sync would use them: the console never has the saved proxy password, so a
 * proxy without a typed one is tested with the saved one.
 */
function withSavedPassword(config: SupConfig, saved: string | undefined): SupConfig {
  if (config.proxy === undefined || config.proxy.password !== undefined || saved === undefined) return config;
  return { ...config, proxy: { ...config.proxy, password: saved } };
}
