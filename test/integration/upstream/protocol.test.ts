/** Conformance of the protocol client against the built-in upstream service, over real HTTP on 127.0.0.1. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { MetadataBatch } from '../../../electron/engine/upstream/client/upstream-client';
import { UpstreamError } from '../../../electron/engine/upstream/client/upstream-error';
import { SampleCatalog } from '../../../electron/engine/upstream/service/catalog';
import { PRODUCTS } from '../../../electron/engine/upstream/service/catalog-data';
import type { UpdateIdentity } from '../../../electron/engine/upstream/update-metadata';
import { ALL_CLASSIFICATIONS, ALL_PRODUCTS, FakeClock, useUpstream, withDelta } from '../../helpers/upstream';

const upstream = useUpstream();
const key = (id: UpdateIdentity) => `${id.updateId}@${id.revision}`;
const SECURITY = '0fa1201d-4330-4fa8-8ae9-b877473b6441';
const WINDOWS_11 = '72e7624a-5b00-45d2-b92f-e561c0a6a160';

async function fetchAll(client: ReturnType<typeof upstream.client>, ids: UpdateIdentity[]) {
  const batches: MetadataBatch[] = [];
  await client.fetchMetadata(ids, (batch) => void batches.push(batch));
  return {
    updates: batches.flatMap((batch) => batch.revisions.map((revision) => revision.metadata)),
    failures: batches.flatMap((batch) => batch.failures),
    compressed: batches.reduce((sum, batch) => sum + batch.compressed, 0),
  };
}

describe('authorization', () => {
  it('runs GetAuthConfig → GetAuthorizationCookie → GetCookie once, then reuses the cookie', async () => {
    const { service, url } = await upstream.start();
    const client = upstream.client(url);
    await client.getConfigData();
    await client.getCategoryRevisions();
    expect(service.stats.requests).toMatchObject({ GetAuthConfig: 1, GetAuthorizationCookie: 1, GetCookie: 1, GetConfigData: 1, GetRevisionIdList: 1 });
    expect(client.stats.authentications).toBe(1);
  });

  it('renews the cookie before its Expiration, with GetCookie only', async () => {
    const clock = new FakeClock();
    const { service, url } = await upstream.start({ cookieLifetimeMs: 10 * 60_000, now: clock.now });
    const client = upstream.client(url, { now: clock.now });
    await client.getConfigData();
    clock.advance(9 * 60_000); // 1 minute left: under the 2-minute renewal margin
    await client.getConfigData();
    expect(service.stats.requests.GetCookie).toBe(2);
    expect(service.stats.requests.GetAuthConfig).toBe(1);
    expect(client.stats.cookieRenewals).toBe(1);
  });

  it('re-authorizes when the server answers InvalidCookie', async () => {
    const { service, url } = await upstream.start();
    const client = upstream.client(url);
    await client.getConfigData();
    service.injectFault({ kind: 'invalidCookie', operation: 'GetRevisionIdList' });
    const list = await client.getCategoryRevisions();
    expect(list.revisions.length).toBeGreaterThan(0);
    expect(service.stats.requests.GetCookie).toBe(2);
  });

  it('runs the whole flow again when the authorization cookie has expired too', async () => {
    const clock = new FakeClock();
    const { service, url } = await upstream.start({ now: clock.now });
    const client = upstream.client(url, { now: clock.now });
    await client.getConfigData();
    clock.advance(25 * 3600_000);
    await client.getConfigData();
    expect(service.stats.requests.GetAuthorizationCookie).toBe(2);
    expect(client.stats.authentications).toBe(2);
  });

  it('answers a call without a cookie with an InvalidCookie fault', async () => {
    const { url } = await upstream.start();
    const response = await fetch(`${url}/ServerSyncWebService/ServerSyncWebService.asmx`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', soapaction: '"http://www.microsoft.com/SoftwareDistribution/GetConfigData"' },
      body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetConfigData xmlns="http://www.microsoft.com/SoftwareDistribution"/></s:Body></s:Envelope>',
    });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('<ErrorCode>InvalidCookie</ErrorCode>');
  });
});

describe('revision lists', () => {
  it('lists every category, and their metadata describes the Company → ProductFamily → Product tree and classifications', async () => {
    const { catalog, url } = await upstream.start();
    const client = upstream.client(url);
    const list = await client.getCategoryRevisions();
    expect(list.revisions.length).toBe(catalog.categories.length + catalog.detectoids.length);
    const { updates, failures } = await fetchAll(client, list.revisions);
    expect(failures).toEqual([]);
    const windows11 = updates.find((update) => update.updateId === WINDOWS_11)!;
    expect(windows11).toMatchObject({ type: 'Category', categoryType: 'Product', categoryGroups: [['6964aab4-c5b5-43bd-a17d-ffb4346a8e1d']] });
    expect(updates.find((update) => update.updateId === SECURITY)).toMatchObject({
      categoryType: 'UpdateClassification',
      localized: [{ title: 'Security Updates' }],
    });
    expect(updates.filter((update) => update.categoryType === 'Company').map((update) => update.localized[0]!.title)).toEqual(['Microsoft']);
  });

  it('returns only updates of a listed product AND classification, with their bundled children', async () => {
    const { catalog, url } = await upstream.start({ updates: 600 });
    const client = upstream.client(url);
    const list = await client.getUpdateRevisions({ products: [{ id: WINDOWS_11, delta: false }], classifications: [{ id: SECURITY, delta: false }] });
    const expected = catalog.updates
      .filter((update) => update.state !== 'removed')
      .filter((update) => {
        const top = update.parentId === undefined ? update : catalog.update(update.parentId)!;
        return top.product.id === WINDOWS_11 && top.classificationId === SECURITY;
      })
      .map((update) => `${update.id}@${update.revision}`);
    expect(list.revisions.map(key).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(10);
    const { updates } = await fetchAll(client, list.revisions);
    const parents = updates.filter((update) => update.explicitlyDeployable);
    expect(parents.every((update) => update.categoryGroups.flat().includes(WINDOWS_11) && update.categoryGroups.flat().includes(SECURITY))).toBe(true);
    const children = updates.filter((update) => !update.explicitlyDeployable);
    expect(children.length).toBeGreaterThan(0);
    expect(children.every((leaf) => parents.some((parent) => parent.bundled.some((b) => b.updateId === leaf.updateId)))).toBe(true);
  });

  it('after each churn step, an anchored list returns exactly the changed revisions', async () => {
    const { service, catalog, url } = await upstream.start({ updates: 400 });
    const client = upstream.client(url);
    const filter = { products: withDelta(ALL_PRODUCTS), classifications: withDelta(ALL_CLASSIFICATIONS) };
    const first = await client.getUpdateRevisions({ products: ALL_PRODUCTS, classifications: ALL_CLASSIFICATIONS });
    let anchor = first.anchor;
    const revisionsOf = (ids: string[]) =>
      ids.flatMap((id) => {
        const update = catalog.update(id)!;
        return [update, ...update.childIds.map((childId) => catalog.update(childId)!)].map((u) => `${u.id}@${u.revision}`);
      });

    for (const step of [{ add: 7 }, { revise: 4 }, { expire: 3 }, { remove: 2 }, { add: 1, revise: 1, expire: 1 }]) {
      const change = service.churn(step);
      const delta = await client.getUpdateRevisions({ ...filter, anchor });
      expect(delta.revisions.map(key).sort(), JSON.stringify(step)).toEqual(revisionsOf([...change.added, ...change.revised, ...change.expired]).sort());
      expect(delta.anchor).not.toBe(anchor);
      anchor = delta.anchor;
      if (change.expired.length > 0) {
        const { updates } = await fetchAll(
          client,
          delta.revisions.filter((id) => change.expired.includes(id.updateId)),
        );
        expect(updates.every((update) => update.publicationState === 'Expired')).toBe(true);
      }
    }
    // Silently removed updates show in no list: only a full list compared with what is stored reveals them.
    const full = await client.getUpdateRevisions({ products: ALL_PRODUCTS, classifications: ALL_CLASSIFICATIONS });
    // The two updates removed, and their bundled updates with them.
    const removed = catalog.updates.filter((update) => update.state === 'removed').map((update) => update.id);
    expect(removed.filter((id) => catalog.update(id)!.parentId === undefined)).toHaveLength(2);
    expect(full.revisions.some((id) => removed.includes(id.updateId))).toBe(false);
  });

  it('returns everything for a category whose Delta flag is false, despite the anchor', async () => {
    const { service, catalog, url } = await upstream.start({ updates: 300 });
    const client = upstream.client(url);
    const { anchor } = await client.getUpdateRevisions({ products: ALL_PRODUCTS, classifications: ALL_CLASSIFICATIONS });
    const added = service.churn({ addProduct: { name: 'Windows Server 2025', updates: 4 } });
    const categories = await client.getCategoryRevisions(anchor);
    expect(categories.revisions.map((id) => id.updateId)).toEqual([added.addedProduct]);
    const products = [...withDelta(ALL_PRODUCTS), { id: added.addedProduct!, delta: false }, { id: WINDOWS_11, delta: false }];
    const list = await client.getUpdateRevisions({ products, classifications: withDelta(ALL_CLASSIFICATIONS), anchor });
    const windows11Count = catalog.updates.filter((u) => u.parentId === undefined && u.product.id === WINDOWS_11 && u.state !== 'removed').length;
    const listedTop = list.revisions.filter((id) => catalog.update(id.updateId)?.parentId === undefined);
    expect(listedTop.length).toBe(windows11Count + 4);
  });

  it('answers an anchor it never issued with ServerChanged, which is not retried', async () => {
    const { url } = await upstream.start({ seed: 1 });
    const other = SampleCatalog.generate({ updates: 10, seed: 2 });
    const client = upstream.client(url);
    const error = await client.getCategoryRevisions(other.anchor()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).faultCode).toBe('ServerChanged');
    expect(client.stats.retries).toBe(0);
  });
});

describe('compression', () => {
  it('asks for gzip across a network and inflates the answer as it streams; not from loopback, where it is all cost', async () => {
    const { url } = await upstream.start({ updates: 60 });
    // A front that forwards to the service as it is and records what the client asked for.
    const asked: string[] = [];
    const front = createServer((request, response) => {
      asked.push(String(request.headers['accept-encoding']));
      const target = new URL(request.url ?? '/', url);
      const forward = fetchLike(target, request);
      void forward.then(({ status, headers, body }) => response.writeHead(status, headers).end(body));
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
    const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    try {
      const plain = upstream.client(frontUrl);
      const ids = (await plain.getUpdateRevisions({ products: ALL_PRODUCTS, classifications: ALL_CLASSIFICATIONS })).revisions.slice(0, 30);
      const viaLoopback = await fetchAll(plain, ids);
      expect(new Set(asked)).toEqual(new Set(['identity']));
      asked.length = 0;
      // As a client across a network asks (a host that is not this machine's, forced here on loopback).
      const zipped = upstream.client(frontUrl, { compression: 'gzip' });
      const viaGzip = await fetchAll(zipped, ids);
      expect(new Set(asked)).toEqual(new Set(['gzip']));
      expect(viaGzip.updates).toEqual(viaLoopback.updates);
      expect(viaGzip.failures).toEqual([]);
    } finally {
      front.close();
    }
  });
});

/** Forwards a request to the service, body and headers as they are, and returns its answer as it came. */
async function fetchLike(target: URL, request: import('node:http').IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const { request: send } = await import('node:http');
  return new Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const outgoing = send(target, { method: request.method, headers: request.headers }, (answer) => {
      const body: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => body.push(chunk));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(body) }));
    });
    outgoing.on('error', reject);
    outgoing.end(Buffer.concat(chunks));
  });
}

