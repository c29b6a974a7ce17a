/** The console tree of SPEC §6, built from the engine's sites. Pure, so it is tested without a browser. */
import { siteDisplayName, type Site, type SiteCode } from '../../shared/domain';

export type NodeKind =
  | 'console'
  | 'siteDatabase'
  | 'siteManagement'
  | 'site'
  | 'siteSettings'
  | 'componentConfiguration'
  | 'softwareUpdatePoint'
  | 'emailNotification'
  | 'computerManagement'
  | 'softwareUpdates'
  | 'updateRepository'
  | 'repositoryFolder'
  | 'repositoryFilter'
  | 'systemStatus'
  | 'siteStatus'
  | 'siteStatusSite'
  | 'componentStatus'
  | 'syncManagerStatus'
  | 'monitoring'
  | 'syncStatus';

export type IconName = 'console' | 'database' | 'folder' | 'site' | 'site-damaged' | 'component' | 'repository' | 'status';

export interface TreeNode {
  id: string;
  label: string;
  kind: NodeKind;
  icon: IconName;
  site?: SiteCode;
  /** For Update Repository sub-folders: the list filter they stand for. */
  filter?: { classificationId?: string; productId?: string };
  /** For folders with a count: the name and the count apart (the label holds both), so a long name can be shortened and the count stays. */
  name?: string;
  count?: string;
  children: TreeNode[];
}

export interface FolderCounts {
  classifications: Array<{ id: string; name: string; count: number }>;
  products: Array<{ id: string; name: string; count: number }>;
}

function node(id: string, label: string, kind: NodeKind, icon: IconName, children: TreeNode[] = [], site?: SiteCode): TreeNode {
  return site === undefined ? { id, label, kind, icon, children } : { id, label, kind, icon, children, site };
}

function countedFolder(id: string, item: { name: string; count: number }, site?: SiteCode): TreeNode {
  const count = item.count.toLocaleString('en-US');
  return { ...node(id, `${item.name} (${count})`, 'repositoryFilter', 'repository', [], site), name: item.name, count };
}

/** The site the console is connected to: the top-level site (the one without a parent). */
export function connectedSite(sites: Site[]): Site | undefined {
  return sites.find((site) => site.parentCode === null && site.health.state === 'ok') ?? sites[0];
}

export function buildConsoleTree(sites: Site[], connectedCode?: string, folders: FolderCounts = { classifications: [], products: [] }): TreeNode {
  const top = sites.find((site) => site.code === connectedCode && site.health.state === 'ok') ?? connectedSite(sites);
  const childrenOf = (parent: SiteCode | null): Site[] => sites.filter((site) => site.parentCode === parent).sort((a, b) => a.code.localeCompare(b.code));
  // Sites whose parent is unknown still appear, at the top, so nothing is hidden.
  const known = new Set(sites.map((site) => site.code));
  const roots = sites.filter((site) => site.parentCode === null || !known.has(site.parentCode));

  const siteNode = (site: Site): TreeNode =>
    node(
      `site:${site.code}`,
      siteDisplayName(site),
      'site',
      site.health.state === 'ok' ? 'site' : 'site-damaged',
      [
        ...(site.health.state === 'ok'
          ? [
              node(
                `site:${site.code}/settings`,
                'Site Settings',
                'siteSettings',
                'folder',
                [
                  node(
                    `site:${site.code}/components`,
                    'Component Configuration',
                    'componentConfiguration',
                    'folder',
                    [
                      node(`site:${site.code}/sup`, 'Software Update Point', 'softwareUpdatePoint', 'component', [], site.code),
                      // Notifications are a top-level site's settings; its child sites' runs are told by them.
                      ...(site.parentCode === null
                        ? [node(`site:${site.code}/notify`, 'E-mail Notification', 'emailNotification', 'component', [], site.code)]
                        : []),
                    ],
                    site.code,
                  ),
                ],
                site.code,
              ),
            ]
          : []),
        ...childrenOf(site.code).map(siteNode),
      ],
      site.code,
    );

  const statusNode = (site: Site): TreeNode =>
    node(
      `status:${site.code}`,
      siteDisplayName(site),
      'siteStatusSite',
      'site',
      [
        node(
          `status:${site.code}/components`,
          'Component Status',
          'componentStatus',
          'status',
          [node(`status:${site.code}/wsyncmgr`, 'SMS_WSUS_SYNC_MANAGER', 'syncManagerStatus', 'status', [], site.code)],
          site.code,
        ),
      ],
      site.code,
    );

  const databaseLabel = top === undefined ? 'Site Database' : `Site Database  (${siteDisplayName(top)})`;
  return node('console', 'Update Sync Console', 'console', 'console', [
    node(
      'sitedb',
      databaseLabel,
      'siteDatabase',
      'database',
      [
        node('site-management', 'Site Management', 'siteManagement', 'folder', roots.map(siteNode)),
        node('computer-management', 'Computer Management', 'computerManagement', 'folder', [
          node(
            'software-updates',
            'Software Updates',
            'softwareUpdates',
            'folder',
            [
              node(
                'update-repository',
                'Update Repository',
                'updateRepository',
                'repository',
                folders.classifications.length + folders.products.length === 0
                  ? []
                  : [
                      node(
                        'repository-classifications',
                        'Update Classifications',
                        'repositoryFolder',
                        'folder',
                        folders.classifications.map((item) => ({
                          ...countedFolder(`repository-classification:${item.id}`, item, top?.code),
                          filter: { classificationId: item.id },
                        })),
                        top?.code,
                      ),
                      node(
                        'repository-products',
                        'Products',
                        'repositoryFolder',
                        'folder',
                        folders.products.map((item) => ({
                          ...countedFolder(`repository-product:${item.id}`, item, top?.code),
                          filter: { productId: item.id },
                        })),
                        top?.code,
                      ),
                    ],
                top?.code,
              ),
            ],
            top?.code,
          ),
        ]),
        node('system-status', 'System Status', 'systemStatus', 'folder', [node('site-status', 'Site Status', 'siteStatus', 'folder', sites.map(statusNode))]),
        // As MECM's Monitoring / Software Update Point Synchronization Status: every site of the hierarchy in one view.
        node('monitoring', 'Monitoring', 'monitoring', 'folder', [node('sync-status', 'Synchronization Status', 'syncStatus', 'status')]),
      ],
      top?.code,
    ),
  ]);
}

/** The nodes a keyboard user moves through: depth-first, skipping the children of collapsed nodes. */
export function visibleNodes(root: TreeNode, expanded: ReadonlySet<string>): Array<{ node: TreeNode; depth: number; parentId: string | null }> {
  const rows: Array<{ node: TreeNode; depth: number; parentId: string | null }> = [];
  const walk = (current: TreeNode, depth: number, parentId: string | null): void => {
    rows.push({ node: current, depth, parentId });
    if (expanded.has(current.id)) for (const child of current.children) walk(child, depth + 1, current.id);
  };
  walk(root, 0, null);
  return rows;
}

export function findNode(root: TreeNode, id: string): TreeNode | undefined {
  if (root.id === id) return root;
  for (const child of root.children) {
    const found = findNode(child, id);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Ids of the path to a node, to expand everything above it. */
export function pathTo(root: TreeNode, id: string): string[] | undefined {
  if (root.id === id) return [root.id];
  for (const child of root.children) {
    const path = pathTo(child, id);
    if (path !== undefined) return [root.id, ...path];
  }
  return undefined;
}

export const DEFAULT_EXPANDED = ['console', 'sitedb', 'site-management', 'computer-management', 'software-updates'];
