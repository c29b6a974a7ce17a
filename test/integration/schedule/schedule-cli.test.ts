import { describe, expect, it } from 'vitest';
import { builtPaths } from '../../helpers/built';
import { useTempDirs } from '../../helpers/temp-dir';
import { runUsc } from '../../helpers/usc-process';

const tempDir = useTempDirs();
/** The spawned usc runs on this clock, so its next runs do not depend on the day the suite runs. */
const CLOCK = { USC_TEST_CLOCK: '2026-11-20T08:00:00Z' };

describe('usc schedule', () => {
  it('sets a custom schedule, prints its ConfigMgr token, and sets the same schedule back from the token', async () => {
    builtPaths();
    const data = tempDir();
    const set = await runUsc(
      [
        'schedule',
        '--data',
        data,
        '--site',
        'CEN',
        '--set',
        '--custom',
        '{"start":"2026-12-01T03:00","utc":true,"recurrence":{"type":"weekly","everyWeeks":2,"weekday":2}}',
        '--json',
      ],
      CLOCK,
    );
    expect(set.code).toBe(0);
    const info = JSON.parse(set.stdout);
    expect(info).toMatchObject({
      description: 'Every 2 weeks on Tuesday from 2026-12-01 03:00 UTC',
      nextRuns: ['2026-12-01T03:00:00.000Z', '2026-12-15T03:00:00.000Z', '2026-12-29T03:00:00.000Z', '2027-01-12T03:00:00.000Z', '2027-01-26T03:00:00.000Z'],
    });
    const token = (await runUsc(['schedule', '--data', data, '--token'], CLOCK)).stdout.trim();
    expect(token).toBe(info.token);
    expect(token).toMatch(/^[0-9A-F]{16}$/);

    const other = tempDir();
    const fromToken = JSON.parse((await runUsc(['schedule', '--data', other, '--set', '--token', token, '--json'], CLOCK)).stdout);
    expect(fromToken.schedule).toEqual({ ...info.schedule, simple: fromToken.schedule.simple });
    expect(fromToken.nextRuns).toEqual(info.nextRuns);
  });

  it("keeps a token exactly: the published example and ConfigMgr's simple schedule print back as they were set", async () => {
    const data = tempDir();
    for (const token of ['1033BC7B10100010', '0001200000100038']) {
      const set = await runUsc(['schedule', '--data', data, '--set', '--token', token]);
      expect(set.code, set.stderr).toBe(0);
      expect((await runUsc(['schedule', '--data', data, '--token'])).stdout.trim()).toBe(token);
    }
    // Several tokens in one string, as ConfigMgr stores them: the first is used, and the others are named.
    const several = await runUsc(['schedule', '--data', data, '--set', '--token', '1033BC7B101000100001200000100038', '--json']);
    expect(several.code).toBe(0);
    expect(several.stderr).toContain('holds 2 schedules');
    expect(JSON.parse(several.stdout).token).toBe('1033BC7B10100010');
    const bad = await runUsc(['schedule', '--data', data, '--set', '--token', '1033BC7B1010001']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a schedule string/);
  });

  it('explains an out-of-range value and changes nothing', async () => {
    const data = tempDir();
    const bad = await runUsc(['schedule', '--data', data, '--set', '--every', '5 weeks']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('usc: The schedule is not valid: simple.every: A simple schedule runs every 1 to 4 weeks');
    expect((await runUsc(['schedule', '--data', data])).stdout).toContain('Synchronization is not scheduled');
  });
});
