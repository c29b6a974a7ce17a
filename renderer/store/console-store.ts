/** Console state fed by the contract: sites, engine status, connection, selection and the log pane's lines. */
import { create } from 'zustand';
import type { ConsoleApi, ConsoleEvent, LogLine } from '../../shared/contract';
import type { ConsoleInfo, EngineStatus, Site } from '../../shared/domain';
import { ApiError } from '../../shared/errors';
import type { TransportKind } from '../../shared/bridge';
import type { ConnectionState } from '../api/websocket-bridge';
import { DEFAULT_EXPANDED } from '../console-tree/tree-model';

export const LOG_BUFFER_LINES = 200_000;

export interface Notice {
  id: number;
  kind: 'info' | 'warning' | 'error';
  text: string;
}

export interface ConsoleState {
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
  logLines: LogLine[];
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
  logLines: [],
  notices: [],

  attach(api, transport) {
    set({ api, transport });
  },

  async refresh() {
    const { api } = get();
    if (api === undefined) return;
    set({ loading: true });
    try {
      const [info, sites] = await Promise.all([api.getInfo(), api.listSites()]);
      set({ info, engine: info.engine, sites, loading: false, loadError: undefined });
    } catch (error) {
      set({ loading: false, loadError: error instanceof ApiError ? error.message : String(error) });
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
        return;
      case 'log': {
        const lines = get().logLines.concat(event.payload.lines);
        set({ logLines: lines.length > LOG_BUFFER_LINES ? lines.slice(lines.length - LOG_BUFFER_LINES) : lines });
        return;
      }
      case 'progress':
        return;
    }
  },

  dismissNotice(id) {
    set({ notices: get().notices.filter((notice) => notice.id !== id) });
  },
}));

function pushNotice(
  set: (partial: Partial<ConsoleState>) => void,
  get: () => ConsoleState,
  kind: Notice['kind'],
  text: string,
): void {
  set({ notices: [...get().notices, { id: noticeIds++, kind, text }].slice(-5) });
}
