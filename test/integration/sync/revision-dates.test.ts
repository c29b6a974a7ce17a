/** Date Released and Date Revised come from the upstream: each revision carries its own CreationDate. */
import { describe, expect, it } from 'vitest';
import type { UpdateRow } from '../../../shared/contract';
import { ManualClock } from '../../helpers/manual-clock';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

describe('the dates of an update', () => {
  it("keep the first release as Date Released, and show the revision's own date as Date Revised, never the day of the sync", async () => {
    // The engine's clock is years after every date of the catalog: a date taken from it would show.
    const clock = new ManualClock(Date.parse('2031-03-04T05:06:07Z'));
    const { catalog, url } = await fixture.service({ updates: 120, seed: 21 });
    const engine = await fixture.engine(fixture.tempDir(), { clock });
    await fixture.configure(engine, url);
    await fixture.sync(engine, 'full');
    const rows = async (): Promise<Map<string, UpdateRow>> => {
      const page = await engine.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1000, includeBundled: false, includeRemoved: false });
      return new Map(page.rows.map((row) => [row.updateId, row]));
    };
    const first = await rows();
    expect(first.size).toBeGreaterThan(50);
    for (const [id, row] of first) {
      const update = catalog.updates.find((candidate) => candidate.id === id)!;
      expect(row.releasedAt).toBe(update.date.toISOString());
      expect(row.revisedAt).toBe(update.date.toISOString());
    }

    const { revised } = catalog.churn({ revise: 10 });
    clock.time += 86_400_000;
    await fixture.sync(engine, 'full');
    const after = await rows();
    for (const id of revised) {
      const update = catalog.updates.find((candidate) => candidate.id === id)!;
      expect(update.revisedDate!.getTime()).toBeGreaterThan(update.date.getTime());
      expect(after.get(id)).toMatchObject({ releasedAt: update.date.toISOString(), revisedAt: update.revisedDate!.toISOString() });
    }
    // The others are as they were.
    for (const [id, row] of after) if (!revised.includes(id)) expect(row.revisedAt).toBe(first.get(id)!.revisedAt);
  });
});
