/** What Export List… writes for a tree node: the list its result pane shows, as it is filtered, searched and sorted. */
import type { TreeNode } from '../console-tree/tree-model';
import type { ApiParams } from '../../shared/contract';
import type { RepositoryView } from '../store/console-state';

/** A list to export: which, as it is filtered, searched and sorted, and what to call it. */
export type ListExport = Pick<ApiParams<'exportList'>, 'list' | 'query' | 'runId'> & { site: string; title: string };

export function listExportFor(node: TreeNode, repository: RepositoryView, connectedSite: string): ListExport | undefined {
  const site = node.site;
  switch (node.kind) {
    case 'updateRepository':
    case 'repositoryFilter': {
      if (site === undefined) return undefined;
      const filter = node.kind === 'repositoryFilter' ? (node.filter ?? {}) : {};
      // The grid's sort and search when it shows this site; the folder's own filter either way.
      const shown = repository.site === site;
      return {
        site,
        title: node.kind === 'updateRepository' ? 'Update Repository' : `Update Repository, ${node.name ?? node.label}`,
        list: 'updates',
        query: {
          sort: shown ? repository.sort : 'title',
          direction: shown ? repository.direction : 'asc',
          ...(shown && repository.search.trim() !== '' ? { search: repository.search.trim() } : {}),
          ...(filter.classificationId === undefined ? {} : { classificationId: filter.classificationId }),
          ...(filter.productId === undefined ? {} : { productId: filter.productId }),
        },
      };
    }
    case 'syncManagerStatus':
      return site === undefined ? undefined : { site, title: `status messages of ${site}`, list: 'status' };
    case 'site':
      return site === undefined ? undefined : { site, title: `synchronization history of ${site}`, list: 'history' };
    case 'syncStatus':
      return { site: connectedSite, title: 'Synchronization Status', list: 'syncStatus' };
    default:
      return undefined;
  }
}
