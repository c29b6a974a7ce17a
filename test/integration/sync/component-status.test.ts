/** Component Status: each component's errors, warnings and information of the last 24 hours and 7 days, by the clock. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../helpers/manual-clock';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();
const HOUR = 3_600_000;

describe('Component Status', () => {
  it('counts each severity in the last 24 hours and 7 days, and is Critical only with an error in the last day', async () => {
    const start = Date.parse('2026-11-01T08:00:00Z');
    const clock = new ManualClock(start);
    const engine = await fixture.engine(fixture.tempDir(), { clock });
    const { url, service } = await fixture.service({ updates: 60, seed: 41 });
    const status = async () => (await engine.call('getComponentStatus', { site: 'CEN' }))[0]!;

    // Before any message: listed, nothing counted.
    expect(await status()).toEqual({
      component: 'SMS_WSUS_SYNC_MANAGER',
      state: 'ok',
      last24Hours: { errors: 0, warnings: 0, information: 0 },
      last7Days: { errors: 0, warnings: 0, information: 0 },
      lastMessageAt: null,
      countsSince: null,
    });

    // An upstream that fails every request: the sync fails (after its retries) with a 6703.
    await fixture.configure(engine, url);
    service.injectFault({ kind: 'http500', operation: 'GetConfigData', times: 50 });
    expect((await fixture.sync(engine, 'delta')).outcome).toBe('failed');
    expect((await status()).state).toBe('critical');

    clock.time = start + 3 * 24 * HOUR;
    service.clearFaults();
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    clock.time += HOUR;
    const messages = await engine.call('queryStatusMessages', { site: 'CEN', limit: 100 });
    const count = (sinceMs: number) => {
      const recent = messages.filter((message) => Date.parse(message.time) >= sinceMs);
      return {
        errors: recent.filter((message) => message.severity === 'E').length,
        warnings: recent.filter((message) => message.severity === 'W').length,
        information: recent.filter((message) => message.severity === 'I').length,
      };
    };
    const now = clock.time;
    const day = count(now - 24 * HOUR);
    expect(day.errors).toBe(0);
    expect(day.information).toBeGreaterThanOrEqual(4);
    const week = count(now - 7 * 24 * HOUR);
    expect(week.errors).toBe(1);
    expect(await status()).toEqual({
      component: 'SMS_WSUS_SYNC_MANAGER',
      state: 'ok',
      last24Hours: day,
      last7Days: week,
      lastMessageAt: messages[0]!.time,
      countsSince: null,
    });

    // Nine days on, the first failure has left the 7 days.
    clock.time = start + 9 * 24 * HOUR;
    expect((await status()).last7Days).toEqual({ errors: 0, warnings: 0, information: day.information });
  });

  it('Reset Counts: a recovery the administrator acknowledged is not Critical for the rest of the day; the messages are kept', async () => {
    const start = Date.parse('2026-11-01T08:00:00Z');
    const clock = new ManualClock(start);
    const engine = await fixture.engine(fixture.tempDir(), { clock });
    const { url, service } = await fixture.service({ updates: 30, seed: 42 });
    const status = async () => (await engine.call('getComponentStatus', { site: 'CEN' }))[0]!;
    await fixture.configure(engine, url);
    service.injectFault({ kind: 'http500', operation: 'GetConfigData', times: 50 });
    expect((await fixture.sync(engine, 'delta')).outcome).toBe('failed');
    service.clearFaults();
    clock.time += HOUR;
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    // Recovered, but the error is still within the last 24 hours.
    expect(await status()).toMatchObject({ state: 'critical', last24Hours: { errors: 1 }, countsSince: null });
    const kept = (await engine.call('queryStatusMessages', { site: 'CEN', limit: 100 })).length;

    clock.time += 60_000;
    const reset = await engine.call('resetComponentCounts', { site: 'CEN', component: 'SMS_WSUS_SYNC_MANAGER' });
    expect(reset.countsSince).toBe(new Date(clock.time).toISOString());
    expect(await status()).toMatchObject({
      state: 'ok',
      last24Hours: { errors: 0, warnings: 0, information: 0 },
      last7Days: { errors: 0, warnings: 0, information: 0 },
      countsSince: reset.countsSince,
    });
    expect(await engine.call('queryStatusMessages', { site: 'CEN', limit: 100 })).toHaveLength(kept);
    // Messages after the reset count again.
    clock.time += HOUR;
    expect((await fixture.sync(engine, 'delta')).outcome).toBe('succeeded');
    expect((await status()).last24Hours.information).toBeGreaterThan(0);
    await expect(engine.call('resetComponentCounts', { site: 'CEN', component: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
