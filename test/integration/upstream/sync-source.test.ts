import { afterEach, describe, expect, it } from 'vitest';
import { SyncSourceConnector } from '../../../electron/engine/upstream/sync-source';
import { SyncSourceSchema } from '../../../shared/domain';

const connectors: SyncSourceConnector[] = [];
afterEach(async () => {
  for (const connector of connectors.splice(0)) await connector.close();
});

describe('sync sources', () => {
  it('serves the built-in sample catalog from inside the engine on a loopback port', async () => {
    const connector = new SyncSourceConnector({ updates: 200, seed: 9 });
    connectors.push(connector);
    const client = await connector.connect({ kind: 'sample' }, { sleep: async () => undefined });
    expect(client.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const categories = await client.getCategoryRevisions();
    expect(categories.revisions.length).toBeGreaterThan(30);
    // The same embedded service answers every later sync, so its anchors stay valid.
    expect((await connector.connect({ kind: 'sample' })).baseUrl).toBe(client.baseUrl);
    await client.close();
  });

  it('points Microsoft Update and upstream servers at their URLs, and refuses "Do not synchronize"', async () => {
    const connector = new SyncSourceConnector();
    expect(await connector.urlOf({ kind: 'microsoft-update' })).toBe('https://sws.update.microsoft.com');
    expect(await connector.urlOf({ kind: 'upstream', url: 'https://wsus.corp.example:8531' })).toBe('https://wsus.corp.example:8531');
    await expect(connector.urlOf({ kind: 'none' })).rejects.toThrow(/synchronization is turned off/);
  });

  it('validates an upstream server URL', () => {
    expect(SyncSourceSchema.safeParse({ kind: 'upstream', url: 'ftp://wsus' }).success).toBe(false);
    expect(SyncSourceSchema.safeParse({ kind: 'upstream', url: 'http://wsus01:8530' }).success).toBe(true);
  });
});
