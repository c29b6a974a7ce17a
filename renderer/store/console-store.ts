/** Console state fed by the contract: sites, engine status, connection, selection and the log pane's lines. */
import { create } from 'zustand';
import type { ApiParams, ConsoleApi, ConsoleEvent, HierarchyEntry, Progress, StatusMessage, UpdateRow } from '../../shared/contract';
import type { ConsoleInfo, EngineStatus, Site } from '../../shared/domain';
import { errorText } from '../../shared/errors';
import type { TransportKind } from '../../shared/bridge';
import type { ConnectionState } from '../api/websocket-bridge';
import { DEFAULT_EXPANDED } from '../console-tree/tree-model';
import { LogBuffer } from '../log-pane/log-buffer';
import { RowCache } from '../repository/row-cache';

export const LOG_BUFFER_LINES = 1_000_000;

export interface Notice {
  id: number;
  kind: 'info' | 'warning' | 'error';
  text: string;
}

export const REPOSITORY_PAGE_SIZE = 200;
/** Pages of rows kept while scrolling (10,000 rows); older pages are fetched again when scrolled back to. */
const REPOSITORY_CACHED_PAGES = 50;

export interface RepositoryView {
  site: string;
  total: number;
  /** Changes with every new query; pages fetched for an earlier one are dropped. */
  generation: number;
  sort: 'title' | 'kb' | 'bulletin' | 'classification' | 'products' | 'severity' | 'releasedAt' | 'revisedAt' | 'state' | 'superseded';
  direction: 'asc' | 'desc';
  search: string;
  classificationId: string | undefined;
  productId: string | undefined;
  loading: boolean;
  error: string | undefined;
}

type RepositoryQuery = Pick<RepositoryView, 'sort' | 'direction' | 'search' | 'classificationId' | 'productId'>;

export interface RepositoryFolders {
  classifications: Array<{ id: string; name: string; count: number }>;
  products: Array<{ id: string; name: string; count: number }>;
}

export type Dialog = { kind: 'newChildSite'; parent: string } | { kind: 'supProperties'; site: string } | { kind: 'siteProperties'; site: string };

export interface ConsoleState {
  dialog: Dialog | undefined;
  openDialog(dialog: Dialog | undefined): void;
  connectedSite: string;
  hierarchy: HierarchyEntry[];
  progress: Record<string, Progress | undefined>;
  repository: RepositoryView;
  statusMessages: StatusMessage[];
  connectTo(site: string): void;
  folders: RepositoryFolders;
  /** Starts a new repository query (or refreshes the current one when nothing changes) and fetches its first page. */
  loadRepository(changes?: Partial<RepositoryQuery>): Promise<void>;
  /** The rows of the current query fetched so far, page by page; repositoryVersion changes when a page arrives. */
  repositoryRows: RowCache<UpdateRow>;
  repositoryVersion: number;
  /** Fetches the pages rows [first, last] of the current query need. */
  ensureRepositoryRows(first: number, last: number): void;
  loadStatusMessages(site: string): Promise<void>;
  runSync(site: string): Promise<void>;
  cancelSync(site: string): Promise<void>;
  retrySync(site: string): Promise<void>;
  removeSite(site: string): Promise<void>;
  notify(kind: Notice['kind'], text: string): void;
  api: ConsoleApi | undefined;
  transport: TransportKind | undefined;
  connection: ConnectionState;
  info: ConsoleInfo | undefined;
  engine: EngineStatus | undefined;
  sites: Site[];
  loading: boolean;
  loadError: string | undefined;
  selectedId: string;
  expanded: ReadonlySet<string>;
  /** The live log lines of each site (ring buffers outside React state); logVersion changes when one does. */
  logBuffers: Map<string, LogBuffer>;
  logBufferOf(site: string): LogBuffer;
  logVersion: number;
  notices: Notice[];

  attach(api: ConsoleApi, transport: TransportKind): void;
  refresh(): Promise<void>;
  select(id: string): void;
  setExpanded(id: string, expanded: boolean): void;
  expandAll(ids: string[]): void;
  setConnection(state: ConnectionState): void;
  handleEvent(event: ConsoleEvent): void;
  dismissNotice(id: number): void;
}

let noticeIds = 1;

