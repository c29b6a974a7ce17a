/**
 * The console's state, by slice: what each part of the store holds and does. Types only: the slices implement them
 * (one file each) and console-store.ts puts them together, so no slice imports another.
 */
import type { StateCreator } from 'zustand';
import type { ListExport } from '../context-menu/list-export';
import type { ConsoleApi, ConsoleEvent, EventPayload, HierarchyEntry, Progress, StatusMessage, UpdateRow } from '../../shared/contract';
import type { TransportKind } from '../../shared/bridge';
import type { ConsoleInfo, EngineStatus, Site } from '../../shared/domain';
import type { ConnectionState } from '../api/websocket-bridge';
import type { LogBuffer } from '../log-pane/log-buffer';
import type { RowCache } from '../repository/row-cache';

export interface Notice {
  id: number;
  kind: 'info' | 'warning' | 'error';
  text: string;
  /** What it is about (a site's synchronization): a newer notice of the same topic replaces it. */
  topic?: string;
}

export interface NoticeSlice {
  notices: Notice[];
  notify(kind: Notice['kind'], text: string, topic?: string): void;
  dismissNotice(id: number): void;
  /** Closes the notices about a topic (a run's "started" once it has ended). */
  dismissTopic(topic: string): void;
}

export type Dialog =
  | { kind: 'newChildSite'; parent: string }
  | { kind: 'supProperties'; site: string }
  | { kind: 'siteProperties'; site: string }
  | { kind: 'deleteSite'; site: string }
  | { kind: 'exportCatalog'; site: string }
  | { kind: 'importCatalog'; site: string }
  | { kind: 'exportList'; request: ListExport }
  | { kind: 'notifyProperties'; site: string };

/** The connection to the engine, the sites and the console tree. */
export interface SiteSlice {
  api: ConsoleApi | undefined;
  transport: TransportKind | undefined;
  connection: ConnectionState;
  info: ConsoleInfo | undefined;
  engine: EngineStatus | undefined;
  sites: Site[];
  hierarchy: HierarchyEntry[];
  loading: boolean;
  loadError: string | undefined;
  /** The site the toolbar's picker shows: the repository and the log follow it. */
  connectedSite: string;
  selectedId: string;
  expanded: ReadonlySet<string>;
  dialog: Dialog | undefined;
  attach(api: ConsoleApi, transport: TransportKind): void;
  refresh(): Promise<void>;
  connectTo(site: string): void;
  select(id: string): void;
  setExpanded(id: string, expanded: boolean): void;
  expandAll(ids: string[]): void;
  setConnection(state: ConnectionState): void;
  openDialog(dialog: Dialog | undefined): void;
  removeSite(site: string): Promise<void>;
}

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

export type RepositoryQuery = Pick<RepositoryView, 'sort' | 'direction' | 'search' | 'classificationId' | 'productId'>;

export interface RepositoryFolders {
  classifications: Array<{ id: string; name: string; count: number }>;
  products: Array<{ id: string; name: string; count: number }>;
}

/** The Update Repository grid: the query, the pages fetched so far, the folders. */
export interface RepositorySlice {
  repository: RepositoryView;
  /** The rows of the current query fetched so far, page by page; repositoryVersion changes when a page arrives. */
  repositoryRows: RowCache<UpdateRow>;
  repositoryVersion: number;
  folders: RepositoryFolders;
  /** Starts a new repository query (or refreshes the current one when nothing changes) and fetches its first page. */
  loadRepository(changes?: Partial<RepositoryQuery>): Promise<void>;
  /** Fetches the pages rows [first, last] of the current query need. */
  ensureRepositoryRows(first: number, last: number): void;
  /** The repository changed under the grid (a sync committed a batch): fetch the rows on screen again, keeping them shown meanwhile. */
  refreshRepositoryLive(): void;
}

export interface StatusFilter {
  severity: 'all' | 'E' | 'W' | 'I';
  period: 'all' | '24h' | '7d';
}

/** Synchronizations: running ones' progress, starting and stopping them, status messages. */
export interface SyncSlice {
  progress: Record<string, Progress | undefined>;
  /** An export being written, or an import's file being checked, per site. */
  transfers: Record<string, EventPayload<'transferProgress'> | undefined>;
  statusMessages: StatusMessage[];
  /** Which status messages the message view shows: Component Status's counts open it filtered so. */
  statusFilter: StatusFilter;
  setStatusFilter(filter: StatusFilter): void;
  loadStatusMessages(site: string): Promise<void>;
  runSync(site: string, kind?: 'delta' | 'full'): Promise<void>;
  cancelSync(site: string): Promise<void>;
  retrySync(site: string): Promise<void>;
}

/** The log pane: each site's lines in a ring buffer outside React state; logVersion changes when one does. */
export interface LogSlice {
  logBuffers: Map<string, LogBuffer>;
  logBufferOf(site: string): LogBuffer;
  logVersion: number;
  appendLog(site: string, lines: Parameters<LogBuffer['push']>[0]): void;
  /** Loads what the site's wsyncmgr.log already holds on disk, once per site and connection, before the live lines. */
  loadLogTail(site: string): Promise<void>;
  /** After a reconnection: the tails are read again (lines written while disconnected were never sent). */
  forgetLogTails(): void;
}

export interface EventSlice {
  /** Routes an event of the contract to the slices it concerns. */
  handleEvent(event: ConsoleEvent): void;
}

export type ConsoleState = NoticeSlice & SiteSlice & RepositorySlice & SyncSlice & LogSlice & EventSlice;

/** One slice of the store, with access to the whole of it. */
export type Slice<T> = StateCreator<ConsoleState, [], [], T>;
