/**
 * The console's store: the slices (console-state.ts says what each holds) put together, and the routing of the
 * engine's events to them.
 */
import { create } from 'zustand';
import { describeChanges, describeFailure } from '../../shared/sync-counts';
import type { ConsoleState, EventSlice, Slice } from './console-state';
import { logSlice } from './log-slice';
import { noticeSlice } from './notice-slice';
import { repositorySlice } from './repository-slice';
import { siteSlice } from './site-slice';
import { startTopic, syncSlice } from './sync-slice';

export type { ConsoleState, Dialog, Notice, RepositoryFolders, RepositoryView, StatusFilter } from './console-state';
export { LOG_BUFFER_LINES } from './log-slice';
export { REPOSITORY_PAGE_SIZE } from './repository-slice';

const eventSlice: Slice<EventSlice> = (set, get) => ({
  handleEvent(event) {
    switch (event.name) {
      case 'engineStatus': {
        const previous = get().engine;
        set({ engine: event.payload });
        if (event.payload.state === 'restarting' || event.payload.state === 'failed') {
          get().notify(event.payload.state === 'failed' ? 'error' : 'warning', event.payload.message);
        }
        if (event.payload.state === 'ready' && previous !== undefined && previous.state !== 'ready') {
          get().notify('info', event.payload.message);
          void get().refresh();
        }
        return;
      }
      case 'sitesChanged':
        set({ sites: event.payload.sites });
        void get().refresh();
        return;
      case 'log':
        get().appendLog(event.payload.site, event.payload.lines);
        return;
      case 'progress': {
        const before = get().progress[event.payload.site];
        set({ progress: { ...get().progress, [event.payload.site]: event.payload } });
        // Batches are committed as they are applied: the grid shows them as they arrive, at most every few seconds.
        const committed = event.payload.phase === 'metadata' && event.payload.done > (before?.phase === 'metadata' ? before.done : 0);
        if (committed && event.payload.site === get().repository.site && Date.now() - lastLiveRefresh >= LIVE_REFRESH_MS) {
          lastLiveRefresh = Date.now();
          get().refreshRepositoryLive();
        }
        return;
      }
      case 'transferProgress':
        set({ transfers: { ...get().transfers, [event.payload.site]: event.payload } });
        return;
      case 'syncFinished': {
        const run = event.payload;
        set({ progress: { ...get().progress, [run.site]: undefined } });
        const topic = `sync:${run.site}`;
        get().dismissTopic(startTopic(run.site));
        if (run.outcome === 'failed') {
          const text = `Synchronization of ${run.site} failed${run.error?.again === true ? ' again' : ''}: ${describeFailure(run, Date.now())}`;
          get().notify('error', text, topic);
          showDesktopNotification('Software update synchronization failed', text);
        } else if (run.outcome === 'succeeded') {
          const what = `${run.trigger === 'import' ? 'Import into' : 'Synchronization of'} ${run.site} succeeded: ${describeChanges(run)}.`;
          // What the run could not cover (a product the upstream does not know, one an export was made without) is
          // said with its outcome, not only in the log.
          if (run.warnings.length === 0) get().notify('info', what, topic);
          else
            get().notify('warning', `${what} ${run.warnings.length === 1 ? 'Warning' : `${run.warnings.length} warnings`}: ${run.warnings.join('. ')}.`, topic);
        } else if (run.outcome === 'cancelled') {
          get().notify('warning', `Synchronization of ${run.site} was cancelled.`, topic);
        }
        void get().refresh();
        return;
      }
    }
  },
});

/** How often the repository grid refreshes itself while a sync of its site commits batches. */
const LIVE_REFRESH_MS = 2_000;
let lastLiveRefresh = 0;

export const useConsoleStore = create<ConsoleState>()((...store) => ({
  ...noticeSlice(...store),
  ...siteSlice(...store),
  ...repositorySlice(...store),
  ...syncSlice(...store),
  ...logSlice(...store),
  ...eventSlice(...store),
}));

function showDesktopNotification(title: string, body: string): void {
  // In Electron and browsers that allow it; the in-page toast is shown either way.
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(title, { body });
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}
