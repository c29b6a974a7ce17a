import type { z } from 'zod';
import { apiMethods, type ApiMethodName, type ApiResult, type ConsoleEvent } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import { acquireDataFolderLock, dataFolderLayout, ensureDataFolder, type DataFolder } from './data-folder';
import { SiteRegistry } from './sites/site-registry';
import { loadSqlJs } from './sites/sqljs';

/** Calls answered by the host itself (they must work while the engine is down). */
export const HOST_METHODS = ['getInfo'] as const satisfies readonly ApiMethodName[];
export type EngineMethodName = Exclude<ApiMethodName, (typeof HOST_METHODS)[number]>;

type ParsedParams<M extends ApiMethodName> = z.output<(typeof apiMethods)[M]['params']>;
export type EngineHandlers = {
  [M in EngineMethodName]: (params: ParsedParams<M>) => Promise<ApiResult<M>> | ApiResult<M>;
};

export interface EngineOptions {
  dataDir: string;
  sqlWasmPath?: string;
  now?: () => Date;
}

export type EngineEventListener = (event: ConsoleEvent) => void;

/** The sync engine: owns the data folder and every site database. Runs in the worker, or in-process in tests. */
export class Engine {
  private readonly listeners = new Set<EngineEventListener>();
  private readonly handlers: EngineHandlers;

  private constructor(
    readonly folder: DataFolder,
    private readonly sites: SiteRegistry,
    private readonly releaseLock: () => void,
  ) {
    this.handlers = {
      listSites: () => this.sites.list(),
      getSite: ({ site }) => this.sites.get(site),
    };
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const now = options.now ?? (() => new Date());
    const folder = dataFolderLayout(options.dataDir);
    ensureDataFolder(folder);
    const release = acquireDataFolderLock(folder, now());
    try {
      const sql = await loadSqlJs(options.sqlWasmPath);
      const sites = SiteRegistry.load(sql, folder.sitesDir, now());
      return new Engine(folder, sites, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Runs one call whose params were already validated against the contract. */
  async call(method: ApiMethodName, params: unknown): Promise<unknown> {
    if (!isEngineMethod(method)) {
      throw new ApiError('BAD_REQUEST', `${method} is answered by the console host, not the engine.`);
    }
    const handler = this.handlers[method] as (params: unknown) => unknown;
    return handler(params);
  }

  onEvent(listener: EngineEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected emit(event: ConsoleEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  close(): void {
    this.sites.close();
    this.releaseLock();
  }
}

function isEngineMethod(method: ApiMethodName): method is EngineMethodName {
  return !(HOST_METHODS as readonly string[]).includes(method);
}