export const useConsoleStore = create<ConsoleState>((set, get) => ({
  dialog: undefined,
  openDialog(dialog) {
    set({ dialog });
  },
  connectedSite: 'CEN',
  hierarchy: [],
  progress: {},
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
  statusMessages: [],

  connectTo(site) {
    set({ connectedSite: site, repository: { ...get().repository, site } });
    void get().loadRepository();
  },

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

  ensureRepositoryRows(first, last) {
    const { api, repository: view, repositoryRows: rows } = get();
    if (api === undefined || view.loading) return;
    for (const page of rows.missingPages(Math.max(0, first), Math.min(last, view.total - 1))) {
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

  async loadStatusMessages(site) {
    const { api } = get();
    if (api === undefined) return;
    try {
      set({ statusMessages: await api.queryStatusMessages({ site, limit: 200 }) });
    } catch (error) {
      get().notify('error', errorText(error));
    }
  },

  async runSync(site) {
    await reportFailure(get, async () => {
      const result = await get().api!.runSynchronization({ site });
      get().notify(
        'info',
        result.status === 'started' ? `Synchronization of ${site} started.` : `Synchronization of ${site} queued: it starts when the running one ends.`,
      );
    });
  },

  async cancelSync(site) {
    await reportFailure(get, () => get().api!.cancelSynchronization({ site }));
  },

  async removeSite(site) {
    await reportFailure(get, async () => {
      const result = await get().api!.removeSite({ site });
      get().notify('info', `Site ${result.removed} was removed; its database was kept as ${result.keptAs}.`);
    });
  },

  async retrySync(site) {
    await reportFailure(get, () => get().api!.retrySynchronization({ site }));
  },

  notify(kind, text) {
    pushNotice(set, get, kind, text);
  },

  api: undefined,
  transport: undefined,
  connection: 'connecting',
  info: undefined,
  engine: undefined,
  sites: [],
  loading: false,
  loadError: undefined,
  selectedId: 'sitedb',
  expanded: new Set(DEFAULT_EXPANDED),
  logBuffers: new Map(),
  logBufferOf(site) {
    let buffer = get().logBuffers.get(site);
    if (buffer === undefined) get().logBuffers.set(site, (buffer = new LogBuffer(LOG_BUFFER_LINES, site)));
    return buffer;
  },
  logVersion: 0,
  notices: [],

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
    if (connection === 'open' && previous === 'closed') void get().refresh();
  },

  handleEvent(event) {
    switch (event.name) {
      case 'engineStatus': {
        const previous = get().engine;
        set({ engine: event.payload });
        if (event.payload.state === 'restarting' || event.payload.state === 'failed') {
          pushNotice(set, get, event.payload.state === 'failed' ? 'error' : 'warning', event.payload.message);
        }
        if (event.payload.state === 'ready' && previous !== undefined && previous.state !== 'ready') {
          pushNotice(set, get, 'info', event.payload.message);
          void get().refresh();
        }
        return;
      }
      case 'sitesChanged':
        set({ sites: event.payload.sites });
        void get().refresh();
        return;
      case 'log': {
        get().logBufferOf(event.payload.site).push(event.payload.lines);
        announceLogLines(set, get);
        return;
      }
      case 'progress':
        set({ progress: { ...get().progress, [event.payload.site]: event.payload } });
        return;
      case 'syncFinished': {
        const run = event.payload;
        set({ progress: { ...get().progress, [run.site]: undefined } });
        if (run.outcome === 'failed') {
          const text = `Synchronization of ${run.site} failed: ${run.error?.message ?? 'unknown error'}`;
          pushNotice(set, get, 'error', text);
          showDesktopNotification('Software update synchronization failed', text);
        } else if (run.outcome === 'succeeded') {
          const c = run.counts;
          pushNotice(
            set,
            get,
            'info',
            `Synchronization of ${run.site} succeeded: ${c.new} new, ${c.modified} modified, ${c.expired} expired, ${c.removed} removed${c.skipped > 0 ? `, ${c.skipped} skipped` : ''}.`,
          );
        } else if (run.outcome === 'cancelled') {
          pushNotice(set, get, 'warning', `Synchronization of ${run.site} was cancelled.`);
        }
        void get().refresh();
        return;
      }
    }
  },

  dismissNotice(id) {
    set({ notices: get().notices.filter((notice) => notice.id !== id) });
  },
}));

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

/** Runs an action of the console; a refusal or failure becomes an error notice instead of being lost. */
async function reportFailure(get: () => ConsoleState, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    get().notify('error', errorText(error));
  }
}

let logFramePending = false;

/**
 * Tells the log pane new lines arrived, at most once per frame: batches can arrive faster than the screen
 * refreshes, and rendering each one would spend the main thread on frames nobody sees.
 */
function announceLogLines(set: (partial: Partial<ConsoleState>) => void, get: () => ConsoleState): void {
  if (typeof requestAnimationFrame !== 'function') {
    set({ logVersion: get().logVersion + 1 });
    return;
  }
  if (logFramePending) return;
  logFramePending = true;
  requestAnimationFrame(() => {
    logFramePending = false;
    set({ logVersion: get().logVersion + 1 });
  });
}

function showDesktopNotification(title: string, body: string): void {
  // In Electron and browsers that allow it; the in-page toast is shown either way.
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(title, { body });
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}

function pushNotice(set: (partial: Partial<ConsoleState>) => void, get: () => ConsoleState, kind: Notice['kind'], text: string): void {
  const id = noticeIds++;
  set({ notices: [...get().notices, { id, kind, text }].slice(-5) });
  // Information and warnings go away by themselves (they float over the panes); errors stay until dismissed.
  if (kind !== 'error') setTimeout(() => set({ notices: get().notices.filter((notice) => notice.id !== id) }), kind === 'info' ? 8_000 : 20_000);
}
