/** What a synchronization is asked to do (SyncRequest), and what it is given to do it with (SyncContext). */
import type { Progress } from '../../../shared/contract';
import type { SiteCode, SyncKind, SyncTrigger } from '../../../shared/domain';
import type { TraceLogWriter } from '../log/trace-log-writer';
import type { EffectiveConfig } from '../settings/sup-config';
import type { SiteDatabase } from '../storage/site-database';
import type { ClientSettings, SyncSourceConnector } from '../upstream/sync-source';

export interface SyncRequest {
  kind: SyncKind;
  trigger: SyncTrigger;
  /** Parent site code when the trigger is a parent's request. */
  parent?: string;
  /** Due time, for a scheduled run. */
  scheduledFor?: Date;
  /**
   * An import: the export file served on loopback takes the place of the site's source (and of its proxy); the
   * selection it was exported with tells what the file cannot hold.
   */
  import?: {
    url: string;
    serverName: string;
    file: string;
    exportedWith: { products: string[]; classifications: string[]; languages: string[] };
    /** What the exporting site left out, its stored metadata damaged: not in the file, not gone from the upstream. */
    missing?: string[];
    /** What the site's own selection leaves out of the file, said with the run's outcome. */
    leftOut?: string;
  };
}

export interface SyncContext {
  site: SiteCode;
  database: SiteDatabase;
  connector: SyncSourceConnector;
  log: TraceLogWriter;
  now: () => Date;
  signal: AbortSignal;
  onProgress: (progress: Progress) => void;
  clientSettings?: ClientSettings;
  /** The settings this sync follows; a child site's come from the top-level site, its source is its parent. */
  loadConfig?: () => Promise<EffectiveConfig>;
  /** A child site's: the parent's content version now, which the child holds once this run succeeds. */
  parentContentVersion?: () => number;
  /**
   * Fetch metadata in a worker thread of its own (the built fetch-worker.js), so parsing and compression run beside
   * the engine's writes; without it (running from source) the in-thread client fetches.
   */
  fetchWorker?: {
    path: string;
    retryDelayMs?: number;
    timeoutMs?: number;
    /** Workers per fetch, instead of fetchWorkersFor's choice (tests). */
    workers?: number;
  };
  /** The stall watchdog's limit, instead of the settings' stallMinutes (tests). */
  stallMs?: number;
  /** Instead of DEFER_INDEXES_UP_TO (tests). */
  deferIndexesUpTo?: number;
}
