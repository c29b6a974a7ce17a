/**
 * An upstream outage in the middle of a sync: the requests in flight fail together, each is retried, and the
 * administrator sees one retry line per attempt and a progress that says what it waits for, not a frozen ETA.
 */
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../../shared/contract';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

describe('an upstream outage during a sync', () => {
  it('logs one retry line per attempt, shows the retry in the progress, keeps going and succeeds', async () => {
    const { service, url } = await fixture.service({ updates: 300, seed: 8, maxUpdatesPerRequest: 10 });
    const engine = await fixture.engine(fixture.tempDir(), { retryDelayMs: 1_000 });
    await fixture.configure(engine, url);
    const retries: Array<NonNullable<Progress['retry']>> = [];
    const lines: string[] = [];
    let afterRetry: Progress | undefined;
    engine.onEvent((event) => {
      if (event.name === 'log') lines.push(...event.payload.lines.map((line) => line.text));
      if (event.name !== 'progress') return;
      if (event.payload.retry !== undefined) retries.push(event.payload.retry);
      else if (retries.length > 0 && afterRetry === undefined && event.payload.phase === 'metadata') afterRetry = event.payload;
    });
    // Metadata for the categories and two batches of updates, then every request fails twice over (four in flight).
    service.injectFault({ kind: 'http500', operation: 'GetUpdateData', after: 6, times: 8 });
    const run = await fixture.sync(engine, 'full');

    expect(run.outcome).toBe('succeeded');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toMatchObject({ operation: 'GetUpdateData', attempt: 2, of: 5 });
    expect(Date.parse(retries[0]!.at)).toBeGreaterThan(Date.parse(run.startedAt));
    // Progress after the outage carries no retry and an ETA again.
    expect(afterRetry?.retry).toBeUndefined();
    const retryLines = lines.filter((line) => /Retrying in/.test(line));
    for (const attempt of [2, 3]) expect(retryLines.filter((line) => line.includes(`(attempt ${attempt} of 5)`))).toHaveLength(1);
    expect(retryLines.length).toBeLessThanOrEqual(2);
  });

  it('says when the automatic retry runs when a sync fails, and what was kept', async () => {
    const { service, url } = await fixture.service({ updates: 200, seed: 8, maxUpdatesPerRequest: 10 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url, { retryMinutes: 45 });
    service.injectFault({ kind: 'http500', operation: 'GetUpdateData', after: 6, times: 10_000 });
    const finished = new Promise<{ nextRetry: string | null; listed: { new: number } }>((resolve) =>
      engine.onEvent((event) => {
        if (event.name === 'syncFinished') resolve(event.payload);
      }),
    );
    const run = await fixture.sync(engine, 'full');
    expect(run.outcome).toBe('failed');
    const event = await finished;
    expect(event.listed.new).toBeGreaterThan(0);
    const minutes = (Date.parse(event.nextRetry!) - Date.parse(run.endedAt!)) / 60_000;
    expect(Math.round(minutes)).toBe(45);
    // The history's latest failed run and the CLI's waited-for run say the same.
    expect(run.nextRetry).toBe(event.nextRetry);
    const [latest] = await engine.call('querySyncHistory', { site: 'CEN', limit: 1 });
    expect(latest!.nextRetry).toBe(event.nextRetry);
  });
});
