/**
 * Every list of the console to a CSV file (exportList): the Update Repository with its filter, search and sort (all
 * rows, not those on screen), What changed in a run, the sync history, the status messages and Synchronization
 * Status. Progress arrives as transferProgress ("csv"); cancelCatalogTransfer stops it.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CHANGE_CSV, HISTORY_CSV, STATUS_CSV, SYNC_STATUS_CSV, UPDATE_CSV, type CsvColumns } from '../../../shared/csv';
import type { EventPayload } from '../../../shared/contract';
import type { SiteCode } from '../../../shared/domain';
import { ApiError } from '../../../shared/errors';
import { writeCsvFile } from '../lists/csv-file';
import { statusMessagesOf } from '../log/status-messages';
import { queryUpdates } from '../storage/repository-queries';
import { runChanges } from '../storage/runs';
import type { EngineContext, EngineHandlers } from './engine-context';
import { syncStatus } from './hierarchy-handlers';
import { runTransfer } from './transfer-slot';

const PAGE = 1_000;

export function listExportHandlers(
  engine: EngineContext,
  host: { exportsDir: string; transfers: Map<SiteCode, AbortController>; emitProgress(payload: EventPayload<'transferProgress'>): void },
): Pick<EngineHandlers, 'exportList'> {
  const { sites } = engine;
  return {
    exportList: ({ site, path, list, query, runId }) => {
      const code = sites.get(site).code;
      const database = sites.database(code);
      // The data folder's Exports folder (where Export List… proposes to write) is made when first used.
      if (dirname(path) === host.exportsDir) mkdirSync(host.exportsDir, { recursive: true, mode: 0o700 });
      if (!existsSync(dirname(path)))
        throw new ApiError('FILE_ERROR', `The folder ${dirname(path)} does not exist: create it, or choose another place for the list.`);
      // A list may replace an earlier list; any other file is never overwritten by a slip of the path.
      if (existsSync(path) && (statSync(path).isDirectory() || !/\.csv$/i.test(path)))
        throw new ApiError('FILE_ERROR', `${path} already exists and is not a .csv file: choose another name, or move that file first.`);
      const onProgress = (done: number, total: number) =>
        host.emitProgress({ site: code, operation: 'csv', done, total, percent: total === 0 ? 100 : Math.min(100, Math.floor((done / total) * 100)) });
      const write = <T>(columns: CsvColumns<T>, pages: AsyncIterable<T[]>, total: () => number) =>
        runTransfer(host.transfers, code, (signal) => writeCsvFile({ file: path, columns, pages, total, onProgress, signal }));
      const once = <T>(rows: T[]) => ({
        pages: (async function* () {
          for (let start = 0; start < rows.length || start === 0; start += PAGE) {
            yield rows.slice(start, start + PAGE);
            if (rows.length === 0) return;
          }
        })(),
        total: () => rows.length,
      });
      switch (list) {
        case 'updates': {
          let total = 0;
          const pages = (async function* () {
            for (let offset = 0; ; offset += PAGE) {
              const page = queryUpdates(database, {
                ...query,
                site: code,
                offset,
                limit: PAGE,
                sort: query?.sort ?? 'title',
                direction: query?.direction ?? 'asc',
                includeBundled: query?.includeBundled ?? false,
                includeRemoved: query?.includeRemoved ?? false,
              });
              total = page.total;
              yield page.rows;
              if (page.rows.length < PAGE || offset + PAGE >= page.total) return;
            }
          })();
          return write(UPDATE_CSV, pages, () => total);
        }
        case 'changes': {
          if (runId === undefined) throw new ApiError('BAD_REQUEST', 'runId: What changed is the list of one run: give its number.');
          if (engine.runsOf(code, 100_000).every((run) => run.runId !== runId)) throw new ApiError('NOT_FOUND', `${code} has no synchronization run ${runId}.`);
          const { pages, total } = once(runChanges(database, runId, query?.includeBundled ?? false));
          return write(CHANGE_CSV, pages, total);
        }
        case 'history': {
          const { pages, total } = once(engine.runsOf(code, Number.MAX_SAFE_INTEGER));
          return write(HISTORY_CSV, pages, total);
        }
        case 'status': {
          const { pages, total } = once(statusMessagesOf(database, code, Number.MAX_SAFE_INTEGER));
          return write(STATUS_CSV, pages, total);
        }
        case 'syncStatus': {
          const { pages, total } = once(syncStatus(engine));
          return write(SYNC_STATUS_CSV, pages, total);
        }
      }
    },
  };
}
