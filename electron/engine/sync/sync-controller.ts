/**
 * One synchronization per site at a time: a request that arrives while the site syncs is queued once (later
 * requests join it, a full one making it full), never dropped and never run in parallel. Cancel stops the
 * running sync between batches. Progress reaches the console at most ten times a second.
 */
import type { Progress } from '../../../shared/contract';
import type { SiteCode, SyncKind, SyncRun, SyncTrigger } from '../../../shared/domain';
import { SHUTDOWN } from './run-outcome';
import type { SyncContext, SyncRequest } from './sync-context';
import { runSync } from './synchronization';

interface Running {
  request: SyncRequest;
  abort: AbortController;
  done: Promise<SyncRun>;
}

interface Pending {
  request: SyncRequest;
  waiters: Array<(run: SyncRun) => void>;
}

export type SyncContextFactory = (site: SiteCode, signal: AbortSignal, onProgress: (progress: Progress) => void) => Omit<SyncContext, 'signal' | 'onProgress'>;

export interface SyncControllerEvents {
  progress(progress: Progress): void;
  finished(run: SyncRun): void;
}

export class SyncController {
  private readonly running = new Map<SiteCode, Running>();
  private readonly pending = new Map<SiteCode, Pending>();
  private readonly lastProgress = new Map<SiteCode, Progress>();
  private readonly lastEmit = new Map<SiteCode, number>();
  private readonly listeners: SyncControllerEvents[] = [];

  constructor(private readonly makeContext: SyncContextFactory) {}

  /** Tells `events` of every sync's progress and end (the engine wires what follows a sync: retries, children). */
  listen(events: SyncControllerEvents): void {
    this.listeners.push(events);
  }

  /** Starts a sync, or queues it behind the running one. `done` resolves with the run that served the request. */
  request(site: SiteCode, request: SyncRequest): { status: 'started' | 'queued' | 'coalesced'; done: Promise<SyncRun> } {
    if (!this.running.has(site)) return { status: 'started', done: this.start(site, request) };
    const queued = this.pending.get(site);
    if (queued !== undefined) {
      queued.request = mergeRequests(queued.request, request);
      return { status: 'coalesced', done: new Promise((resolve) => queued.waiters.push(resolve)) };
    }
    const pending: Pending = { request, waiters: [] };
    this.pending.set(site, pending);
    return { status: 'queued', done: new Promise((resolve) => pending.waiters.push(resolve)) };
  }

  cancel(site: SiteCode): boolean {
    const running = this.running.get(site);
    if (running === undefined) return false;
    running.abort.abort();
    return true;
  }

  state(site: SiteCode): {
    running: { kind: SyncKind; trigger: SyncTrigger } | null;
    pending: { kind: SyncKind; trigger: SyncTrigger } | null;
    progress: Progress | null;
  } {
    const running = this.running.get(site);
    const pending = this.pending.get(site);
    return {
      running: running === undefined ? null : { kind: running.request.kind, trigger: running.request.trigger },
      pending: pending === undefined ? null : { kind: pending.request.kind, trigger: pending.request.trigger },
      progress: running === undefined ? null : (this.lastProgress.get(site) ?? null),
    };
  }

  isRunning(site: SiteCode): boolean {
    return this.running.has(site);
  }

  /** Cancels everything and waits for the running syncs to stop (engine shutdown). */
  async stopAll(): Promise<void> {
    this.pending.clear();
    // Not a cancel: the run stays "running" in the database, so the next start resumes it.
    for (const running of this.running.values()) running.abort.abort(SHUTDOWN);
    await Promise.allSettled([...this.running.values()].map((running) => running.done));
  }

  private start(site: SiteCode, request: SyncRequest): Promise<SyncRun> {
    const abort = new AbortController();
    const onProgress = (progress: Progress) => this.progress(site, progress);
    const context = { ...this.makeContext(site, abort.signal, onProgress), signal: abort.signal, onProgress };
    const done = runSync(context, request).finally(() => {
      this.running.delete(site);
      this.lastProgress.delete(site);
      const next = this.pending.get(site);
      if (next !== undefined) {
        this.pending.delete(site);
        void this.start(site, next.request).then((run) => next.waiters.forEach((resolve) => resolve(run)));
      }
    });
    this.running.set(site, { request, abort, done });
    // A run that could not even be recorded (its site database cannot be written) reaches its waiters as an error.
    void done.then((run) => this.listeners.forEach((events) => events.finished(run))).catch(() => undefined);
    return done;
  }

  private progress(site: SiteCode, progress: Progress): void {
    const previous = this.lastProgress.get(site);
    this.lastProgress.set(site, progress);
    const now = Date.now();
    const retryOf = (entry: Progress | undefined) => (entry?.retry === undefined ? '' : `${entry.retry.operation} ${entry.retry.attempt}`);
    // A change of phase, the end, and a retry starting or ending always reach the console; counts at most every 100 ms.
    const due =
      now - (this.lastEmit.get(site) ?? 0) >= 100 ||
      previous?.phase !== progress.phase ||
      progress.done === progress.total ||
      retryOf(previous) !== retryOf(progress);
    if (!due) return;
    this.lastEmit.set(site, now);
    for (const events of this.listeners) events.progress(progress);
  }
}

function mergeRequests(queued: SyncRequest, incoming: SyncRequest): SyncRequest {
  // A full request makes the queued sync full: it covers everything a delta would.
  return queued.kind === 'full' || incoming.kind !== 'full' ? queued : { ...incoming };
}
