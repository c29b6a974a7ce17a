import { NotifyDetails } from './NotifyDetails';
import { siteDisplayName, type Site } from '../../shared/domain';
import { RepositoryTable } from '../repository/RepositoryTable';
import { SyncHistory } from './SyncHistory';
import { ComponentStatus } from './ComponentStatus';
import { StatusMessages } from './StatusMessages';
import { SyncRunCharts } from './SyncRunCharts';
import { SyncStatusTable } from './SyncStatusTable';
import { GettingStarted } from './GettingStarted';
import { SupDetails } from './SupDetails';
import type { TreeNode } from '../console-tree/tree-model';
import { atAndIn } from '../../shared/time-text';
import { useConsoleStore } from '../store/console-store';
import { siteState, SITE_STATE_LABELS } from '../status/site-state';
import { useNow } from '../status/use-now';
import { useRestoreScrollOnLeave } from '../layout/restore-scroll';

/** The centre pane: what the selected tree node holds. */
export function ResultPane({ node }: { node: TreeNode | undefined }) {
  const sites = useConsoleStore((state) => state.sites);
  const info = useConsoleStore((state) => state.info);
  const select = useConsoleStore((state) => state.select);
  const expandAll = useConsoleStore((state) => state.expandAll);
  const keepColumns = useRestoreScrollOnLeave<HTMLDivElement>();
  if (node === undefined) return <section className="result-pane" aria-label="Results" />;
  const site = sites.find((candidate) => candidate.code === node.site);

  let body;
  switch (node.kind) {
    case 'siteManagement':
      body = <HierarchyTable />;
      break;
    case 'site':
      body =
        site === undefined ? null : (
          <>
            <SiteDetails site={site} />
            <SyncHistory site={site.code} />
          </>
        );
      break;
    case 'siteDatabase':
      body = (
        <>
          <GettingStarted />
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
        </>
      );
      break;
    case 'updateRepository':
      body = <RepositoryTable filter={{}} />;
      break;
    case 'repositoryFilter':
      body = <RepositoryTable filter={node.filter ?? {}} />;
      break;
    case 'syncManagerStatus':
      body = node.site === undefined ? null : <StatusMessages site={node.site} />;
      break;
    case 'componentStatus':
      body = node.site === undefined ? null : <ComponentStatus site={node.site} />;
      break;
    case 'softwareUpdatePoint':
      body = site === undefined ? null : <SupDetails site={site} />;
      break;
    case 'emailNotification':
      body = site === undefined ? null : <NotifyDetails site={site.code} />;
      break;
    case 'syncStatus':
      body = (
        <>
          <SyncStatusTable />
          <SyncRunCharts />
        </>
      );
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
      <div className="pane-body" ref={keepColumns}>
        {body}
      </div>
    </section>
  );
}

function HierarchyTable() {
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const progress = useConsoleStore((state) => state.progress);
  const retry = useConsoleStore((state) => state.retrySync);
  // The Next Retry countdown ticks while one is shown; it disappears when the retry fires.
  const now = useNow(hierarchy.some((entry) => entry.nextRetry !== null));
  const when = (text: string | null | undefined) => (text === null || text === undefined ? '' : new Date(text).toLocaleString());
  return (
    <table className="list-view" aria-label="Sites">
      <thead>
        <tr>
          <th>Site Code</th>
          <th>Site Name</th>
          <th>Parent Site</th>
          <th>Last Synchronization</th>
          <th>Content Version</th>
          <th>Next Retry</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        {hierarchy.map((entry) => {
          const { site, lastRun, contentVersion, parentContentVersion, drift, nextRetry } = entry;
          const state = siteState(entry, progress[site.code] !== undefined);
          const retryDue = nextRetry !== null && state === 'failed' && Date.parse(nextRetry) > now;
          return (
            <tr key={site.code} className={state === 'damaged' || state === 'failed' ? 'row-error' : undefined}>
              <td>{site.code}</td>
              <td>{site.name}</td>
              <td>{site.parentCode ?? '(top-level site)'}</td>
              <td title={lastRun?.error ?? undefined}>
                {state === 'syncing'
                  ? 'Synchronizing…'
                  : lastRun === null
                    ? 'Never'
                    : `${lastRun.outcome} (${lastRun.kind}, ${lastRun.trigger}) ${when(lastRun.at)}`}
              </td>
              <td>{`${contentVersion}${parentContentVersion === null ? '' : ` (parent ${parentContentVersion})`}${drift ? ' — behind its parent' : ''}`}</td>
              <td>
                {retryDue && <span title={new Date(nextRetry).toLocaleString()}>{atAndIn(nextRetry, now)}</span>}
                {state === 'failed' && (
                  <button type="button" className="link-button" onClick={() => void retry(site.code)}>
                    Retry now
                  </button>
                )}
              </td>
              <td className={`site-state state-${state}`} title={state === 'failed' ? (lastRun?.error ?? undefined) : undefined}>
                {SITE_STATE_LABELS[state]}
              </td>
            </tr>
          );
        })}
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
      {site.blobDamage !== undefined && (
        <p className="callout warning" role="status">
          {site.blobDamage.message}
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
