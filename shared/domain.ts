import { z } from 'zod';
import { CATEGORY_ID } from './categories';

/** A ConfigMgr site code: three letters or digits, e.g. CEN, PR1. Always stored upper case. */
export const SiteCodeSchema = z
  .string()
  .trim()
  .transform((code) => code.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{3}$/, 'A site code is exactly three letters or digits, for example CEN or PR1.'));
export type SiteCode = z.infer<typeof SiteCodeSchema>;

export const TOP_LEVEL_SITE = { code: 'CEN', name: 'Central Site' } as const;

/** Whether a site's database could be opened; a damaged one is reported, never replaced. */
export const SiteHealthSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ok') }),
  z.object({ state: z.literal('damaged'), message: z.string() }),
]);
export type SiteHealth = z.infer<typeof SiteHealthSchema>;

export const SiteSchema = z.object({
  code: SiteCodeSchema,
  name: z.string(),
  parentCode: SiteCodeSchema.nullable(),
  databaseFile: z.string(),
  schemaVersion: z.number().int().nonnegative(),
  createdAt: z.string(),
  health: SiteHealthSchema,
  /**
   * Stored metadata that cannot be read (a blob store record damaged or missing): the site works, but those updates
   * cannot be exported or served until the next synchronization fetches them again. Absent when the store is whole.
   */
  blobDamage: z.object({ updates: z.number().int().positive(), message: z.string() }).optional(),
});
export type Site = z.infer<typeof SiteSchema>;

export function siteDisplayName(site: Pick<Site, 'code' | 'name'>): string {
  return `${site.code} - ${site.name}`;
}

export const EngineStateSchema = z.enum(['starting', 'ready', 'restarting', 'failed', 'stopped']);
export type EngineState = z.infer<typeof EngineStateSchema>;

export const EngineStatusSchema = z.object({
  state: EngineStateSchema,
  /** What an administrator should read: why the engine is not ready, or that it is. */
  message: z.string(),
  restarts: z.number().int().nonnegative(),
  at: z.string(),
});
export type EngineStatus = z.infer<typeof EngineStatusSchema>;

export const ConsoleInfoSchema = z.object({
  productName: z.string(),
  version: z.string(),
  dataDir: z.string(),
  engine: EngineStatusSchema,
});
export type ConsoleInfo = z.infer<typeof ConsoleInfoSchema>;

/** Where a Software Update Point synchronizes from (SPEC §2). */
export const SyncSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sample') }),
  z.object({ kind: z.literal('microsoft-update') }),
  z.object({
    kind: z.literal('upstream'),
    url: z
      .string()
      .url({
        // Says what is wrong with what was typed, not only what is wanted ("not a url" read "Enter the URL").
        error: (issue) =>
          typeof issue.input !== 'string' || /^(https?:\/\/)?$/.test(issue.input.trim())
            ? 'Enter the upstream server URL, for example https://wsus.corp.example:8531'
            : `"${issue.input}" is not a URL: write it as https://server:port, for example https://wsus.corp.example:8531`,
      })
      .refine((url) => /^https?:\/\//.test(url), 'The upstream server URL must start with http:// or https://'),
  }),
  z.object({ kind: z.literal('none') }),
  /** A child site's source when it synchronizes from its parent in this data folder (read-only in the console). */
  z.object({ kind: z.literal('parent'), site: SiteCodeSchema }),
]);
export type SyncSource = z.infer<typeof SyncSourceSchema>;

export function describeSyncSource(source: SyncSource): string {
  switch (source.kind) {
    case 'sample':
      return 'Built-in sample catalog';
    case 'microsoft-update':
      return 'Microsoft Update';
    case 'upstream':
      return `Upstream update server ${source.url}`;
    case 'none':
      return 'Do not synchronize';
    case 'parent':
      return `Parent site ${source.site}`;
  }
}

export const ProxySchema = z.object({
  url: z
    .string()
    .url('Enter the proxy server URL, for example http://proxy.corp.example:8080')
    // The sync speaks HTTP to its proxy: another scheme (ftp://, socks://) failed every sync later, unexplained.
    .refine((url) => /^https?:\/\//i.test(url), 'The proxy server URL must start with http:// or https://, for example http://proxy.corp.example:8080')
    // A URL is shown, logged and stored as it is: a password inside it would be too.
    .refine(
      (url) => !/^https?:\/\/[^/?#]*@/i.test(url),
      'Give the proxy user name and password in their own fields (--proxy-user, --proxy-password), not inside the URL: the URL is shown and logged, the password is kept in the credentials file',
    ),
  username: z.string().optional(),
  /** Only ever sent to the engine: a new password ('' forgets the saved one; absent keeps it). Never sent back. */
  password: z.string().optional(),
  /** Only ever sent by the engine: a password is saved for this proxy. */
  passwordSaved: z.boolean().optional(),
});

export const SupersedenceRuleSchema = z.object({
  expire: z.enum(['never', 'immediately', 'after']),
  months: z.number().int('Enter a whole number of months').min(1, 'Between 1 and 99 months').max(99, 'Between 1 and 99 months'),
});
export type SupersedenceRule = z.infer<typeof SupersedenceRuleSchema>;

/** An update category's ID as the upstream gives it (a GUID), kept lower case. */
export const CategoryIdSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(CATEGORY_ID, 'Products and classifications are chosen by their category ID, a GUID such as 0fa1201d-4330-4fa8-8ae9-b877473b6441');

/**
 * Software Update Point settings of a site. Products (or a family or company: every product under it) and
 * classifications are kept by the upstream's category IDs, as ConfigMgr keeps them; names are for display.
 */
export const SupConfigSchema = z.object({
  source: SyncSourceSchema,
  products: z.array(CategoryIdSchema),
  classifications: z.array(CategoryIdSchema),
  /**
   * Names an earlier release kept that matched no synchronized category exactly, or more than one: never guessed.
   * Each sync tries them again by exact name and says so until they match or are chosen again.
   */
  unresolvedNames: z.object({ products: z.array(z.string()), classifications: z.array(z.string()) }).optional(),
  languages: z
    .array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/, 'Languages are short codes such as en, de or zh-TW'))
    .min(1, 'Select at least one language'),
  retryMinutes: z
    .number()
    .int('Enter a whole number of minutes')
    .min(1, 'Retry after 1 to 1,440 minutes (one day)')
    .max(1440, 'Retry after 1 to 1,440 minutes (one day)'),
  proxy: ProxySchema.optional(),
  extraCaCertificates: z.array(z.string()).optional(),
  /** The stall watchdog: minutes without progress before the stuck requests are abandoned and retried (default 10). */
  stallMinutes: z.number().int().min(1, 'Between 1 and 240 minutes').max(240, 'Between 1 and 240 minutes').optional(),
  /**
   * Supersedence rule, as MECM's: on a full sync, superseded updates are left alone (absent), expired at once, or
   * expired once they have been superseded for `months` (counted from the release of the first update superseding them).
   */
  supersedence: SupersedenceRuleSchema.optional(),
});
export type SupConfig = z.infer<typeof SupConfigSchema>;
export const DEFAULT_STALL_MINUTES = 10;

