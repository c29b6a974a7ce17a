/** The Update Repository: pages of updates, one update's details, the folders, and the category list. */
import { ApiError } from '../../../shared/errors';
import { updateDetails } from '../repository/update-details';
import { listCategories } from '../storage/categories';
import { blobDamageOf } from '../storage/blob-damage';
import { queryUpdates, repositoryFolders } from '../storage/repository-queries';
import type { EngineContext, EngineHandlers } from './engine-context';

export function repositoryHandlers(
  engine: EngineContext,
): Pick<EngineHandlers, 'queryUpdates' | 'getUpdateDetails' | 'getRepositoryFolders' | 'listCategories'> {
  const { sites } = engine;
  return {
    queryUpdates: (query) => {
      const database = sites.database(query.site);
      const page = queryUpdates(database, query);
      const damaged = blobDamageOf(database).ids;
      if (damaged.size === 0) return page;
      return { ...page, rows: page.rows.map((row) => (damaged.has(row.updateId) ? { ...row, damaged: true as const } : row)) };
    },
    getUpdateDetails: ({ site, updateId }) => {
      const details = updateDetails(sites.database(site), updateId, engine.supConfigOf(site).languages);
      if (details === undefined) throw new ApiError('NOT_FOUND', `Site ${site} has no update ${updateId}.`);
      return details;
    },
    getRepositoryFolders: ({ site }) => repositoryFolders(sites.database(site)),
    // Categories are synchronized by the top-level site only; children show its list.
    listCategories: ({ site }) => listCategories(sites.database(engine.topLevelOf(site))),
  };
}
