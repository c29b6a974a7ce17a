/**
 * Background threads step aside for the console. On a two-core machine a full sync keeps both cores busy (the fetch
 * worker parses and compresses while the engine thread writes) and the renderer, which shares them, got tasks of
 * 60–100 ms. A thread that only works for a sync runs at a lower priority, so whatever a person is waiting for
 * runs first, and the sync uses the time that is left (all of it, when nobody is using the console).
 *
 * Linux only: there setpriority() on a thread ID changes that thread alone; elsewhere it would change the whole
 * process (the console's too), so nothing is done.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Lowers the calling thread's priority by `nice` steps (default 10); false where it cannot be done. */
export function lowerThisThreadPriority(nice = 10): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // /proc/thread-self is the calling thread's own entry: ".../task/<tid>".
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
