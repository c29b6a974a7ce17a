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
      get().notify(
        'info',
        result.status === 'started'
          ? `${what} of ${site} started.`
          : result.status === 'coalesced'
            ? `${what} of ${site} joins the one already waiting.`
            : `${what} of ${site} queued: it starts when the running one ends.`,
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
