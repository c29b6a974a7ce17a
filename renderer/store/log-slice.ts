/** The log pane's lines: a ring buffer per site outside React state, announced at most once per frame. */
import { LogBuffer } from '../log-pane/log-buffer';
import type { LogSlice, Slice } from './console-state';

export const LOG_BUFFER_LINES = 1_000_000;

export const logSlice: Slice<LogSlice> = (set, get) => {
  let framePending = false;
  /**
   * Tells the log pane new lines arrived, at most once per frame: batches can arrive faster than the screen
   * refreshes, and rendering each one would spend the main thread on frames nobody sees.
   */
  const announce = () => {
    if (typeof requestAnimationFrame !== 'function') {
      set({ logVersion: get().logVersion + 1 });
      return;
    }
    if (framePending) return;
    framePending = true;
    requestAnimationFrame(() => {
      framePending = false;
      set({ logVersion: get().logVersion + 1 });
    });
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
  };
};
