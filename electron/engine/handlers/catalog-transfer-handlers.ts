/**
 * Offline export and import of a site's catalog, for disconnected sites (WsusUtil export/import's job). An import is
 * a full synchronization from the export file, served on loopback for the time of the sync, so it has a run in the
 * history, "what changed", 6701/6702 and wsyncmgr.log lines like any other, and a site whose source is "Do not
 * synchronize" is kept current by imports alone.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { EventPayload, ImportedExport } from '../../../shared/contract';
import type { SiteCode } from '../../../shared/domain';
import { ApiError } from '../../../shared/errors';
import { writeCatalogExport } from '../catalog-transfer/catalog-exporter';
import { runTransfer } from './transfer-slot';
import { ExportFileCatalog } from '../catalog-transfer/export-file-catalog';
import { EXPORT_EXTENSION, EXPORT_FORMAT, ExportFileError, isExportFile, verifyExportFile, type VerifiedExport } from '../catalog-transfer/export-format';
import { describeImportScope } from '../../../shared/import-scope-text';
import { importScope } from '../catalog-transfer/import-scope';
import { categoryRows } from '../storage/categories';
import { readSetting } from '../storage/settings';
import { readSupConfig } from '../settings/sup-config';
import { SYNC_KEYS } from '../sync/sync-keys';
import { UpstreamService } from '../upstream/service/upstream-service';
import type { EngineContext, EngineHandlers } from './engine-context';

export interface CatalogTransferHost {
  /** The data folder's Exports folder, where Export Catalog… proposes to write. */
  exportsDir: string;
  /** Sites with an export or an import check under way (their blob store is not compacted meanwhile). */
  transfers: Map<SiteCode, AbortController>;
  emitProgress(payload: EventPayload<'transferProgress'>): void;
}

