/** How an engine is opened: its data folder, and the settings tests and benchmarks change. */
import type { Clock } from './schedule/clock';

/** Engine settings that tests and benchmarks change; all JSON, so they cross into the worker. */
export interface EngineTuning {
  /** Size and seed of the built-in sample catalog. */
  sampleCatalog?: { updates: number; seed: number };
  logMaxBytes?: number;
  /** Fixed pause between retries of a transient upstream failure (default: exponential backoff). */
  retryDelayMs?: number;
  upstreamTimeoutMs?: number;
  /** The stall watchdog's limit in milliseconds, instead of the site's stallMinutes (tests). */
  stallMs?: number;
  /** Waits between a notification's delivery attempts, instead of NOTIFY_RETRY_DELAYS_MS (tests). */
  notifyRetryDelaysMs?: number[];
  /** The most updates a notification lists, instead of NOTIFY_LISTED_UPDATES (tests). */
  notifyListLimit?: number;
  /** The most revisions a site may hold after a sync that sets its indexes aside, instead of DEFER_INDEXES_UP_TO (tests). */
  deferIndexesUpTo?: number;
  /** Resume interrupted synchronizations when the engine starts (default true). */
  resumeInterrupted?: boolean;
  /**
   * `service` (default): the engine of a console or of `usc service`: scheduler, retries, resumed syncs, child
   * notifications. `command`: started for one CLI command where no engine runs: it reads what it is asked to read and
   * writes what it is asked to write; it starts no synchronization of its own.
   */
  mode?: 'service' | 'command';
  /** IANA time zone for local-time schedules (default: the system's). */
  timeZone?: string;
  /** Run on virtual time: `speed` times faster than real time from `origin` (integration tests). */
  acceleratedClock?: { origin: string; speed: number };
}

export interface EngineOptions extends EngineTuning {
  dataDir: string;
  sqlWasmPath?: string;
  /** The built metadata fetch worker (out/engine/fetch-worker.js); without it metadata is fetched on the engine thread. */
  fetchWorkerPath?: string;
  /** Fetch workers per metadata fetch, instead of the choice by its size and the machine's cores (tests). */
  fetchWorkers?: number;
  now?: () => Date;
  clock?: Clock;
  /** What the engine is doing while it opens, when it takes long enough to say (upgrading a site database). */
  onStartup?: (message: string) => void;
}
