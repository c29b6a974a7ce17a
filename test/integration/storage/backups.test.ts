/** Backups worth restoring: the state of the last synchronization that changed the site, checked, shown before use. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

describe('site backups', () => {
  it('keeps the state of the last sync that changed the site as the backup, and shows it before a restore', async () => {
    const { url, service } = await fixture.service({ updates: 60, seed: 51 });
    const dir = fixture.tempDir();
    let engine = await fixture.engine(dir);
    await fixture.configure(engine, url);
    const first = await fixture.sync(engine, 'full');
    expect(first.outcome).toBe('succeeded');
    const file = join(dir, 'sites', 'CEN.sqlite');
    // The file and its journal as the sync left them: not the empty database from before the sync (what a first sync
    // once left as the only backup).
    const backupOf = () =>
      Buffer.concat([readFileSync(`${file}.bak`), existsSync(`${file}.bak.journal`) ? readFileSync(`${file}.bak.journal`) : Buffer.alloc(0)]);
    const siteOf = () => Buffer.concat([readFileSync(file), existsSync(`${file}.journal`) ? readFileSync(`${file}.journal`) : Buffer.alloc(0)]);
    expect(backupOf().equals(siteOf())).toBe(true);
    const updates = (await engine.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1 })).total;
    expect(updates).toBeGreaterThan(0);
    // A sync that changes nothing takes no backup; one that does, takes a new one.
    const before = backupOf();
    expect((await fixture.sync(engine, 'delta')).counts.new).toBe(0);
    expect(backupOf().equals(before)).toBe(true);
    service.churn({ add: 3 });
    const third = await fixture.sync(engine, 'delta');
    expect(third.counts.new).toBeGreaterThan(0);
    expect(backupOf().equals(before)).toBe(false);
    expect(backupOf().equals(siteOf())).toBe(true);
    await engine.close();

    // The file is damaged on disk: the restore says what it would put back, and it is what the last sync left.
    const damaged = readFileSync(file);
    damaged[damaged.length - 100] = damaged[damaged.length - 100]! ^ 0xff;
    writeFileSync(file, damaged);
    engine = await fixture.engine(dir, { mode: 'command' });
    expect((await engine.call('getSite', { site: 'CEN' })).health.state).toBe('damaged');
    const preview = await engine.call('previewRestore', { site: 'CEN' });
    expect(preview).toMatchObject({
      backup: `${file}.bak`,
      verified: true,
      lastRun: { runId: third.runId, outcome: 'succeeded' },
      problem: null,
      discards: [file, `${file}.journal`],
    });
    expect(preview.updates).toBeGreaterThan(updates);
    await expect(engine.call('restoreSite', { site: 'CEN' } as never)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('--yes'),
    });
    await engine.call('restoreSite', { site: 'CEN', confirm: true });
    expect((await engine.call('querySyncHistory', { site: 'CEN', limit: 1 }))[0]!.runId).toBe(third.runId);
  });
});
