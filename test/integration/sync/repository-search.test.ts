/**
 * The repository's search reads few matches by key and sorts them, and walks the sort index when most of the catalog
 * matches: both ways must list exactly the same updates, in the same order, with the same total.
 */
import { describe, expect, it } from 'vitest';
import { UpdateQuerySchema } from '../../../shared/contract';
import { queryUpdates } from '../../../electron/engine/sync/update-queries';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

describe('repository search', () => {
  it('lists the same page and total whether it is read from its matches or from the sort index', async () => {
    const { url, catalog } = await fixture.service({ updates: 400, seed: 51 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    await fixture.sync(engine, 'full');
    const db = engine.siteDatabase('CEN').db;
    const someKb = catalog.updates.find((update) => update.kb !== undefined)!.kb!;
    const classification = (await engine.call('getRepositoryFolders', { site: 'CEN' })) as {
      classifications: Array<{ id: string }>;
      products: Array<{ id: string }>;
    };
    const queries = [
      { search: 'Cumulative' },
      { search: 'Cumulative', sort: 'kb', direction: 'desc' },
      { search: 'Security Update', sort: 'releasedAt' },
      { search: `KB${someKb}` },
      { search: 'Windows', classificationId: classification.classifications[0]!.id },
      { search: 'Update', productId: classification.products[0]!.id, sort: 'severity' },
      { search: 'Update', includeBundled: true, includeRemoved: true, offset: 200 },
      { search: 'nothing-matches-this' },
    ];
    const compare = (database: typeof db) => {
      let driven = 0;
      for (const query of queries) {
        const parsed = UpdateQuerySchema.parse({ site: 'CEN', limit: 200, ...query });
        const fromMatches = queryUpdates(database, parsed);
        const fromIndex = queryUpdates(database, parsed, { searchHitsLimit: 0 });
        expect(fromMatches, JSON.stringify(query)).toEqual(fromIndex);
        // A different page of the same search, and the same page again: the kept matches are this search's.
        expect(queryUpdates(database, { ...parsed, offset: 1 }, { searchHitsLimit: 0 }).rows).toEqual(queryUpdates(database, { ...parsed, offset: 1 }).rows);
        if (fromMatches.total > 0) driven++;
      }
      // The queries found something, so both ways were compared on real pages.
      expect(driven).toBeGreaterThanOrEqual(6);
    };
    compare(db);
    const before = queryUpdates(db, UpdateQuerySchema.parse({ site: 'CEN', search: 'Update' }), { searchHitsLimit: 0 }).total;

    // New updates arrive: the kept matches of a broad search are taken again; a whole-file save leaves them out of
    // the file and queries go on as before.
    catalog.churn({ add: 25 });
    await fixture.sync(engine, 'delta');
    const after = engine.siteDatabase('CEN');
    expect(queryUpdates(after.db, UpdateQuerySchema.parse({ site: 'CEN', search: 'Update' }), { searchHitsLimit: 0 }).total).toBeGreaterThan(before);
    compare(after.db);
    after.saveWhole();
    compare(engine.siteDatabase('CEN').db);
  });
});
