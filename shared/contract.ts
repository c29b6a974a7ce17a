/**
 * The one contract between the console (renderer), the hosts (Electron main, web host, CLI) and the engine worker.
 * Adding a call means adding it here, implementing it in the engine and using it in the UI; the transports
 * carry any call of this map unchanged.
 */
import { z } from 'zod';
import {
  ConsoleInfoSchema,
  EngineStatusSchema,
  ImportScopeSchema,
  RunErrorSchema,
  SiteCodeSchema,
  SiteSchema,
  SupConfigSchema,
  SyncKindSchema,
  SyncRunSchema,
  SyncTriggerSchema,
} from './domain';
import { SyncScheduleSchema } from './schedule/schedule-model';
import { DeliveryResultSchema, NotifySettingsSchema, NotifySettingsViewSchema, SyncDigestSchema } from './notify';

const NoParams = z.object({}).strict();
const SiteParams = z.object({ site: SiteCodeSchema }).strict();

export const UPDATE_SORT_COLUMNS = [
  'title',
  'kb',
  'bulletin',
  'classification',
  'products',
  'severity',
  'releasedAt',
  'revisedAt',
  'state',
  'superseded',
] as const;

export const UpdateQuerySchema = z
  .object({
    site: SiteCodeSchema,
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(200),
    sort: z.enum(UPDATE_SORT_COLUMNS).default('title'),
    direction: z.enum(['asc', 'desc']).default('asc'),
    /** Words looked up in title, article ID (KB) and bulletin ID. */
    search: z.string().max(200).optional(),
    classificationId: z.string().optional(),
    productId: z.string().optional(),
    /** Bundled leaf updates are hidden, as in the ConfigMgr console, unless asked for. */
    includeBundled: z.boolean().default(false),
    includeRemoved: z.boolean().default(false),
  })
  .strict();

export const UpdateRowSchema = z.object({
  updateId: z.string(),
  revision: z.number().int(),
  title: z.string(),
  kb: z.string().nullable(),
  bulletin: z.string().nullable(),
  classification: z.string().nullable(),
  products: z.string().nullable(),
  severity: z.string().nullable(),
  releasedAt: z.string().nullable(),
  revisedAt: z.string(),
  state: z.enum(['published', 'expired', 'removed']),
  superseded: z.boolean(),
  /** Why an expired update is expired, when the supersedence rule expired it (null: the upstream did). */
  expiredBy: z.string().nullable(),
  /** Its stored metadata is damaged or missing until the next sync fetches it again (absent when readable). */
  damaged: z.literal(true).optional(),
});
export type UpdateRow = z.infer<typeof UpdateRowSchema>;

export const SyncChangeSchema = z.object({
  updateId: z.string(),
  change: z.enum(['added', 'revised', 'expired', 'removed']),
  title: z.string(),
  kb: z.string().nullable(),
  classification: z.string().nullable(),
});

export const StatusMessageSchema = z.object({
  messageId: z.number().int(),
  id: z.number().int(),
  severity: z.enum(['I', 'W', 'E']),
  component: z.string(),
  site: SiteCodeSchema,
  time: z.string(),
  insertionStrings: z.array(z.string()),
  description: z.string(),
});
export type StatusMessage = z.infer<typeof StatusMessageSchema>;

export const ScheduleInfoSchema = z.object({
  schedule: SyncScheduleSchema,
  description: z.string(),
  /** The ConfigMgr schedule token (SMS_ScheduleMethods interval string) of this schedule. */
  token: z.string(),
  nextRuns: z.array(z.string()),
  timeZone: z.string(),
});
export type ScheduleInfo = z.infer<typeof ScheduleInfoSchema>;

export const HierarchyEntrySchema = z.object({
  site: SiteSchema,
  lastRun: z.object({ outcome: z.string(), kind: SyncKindSchema, trigger: SyncTriggerSchema, at: z.string(), error: z.string().nullable() }).nullable(),
  /** Bumped by each successful sync of the site; a child behind its parent shows drift. */
  contentVersion: z.number().int(),
  parentContentVersion: z.number().int().nullable(),
  /** The parent's last successful sync run the child has not caught up with (0 = in step). */
  drift: z.boolean(),
  nextRetry: z.string().nullable(),
  failures: z.number().int(),
  syncing: z.boolean(),
  /** Where the site synchronizes from (its settings' source kind); null when its database is damaged. */
  sourceKind: z.enum(['sample', 'microsoft-update', 'upstream', 'none', 'parent']).nullable(),
});
export type HierarchyEntry = z.infer<typeof HierarchyEntrySchema>;

