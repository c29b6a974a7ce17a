/** Damage to a site's blob store is found, said, and mended by the next synchronization, never exported in silence. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

/**
 * A site synchronized from a built-in upstream of `updates`, its engine closed, then `damage` done to its blob store
 * on disk; returns the folder, an engine opened again on it, and the repository before the damage.
 */
async function damagedSite(updates: number, seed: number, damage: (blobs: string) => void) {
  const { url } = await fixture.service({ updates, seed });
  const dir = fixture.tempDir();
  const first = await fixture.engine(dir);
  await fixture.configure(first, url);
  expect((await fixture.sync(first, 'full')).outcome).toBe('succeeded');
  const before = await first.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1000, includeBundled: true });
  await first.close();
  damage(join(dir, 'sites', 'CEN.sqlite.blobs.1'));
  return { dir, url, before, engine: await fixture.engine(dir) };
}

/** A byte changed on disk near the end of the store: inside one of the last updates' records. */
function flipByteNearEnd(blobs: string): void {
  const bytes = readFileSync(blobs);
  bytes[bytes.length - 300] = bytes[bytes.length - 300]! ^ 0x5a;
  writeFileSync(blobs, bytes);
}

describe('blob store damage', () => {
  it('fails an export naming the damaged update, and a full sync fetches the damaged record again', async () => {
    const { engine } = await damagedSite(80, 61, flipByteNearEnd);
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
    const { engine, before } = await damagedSite(50, 62, (blobs) => rmSync(blobs));
    const total = before.total;
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

  // Before, a damaged record was found only by whoever read it: `usc sites` said OK, a delta sync fetched nothing.
  it('is a state of the site once found: listSites and the rows say so, an export can leave it out and name it, a delta sync mends it', async () => {
    const damaged = await damagedSite(80, 63, flipByteNearEnd);
    const { dir, url, before } = damaged;
    let engine = damaged.engine;

    // A checksum failure cannot be seen without reading the record: the export finds it.
    expect((await engine.call('listSites', {}))[0]!.blobDamage).toBeUndefined();
    const out = join(fixture.tempDir(), 'CEN.uscexport');
    const partial = await engine.call('exportCatalog', { site: 'CEN', path: out, skipDamaged: true });
    expect(partial.missing).toEqual([{ updateId: expect.stringMatching(/^[0-9a-f-]{36}$/), reason: expect.stringMatching(/checksum does not match/) }]);
    const damagedId = partial.missing[0]!.updateId;
    expect(partial.updates).toBeLessThan(before.rows.filter((row) => row.state !== 'removed').length);

    // From now on the site says it, across a restart.
    await engine.close();
    engine = await fixture.engine(dir);
    const site = (await engine.call('listSites', {}))[0]!;
    expect(site.blobDamage).toMatchObject({
      updates: 1,
      message: expect.stringMatching(/^The stored metadata of 1 update is damaged or missing, in: .*\(.+\)\. It cannot be exported/),
    });
    const rows = (await engine.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1000, includeBundled: true })).rows;
    // The update itself, and the update it is bundled in when it is a bundled one (the repository lists that one).
    const marked = rows.filter((row) => row.damaged === true).map((row) => row.updateId);
    expect(marked).toContain(damagedId);
    expect(marked.length).toBeLessThanOrEqual(2);

    // An import of the partial export keeps what it lacks (a second site, from the same catalog).
    const other = await fixture.engine(fixture.tempDir());
    await fixture.configure(other, url);
    expect((await fixture.sync(other, 'full')).outcome).toBe('succeeded');
    const imported = await other.call('importCatalog', { site: 'CEN', path: out, wait: true });
    expect(imported.run?.outcome).toBe('succeeded');
    expect(imported.run?.counts.removed).toBe(0);
    expect(imported.run?.warnings.join('\n')).toMatch(/left out 1 record its site could not read/);
    const kept = (await other.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1000, includeBundled: true })).rows.find(
      (row) => row.updateId === damagedId,
    );
    expect(kept?.state).not.toBe('removed');

    // A delta sync fetches it again (the note makes it known without a full check), and the state clears.
    const delta = await fixture.sync(engine, 'delta');
    expect(delta.outcome).toBe('succeeded');
    expect((await engine.call('listSites', {}))[0]!.blobDamage).toBeUndefined();
    expect((await engine.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1000, includeBundled: true })).rows.some((row) => row.damaged === true)).toBe(
      false,
    );
    expect((await engine.call('exportCatalog', { site: 'CEN', path: out })).missing).toEqual([]);
  });

  it('a deleted blob store is a state of the site at once, every update marked, until a sync fetches it again', async () => {
    const { engine } = await damagedSite(30, 64, (blobs) => rmSync(blobs));
    const site = (await engine.call('listSites', {}))[0]!;
    const total = (await engine.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1000, includeBundled: true })).rows;
    expect(site.blobDamage?.updates).toBe(total.filter((row) => row.state !== 'removed').length);
    expect(total.every((row) => row.state === 'removed' || row.damaged === true)).toBe(true);
    await expect(engine.call('exportCatalog', { site: 'CEN', path: join(fixture.tempDir(), 'x.uscexport') })).rejects.toMatchObject({ code: 'SITE_DAMAGED' });
    expect((await fixture.sync(engine, 'delta')).outcome).toBe('succeeded');
    expect((await engine.call('listSites', {}))[0]!.blobDamage).toBeUndefined();
  });
});
