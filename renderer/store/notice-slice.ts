/** Toasts: information and warnings go away by themselves (they float over the panes); errors stay until dismissed. */
import { errorText } from '../../shared/errors';
import type { ConsoleState, NoticeSlice, Slice } from './console-state';

let noticeIds = 1;

export const noticeSlice: Slice<NoticeSlice> = (set, get) => ({
  notices: [],
  notify(kind, text, topic) {
    const id = noticeIds++;
    // One notice per topic: a site's next sync closes its sticky failure, a second failure replaces the first (and
    // its retry time), so two notices never contradict each other.
    const kept = topic === undefined ? get().notices : get().notices.filter((notice) => notice.topic !== topic);
    set({ notices: [...kept, { id, kind, text, ...(topic === undefined ? {} : { topic }) }].slice(-5) });
    if (kind !== 'error') setTimeout(() => set({ notices: get().notices.filter((notice) => notice.id !== id) }), kind === 'info' ? 8_000 : 20_000);
  },
  dismissNotice(id) {
    set({ notices: get().notices.filter((notice) => notice.id !== id) });
  },
  dismissTopic(topic) {
    set({ notices: get().notices.filter((notice) => notice.topic !== topic) });
  },
});

/** Runs an action of the console; a refusal or failure becomes an error notice instead of being lost. */
export async function reportFailure(get: () => ConsoleState, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    get().notify('error', errorText(error));
  }
}
