/** The Update Repository grid: one query at a time, fetched page by page as the grid scrolls. */
import type { ApiParams, UpdateRow } from '../../shared/contract';
import { errorText } from '../../shared/errors';
import { RowCache } from '../repository/row-cache';
import type { RepositorySlice, RepositoryView, Slice } from './console-state';

export const REPOSITORY_PAGE_SIZE = 200;
/** Pages of rows kept while scrolling (10,000 rows); older pages are fetched again when scrolled back to. */
const REPOSITORY_CACHED_PAGES = 50;

export const repositorySlice: Slice<RepositorySlice> = (set, get) => ({
  repository: {
    site: 'CEN',
    total: 0,
    generation: 0,
    sort: 'title',
    direction: 'asc',
    search: '',
    classificationId: undefined,
    productId: undefined,
    loading: false,
    error: undefined,
  },
  repositoryRows: new RowCache<UpdateRow>(REPOSITORY_PAGE_SIZE, REPOSITORY_CACHED_PAGES),
  repositoryVersion: 0,
  folders: { classifications: [], products: [] },

  async loadRepository(changes = {}) {
    const { api } = get();
    if (api === undefined) return;
    const rows = new RowCache<UpdateRow>(REPOSITORY_PAGE_SIZE, REPOSITORY_CACHED_PAGES);
    const view: RepositoryView = {
      ...get().repository,
      ...changes,
      site: get().connectedSite,
      generation: get().repository.generation + 1,
      loading: true,
      error: undefined,
    };
    set({ repository: view, repositoryRows: rows, repositoryVersion: get().repositoryVersion + 1 });
    try {
      // The folder counts change only with a sync: fetched on refresh, not with every sort or search.
      const wantFolders = Object.keys(changes).length === 0;
      rows.markPending(0);
      const [page, folders] = await Promise.all([
        api.queryUpdates(repositoryQuery(view, 0)),
        wantFolders ? api.getRepositoryFolders({ site: view.site }) : Promise.resolve(get().folders),
      ]);
      if (get().repository.generation !== view.generation) return;
      rows.put(0, page.rows);
      set({ repository: { ...view, total: page.total, loading: false }, folders, repositoryVersion: get().repositoryVersion + 1 });
    } catch (error) {
      if (get().repository.generation !== view.generation) return;
      rows.forget(0);
      const message = errorText(error);
      set({ repository: { ...view, loading: false, error: message } });
      get().notify('error', message);
    }
  },

  refreshRepositoryLive() {
    const { api, repository: view } = get();
    if (api === undefined || view.loading) return;
    const rows = new RowCache<UpdateRow>(REPOSITORY_PAGE_SIZE, REPOSITORY_CACHED_PAGES, get().repositoryRows);
    const next: RepositoryView = { ...view, generation: view.generation + 1 };
    set({ repository: next, repositoryRows: rows, repositoryVersion: get().repositoryVersion + 1 });
    // An empty grid has no rows on screen to ask for: its first page tells whether there is anything now.
    if (view.total === 0) get().ensureRepositoryRows(0, 0);
  },

  ensureRepositoryRows(first, last) {
    const { api, repository: view, repositoryRows: rows } = get();
    if (api === undefined || view.loading) return;
    // An empty result still asks for its first page when told to: that is how it learns rows have arrived.
    for (const page of rows.missingPages(Math.max(0, first), Math.min(last, Math.max(0, view.total - 1)))) {
      rows.markPending(page);
      api.queryUpdates(repositoryQuery(view, page * REPOSITORY_PAGE_SIZE)).then(
        (result) => {
          if (get().repository.generation !== view.generation) return;
          rows.put(page, result.rows);
          // The repository can change under a scrolling grid (a sync finished): the newest count wins.
          set({
            repositoryVersion: get().repositoryVersion + 1,
            ...(result.total === get().repository.total ? {} : { repository: { ...get().repository, total: result.total } }),
          });
        },
        (error: unknown) => {
          rows.forget(page);
          if (get().repository.generation === view.generation) get().notify('error', errorText(error));
        },
      );
    }
  },
});

function repositoryQuery(view: RepositoryView, offset: number): ApiParams<'queryUpdates'> {
  return {
    site: view.site,
    offset,
    limit: REPOSITORY_PAGE_SIZE,
    sort: view.sort,
    direction: view.direction,
    ...(view.search.trim() === '' ? {} : { search: view.search.trim() }),
    ...(view.classificationId === undefined ? {} : { classificationId: view.classificationId }),
    ...(view.productId === undefined ? {} : { productId: view.productId }),
  };
}
