/** The log pane's lines: a ring buffer per site outside React state, announced at most once per frame. */
import { errorText } from '../../shared/errors';
import { LogBuffer } from '../log-pane/log-buffer';
import type { LogSlice, Slice } from './console-state';

export const LOG_BUFFER_LINES = 1_000_000;
/** Lines read back from disk when the pane opens (the file rolls over at 250,000 bytes: about 1,500 lines each). */
export const LOG_TAIL_LINES = 10_000;
/** The log pane shows new lines at most this often. */
const LOG_REFRESH_MS = 100;

export const logSlice: Slice<LogSlice> = (set, get) => {
  let framePending = false;
  let lastAnnounced = Number.NEGATIVE_INFINITY;
  const tailsLoaded = new Set<string>();
  /**
   * Tells the log pane new lines arrived, at most once per frame and ten times a second: during a long sync lines
   * arrive continuously, and re-laying out the pane at 60 frames a second took a third of a core from a renderer
   * that shares two cores with the engine, for lines nobody reads that fast (CMTrace refreshes less often still).
   */
  const announce = () => {
    if (typeof requestAnimationFrame !== 'function') {
      set({ logVersion: get().logVersion + 1 });
      return;
    }
    if (framePending) return;
    framePending = true;
    const inFrame = () =>
      requestAnimationFrame(() => {
        framePending = false;
        lastAnnounced = performance.now();
        set({ logVersion: get().logVersion + 1 });
      });
    const wait = lastAnnounced + LOG_REFRESH_MS - performance.now();
    if (wait <= 0) inFrame();
    else setTimeout(inFrame, wait);
  };
  return {
    logBuffers: new Map(),
    logBufferOf(site) {
      let buffer = get().logBuffers.get(site);
      if (buffer === undefined) get().logBuffers.set(site, (buffer = new LogBuffer(LOG_BUFFER_LINES, site)));
      return buffer;
    },
    logVersion: 0,
    appendLog(site, lines) {
      get().logBufferOf(site).push(lines);
      announce();
    },
    async loadLogTail(site) {
      const { api } = get();
      if (api === undefined || tailsLoaded.has(site)) return;
      tailsLoaded.add(site);
      try {
        const tail = await api.readLogTail({ site, maxLines: LOG_TAIL_LINES });
        // Lines that arrived live before or while the tail was read are in it too: keep only the ones after it.
        const live = get().logBufferOf(site);
        const inTail = new Set(tail.lines.slice(-Math.max(1, live.length + 100)).map((line) => line.text));
        const fresh = new LogBuffer(LOG_BUFFER_LINES, site);
        fresh.push(tail.lines);
        const after: Array<{ text: string; severity: (typeof tail.lines)[number]['severity'] }> = [];
        for (let position = 0; position < live.length; position++) {
          const line = live.at(position)!;
          if (!inTail.has(line.text)) after.push(line);
        }
        fresh.push(after);
        get().logBuffers.set(site, fresh);
        set({ logVersion: get().logVersion + 1 });
      } catch (error) {
        tailsLoaded.delete(site);
        get().notify('warning', `Could not read the log of ${site} back from disk: ${errorText(error)}`);
      }
    },
    forgetLogTails() {
      tailsLoaded.clear();
    },
  };
};
