/** What saving the Software Update Point's settings and schedule writes to wsyncmgr.log: changes only, said in full. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { ManualClock } from '../../helpers/manual-clock';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();
const logLines = (engine: Engine) => {
  const file = join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log');
  return (existsSync(file) ? readFileSync(file, 'utf8') : '')
    .split(/\r?\n/)
    .map((line) => line.replace(/\s*\$\$<.*$/, ''))
    .filter((line) => line !== '');
};

describe('settings in wsyncmgr.log', () => {
  it('logs a changed source from what to what, other changes by name, and nothing when OK changes nothing', async () => {
    const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
    const engine = await fixture.engine(fixture.tempDir(), { clock });
    const config = await engine.call('getSupConfig', { site: 'CEN' });
    const before = logLines(engine).length;
    // OK with nothing changed: no line.
    await engine.call('setSupConfig', { site: 'CEN', config });
    expect(logLines(engine).slice(before)).toEqual([]);

    await engine.call('setSupConfig', { site: 'CEN', config: { ...config, source: { kind: 'upstream', url: 'https://wsus01.corp.example:8531' } } });
    await engine.call('setSupConfig', {
      site: 'CEN',
      config: { ...config, source: { kind: 'upstream', url: 'https://wsus01.corp.example:8531' }, retryMinutes: 30, languages: ['en', 'fr'] },
    });
    expect(logLines(engine).slice(before)).toEqual([
      'Synchronization source changed from Built-in sample catalog to Upstream update server https://wsus01.corp.example:8531.',
      'Software Update Point settings changed: languages, retry interval.',
    ]);
  });

  it('logs a schedule saved unchanged (a default start included) not at all, and a changed one once', async () => {
    const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
    const engine = await fixture.engine(fixture.tempDir(), { clock });
    const { schedule } = await engine.call('getSchedule', { site: 'CEN' });
    const enabled = { ...schedule, enabled: true };
    const first = await engine.call('setSchedule', { site: 'CEN', schedule: enabled });
    const count = () => logLines(engine).filter((line) => line.startsWith('Synchronization schedule changed')).length;
    expect(count()).toBe(1);
    // OK again, later, with what the dialog read back: the same schedule, its default start kept from the first save.
    clock.time += 3_600_000;
    const again = await engine.call('setSchedule', { site: 'CEN', schedule: (await engine.call('getSchedule', { site: 'CEN' })).schedule });
    expect(count()).toBe(1);
    expect(again.schedule.start).toBe(first.schedule.start);
    await engine.call('setSchedule', { site: 'CEN', schedule: { ...enabled, simple: { every: 1, unit: 'days' } } });
    expect(count()).toBe(2);
  });
});
