/** The supersedence rule (MECM's Supersedence Rules tab): a full sync expires superseded updates at once or after N months. */
import { describe, expect, it } from 'vitest';
import type { UpdateRow } from '../../../shared/contract';
import type { SampleCatalog } from '../../../electron/engine/upstream/service/catalog';
import { ManualClock } from '../../helpers/manual-clock';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

/** What the rule must expire, worked out from the catalog itself: superseded since (the first superseding release) ≤ cutoff. */
function expectedExpired(catalog: SampleCatalog, cutoff: Date | undefined): string[] {
  const present = catalog.updates.filter((update) => update.state !== 'removed');
  return present
    .filter((update) => update.parentId === undefined && update.state === 'published')
    .filter((update) => {
      const newer = present.filter((candidate) => candidate.supersedes.includes(update.id));
      if (newer.length === 0) return false;
      const since = Math.min(...newer.map((candidate) => candidate.date.getTime()));
      return cutoff === undefined || since <= cutoff.getTime();
    })
    .map((update) => update.id)
    .sort();
}

async function listedUpdates(engine: Awaited<ReturnType<typeof fixture.engine>>): Promise<UpdateRow[]> {
  return (
    await engine.call('queryUpdates', {
      site: 'CEN',
      offset: 0,
      limit: 1000,
      sort: 'title',
      direction: 'asc',
      includeBundled: false,
      includeRemoved: false,
    })
  ).rows;
}

describe('the supersedence rule', () => {
  it('expires, on a full sync, the updates superseded for more than N months by the clock, says why, and counts them in the run', async () => {
    const clock = new ManualClock(Date.parse('2019-06-15T00:00:00Z'));
    const { catalog, url } = await fixture.service({ updates: 400, seed: 12 });
    const engine = await fixture.engine(fixture.tempDir(), { clock });
    await fixture.configure(engine, url, { supersedence: { expire: 'after', months: 3 } });
    const run = await fixture.sync(engine, 'full');
    expect(run.outcome).toBe('succeeded');

    const cutoff = new Date(clock.now().getTime());
    cutoff.setUTCMonth(cutoff.getUTCMonth() - 3);
    const expected = expectedExpired(catalog, cutoff);
    // Both sides of the cutoff are in this catalog: the rule chose, it did not expire everything superseded.
    expect(expected.length).toBeGreaterThan(0);
    expect(expectedExpired(catalog, undefined).length).toBeGreaterThan(expected.length);
    const rows = await listedUpdates(engine);
    const byRule = rows.filter((row) => row.expiredBy !== null);
    expect(byRule.map((row) => row.updateId).sort()).toEqual(expected);
    expect(
      byRule.every(
        (row) =>
          row.state === 'expired' &&
          /^Expired by the supersedence rule: superseded since \d{4}-\d\d-\d\d, more than 3 months before this sync$/.test(row.expiredBy!),
      ),
    ).toBe(true);
    // The upstream's own expired updates say so by having no rule reason.
    expect(rows.filter((row) => row.state === 'expired' && row.expiredBy === null).length).toBe(
      catalog.updates.filter((update) => update.parentId === undefined && update.state === 'expired').length,
    );
    // New in this run and expired by its rule: counted as expired by the run (its change stays "added").
    expect(run.listed.expired).toBe(expected.length);

    // Months later, a full sync with nothing new expires the ones whose time has come; a delta never applies the rule.
    clock.time = Date.parse('2021-01-01T00:00:00Z');
    const delta = await fixture.sync(engine, 'delta');
    expect(delta.listed.expired).toBe(0);
    const later = await fixture.sync(engine, 'full');
    const laterCutoff = new Date(Date.parse('2020-10-01T00:00:00Z'));
    const nowExpired = expectedExpired(catalog, laterCutoff);
    expect(later.listed.expired).toBe(nowExpired.length - expected.length);
    expect(
      (await listedUpdates(engine))
        .filter((row) => row.expiredBy !== null)
        .map((row) => row.updateId)
        .sort(),
    ).toEqual(nowExpired);
  });

  it('expires every superseded update at once with "immediately", and none without a rule', async () => {
    const { catalog, url } = await fixture.service({ updates: 200, seed: 12 });
    const none = await fixture.engine(fixture.tempDir());
    await fixture.configure(none, url);
    await fixture.sync(none, 'full');
    expect((await listedUpdates(none)).filter((row) => row.expiredBy !== null)).toEqual([]);

    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url, { supersedence: { expire: 'immediately', months: 1 } });
    await fixture.sync(engine, 'full');
    const byRule = (await listedUpdates(engine)).filter((row) => row.expiredBy !== null);
    expect(byRule.map((row) => row.updateId).sort()).toEqual(expectedExpired(catalog, undefined));
    expect(byRule.every((row) => row.expiredBy!.startsWith('Expired by the supersedence rule: superseded updates expire at once'))).toBe(true);
  });
});
