import { afterEach } from 'vitest';
import { Engine, type EngineOptions } from '../../electron/engine/engine';
import { SampleCatalog } from '../../electron/engine/upstream/service/catalog';
import { UpstreamService } from '../../electron/engine/upstream/service/upstream-service';
import { PRODUCTS } from '../../electron/engine/upstream/service/catalog-data';
import { CLASSIFICATIONS } from '../../electron/engine/upstream/soap/protocol-names';
import type { SupConfig, SyncRun } from '../../shared/domain';
import { useTempDirs } from './temp-dir';

/** Every product and classification of the built-in catalog, by category ID (as a site keeps them). */
export const EVERY_PRODUCT = PRODUCTS.map((product) => product.id);
export const EVERY_CLASSIFICATION = CLASSIFICATIONS.map((classification) => classification.id);

/** Category IDs no upstream lists: a product and a classification retired, or never there. */
export const RETIRED_PRODUCT = '0bad0000-95aa-4000-8000-000000000095';
export const RETIRED_CLASSIFICATION = '0bad0000-1998-4000-8000-000000001998';

/** The category ID of a product of the built-in catalog, by its exact name. */
export function productId(name: string): string {
  const found = PRODUCTS.find((product) => product.name === name);
  if (found === undefined) throw new Error(`The built-in catalog has no product named ${name}`);
  return found.id;
}

/** The category ID of a classification, by its exact name. */
export function classificationId(name: string): string {
  const found = CLASSIFICATIONS.find((classification) => classification.name === name);
  if (found === undefined) throw new Error(`There is no classification named ${name}`);
  return found.id;
}

/** An engine on a temp data folder whose CEN syncs from a built-in upstream service the test controls. */
export function useSyncFixture() {
  const tempDir = useTempDirs();
  const engines: Engine[] = [];
  const services: UpstreamService[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
    for (const service of services.splice(0)) await service.close();
  });
  return {
    tempDir,
    async service(options: { updates?: number; seed?: number; catalog?: SampleCatalog; maxUpdatesPerRequest?: number } = {}) {
      const catalog = options.catalog ?? SampleCatalog.generate({ updates: options.updates ?? 300, seed: options.seed ?? 4 });
      const service = new UpstreamService({ catalog, ...(options.maxUpdatesPerRequest ? { maxUpdatesPerRequest: options.maxUpdatesPerRequest } : {}) });
      services.push(service);
      return { service, catalog, url: await service.listen() };
    },
    async engine(dataDir: string, tuning: Omit<EngineOptions, 'dataDir'> = {}) {
      const engine = await Engine.open({ dataDir, retryDelayMs: 0, upstreamTimeoutMs: 5_000, ...tuning });
      engines.push(engine);
      return engine;
    },
    async configure(engine: Engine, url: string, overrides: Partial<SupConfig> = {}) {
      const config: SupConfig = {
        source: { kind: 'upstream', url },
        products: EVERY_PRODUCT,
        classifications: EVERY_CLASSIFICATION,
        languages: ['en', 'de'],
        retryMinutes: 60,
        ...overrides,
      };
      await engine.call('setSupConfig', { site: 'CEN', config });
    },
    async sync(engine: Engine, kind: 'full' | 'delta', trigger: 'manual' | 'schedule' | 'cli' = kind === 'full' ? 'schedule' : 'manual'): Promise<SyncRun> {
      const { run } = await engine.call('runSynchronization', { site: 'CEN', kind, trigger, wait: true });
      if (run === null) throw new Error('runSynchronization with wait: true answered without its run.');
      return run;
    },
  };
}

/** Every stored update with its revision and state, for comparing two databases. */
export async function snapshotUpdates(engine: Engine, expectedTotal?: number): Promise<string[]> {
  const lines: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const { rows, total } = await engine.call('queryUpdates', {
      site: 'CEN',
      offset,
      limit: 1000,
      includeBundled: true,
      includeRemoved: true,
      sort: 'title',
      direction: 'asc',
    });
    lines.push(...rows.map((row) => `${row.updateId} ${row.revision} ${row.state} ${row.superseded} ${row.title}`));
    if (expectedTotal !== undefined && total !== expectedTotal) throw new Error(`Expected ${expectedTotal} updates, found ${total}`);
    if (offset + 1000 >= total) break;
  }
  return lines.sort();
}

/** `<updateId> <revision> <state>` of every update the site holds that is not removed. */
export async function storedRevisions(engine: Engine, site = 'CEN'): Promise<string[]> {
  const lines: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const { rows, total } = await engine.call('queryUpdates', {
      site,
      offset,
      limit: 1000,
      includeBundled: true,
      includeRemoved: false,
      sort: 'title',
      direction: 'asc',
    });
    lines.push(...rows.map((row) => `${row.updateId} ${row.revision} ${row.state}`));
    if (offset + 1000 >= total) break;
  }
  return lines.sort();
}

/** The same lines for what the upstream catalog offers now (every product and classification). */
export function offeredRevisions(catalog: SampleCatalog): string[] {
  return catalog.updates
    .filter((update) => update.state !== 'removed')
    .map((update) => `${update.id} ${update.revision} ${update.state}`)
    .sort();
}