describe('metadata', () => {
  it('fetches in batches of the advertised MaxNumberOfUpdatesPerRequest and refuses larger ones', async () => {
    const { service, url } = await upstream.start({ updates: 200, maxUpdatesPerRequest: 25 });
    const client = upstream.client(url, { concurrency: 3 });
    const list = await client.getUpdateRevisions({ products: ALL_PRODUCTS, classifications: ALL_CLASSIFICATIONS });
    const ids = list.revisions.slice(0, 130);
    const { updates, failures } = await fetchAll(client, ids);
    expect(failures).toEqual([]);
    expect(updates.map(key).sort()).toEqual(ids.map(key).sort());
    expect(service.stats.requests.GetUpdateData).toBe(6);
    const tooMany = await client.getUpdateData(list.revisions.slice(0, 26)).catch((e: unknown) => e);
    expect(tooMany).toMatchObject({ kind: 'fault', faultCode: 'InvalidParameters' });
  });

  it('decodes compressed blobs (CAB of UTF-16LE XML) to the same metadata as plain ones', async () => {
    const catalog = SampleCatalog.generate({ updates: 150, seed: 5 });
    const compressing = await upstream.start({ catalog });
    const plain = await upstream.start({ catalog, compressAbove: Number.MAX_SAFE_INTEGER });
    const list = await upstream.client(compressing.url).getUpdateRevisions({ products: ALL_PRODUCTS, classifications: ALL_CLASSIFICATIONS });
    const viaCab = await fetchAll(upstream.client(compressing.url), list.revisions);
    const viaText = await fetchAll(upstream.client(plain.url), list.revisions);
    expect(viaCab.compressed).toBeGreaterThan(10);
    expect(compressing.service.stats.compressedBlobs).toBe(viaCab.compressed);
    expect(viaText.compressed).toBe(0);
    const byId = (updates: typeof viaCab.updates) => [...updates].sort((a, b) => a.updateId.localeCompare(b.updateId));
    expect(byId(viaCab.updates)).toEqual(byId(viaText.updates));
  });
});

