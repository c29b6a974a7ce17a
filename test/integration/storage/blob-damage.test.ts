/** Damage to a site's blob store is found, said, and mended by the next synchronization, never exported in silence. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

describe('blob store damage', () => {
  it('fails an export naming the damaged update, and a full sync fetches the damaged record again', async () => {
    const { url } = await fixture.service({ updates: 80, seed: 61 });
    const dir = fixture.tempDir();
    let engine = await fixture.engine(dir);
    await fixture.configure(engine, url);
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    await engine.close();
    // A byte changed on disk near the end of the store: inside one of the last updates' records.
    const blobs = join(dir, 'sites', 'CEN.sqlite.blobs.1');
    const bytes = readFileSync(blobs);
    bytes[bytes.length - 300] = bytes[bytes.length - 300]! ^ 0x5a;
    writeFileSync(blobs, bytes);

    engine = await fixture.engine(dir);
    const out = join(fixture.tempDir(), 'CEN.uscexport');
    await expect(engine.call('exportCatalog', { site: 'CEN', path: out })).rejects.toMatchObject({
      code: 'SITE_DAMAGED',
      message: expect.stringMatching(/^Nothing was exported: the stored metadata of [0-9a-f-]{36} is damaged \(.*checksum.*\)\. Run a synchronization/),
    });
    const full = await fixture.sync(engine, 'full');
    expect(full.outcome).toBe('succeeded');
    // Fetched again, counted as no change of the catalog.
    expect(full.counts).toMatchObject({ new: 0, modified: 0, removed: 0 });
    const log = readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log).toContain('WARNING: 1 update whose stored metadata is damaged or missing is fetched again from the upstream server.');
    await expect(engine.call('exportCatalog', { site: 'CEN', path: out })).resolves.toMatchObject({ updates: expect.any(Number) });
  });

  it('says so when the blob store was deleted, never recreates it empty in silence, and the next sync fetches it all again', async () => {
    const { url } = await fixture.service({ updates: 50, seed: 62 });
    const dir = fixture.tempDir();
    let engine = await fixture.engine(dir);
    await fixture.configure(engine, url);
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    const total = (await engine.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1, includeBundled: true })).total;
    await engine.close();
    rmSync(join(dir, 'sites', 'CEN.sqlite.blobs.1'));

    engine = await fixture.engine(dir);
    const log = () => readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log()).toMatch(/WARNING: The blob store .*CEN\.sqlite\.blobs\.1 was missing: the stored metadata of [\d,]+ updates is gone/);
    // Even a delta sync finds what is missing (the records lie past the end of the store) and fetches it again.
    const delta = await fixture.sync(engine, 'delta');
    expect(delta.outcome).toBe('succeeded');
    expect(log()).toMatch(/WARNING: [\d,]+ updates whose stored metadata is damaged or missing are fetched again/);
    const exported = await engine.call('exportCatalog', { site: 'CEN', path: join(fixture.tempDir(), 'CEN.uscexport') });
    expect(exported.updates).toBeGreaterThan(0);
    expect((await engine.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1, includeBundled: true })).total).toBe(total);
  });
});
