import { z } from 'zod';

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
  z.object({ kind: z.literal('upstream'), url: z.string().url().refine((url) => /^https?:\/\//.test(url), 'The upstream server URL must start with http:// or https://') }),
  z.object({ kind: z.literal('none') }),
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
  }
}
