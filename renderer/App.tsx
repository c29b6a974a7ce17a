import { useEffect, useMemo } from 'react';
import { ConsoleTree } from './console-tree/ConsoleTree';
import { buildConsoleTree, connectedSite, findNode } from './console-tree/tree-model';
import { CatalogTransferDialog } from './dialogs/CatalogTransferDialog';
import { ExportListDialog } from './dialogs/ExportListDialog';
import { NotifyPropertiesDialog } from './dialogs/NotifyPropertiesDialog';
import { DeleteSiteDialog } from './dialogs/DeleteSiteDialog';
import { NewChildSiteDialog } from './dialogs/NewChildSiteDialog';
import { SitePropertiesDialog } from './dialogs/SitePropertiesDialog';
import { SupPropertiesDialog } from './properties/SupPropertiesDialog';
import { SplitPanes } from './layout/PaneSplitter';
import { cyclePanes } from './layout/pane-cycle';
import { LogPane } from './log-pane/LogPane';
import { ResultPane } from './result-pane/ResultPane';
import { useConsoleStore } from './store/console-store';
import { Notices, StatusBar } from './status/StatusBar';
import { SitePicker } from './dialogs/SitePicker';

export function App() {
  const sites = useConsoleStore((state) => state.sites);
  const selectedId = useConsoleStore((state) => state.selectedId);
  const refresh = useConsoleStore((state) => state.refresh);
  const loading = useConsoleStore((state) => state.loading);
  const connected = useConsoleStore((state) => state.connectedSite);
  const connectTo = useConsoleStore((state) => state.connectTo);
  const dialog = useConsoleStore((state) => state.dialog);
  const folders = useConsoleStore((state) => state.folders);
  const tree = useMemo(() => buildConsoleTree(sites, connected, folders), [sites, connected, folders]);
  const selected = findNode(tree, selectedId);
  const logSite = selected?.site ?? connectedSite(sites)?.code ?? connected;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'F5') {
        event.preventDefault();
        void refresh();
      }
      // A modal dialog keeps the keyboard: F6 moves between panes only when none is open.
      if (event.key === 'F6' && document.querySelector('[role="dialog"][aria-modal="true"]') === null) {
        if (cyclePanes(document, event.shiftKey ? -1 : 1)) event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [refresh]);

  return (
    <div className="console">
      <header className="toolbar" role="toolbar" aria-label="Console toolbar">
        <img src="./icons/console.svg" alt="" className="app-icon" />
        <span className="app-title">Update Sync Console</span>
        <button type="button" onClick={() => void refresh()} disabled={loading} title="Refresh (F5)">
          Refresh
        </button>
        <label className="site-picker">
          Site database:
          <SitePicker sites={sites.filter((site) => site.health.state === 'ok')} value={connected} onChange={connectTo} label="Connected site" />
        </label>
      </header>
      <main className="panes">
        <nav className="tree-pane" aria-label="Console tree">
          <ConsoleTree root={tree} />
          <Notices />
        </nav>
        <div className="right-panes">
          <SplitPanes top={<ResultPane node={selected} />} bottom={<LogPane site={logSite} />} />
        </div>
      </main>
      <StatusBar />
      {dialog?.kind === 'newChildSite' && <NewChildSiteDialog parent={dialog.parent} />}
      {dialog?.kind === 'supProperties' && <SupPropertiesDialog site={dialog.site} />}
      {dialog?.kind === 'siteProperties' && <SitePropertiesDialog key={dialog.site} site={dialog.site} />}
      {dialog?.kind === 'deleteSite' && <DeleteSiteDialog site={dialog.site} />}
      {dialog?.kind === 'exportCatalog' && <CatalogTransferDialog key={`export-${dialog.site}`} site={dialog.site} mode="export" />}
      {dialog?.kind === 'importCatalog' && <CatalogTransferDialog key={`import-${dialog.site}`} site={dialog.site} mode="import" />}
      {dialog?.kind === 'exportList' && <ExportListDialog request={dialog.request} />}
      {dialog?.kind === 'notifyProperties' && <NotifyPropertiesDialog key={dialog.site} site={dialog.site} />}
    </div>
  );
}
