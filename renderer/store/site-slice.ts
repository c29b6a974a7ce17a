/** The connection to the engine, the sites and the hierarchy, the console tree's selection and the open dialog. */
import { connectionLost, connectionLostNotice } from '../status/connection-text';
import { errorText } from '../../shared/errors';
import { DEFAULT_EXPANDED } from '../console-tree/tree-model';
import type { SiteSlice, Slice } from './console-state';
import { reportFailure } from './notice-slice';

export const siteSlice: Slice<SiteSlice> = (set, get) => ({
  api: undefined,
  transport: undefined,
  connection: 'connecting',
  info: undefined,
  engine: undefined,
  sites: [],
  hierarchy: [],
  loading: false,
  loadError: undefined,
  connectedSite: 'CEN',
  selectedId: 'sitedb',
  expanded: new Set(DEFAULT_EXPANDED),
  dialog: undefined,

  attach(api, transport) {
    set({ api, transport });
  },

  async refresh() {
    const { api } = get();
    if (api === undefined) return;
    set({ loading: true });
    try {
      const [info, sites, hierarchy] = await Promise.all([api.getInfo(), api.listSites(), api.getHierarchy()]);
      set({ info, engine: info.engine, sites, hierarchy, loading: false, loadError: undefined });
      void get().loadRepository();
    } catch (error) {
      set({ loading: false, loadError: errorText(error) });
    }
  },

  connectTo(site) {
    set({ connectedSite: site, repository: { ...get().repository, site } });
    void get().loadRepository();
  },

  select(id) {
    set({ selectedId: id });
  },

  setExpanded(id, expanded) {
    const next = new Set(get().expanded);
    if (expanded) next.add(id);
    else next.delete(id);
    set({ expanded: next });
  },

  expandAll(ids) {
    set({ expanded: new Set([...get().expanded, ...ids]) });
  },

  setConnection(connection) {
    const previous = get().connection;
    set({ connection });
    // Lost for good is said where it is seen, not only in the status bar; it goes once the page is connected again.
    if (connectionLost(connection))
      get().notify('error', connectionLostNotice(connection, typeof window === 'undefined' ? '' : window.location.host), 'connection');
    else if (connection === 'open') get().dismissTopic('connection');
    if (connection === 'open' && previous !== 'open' && previous !== 'connecting') {
      get().forgetLogTails();
      void get().loadLogTail(get().connectedSite);
      void get().refresh();
    }
  },

  openDialog(dialog) {
    set({ dialog });
  },

  async removeSite(site) {
    await reportFailure(get, async () => {
      const result = await get().api!.removeSite({ site });
      get().notify('info', `Site ${result.removed} was removed; its database was kept as ${result.keptAs}.`);
    });
  },
});