export const SyncStateSchema = z.object({
  site: SiteCodeSchema,
  running: z.object({ kind: SyncKindSchema, trigger: SyncTriggerSchema }).nullable(),
  pending: z.object({ kind: SyncKindSchema, trigger: SyncTriggerSchema }).nullable(),
  progress: z.lazy(() => ProgressSchema).nullable(),
  nextRetry: z.string().nullable(),
});

export const LogSeveritySchema = z.enum(['info', 'warning', 'error']);
export const LogLineSchema = z.object({
  /** The line as written to the log file. */
  text: z.string(),
  component: z.string(),
  time: z.string(),
  thread: z.number().int(),
  severity: LogSeveritySchema,
});
export type LogLine = z.infer<typeof LogLineSchema>;

/** One row of Synchronization Status (Monitoring; usc status --all): a site's sync health at a glance. */
export const SyncStatusRowSchema = z.object({
  site: SiteCodeSchema,
  name: z.string(),
  parent: SiteCodeSchema.nullable(),
  source: z.string(),
  state: z.enum(['synced', 'syncing', 'failed', 'retrying', 'behind', 'never', 'damaged']),
  /** While syncing: the phase and how far. */
  progress: z.object({ phase: z.string(), percent: z.number() }).nullable(),
  lastSuccess: z.string().nullable(),
  lastAttempt: z.object({ at: z.string(), outcome: z.string(), kind: SyncKindSchema, trigger: SyncTriggerSchema }).nullable(),
  lastError: RunErrorSchema.nullable(),
  contentVersion: z.number().int(),
  parentContentVersion: z.number().int().nullable(),
  nextScheduled: z.string().nullable(),
  nextRetry: z.string().nullable(),
});
export type SyncStatusRow = z.infer<typeof SyncStatusRowSchema>;

/** One step of the pre-flight check (usc doctor, Test connection). */
export const PreflightCheckSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  ms: z.number().int().nonnegative(),
  detail: z.string(),
  /** What to do, when the step failed. */
  hint: z.string().nullable(),
});
export type PreflightCheck = z.infer<typeof PreflightCheckSchema>;
export const PreflightReportSchema = z.object({ site: SiteCodeSchema, ok: z.boolean(), checks: z.array(PreflightCheckSchema) });
export type PreflightReport = z.infer<typeof PreflightReportSchema>;

/** An absolute path on the engine's machine (a relative one would depend on where the engine was started). */
const AbsolutePathSchema = z
  .string()
  .trim()
  .min(1, 'Enter the path of the file')
  .max(4096)
  .refine(
    (path) => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\'),
    'Enter a full path, for example /srv/exports/CEN.uscexport or D:\\Exports\\CEN.uscexport',
  );

export const ExportSummarySchema = z.object({
  file: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
  /** Deployable updates (as the repository lists them); bundled ones travel inside them. */
  updates: z.number().int(),
  categories: z.number().int(),
  /** Records left out, their stored metadata damaged (asked for with skipDamaged): the export names each. */
  missing: z.array(z.object({ updateId: z.string(), reason: z.string() })),
});
export type ExportSummary = z.infer<typeof ExportSummarySchema>;

/** What an import found in the file, once it passed its checks. */
export const ImportedExportSchema = z.object({
  file: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
  site: z.string(),
  siteName: z.string(),
  exportedAt: z.string(),
  contentVersion: z.number().int(),
  updates: z.number().int(),
});
export type ImportedExport = z.infer<typeof ImportedExportSchema>;

const SeverityCountsSchema = z.object({ errors: z.number().int(), warnings: z.number().int(), information: z.number().int() });

/** A row of Component Status: a component's messages of the last 24 hours and 7 days, and its state from them. */
export const ComponentStatusSchema = z.object({
  component: z.string(),
  /** As ConfigMgr's: Critical with an error in the last 24 hours, Warning with a warning, OK otherwise. */
  state: z.enum(['ok', 'warning', 'critical']),
  last24Hours: SeverityCountsSchema,
  last7Days: SeverityCountsSchema,
  lastMessageAt: z.string().nullable(),
  /** When an administrator last reset the counts (Reset Counts): they count the messages since then. */
  countsSince: z.string().nullable(),
});
export type ComponentStatus = z.infer<typeof ComponentStatusSchema>;