export function catalogTransferHandlers(
  engine: EngineContext,
  host: CatalogTransferHost,
): Pick<EngineHandlers, 'getCatalogTransferInfo' | 'exportCatalog' | 'importCatalog' | 'previewCatalogImport' | 'cancelCatalogTransfer'> {
  const { sites, syncs } = engine;
  const { transfers } = host;

  const progress = (site: SiteCode, operation: 'export' | 'verify') => (done: number, total: number) =>
    host.emitProgress({ site, operation, done, total, percent: total === 0 ? 100 : Math.min(100, Math.floor((done / total) * 100)) });

  /** One transfer per site at a time (transfer-slot.ts). */
  const transfer = <T>(site: SiteCode, work: (signal: AbortSignal) => Promise<T>): Promise<T> => runTransfer(transfers, site, work);

  const refuseWhileSyncing = (site: SiteCode) => {
    const state = syncs.state(site);
    if (state.running !== null || state.pending !== null) {
      throw new ApiError('NOT_ALLOWED', `${site} is synchronizing now: import the file when that synchronization ends, or cancel it first.`);
    }
  };

  /**
   * The file's checks (a full read of it), kept for the import that follows its preview: the same file, unchanged
   * since (size and time), is not read twice. Each record's own checksum is still checked as the import reads it.
   */
  let checked: { path: string; size: number; mtimeMs: number; verified: VerifiedExport } | undefined;
  const verifiedFile = async (site: SiteCode, path: string): Promise<VerifiedExport> => {
    const stats = existsSync(path) ? statSync(path) : undefined;
    if (checked !== undefined && stats !== undefined && checked.path === path && checked.size === stats.size && checked.mtimeMs === stats.mtimeMs) {
      return checked.verified;
    }
    const verified = await transfer(site, (signal) => verifyFile(path, progress(site, 'verify'), signal));
    if (stats !== undefined) checked = { path, size: stats.size, mtimeMs: stats.mtimeMs, verified };
    return verified;
  };

  /** What the import keeps of the file by the site's own selection. */
  const scopeOf = (site: SiteCode, catalog: ExportFileCatalog) => importScope(catalog, categoryRows(sites.database(site)), engine.supConfigOf(site));

  const summaryOf = (path: string, verified: VerifiedExport, catalog: ExportFileCatalog): ImportedExport => ({
    file: path,
    bytes: verified.bytes,
    sha256: verified.sha256,
    site: verified.header.site,
    siteName: verified.header.siteName,
    exportedAt: verified.header.exportedAt,
    contentVersion: verified.header.contentVersion,
    updates: catalog.updateCount(),
  });

  const checkTarget = (path: string) => {
    if (!isAbsolute(path)) throw new ApiError('BAD_REQUEST', `Enter a full path, not "${path}".`);
    const folder = dirname(path);
    if (!existsSync(folder)) throw new ApiError('FILE_ERROR', `The folder ${folder} does not exist: create it, or choose another place for the export.`);
    // An earlier export may be replaced; any other file is never overwritten by a slip of the path.
    if (existsSync(path) && !isExportFile(path)) {
      throw new ApiError('FILE_ERROR', `${path} already exists and is not a catalog export: choose another name, or move that file first.`);
    }
  };

  return {
    getCatalogTransferInfo: ({ site }) => {
      const code = sites.get(site).code;
      const stamp = engine.now().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
      const exports = existsSync(host.exportsDir)
        ? readdirSync(host.exportsDir)
            .filter((name) => name.endsWith(EXPORT_EXTENSION))
            .map((name) => {
              const file = join(host.exportsDir, name);
              const stats = statSync(file);
              return { file, bytes: stats.size, modifiedAt: stats.mtime.toISOString() };
            })
            .sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt))
        : [];
      return { defaultExportPath: join(host.exportsDir, `${code}-${stamp}${EXPORT_EXTENSION}`), exports };
    },

    exportCatalog: ({ site, path, skipDamaged }) => {
      const code = sites.get(site).code;
      const database = sites.database(code);
      if (path.startsWith(host.exportsDir)) mkdirSync(host.exportsDir, { recursive: true });
      checkTarget(path);
      return transfer(code, async (signal) => {
        // A child site's selection is its top-level site's: the one its catalog was synchronized with.
        const own = engine.supConfigOf(code);
        const top = readSupConfig(sites.database(engine.topLevelOf(code)));
        const summary = await writeCatalogExport({
          database,
          file: path,
          header: {
            format: EXPORT_FORMAT,
            product: 'Update Sync Console',
            site: code,
            siteName: sites.get(code).name,
            exportedAt: engine.now().toISOString(),
            contentVersion: readSetting<number>(database, SYNC_KEYS.contentVersion) ?? 0,
            settings: {
              products: own.products,
              classifications: own.classifications,
              languages: own.languages,
              ...(own.supersedence === undefined ? {} : { supersedence: own.supersedence }),
            },
            languages: top.languages,
          },
          onProgress: progress(code, 'export'),
          signal,
          skipDamaged,
        }).catch((error: unknown) => {
          // The damage it found is noted on the site: consoles show it at once.
          if (error instanceof ApiError && error.code === 'SITE_DAMAGED') engine.publishSites();
          throw error;
        });
        engine
          .logFor(code)
          .writeNow(
            `Exported the catalog to ${summary.file}: ${summary.updates} updates, ${summary.categories} categories and detectoids, ${summary.bytes} bytes, SHA-256 ${summary.sha256}.`,
          );
        if (summary.missing.length > 0) engine.publishSites();
        if (summary.missing.length > 0)
          engine
            .logFor(code)
            .writeNow(
              `WARNING: The export left out ${summary.missing.length} records whose stored metadata is damaged: ${summary.missing.map((entry) => entry.updateId).join(', ')}.`,
            );
        return summary;
      });
    },

    importCatalog: async ({ site, path, wait }) => {
      const code = sites.get(site).code;
      sites.database(code);
      engine.requireTopLevel(code, 'import a catalog export');
      refuseWhileSyncing(code);
      const verified = await verifiedFile(code, path);
      const catalog = new ExportFileCatalog(verified);
      const scope = scopeOf(code, catalog);
      const log = engine.logFor(code);
      const service = new UpstreamService({ catalog, onServeProblem: (message) => log.writeNow(`ERROR: ${message}`) });
      let started = false;
      try {
        const url = await service.listen(0, '127.0.0.1');
        refuseWhileSyncing(code);
        const { header } = verified;
        log.writeNow(
          `Catalog export ${path} passed its checks: site ${header.site}, exported ${header.exportedAt}, content version ${header.contentVersion}, SHA-256 ${verified.sha256}.`,
        );
        log.writeNow(describeImportScope(scope, code));
        const { done } = syncs.request(code, {
          kind: 'full',
          trigger: 'import',
          import: {
            url,
            serverName: `catalog export of ${header.site} (${basename(path)})`,
            file: path,
            exportedWith: header.settings,
            ...(verified.index.missing === undefined ? {} : { missing: verified.index.missing }),
            ...(scope.leftOut === 0 ? {} : { leftOut: describeImportScope(scope, code) }),
          },
        });
        started = true;
        const closed = done.finally(async () => {
          await service.close();
          catalog.close();
        });
        void closed.catch(() => undefined);
        return { export: summaryOf(path, verified, catalog), scope, run: wait ? engine.withNextRetry(await done) : null };
      } finally {
        if (!started) {
          await service.close();
          catalog.close();
        }
      }
    },

    previewCatalogImport: async ({ site, path }) => {
      const code = sites.get(site).code;
      engine.requireTopLevel(code, 'import a catalog export');
      const verified = await verifiedFile(code, path);
      const catalog = new ExportFileCatalog(verified);
      try {
        return { export: summaryOf(path, verified, catalog), scope: scopeOf(code, catalog) };
      } finally {
        catalog.close();
      }
    },

    cancelCatalogTransfer: ({ site }) => {
      const running = transfers.get(sites.get(site).code);
      running?.abort();
      return { cancelled: running !== undefined };
    },
  };
}

/** The file's checks, with a refusal the administrator can act on (nothing is changed by a refused file). */
async function verifyFile(path: string, onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<VerifiedExport> {
  try {
    return await verifyExportFile(path, onProgress, signal);
  } catch (error) {
    if (error instanceof ExportFileError) throw new ApiError('FILE_REFUSED', `${error.message} Nothing was imported.`);
    throw error;
  }
}