export const DEFAULT_SUP_CONFIG: SupConfig = {
  source: { kind: 'sample' },
  // Windows 11, Windows 10 version 1903 and later, Windows Server 2019, Microsoft Server operating system-21H2.
  products: [
    '72e7624a-5b00-45d2-b92f-e561c0a6a160',
    'b3c75dc1-155f-4be4-b015-3f1a91758e52',
    'f702a48c-919b-45d6-9aef-ca4248d50397',
    '71718f13-7324-4b0f-8f9e-2ca9dc978e53',
  ],
  // Critical Updates, Security Updates.
  classifications: ['e6cf1350-c01b-414d-a61f-263d14d133b4', '0fa1201d-4330-4fa8-8ae9-b877473b6441'],
  languages: ['en'],
  retryMinutes: 60,
};

export const SyncKindSchema = z.enum(['full', 'delta']);
export type SyncKind = z.infer<typeof SyncKindSchema>;
export const SyncTriggerSchema = z.enum(['manual', 'schedule', 'parent', 'retry', 'cli', 'resume', 'import']);
export type SyncTrigger = z.infer<typeof SyncTriggerSchema>;
export const SyncOutcomeSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']);

export const SyncCountsSchema = z.object({
  new: z.number().int(),
  modified: z.number().int(),
  expired: z.number().int(),
  removed: z.number().int(),
  skipped: z.number().int(),
  /** Revisions the sync set out to fetch that could not be fetched or read (the next sync fetches them). */
  failed: z.number().int(),
});
export type SyncCounts = z.infer<typeof SyncCountsSchema>;

/** A run's changes as the Update Repository lists updates: one per update, bundled updates inside their parent. */
export const ListedCountsSchema = z.object({
  new: z.number().int(),
  modified: z.number().int(),
  expired: z.number().int(),
  removed: z.number().int(),
});
export type ListedCounts = z.infer<typeof ListedCountsSchema>;

/** What an import keeps of an export file, by the importing site's products and classifications. */
export const ImportScopeSchema = z.object({
  /** Deployable updates in the file. */
  updates: z.number().int(),
  kept: z.number().int(),
  leftOut: z.number().int(),
  /** Each product the file's updates name: how many updates name it, how many of them are kept, whether it is selected. */
  products: z.array(z.object({ id: z.string(), name: z.string(), selected: z.boolean(), updates: z.number().int(), kept: z.number().int() })),
});
export type ImportScope = z.infer<typeof ImportScopeSchema>;

/** How a run that did not succeed ended. */
export const RunErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** The first update the run could not synchronize, when its failure is one of updates. */
  update: z.object({ id: z.string(), revision: z.number().int(), title: z.string().nullable() }).nullable(),
  /**
   * The run before it failed the same way (the same code, and the same update when one is named): it will fail
   * again until the cause is fixed, so the console says so instead of promising that the next sync fetches the rest.
   */
  again: z.boolean(),
});
export type RunError = z.infer<typeof RunErrorSchema>;

export const SyncRunSchema = z.object({
  runId: z.number().int(),
  site: SiteCodeSchema,
  kind: SyncKindSchema,
  trigger: SyncTriggerSchema,
  outcome: SyncOutcomeSchema,
  /** For scheduled runs: the due time the schedule fired for. */
  scheduledFor: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  /** Revisions: every update the run wrote, bundled updates included. */
  counts: SyncCountsSchema,
  listed: ListedCountsSchema,
  anchorBefore: z.string().nullable(),
  anchorAfter: z.string().nullable(),
  fullReason: z.string().nullable(),
  warnings: z.array(z.string()),
  error: RunErrorSchema.nullable(),
  /** A site's latest run that failed: when the automatic retry runs (null for every other run). */
  nextRetry: z.string().nullable(),
});
export type SyncRun = z.infer<typeof SyncRunSchema>;