export const RestorePreviewSchema = z.object({
  /** The previous version, `.bak` (null when there is none: only the journal's start can be kept). */
  backup: z.string().nullable(),
  savedAt: z.string().nullable(),
  verified: z.boolean().nullable(),
  updates: z.number().int().nullable(),
  lastRun: z.object({ runId: z.number().int(), kind: z.string(), outcome: z.string(), at: z.string() }).nullable(),
  problem: z.string().nullable(),
  /** The files that would be moved aside (never deleted). */
  discards: z.array(z.string()),
  /**
   * The damage is in the journal: offered first, opening without its unreadable tail keeps the database file and
   * the saves before the damage (`saves` of them), and sets the journal as it was aside.
   */
  journalStart: z.object({ saves: z.number().int().nonnegative(), setsAside: z.array(z.string()) }).nullable(),
});
export type RestorePreview = z.infer<typeof RestorePreviewSchema>;

export const apiMethods = {
  getInfo: { params: NoParams, result: ConsoleInfoSchema },
  listSites: { params: NoParams, result: z.array(SiteSchema) },
  getSite: { params: SiteParams, result: SiteSchema },
  getSupConfig: { params: SiteParams, result: SupConfigSchema },
  addSite: {
    params: z.object({ code: SiteCodeSchema, name: z.string().trim().min(1, 'A site needs a name').max(50), parent: SiteCodeSchema }).strict(),
    result: SiteSchema,
  },
  /** Renames a site, or moves a child site under another parent. */
  updateSite: {
    params: z
      .object({ site: SiteCodeSchema, name: z.string().trim().min(1, 'A site needs a name').max(50).optional(), parent: SiteCodeSchema.optional() })
      .strict(),
    result: SiteSchema,
  },
  removeSite: { params: SiteParams, result: z.object({ removed: SiteCodeSchema, keptAs: z.string() }) },
  /** What restoring a damaged site would put back (the backup's date, check, last run, updates) and set aside. */
  previewRestore: { params: SiteParams, result: RestorePreviewSchema },
  /**
   * Puts a damaged site's previous version (`.bak`) back; the damaged file and its journal are kept aside. Only
   * when confirmed, after previewRestore has shown what it would do (usc site restore --yes).
   */
  restoreSite: {
    params: z
      .object({
        site: SiteCodeSchema,
        confirm: z.literal(true, { error: 'Restoring replaces the site database: confirm it (usc site restore --yes) after reading what it would restore' }),
        /** What to put back: the journal's intact start (the default when the damage is in the journal) or the backup. */
        from: z.enum(['journal-start', 'backup']).optional(),
      })
      .strict(),
    result: z.object({ restoredFrom: z.string(), keptAside: z.array(z.string()), keptSaves: z.number().int().optional() }),
  },
  getHierarchy: { params: NoParams, result: z.array(HierarchyEntrySchema) },
  /** Products (Company → Family → Product) and classifications known from the site's last category sync. */
  listCategories: {
    params: SiteParams,
    result: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        type: z.enum(['Company', 'ProductFamily', 'Product', 'UpdateClassification']),
        parentId: z.string().nullable(),
      }),
    ),
  },
  /**
   * Products and classifications named as an administrator names them (exact names or category IDs) matched against
   * the site's categories, and against the upstream's when the site does not list one: each with its ID, or the
   * reason it has none (unknown, or several categories of that name) and the candidates. Nothing is guessed.
   */
  resolveCategories: {
    params: z
      .object({ site: SiteCodeSchema, products: z.array(z.string().trim().min(1)).default([]), classifications: z.array(z.string().trim().min(1)).default([]) })
      .strict(),
    result: z.object({
      matches: z.array(
        z.object({
          input: z.string(),
          kind: z.enum(['product', 'classification']),
          id: z.string().optional(),
          name: z.string().optional(),
          problem: z.enum(['unknown', 'ambiguous']).optional(),
          /** Why it has no ID, in words, with the candidates and their IDs. */
          message: z.string().optional(),
          candidates: z.array(z.object({ id: z.string(), name: z.string(), type: z.string() })),
        }),
      ),
      /** Whether the upstream's current category list was read (the site did not list every name given). */
      askedUpstream: z.boolean(),
      /** Why the upstream's list could not be read, when it was needed. */
      upstreamError: z.string().optional(),
    }),
  },
  /** Serves a site's database as an upstream update server (for child sites on other machines). */
  serveSite: {
    params: z.object({ site: SiteCodeSchema, port: z.number().int().min(0).max(65535).default(0), bind: z.string().default('127.0.0.1') }).strict(),
    result: z.object({ url: z.string() }),
  },
  /** Retries a failed synchronization now: the one manual action allowed on a child site. */
  retrySynchronization: { params: SiteParams, result: z.object({ status: z.enum(['started', 'queued', 'coalesced']) }) },
  setSupConfig: { params: z.object({ site: SiteCodeSchema, config: SupConfigSchema }).strict(), result: SupConfigSchema },
  /** What the proposed products and classifications would keep, drop and bring back, from the site database. */
  previewSupScope: {
    params: z.object({ site: SiteCodeSchema, config: SupConfigSchema }).strict(),
    result: z.object({
      current: z.number().int(),
      kept: z.number().int(),
      dropped: z.number().int(),
      returning: z.number().int(),
      newlySelected: z.array(z.string()),
      unknown: z.array(z.string()),
      /** Published updates the proposed supersedence rule would expire at the next full synchronization. */
      expiring: z.number().int(),
    }),
  },
  /** Starts (or queues) a synchronization; a manual Run Synchronization is a delta sync. With wait, answers when it ends. */
  runSynchronization: {
    params: z
      .object({
        site: SiteCodeSchema,
        kind: SyncKindSchema.default('delta'),
        trigger: z.enum(['manual', 'cli', 'schedule']).default('manual'),
        wait: z.boolean().default(false),
      })
      .strict(),
    result: z.object({ status: z.enum(['started', 'queued', 'coalesced']), run: SyncRunSchema.nullable() }),
  },
  getSchedule: { params: SiteParams, result: ScheduleInfoSchema },
  setSchedule: { params: z.object({ site: SiteCodeSchema, schedule: SyncScheduleSchema }).strict(), result: ScheduleInfoSchema },
  /** The next runs a schedule would have, without saving it (the properties dialog's preview). */
  previewSchedule: {
    params: z.object({ site: SiteCodeSchema, schedule: SyncScheduleSchema, count: z.number().int().min(1).max(50).default(5) }).strict(),
    result: ScheduleInfoSchema,
  },
  cancelSynchronization: { params: SiteParams, result: z.object({ cancelled: z.boolean() }) },
  getSyncState: { params: SiteParams, result: SyncStateSchema },
  querySyncHistory: {
    params: z.object({ site: SiteCodeSchema, limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    result: z.array(SyncRunSchema),
  },
  querySyncChanges: {
    /** One entry per update as the repository lists them; includeBundled adds every bundled revision the run wrote. */
    params: z.object({ site: SiteCodeSchema, runId: z.number().int(), includeBundled: z.boolean().optional() }).strict(),
    result: z.array(SyncChangeSchema),
  },
  queryUpdates: { params: UpdateQuerySchema, result: z.object({ total: z.number().int(), rows: z.array(UpdateRowSchema) }) },
  getUpdateDetails: {
    params: z.object({ site: SiteCodeSchema, updateId: z.string() }).strict(),
    result: z.object({
      update: UpdateRowSchema,
      texts: z.array(z.object({ language: z.string(), title: z.string(), description: z.string().nullable() })),
      products: z.array(z.string()),
      supersedes: z.array(z.object({ updateId: z.string(), title: z.string().nullable() })),
      supersededBy: z.array(z.object({ updateId: z.string(), title: z.string().nullable() })),
      bundled: z.array(z.object({ updateId: z.string(), title: z.string().nullable() })),
      /** The payload files the metadata names, with the download URL the upstream gave for each. */
      files: z.array(z.object({ fileName: z.string(), size: z.number(), digest: z.string(), url: z.string().nullable() })),
      /** The article's page (More information), when the update names one. */
      moreInfoUrl: z.string().nullable(),
      /** Why the stored metadata (text, files) could not be read, when it could not. */
      metadataProblem: z.string().nullable(),
    }),
  },
  /** Counts of updates per classification and per product: the sub-folders of Update Repository. */
  getRepositoryFolders: {
    params: SiteParams,
    result: z.object({
      classifications: z.array(z.object({ id: z.string(), name: z.string(), count: z.number().int() })),
      products: z.array(z.object({ id: z.string(), name: z.string(), count: z.number().int() })),
    }),
  },
  /** Synchronization Status: one row per site (usc status --all, the Monitoring node). */
  getSyncStatus: { params: NoParams, result: z.array(SyncStatusRowSchema) },
  /** The pre-flight check of a site's whole sync path (usc doctor, Test connection). */
  runPreflight: {
    params: z
      .object({
        site: SiteCodeSchema,
        /** Settings to test instead of the saved ones (Sync Settings before Apply); nothing is saved or changed. */
        config: SupConfigSchema.optional(),
      })
      .strict(),
    result: PreflightReportSchema,
  },
  /** Where Export Catalog… proposes to write, and the exports already in the data folder's Exports folder. */
  getCatalogTransferInfo: {
    params: SiteParams,
    result: z.object({
      defaultExportPath: z.string(),
      exports: z.array(z.object({ file: z.string(), bytes: z.number().int(), modifiedAt: z.string() })),
    }),
  },
  /** Writes the site's catalog to one file for a disconnected site (`usc export`); progress arrives as transferProgress. */
  exportCatalog: {
    /** skipDamaged: export the rest when records are damaged, naming what was left out (otherwise SITE_DAMAGED). */
    params: z.object({ site: SiteCodeSchema, path: AbsolutePathSchema, skipDamaged: z.boolean().default(false) }).strict(),
    result: ExportSummarySchema,
  },
  /**
   * Checks an export file end to end and applies it as a full synchronization with trigger "import" (`usc import`).
   * A file that fails a check is refused with the reason and changes nothing.
   */
  importCatalog: {
    params: z.object({ site: SiteCodeSchema, path: AbsolutePathSchema, wait: z.boolean().default(false) }).strict(),
    result: z.object({ export: ImportedExportSchema, scope: ImportScopeSchema, run: SyncRunSchema.nullable() }),
  },
  /**
   * Import Catalog… before it starts: checks the file (progress as transferProgress, "verify") and says what the
   * site's own products and classifications keep of it and leave out. Nothing is changed.
   */
  previewCatalogImport: {
    params: z.object({ site: SiteCodeSchema, path: AbsolutePathSchema }).strict(),
    result: z.object({ export: ImportedExportSchema, scope: ImportScopeSchema }),
  },
  /**
   * A list to a CSV file (UTF-8 with BOM, RFC 4180): the Update Repository with `query`'s filter, search and sort
   * (every row), What changed in `runId`, the history, the status messages, or Synchronization Status. Progress
   * arrives as transferProgress ("csv"); cancelCatalogTransfer stops it and nothing is left behind.
   */
  exportList: {
    params: z
      .object({
        site: SiteCodeSchema,
        path: AbsolutePathSchema,
        list: z.enum(['updates', 'changes', 'history', 'status', 'syncStatus']),
        query: UpdateQuerySchema.omit({ site: true, offset: true, limit: true }).partial().optional(),
        runId: z.number().int().positive().optional(),
      })
      .strict(),
    result: z.object({ file: z.string(), rows: z.number().int(), bytes: z.number().int() }),
  },
  /** Stops a running export, or the check of a file being imported (the import's sync is cancelled as any sync is). */
  cancelCatalogTransfer: { params: SiteParams, result: z.object({ cancelled: z.boolean() }) },
  getComponentStatus: { params: SiteParams, result: z.array(ComponentStatusSchema) },
  /** Component Status's Reset Counts: the administrator acknowledged what the counts said. */
  resetComponentCounts: {
    params: z.object({ site: SiteCodeSchema, component: z.string().min(1).max(100) }).strict(),
    result: z.object({ component: z.string(), countsSince: z.string() }),
  },
  queryStatusMessages: {
    params: z.object({ site: SiteCodeSchema, limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    result: z.array(StatusMessageSchema),
  },
  /** E-mail Notification: a top-level site's notification settings (its children's runs are told by them too). */
  getNotifySettings: { params: SiteParams, result: NotifySettingsViewSchema },
  /** Saves them; `password` saves the SMTP password (credentials file, never returned), null forgets it. */
  setNotifySettings: {
    params: z.object({ site: SiteCodeSchema, settings: NotifySettingsSchema, password: z.string().max(1_024).nullable().optional() }).strict(),
    result: NotifySettingsViewSchema,
  },
  /**
   * Send test message: to every recipient and webhook of the settings given (the saved ones without), now, and
   * what each server answered, word for word.
   */
  testNotifications: {
    params: z.object({ site: SiteCodeSchema, settings: NotifySettingsSchema.optional(), password: z.string().max(1_024).optional() }).strict(),
    result: z.object({ results: z.array(DeliveryResultSchema) }),
  },
  /** The sync digest of a run, or of the runs that ended since a date (the last day without either): what a mail and a webhook carry. */
  getSyncDigest: {
    params: z.object({ site: SiteCodeSchema, since: z.iso.datetime({ offset: true }).optional(), runId: z.number().int().positive().optional() }).strict(),
    result: SyncDigestSchema,
  },
  /**
   * Where a run's notification stands, once each delivery was tried (waiting at most timeoutMs): a one-shot
   * `usc sync` says it before it returns. Null when the run notifies nobody.
   */
  awaitNotifications: {
    params: z.object({ site: SiteCodeSchema, runId: z.number().int().positive(), timeoutMs: z.number().int().min(0).max(600_000).default(60_000) }).strict(),
    result: z.object({
      deliveries: z
        .array(
          z.object({
            channel: z.enum(['mail', 'webhook']),
            target: z.string(),
            state: z.enum(['pending', 'delivered', 'failed']),
            attempts: z.number().int(),
            nextAt: z.string(),
            answer: z.string().nullable(),
          }),
        )
        .nullable(),
    }),
  },
  /** The last lines of a site's wsyncmgr.log as they are on disk (the log pane loads them when it opens). */
  readLogTail: {
    params: z.object({ site: SiteCodeSchema, maxLines: z.number().int().min(1).max(100_000).default(10_000) }).strict(),
    result: z.object({
      file: z.string(),
      lines: z.array(LogLineSchema),
      /** More lines were on disk than were returned. */
      truncated: z.boolean(),
    }),
  },
} as const;

export type ApiMethodName = keyof typeof apiMethods;

/** Calls answered by the console host itself (they must work while the engine is down); the engine answers the rest. */
export const HOST_METHODS = ['getInfo'] as const satisfies readonly ApiMethodName[];
export type HostMethodName = (typeof HOST_METHODS)[number];
export type EngineMethodName = Exclude<ApiMethodName, HostMethodName>;

export function isHostMethod(method: ApiMethodName): method is HostMethodName {
  return (HOST_METHODS as readonly string[]).includes(method);
}
export type ApiParams<M extends ApiMethodName> = z.input<(typeof apiMethods)[M]['params']>;
export type ApiResult<M extends ApiMethodName> = z.output<(typeof apiMethods)[M]['result']>;

/** The typed API the preload exposes, the web host serves and the renderer uses. */
export type ConsoleApi = {
  [M in ApiMethodName]: Record<string, never> extends ApiParams<M>
    ? (params?: ApiParams<M>) => Promise<ApiResult<M>>
    : (params: ApiParams<M>) => Promise<ApiResult<M>>;
};

export function isApiMethodName(name: unknown): name is ApiMethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiMethods, name);
}

export const SyncPhaseSchema = z.enum(['connect', 'categories', 'list', 'metadata', 'apply', 'index', 'finish', 'notify']);
export type SyncPhase = z.infer<typeof SyncPhaseSchema>;

export const ProgressSchema = z.object({
  site: SiteCodeSchema,
  phase: SyncPhaseSchema,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  percent: z.number().min(0).max(100),
  etaMs: z.number().nonnegative().nullable(),
  /** The upstream stopped answering: the request that is waiting to be sent again, and when (the sync is not stuck). */
  retry: z.object({ operation: z.string(), attempt: z.number().int(), of: z.number().int(), at: z.string(), reason: z.string() }).optional(),
  /** The watchdog found no progress since this time and is retrying the stuck requests. */
  stalledSince: z.string().optional(),
});
export type Progress = z.infer<typeof ProgressSchema>;

/** Events pushed from the engine to every connected console. */
export const eventSchemas = {
  engineStatus: EngineStatusSchema,
  sitesChanged: z.object({ sites: z.array(SiteSchema) }),
  log: z.object({ site: SiteCodeSchema, file: z.string(), lines: z.array(LogLineSchema) }),
  progress: ProgressSchema,
  syncFinished: SyncRunSchema,
  /** An export being written, or an import's file being checked before its sync starts. */
  transferProgress: z.object({
    site: SiteCodeSchema,
    operation: z.enum(['export', 'verify', 'csv']),
    done: z.number().nonnegative(),
    total: z.number().nonnegative(),
    percent: z.number().min(0).max(100),
  }),
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.output<(typeof eventSchemas)[E]>;
export type ConsoleEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventSchemas, name);
}
