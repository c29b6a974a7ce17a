import { afterEach } from 'vitest';
import { UpstreamClient, type UpstreamClientOptions } from '../../electron/engine/upstream/client/upstream-client';
import { SampleCatalog } from '../../electron/engine/upstream/service/catalog';
import { PRODUCTS } from '../../electron/engine/upstream/service/catalog-data';
import { UpstreamService, type UpstreamServiceOptions } from '../../electron/engine/upstream/service/upstream-service';
import { CLASSIFICATIONS } from '../../electron/engine/upstream/soap/protocol-names';

/** A settable clock shared by a service and a client, so cookie expiry is tested without waiting. */
export class FakeClock {
  constructor(public time = Date.parse('2026-11-23T08:00:00Z')) {}
  now = (): Date => new Date(this.time);
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Starts built-in upstream services on 127.0.0.1 and clients for them; stops all after each test. */
export function useUpstream() {
  const services: UpstreamService[] = [];
  const clients: UpstreamClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    for (const service of services.splice(0)) await service.close();
  });
  return {
    async start(options: Partial<Omit<UpstreamServiceOptions, 'catalog'>> & { catalog?: SampleCatalog; updates?: number; seed?: number } = {}) {
      const catalog: SampleCatalog = options.catalog ?? SampleCatalog.generate({ updates: options.updates ?? 300, seed: options.seed ?? 11 });
      const service = new UpstreamService({ ...options, catalog });
      services.push(service);
      const url = await service.listen();
      return { service, catalog, url };
    },
    client(url: string, options: Partial<UpstreamClientOptions> = {}) {
      const client = new UpstreamClient({ baseUrl: url, sleep: async () => undefined, timeoutMs: 5_000, ...options });
      clients.push(client);
      return client;
    },
  };
}

export const ALL_PRODUCTS = PRODUCTS.map((product) => ({ id: product.id, delta: false }));
export const ALL_CLASSIFICATIONS = CLASSIFICATIONS.map((classification) => ({ id: classification.id, delta: false }));
export const withDelta = (items: Array<{ id: string }>) => items.map((item) => ({ id: item.id, delta: true }));
