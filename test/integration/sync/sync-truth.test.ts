/**
 * Every sync outcome tells the truth against an upstream that behaves like a real Windows one: answers capped in
 * bytes, revisions that never arrive, ServerChanged, InternalServerError, malformed or hostile metadata.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { offeredRevisions, storedRevisions, useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

function logOf(engine: Engine, site = 'CEN'): string {
  return readFileSync(join(engine.folder.logsDir, site, 'wsyncmgr.log'), 'utf8');
}

async function statusMessages(engine: Engine) {
  const messages = await engine.call('queryStatusMessages', { site: 'CEN', limit: 1000 });
  return messages.reverse();
}

describe('answers a Windows upstream caps in bytes', () => {
  it('asks again for what an answer left out, until every update has arrived', async () => {
    const { service, catalog, url } = await fixture.service({ updates: 275, seed: 8 });
    service.configure({ maxResponseBytes: 100_000 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    const run = await fixture.sync(engine, 'full');
    expect(run).toMatchObject({ outcome: 'succeeded', counts: { failed: 0 } });
    expect(await storedRevisions(engine)).toEqual(offeredRevisions(catalog));
    // The cap really left updates out, and they were asked for again.
    expect(service.stats.leftOutByCap).toBeGreaterThan(100);
    expect(service.stats.updatesServed).toBe(catalog.updates.length + catalog.categories.length + catalog.detectoids.length);
    expect(logOf(engine)).not.toMatch(/returned no metadata/);
  });
});

describe('an update that cannot be fetched', () => {
  it.each(['delta', 'full'] as const)('fails the sync with 6703, keeps the others, and the next %s sync fetches exactly it', async (nextKind) => {
    const { service, catalog, url } = await fixture.service({ updates: 200, seed: 9 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    const anchor = await engine.call('querySyncHistory', { site: 'CEN', limit: 1 });

    const churn = service.churn({ add: 5, revise: 3 });
    const missing = churn.added[2]!;
    service.injectFault({ kind: 'withhold', updateId: missing, times: 1_000 });
    const failed = await fixture.sync(engine, 'full');
    expect(failed).toMatchObject({ outcome: 'failed', counts: { failed: 1 }, error: { code: 'UPDATES_FAILED' } });
    expect(failed.error!.message).toMatch(
      new RegExp(
        `^Failed to sync some of the updates \\(1 of \\d+ could not be synchronized\\); update ${missing} \\(revision \\d+\\): the upstream server returned no metadata`,
      ),
    );
    expect(failed.error).toMatchObject({ update: { id: missing, title: null }, again: false });
    // The anchor did not move past what was missed.
    expect(failed.anchorAfter).toBeNull();
    expect((await engine.call('querySyncHistory', { site: 'CEN', limit: 1 }))[0]!.anchorBefore).toBe(anchor[0]!.anchorAfter);
    const stored = await storedRevisions(engine);
    expect(stored.some((line) => line.startsWith(missing))).toBe(false);
    expect(stored).toEqual(offeredRevisions(catalog).filter((line) => !line.startsWith(missing)));
    const last = (await statusMessages(engine)).at(-1)!;
    expect(last).toMatchObject({ id: 6703, insertionStrings: ['CWSyncMgr::DoSync', failed.error!.message] });
    const log = logOf(engine);
    expect(log).toMatch(
      new RegExp(
        `Failed to sync update ${missing}\\. Error: Update ${missing}: the upstream server returned no metadata for revision \\d+, even when asked for it alone`,
      ),
    );
    expect(log).toContain('Sync failed: Failed to sync some of the updates (1 of');

    service.clearFaults();
    const before = service.stats.requests.GetUpdateData ?? 0;
    const next = await fixture.sync(engine, nextKind);
    expect(next).toMatchObject({ outcome: 'succeeded', counts: { failed: 0 } });
    expect(await storedRevisions(engine)).toEqual(offeredRevisions(catalog));
    // Exactly what was missing: one update (a delta asks again since the kept anchor, and only the new one is fetched;
    // its bundled updates, not withheld, arrived with the failed sync).
    expect(next.counts.new).toBe(1);
    expect((service.stats.requests.GetUpdateData ?? 0) - before).toBe(1);
  });

  it.each([
    ['malformed metadata', 'malformedBlob', /metadata is not well-formed XML/],
    ['a broken cabinet', 'brokenCabinet', /its compressed metadata cannot be read/],
    ['a decompression bomb', 'cabinetBomb', /declares \d+ bytes, more than the limit of \d+; refusing it/],
    ['XML nested 200,000 levels deep', 'deepXml', /nested deeper than 256 levels/],
  ] as const)('fails the sync for %s in one update, and the next sync completes it', async (_label, kind, reason) => {
    const { service, catalog, url } = await fixture.service({ updates: 150, seed: 10 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    service.churn({ add: 20 });
    service.injectFault({ kind, operation: 'GetUpdateData' });
    const failed = await fixture.sync(engine, 'delta');
    expect(failed).toMatchObject({ outcome: 'failed', counts: { failed: 1 }, error: { code: 'UPDATES_FAILED' } });
    const failure = /Failed to sync update ([0-9a-f-]{36})\. Error: (.*)\. Source: UpstreamServer\.GetUpdateData/.exec(logOf(engine));
    expect(failure?.[2]).toMatch(reason);
    expect(failure?.[2]).toContain(`Update ${failure?.[1]}`);
    const stored = await storedRevisions(engine);
    expect(stored).toEqual(offeredRevisions(catalog).filter((line) => !line.startsWith(failure![1]!)));

    const next = await fixture.sync(engine, 'delta');
    expect(next).toMatchObject({ outcome: 'succeeded', counts: { new: 1, failed: 0 } });
    expect(await storedRevisions(engine)).toEqual(offeredRevisions(catalog));
  });
});

describe('a failure that recurs', () => {
  it('is told as such, naming the update, when the next sync fails on the same update, and not when another one fails', async () => {
    const { service, url } = await fixture.service({ updates: 120, seed: 19 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    const { added } = service.churn({ add: 4 });
    service.injectFault({ kind: 'withhold', updateId: added[1]!, times: 1_000 });
    const first = await fixture.sync(engine, 'delta');
    expect(first.error).toMatchObject({ code: 'UPDATES_FAILED', update: { id: added[1] }, again: false });
    const second = await fixture.sync(engine, 'delta');
    expect(second.error).toMatchObject({ code: 'UPDATES_FAILED', update: { id: added[1] }, again: true });
    // History and Synchronization Status read the same facts.
    expect((await engine.call('querySyncHistory', { site: 'CEN', limit: 1 }))[0]!.error).toEqual(second.error);
    const [status] = await engine.call('getSyncStatus', {});
    expect(status!.lastError).toEqual(second.error);

    // Another update fails now: a new failure, not the same one again.
    service.clearFaults();
    const { added: later } = service.churn({ add: 2 });
    service.injectFault({ kind: 'withhold', updateId: later[0]!, times: 1_000 });
    const third = await fixture.sync(engine, 'delta');
    expect(third.error).toMatchObject({ code: 'UPDATES_FAILED', update: { id: later[0] }, again: false });
  });
});

describe('faults the protocol gives a meaning to', () => {
  it('ServerChanged: forgets the anchors, lists everything again as a full sync, and ends equal to the upstream', async () => {
    const { service, catalog, url } = await fixture.service({ updates: 200, seed: 12 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    service.churn({ add: 4, revise: 2, remove: 2 });
    service.injectFault({ kind: 'serverChanged' });
    const run = await fixture.sync(engine, 'delta');
    expect(run).toMatchObject({ outcome: 'succeeded', kind: 'full', fullReason: 'a change of the upstream server (ServerChanged)' });
    expect(run.anchorAfter).toBe(catalog.anchor());
    expect(await storedRevisions(engine)).toEqual(offeredRevisions(catalog));
    expect(logOf(engine)).toMatch(/has changed \(ServerChanged for anchor [^)]+\): its anchors were reset; listing every revision again as a full sync/);
    // The new anchors work: the next delta finds nothing.
    expect(await fixture.sync(engine, 'delta')).toMatchObject({ outcome: 'succeeded', kind: 'delta', counts: { new: 0 } });
  });

  it('InternalServerError: stops at once with 6703, without retrying', async () => {
    const { service, url } = await fixture.service({ updates: 50, seed: 13 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    service.injectFault({ kind: 'internalServerError', operation: 'GetRevisionIdList', times: 100 });
    const run = await fixture.sync(engine, 'full');
    expect(run).toMatchObject({ outcome: 'failed', error: { code: 'InternalServerError' } });
    expect(run.error!.message).not.toMatch(/gave up after/);
    expect(service.stats.requests.GetRevisionIdList).toBe(1);
    expect((await statusMessages(engine)).at(-1)).toMatchObject({ id: 6703, insertionStrings: ['UpstreamServer.GetRevisionIdList', run.error!.message] });
  });
});

describe('what a crash leaves behind', () => {
  it('removes temp files of an interrupted save when the engine starts', async () => {
    const dataDir = fixture.tempDir();
    await (await fixture.engine(dataDir)).close();
    const leftover = join(dataDir, 'sites', 'CEN.sqlite.tmp-99999');
    writeFileSync(leftover, Buffer.alloc(64 * 1024));
    const engine = await fixture.engine(dataDir);
    expect(existsSync(leftover)).toBe(false);
    expect(await engine.call('listSites', {})).toMatchObject([{ health: { state: 'ok' } }]);
  });
});
