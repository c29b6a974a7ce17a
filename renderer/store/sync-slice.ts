/** Synchronizations from the console: start, cancel and retry them, their progress and the status messages. */
import { errorText } from '../../shared/errors';
import type { Slice, SyncSlice } from './console-state';
import { reportFailure } from './notice-slice';

export const syncSlice: Slice<SyncSlice> = (set, get) => ({
  progress: {},
  transfers: {},
  statusMessages: [],
  statusFilter: { severity: 'all', period: 'all' },
  setStatusFilter(filter) {
    set({ statusFilter: filter });
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

  async runSync(site, kind = 'delta') {
    await reportFailure(get, async () => {
      const result = await get().api!.runSynchronization({ site, kind });
      const what = kind === 'full' ? 'Full synchronization' : 'Synchronization';
      // A topic of its own: a second start replaces the first, the run's end closes it, and a sticky failure of the
      // run before stays until this one succeeds.
      get().notify(
        'info',
        result.status === 'started'
          ? `${what} of ${site} started.`
          : result.status === 'coalesced'
            ? `${what} of ${site} joins the one already waiting.`
            : `${what} of ${site} queued: it starts when the running one ends.`,
        startTopic(site),
      );
    });
  },

  async cancelSync(site) {
    await reportFailure(get, () => get().api!.cancelSynchronization({ site }));
  },

  async retrySync(site) {
    await reportFailure(get, () => get().api!.retrySynchronization({ site }));
  },
});

/** The topic of the notice saying that a site's synchronization started. */
export const startTopic = (site: string) => `sync-start:${site}`;
