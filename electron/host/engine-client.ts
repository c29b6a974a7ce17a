import { EventEmitter } from 'node:events';
import { Worker, type ResourceLimits, type WorkerOptions } from 'node:worker_threads';
import type { EngineState, EngineStatus } from '../../shared/domain';
import type { ApiErrorData } from '../../shared/errors';
import type { CallOutcome, EventMessage } from '../../shared/protocol';
import type { EngineWorkerData, HostToWorker, WorkerToHost } from '../engine/worker-protocol';

export interface EngineClientOptions {
  workerPath: string;
  workerData: EngineWorkerData;
  resourceLimits?: ResourceLimits;
  /** Restarts allowed within `restartWindowMs` before the engine is declared failed. */
  maxRestarts?: number;
  restartWindowMs?: number;
  restartDelayMs?: (attempt: number) => number;
  now?: () => Date;
  /** Makes each worker (default: a worker_threads Worker); whoever makes it may also end it, as a crash would. */
  createWorker?: (path: string, options: WorkerOptions) => Worker;
}

interface PendingCall {
  resolve: (outcome: CallOutcome) => void;
}

const DEFAULT_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 1536, maxYoungGenerationSizeMb: 64 };

/**
 * Owns the engine worker: request/response by id, events out, and a restart when the worker dies so the console
 * keeps working (and says what happened). A worker that refuses to start (fatal) is not restarted.
 */
export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();
  private readonly waitingForReady: Array<() => void> = [];
  private readonly events = new EventEmitter();
  private restartTimes: number[] = [];
  private restarts = 0;
  private stopping = false;
  private fatalError: ApiErrorData | undefined;
  private currentStatus: EngineStatus;

  constructor(private readonly options: EngineClientOptions) {
    this.currentStatus = this.makeStatus('starting', 'Starting the sync engine…');
  }

  get status(): EngineStatus {
    return this.currentStatus;
  }

  /** Why the engine refused to start (the data folder is in use, cannot be created…), if it did. */
  get startFailure(): ApiErrorData | undefined {
    return this.fatalError;
  }

  /** Starts the worker; resolves once it is ready or has refused to start. */
  start(): Promise<EngineStatus> {
    this.spawn();
    return new Promise((resolve) => this.waitingForReady.push(() => resolve(this.currentStatus)));
  }

  async call(method: string, params: unknown): Promise<CallOutcome> {
    await this.untilSettled();
    const worker = this.worker;
    if (this.currentStatus.state !== 'ready' || worker === undefined) {
      return { ok: false, error: this.unavailableError() };
    }
    const id = this.nextId++;
    return new Promise<CallOutcome>((resolve) => {
      this.pending.set(id, { resolve });
      this.post({ type: 'call', id, method, params });
    });
  }

  onEvent(listener: (message: EventMessage) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  onStatus(listener: (status: EngineStatus) => void): () => void {
    this.events.on('status', listener);
    return () => this.events.off('status', listener);
  }

  /** Asks the engine to save and close, then waits for the thread to end. */
  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (worker === undefined) return;
    const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.post({ type: 'shutdown' });
    const forced = setTimeout(() => void worker.terminate(), 10_000);
    await ended;
    clearTimeout(forced);
    this.setStatus('stopped', 'The sync engine was stopped.');
  }

  private spawn(): void {
    const create = this.options.createWorker ?? ((path: string, options: WorkerOptions) => new Worker(path, options));
    const worker = create(this.options.workerPath, {
      workerData: this.options.workerData,
      resourceLimits: this.options.resourceLimits ?? DEFAULT_LIMITS,
    });
    this.worker = worker;
    let lastError: Error | undefined;
    worker.on('message', (message: WorkerToHost) => this.onMessage(message));
    worker.on('error', (error) => {
      lastError = error;
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.onExit(code, lastError);
    });
  }

  private onMessage(message: WorkerToHost): void {
    switch (message.type) {
      case 'result': {
        const call = this.pending.get(message.id);
        this.pending.delete(message.id);
        call?.resolve(message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error });
        return;
      }
      case 'event':
        this.events.emit('event', message);
        return;
      case 'starting':
        this.setStatus(this.currentStatus.state === 'restarting' ? 'restarting' : 'starting', message.message);
        return;
      case 'ready': {
        const message =
          this.restarts === 0 ? 'The sync engine is ready.' : `The sync engine was restarted after it stopped unexpectedly (restart ${this.restarts}).`;
        this.setStatus('ready', message);
        this.releaseWaiters();
        return;
      }
      case 'fatal':
        this.fatalError = message.error;
        this.setStatus('failed', message.error.message);
        this.releaseWaiters();
        return;
      case 'stopped':
        return;
    }
  }

  private onExit(code: number, error: Error | undefined): void {
    const reason = error !== undefined ? error.message : `exit code ${code}`;
    this.failPending({
      code: 'ENGINE_RESTARTED',
      message: `The sync engine stopped (${reason}) before answering. Try again once it is back.`,
    });
    if (this.stopping || this.fatalError !== undefined) return;
    const now = this.now().getTime();
    const window = this.options.restartWindowMs ?? 10 * 60_000;
    this.restartTimes = this.restartTimes.filter((time) => now - time < window);
    if (this.restartTimes.length >= (this.options.maxRestarts ?? 5)) {
      this.setStatus(
        'failed',
        `The sync engine stopped unexpectedly (${reason}) ${this.restartTimes.length + 1} times within ` +
          `${Math.round(window / 60_000)} minutes and was not restarted again. Restart the console; if it happens again, check the data folder.`,
      );
      this.releaseWaiters();
      return;
    }
    this.restartTimes.push(now);
    this.restarts++;
    this.setStatus('restarting', `The sync engine stopped unexpectedly (${reason}). Restarting it…`);
    const delay = this.options.restartDelayMs?.(this.restarts) ?? Math.min(200 * 2 ** (this.restarts - 1), 5_000);
    setTimeout(() => {
      if (!this.stopping) this.spawn();
    }, delay);
  }

  private untilSettled(): Promise<void> {
    const state = this.currentStatus.state;
    if (state !== 'starting' && state !== 'restarting') return Promise.resolve();
    return new Promise((resolve) => this.waitingForReady.push(resolve));
  }

  private releaseWaiters(): void {
    for (const waiter of this.waitingForReady.splice(0)) waiter();
  }

  private failPending(error: ApiErrorData): void {
    for (const call of this.pending.values()) call.resolve({ ok: false, error });
    this.pending.clear();
  }

  private unavailableError(): ApiErrorData {
    if (this.fatalError !== undefined) return this.fatalError;
    return { code: 'ENGINE_UNAVAILABLE', message: this.currentStatus.message };
  }

  private post(message: HostToWorker): void {
    this.worker?.postMessage(message);
  }

  private setStatus(state: EngineState, message: string): void {
    this.currentStatus = this.makeStatus(state, message);
    this.events.emit('status', this.currentStatus);
  }

  private makeStatus(state: EngineState, message: string): EngineStatus {
    return { state, message, restarts: this.restarts, at: this.now().toISOString() };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
