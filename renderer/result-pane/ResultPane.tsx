import { siteDisplayName, type Site } from '../../shared/domain';
import type { TreeNode } from '../console-tree/tree-model';
import { useConsoleStore } from '../store/console-store';

/** The centre pane: what the selected tree node holds. */
export function ResultPane({ node }: { node: TreeNode | undefined }) {
  const sites = useConsoleStore((state) => state.sites);
  const info = useConsoleStore((state) => state.info);
  const select = useConsoleStore((state) => state.select);
  const expandAll = useConsoleStore((state) => state.expandAll);
  if (node === undefined) return <section className="result-pane" aria-label="Results" />;
  const site = sites.find((candidate) => candidate.code === node.site);

  let body;
  switch (node.kind) {
    case 'siteManagement':
      body = <SiteTable sites={sites} />;
      break;
    case 'site':
      body = site === undefined ? null : <SiteDetails site={site} />;
      break;
    case 'siteDatabase':
      body = (
        <dl className="details">
          <dt>Connected site</dt>
          <dd>{site === undefined ? 'none' : siteDisplayName(site)}</dd>
          <dt>Sites in the hierarchy</dt>
          <dd>{sites.length}</dd>
          <dt>Data folder</dt>
          <dd className="mono">{info?.dataDir ?? '…'}</dd>
          <dt>Console version</dt>
          <dd>{info?.version ?? '…'}</dd>
        </dl>
      );
      break;
    case 'updateRepository':
      body = <p className="empty">No software updates have been synchronized to {site?.code ?? 'this site'} yet.</p>;
      break;
    case 'syncManagerStatus':
      body = <p className="empty">SMS_WSUS_SYNC_MANAGER has reported no status messages for {node.site} yet.</p>;
      break;
    case 'softwareUpdatePoint':
      body = site === undefined ? null : <SiteDetails site={site} />;
      break;
    default:
      body = (
        <table className="list-view">
          <thead>
            <tr>
              <th>Name</th>
            </tr>
          </thead>
          <tbody>
            {node.children.map((child) => (
              <tr
                key={child.id}
                onDoubleClick={() => {
                  expandAll([node.id]);
                  select(child.id);
                }}
              >
                <td>
                  <img className="tree-icon" src={`./icons/${child.icon}.svg`} alt="" aria-hidden="true" />
                  {child.label}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      );
  }
  return (
    <section className="result-pane" aria-label="Results">
      <header className="pane-title">
        <img className="tree-icon" src={`./icons/${node.icon}.svg`} alt="" aria-hidden="true" />
        <h1>{node.label}</h1>
      </header>
      <div className="pane-body">{body}</div>
    </section>
  );
}

function SiteTable({ sites }: { sites: Site[] }) {
  return (
    <table className="list-view" aria-label="Sites">
      <thead>
        <tr>
          <th>Site Code</th>
          <th>Site Name</th>
          <th>Parent Site</th>
          <th>State</th>
          <th>Site Database</th>
        </tr>
      </thead>
      <tbody>
        {sites.map((site) => (
          <tr key={site.code} className={site.health.state === 'damaged' ? 'row-error' : undefined}>
            <td>{site.code}</td>
            <td>{site.name}</td>
            <td>{site.parentCode ?? '(top-level site)'}</td>
            <td>{site.health.state === 'ok' ? 'OK' : 'Damaged'}</td>
            <td className="mono">{site.databaseFile}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SiteDetails({ site }: { site: Site }) {
  return (
    <>
      {site.health.state === 'damaged' && (
        <p className="callout error" role="alert">
          {site.health.message}
        </p>
      )}
      <dl className="details">
        <dt>Site</dt>
        <dd>{siteDisplayName(site)}</dd>
        <dt>Parent site</dt>
        <dd>{site.parentCode ?? 'None (top-level site)'}</dd>
        <dt>Site database</dt>
        <dd className="mono">{site.databaseFile}</dd>
        <dt>Schema version</dt>
        <dd>{site.schemaVersion}</dd>
        <dt>Created</dt>
        <dd>{site.createdAt === '' ? 'unknown' : new Date(site.createdAt).toLocaleString()}</dd>
      </dl>
    </>
  );
}
