import { describe, expect, it } from 'vitest';
import type { SupConfig } from '../../../shared/domain';
import { EVERY_CLASSIFICATION, EVERY_PRODUCT, useSyncFixture } from '../../helpers/sync-fixture';

describe('scope preview (products and classifications, before they are applied)', () => {
  const fixture = useSyncFixture();

  it('counts what a narrower scope drops, and after the next full synchronization the repository lists exactly what it said stays', async () => {
    const { url } = await fixture.service({ updates: 400, seed: 11 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    const first = await fixture.sync(engine, 'full');
    expect(first.outcome).toBe('succeeded');
    const saved = await engine.call('getSupConfig', { site: 'CEN' });

    const narrower: SupConfig = { ...saved, products: EVERY_PRODUCT.slice(1), classifications: EVERY_CLASSIFICATION.slice(1) };
    const preview = await engine.call('previewSupScope', { site: 'CEN', config: narrower });
    expect(preview.current).toBeGreaterThan(100);
    expect(preview.dropped).toBeGreaterThan(0);
    expect(preview.kept + preview.dropped).toBe(preview.current);
    expect(preview.returning).toBe(0);
    expect(preview.newlySelected).toEqual([]);
    // Previewing changes nothing.
    expect(await engine.call('getSupConfig', { site: 'CEN' })).toEqual(saved);

    await engine.call('setSupConfig', { site: 'CEN', config: narrower });
    const narrowed = await fixture.sync(engine, 'full');
    expect(narrowed.outcome).toBe('succeeded');
    // The repository lists exactly what the preview said would stay (the run's own count also has the bundled updates).
    const listed = await engine.call('queryUpdates', {
      site: 'CEN',
      offset: 0,
      limit: 1,
      sort: 'title',
      direction: 'asc',
      includeBundled: false,
      includeRemoved: false,
    });
    expect(listed.total).toBe(preview.kept);
    expect(narrowed.counts.removed).toBeGreaterThanOrEqual(preview.dropped);

    // Widening again: the removed updates are known to come back; the selection is named as new.
    const back = await engine.call('previewSupScope', { site: 'CEN', config: saved });
    expect(back).toMatchObject({ current: preview.kept, dropped: 0, returning: preview.dropped });
    expect(back.newlySelected).toEqual(expect.arrayContaining(['Windows 11', 'Applications']));
  });
});
