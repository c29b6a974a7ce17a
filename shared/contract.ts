/**
 * The one contract between the console (renderer), the hosts (Electron main, web host, CLI) and the engine worker.
 * Adding a call means adding it here, implementing it in the engine and using it in the UI; the transports
 * carry any call of this map unchanged.
 */
import { z } from 'zod';
import { ConsoleInfoSchema, EngineStatusSchema, SiteCodeSchema, SiteSchema } from './domain';

const NoParams = z.object({}).strict();

export const apiMethods = {
  getInfo: { params: NoParams, result: ConsoleInfoSchema },
  listSites: { params: NoParams, result: z.array(SiteSchema) },
  getSite: { params: z.object({ site: SiteCodeSchema }).strict(), result: SiteSchema },
} as const;

export type ApiMethodName = keyof typeof apiMethods;
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

export const SyncPhaseSchema = z.enum([
  'connect',
  'categories',
  'list',
  'metadata',
  'apply',
  'finish',
  'notify',
]);
export type SyncPhase = z.infer<typeof SyncPhaseSchema>;

export const ProgressSchema = z.object({
  site: SiteCodeSchema,
  phase: SyncPhaseSchema,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  percent: z.number().min(0).max(100),
  etaMs: z.number().nonnegative().nullable(),
});
export type Progress = z.infer<typeof ProgressSchema>;

/** Events pushed from the engine to every connected console. */
export const eventSchemas = {
  engineStatus: EngineStatusSchema,
  sitesChanged: z.object({ sites: z.array(SiteSchema) }),
  log: z.object({ site: SiteCodeSchema, file: z.string(), lines: z.array(LogLineSchema) }),
  progress: ProgressSchema,
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.output<(typeof eventSchemas)[E]>;
export type ConsoleEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventSchemas, name);
}
