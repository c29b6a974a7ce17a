/**
 * The stall watchdog: an upstream that stops answering without closing its connections (the `hang` fault) for longer
 * than the stall limit. The sync warns (6709), abandons the stuck requests, asks again for what is missing, and
 * either goes on or, after its retries, fails with 6703 naming the stall. It never hangs for ever.
 */
import { describe, expect, it } from 'vitest';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

async function statusIds(engine: Awaited<ReturnType<typeof fixture.engine>>): Promise<number[]> {
  const messages = await engine.call('queryStatusMessages', { site: 'CEN', limit: 1000 });
  return messages.map((message) => message.id).reverse();
}

describe('the stall watchdog', () => {
  it('abandons requests that never answer, asks again for what is missing, and the sync completes', async () => {
    const { service, catalog, url } = await fixture.service({ updates: 120, seed: 6, maxUpdatesPerRequest: 10 });
    // Timeouts far longer than the stall limit: only the watchdog can end the wait.
    const engine = await fixture.engine(fixture.tempDir(), { stallMs: 600, upstreamTimeoutMs: 60_000 });
    await fixture.configure(engine, url);
    const stalled: string[] = [];
    engine.onEvent((event) => {
      if (event.name === 'progress' && event.payload.stalledSince !== undefined) stalled.push(event.payload.stalledSince);
    });
    // The categories (5 answers) and two batches of updates, then the four requests in flight hang; later ones answer.
    service.injectFault({ kind: 'hang', operation: 'GetUpdateData', after: 7, times: 4 });
    const run = await fixture.sync(engine, 'full');
    expect(run.outcome).toBe('succeeded');
    expect(run.listed.new).toBe(catalog.updates.filter((update) => update.parentId === undefined).length);
    expect(stalled.length).toBeGreaterThan(0);
    const ids = await statusIds(engine);
    expect(ids.filter((id) => id === 6709)).toHaveLength(1);
    expect(ids.at(-1)).toBe(6702);
  });

  it('fails with 6703 naming the stall after its retries, keeping what was applied', async () => {
    const { service, url } = await fixture.service({ updates: 120, seed: 6, maxUpdatesPerRequest: 10 });
    const engine = await fixture.engine(fixture.tempDir(), { stallMs: 500, upstreamTimeoutMs: 60_000 });
    await fixture.configure(engine, url);
    const lines: string[] = [];
    engine.onEvent((event) => {
      if (event.name === 'log') lines.push(...event.payload.lines.map((line) => line.text));
    });
    service.injectFault({ kind: 'hang', operation: 'GetUpdateData', after: 7, times: 10_000 });
    const run = await fixture.sync(engine, 'full');
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatchObject({
      code: 'STALLED',
      message: expect.stringMatching(/^The synchronization made no progress for 1 s \(since .+\), again after 2 retries/),
    });
    expect(run.listed.new).toBeGreaterThan(0);
    const ids = await statusIds(engine);
    expect(ids.filter((id) => id === 6709)).toHaveLength(2);
    expect(ids.at(-1)).toBe(6703);
    expect(lines.filter((line) => /^WARNING: sync: no progress for/.test(line))).toHaveLength(2);
  });

  // Before, a sign-in that never answered held the sync for its request timeout times its retries (10 minutes with a
  // 1-minute limit): the watchdog covers every phase, not only the metadata fetch.
  it('covers signing in: a GetAuthConfig that never answers fails the sync with STALLED naming it, within the limit and its retries', async () => {
    const { service, url } = await fixture.service({ updates: 20, seed: 6 });
    const engine = await fixture.engine(fixture.tempDir(), { stallMs: 1_000, upstreamTimeoutMs: 60_000 });
    await fixture.configure(engine, url);
    service.injectFault({ kind: 'hang', operation: 'GetAuthConfig', times: 10_000 });
    const lines: string[] = [];
    engine.onEvent((event) => {
      if (event.name === 'log') lines.push(...event.payload.lines.map((line) => line.text));
    });
    const run = await fixture.sync(engine, 'full');
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatchObject({
      code: 'STALLED',
      message: expect.stringMatching(/no progress for 1 s .*did not answer GetAuthConfig, again after 2 retries/),
    });
    expect(lines.filter((line) => /^WARNING: sync: no answer to GetAuthConfig for 1 s/.test(line))).toHaveLength(2);
    const ids = await statusIds(engine);
    expect(ids.filter((id) => id === 6709)).toHaveLength(2);
    expect(ids.at(-1)).toBe(6703);
  });

  it('covers the update list: a GetRevisionIdList that hangs once is asked again and the sync completes', async () => {
    const { service, catalog, url } = await fixture.service({ updates: 40, seed: 6 });
    const engine = await fixture.engine(fixture.tempDir(), { stallMs: 400, upstreamTimeoutMs: 60_000 });
    await fixture.configure(engine, url);
    // The first GetRevisionIdList lists the categories; the second, the updates, hangs.
    service.injectFault({ kind: 'hang', operation: 'GetRevisionIdList', after: 1, times: 1 });
    const lines: string[] = [];
    engine.onEvent((event) => {
      if (event.name === 'log') lines.push(...event.payload.lines.map((line) => line.text));
    });
    const run = await fixture.sync(engine, 'full');
    expect(run.outcome).toBe('succeeded');
    expect(run.listed.new).toBe(catalog.updates.filter((update) => update.parentId === undefined).length);
    const ids = await statusIds(engine);
    expect(ids.filter((id) => id === 6709)).toHaveLength(1);
    expect(ids.at(-1)).toBe(6702);
    expect(
      lines.filter((line) =>
        /^WARNING: sync: no answer to GetRevisionIdList for 1 s .*: abandoning the request and making it again \(retry 1 of 2\)/.test(line),
      ),
    ).toHaveLength(1);
  });
});