describe('faults', () => {
  async function setup(options: Parameters<typeof upstream.client>[1] = {}) {
    const started = await upstream.start({ updates: 120 });
    const client = upstream.client(started.url, options);
    const list = await client.getUpdateRevisions({ products: ALL_PRODUCTS, classifications: ALL_CLASSIFICATIONS });
    return { ...started, client, ids: list.revisions.slice(0, 40) };
  }

  it.each([
    ['HTTP 500', 'http500'],
    ['ServerBusy', 'serverBusy'],
    ['a socket closed mid-body', 'closeMidBody'],
  ] as const)('retries %s with backoff and then succeeds', async (_label, kind) => {
    const delays: number[] = [];
    const { service, client, ids } = await setup({ sleep: async (ms) => void delays.push(ms) });
    service.injectFault({ kind, operation: 'GetUpdateData', times: 2 });
    const { updates, failures } = await fetchAll(client, ids);
    expect(failures).toEqual([]);
    expect(updates).toHaveLength(40);
    expect(client.stats.retries).toBe(2);
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
  });

  it('retries a request that hangs past its timeout', async () => {
    const { service, client, ids } = await setup({ timeoutMs: 300 });
    service.injectFault({ kind: 'hang', operation: 'GetUpdateData' });
    const { updates } = await fetchAll(client, ids);
    expect(updates).toHaveLength(40);
    expect(client.stats.retries).toBe(1);
  });

  it('stops at InternalServerError without retrying, as the protocol says', async () => {
    const { service, client, ids } = await setup();
    service.injectFault({ kind: 'internalServerError', operation: 'GetUpdateData', times: 100 });
    const error = (await client.getUpdateData(ids.slice(0, 5)).catch((e: unknown) => e)) as UpstreamError;
    expect(error).toMatchObject({ kind: 'fault', faultCode: 'InternalServerError' });
    expect(client.stats.retries).toBe(0);
    expect(service.stats.requests.GetUpdateData).toBe(1);
  });

  it('still hands over an answer on its way when another request fails for good, then reports the failure', async () => {
    const { service, url } = await upstream.start({ updates: 200, maxUpdatesPerRequest: 10 });
    // Every successful GetUpdateData answer reaches the client 300 ms late, a failed one at once.
    const late = await delayingForwarder(url, 300);
    const client = upstream.client(late.url, { concurrency: 4 });
    const ids = (await client.getUpdateRevisions({ products: ALL_PRODUCTS, classifications: ALL_CLASSIFICATIONS })).revisions.slice(0, 40);
    service.injectFault({ kind: 'internalServerError', operation: 'GetUpdateData', after: 1, times: 100 });
    const batches: MetadataBatch[] = [];
    const error = await client.fetchMetadata(ids, (batch) => void batches.push(batch)).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'fault', faultCode: 'InternalServerError' });
    // The one request the upstream answered was kept, though the others had failed before it arrived.
    expect(batches.flatMap((batch) => batch.revisions)).toHaveLength(10);
    expect(service.stats.requests.GetUpdateData).toBe(4);
    await late.close();
  });

  it('starts no new request once told to stop, hands over the answers on their way, and ends without an error', async () => {
    const { service, url } = await upstream.start({ updates: 200, maxUpdatesPerRequest: 10 });
    const late = await delayingForwarder(url, 200);
    const client = upstream.client(late.url, { concurrency: 2 });
    const ids = (await client.getUpdateRevisions({ products: ALL_PRODUCTS, classifications: ALL_CLASSIFICATIONS })).revisions.slice(0, 100);
    const stop = new AbortController();
    const batches: MetadataBatch[] = [];
    await client.fetchMetadata(
      ids,
      (batch) => {
        batches.push(batch);
        stop.abort();
      },
      undefined,
      stop.signal,
    );
    // The two requests in flight when the first answer arrived: both answers kept, no third request.
    expect(service.stats.requests.GetUpdateData).toBe(2);
    expect(batches.flatMap((batch) => batch.revisions)).toHaveLength(20);
    await late.close();
  });

  it('asks again for the identities a capped answer left out, until each arrived', async () => {
    const { service, client, ids } = await setup();
    service.configure({ maxResponseBytes: 20_000 });
    const { updates, failures } = await fetchAll(client, ids);
    expect(failures).toEqual([]);
    expect(updates.map(key).sort()).toEqual(ids.map(key).sort());
    expect(service.stats.leftOutByCap).toBeGreaterThan(0);
    expect(client.stats.reasked).toBe(service.stats.leftOutByCap);
  });

  it('gives up after the bounded retries and names the cause', async () => {
    const { service, client, ids } = await setup({ maxRetries: 3 });
    service.injectFault({ kind: 'serverBusy', operation: 'GetUpdateData', times: 100 });
    const error = (await fetchAll(client, ids).catch((e: unknown) => e)) as UpstreamError;
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.faultCode).toBe('ServerBusy');
    expect(error.message).toMatch(/ServerBusy.*gave up after 4 attempts/);
    expect(service.stats.requests.GetUpdateData).toBe(4);
  });

  it('fails only the update whose metadata is malformed, naming its UpdateID', async () => {
    const { service, client, ids } = await setup();
    service.injectFault({ kind: 'malformedBlob', operation: 'GetUpdateData' });
    const { updates, failures } = await fetchAll(client, ids.slice(0, 10));
    expect(updates).toHaveLength(9);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toContain(`Update ${ids[0]!.updateId}`);
    expect(failures[0]!.message).toMatch(/not well-formed XML/);
  });

  it('fails only the update whose compressed metadata is a broken cabinet', async () => {
    const { service, client, ids } = await setup();
    service.injectFault({ kind: 'brokenCabinet', operation: 'GetUpdateData' });
    const { updates, failures } = await fetchAll(client, ids.slice(0, 10));
    expect(updates).toHaveLength(9);
    expect(failures[0]!.message).toMatch(new RegExp(`Update ${ids[0]!.updateId}: its compressed metadata cannot be read`));
  });

  it('reports an unreachable server as a network error after retries', async () => {
    const { url, service } = await upstream.start();
    await service.close();
    const client = upstream.client(url, { maxRetries: 1 });
    await expect(client.getConfigData()).rejects.toMatchObject({ kind: 'network', message: expect.stringMatching(/Could not reach the upstream server/) });
  });

  it('stops at once when cancelled', async () => {
    const { service, client, ids } = await setup({ timeoutMs: 10_000 });
    service.injectFault({ kind: 'hang', operation: 'GetUpdateData', times: 10 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const error = await client.fetchMetadata(ids, () => undefined, controller.signal).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

it('the generated catalog is deterministic and realistic', () => {
  const a = SampleCatalog.generate({ updates: 500, seed: 42 });
  const b = SampleCatalog.generate({ updates: 500, seed: 42 });
  expect(a.updates.map((u) => u.id)).toEqual(b.updates.map((u) => u.id));
  expect(new Set(a.updates.map((u) => u.product.id)).size).toBeGreaterThan(10);
  expect(a.updates.some((u) => u.supersedes.length > 0)).toBe(true);
  expect(a.updates.some((u) => u.childIds.length > 0)).toBe(true);
  expect(PRODUCTS.filter((p) => !p.real).every((p) => /^[0-9a-f]{8}-[0-9a-f]{4}-5/.test(p.id))).toBe(true);
});

/** Forwards every request to `target`; an answer to GetUpdateData that is not a fault is held back `delayMs`. */
async function delayingForwarder(target: string, delayMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      void (async () => {
        const answer = await fetch(new URL(request.url ?? '/', target), {
          method: request.method ?? 'POST',
          headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<
            string,
            string
          >,
          ...(body.length > 0 ? { body } : {}),
        });
        const text = Buffer.from(await answer.arrayBuffer());
        if (answer.ok && text.includes('GetUpdateDataResponse')) await new Promise((resolve) => setTimeout(resolve, delayMs));
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' }).end(text);
      })().catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
