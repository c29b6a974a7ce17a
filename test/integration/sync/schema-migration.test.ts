/** A site database of the previous release opens under the latest schema with nothing lost, and synchronizes on from where it was. */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/built';
import { productId, storedRevisions, useSyncFixture } from '../../helpers/sync-fixture';
import { LATEST_SCHEMA_VERSION } from '../../../electron/engine/storage/migrations';

const fixture = useSyncFixture();
const FIXTURES = join(ROOT, 'test', 'fixtures', 'site-db');

describe('a schema 2 site database', () => {
  it('migrates to the latest schema keeping every update, moves its metadata to the blob store, serves it, and goes on synchronizing', async () => {
    const dataDir = fixture.tempDir();
    mkdirSync(join(dataDir, 'sites'), { recursive: true });
    copyFileSync(join(FIXTURES, 'schema2-CEN.sqlite'), join(dataDir, 'sites', 'CEN.sqlite'));
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'schema2-CEN.updates.json'), 'utf8')) as Array<[string, number, string, string]>;

    const engine = await fixture.engine(dataDir);
    expect(await engine.call('getSite', { site: 'CEN' })).toMatchObject({
      schemaVersion: LATEST_SCHEMA_VERSION,
      health: { state: 'ok' },
    });
    // Its earlier runs are counted as the repository lists updates too (schema 4), each no more than its revisions.
    const history = await engine.call('querySyncHistory', { site: 'CEN', limit: 10 });
    const first = history.at(-1)!;
    const listedNew = (await engine.call('querySyncChanges', { site: 'CEN', runId: first.runId })) as unknown[];
    expect(first.listed.new).toBe(listedNew.length);
    expect(first.listed.new).toBeGreaterThan(0);
    expect(first.listed.new).toBeLessThanOrEqual(first.counts.new);
    const { rows, total } = await engine.call('queryUpdates', {
      site: 'CEN',
      offset: 0,
      limit: 1000,
      sort: 'title',
      direction: 'asc',
      includeBundled: true,
      includeRemoved: true,
    });
    expect(total).toBe(expected.length);
    expect(rows.map((row) => [row.updateId, row.revision, row.state, row.title]).sort()).toEqual(expected);
    // Every update's metadata moved to the blob store: the details pane reads its text, files and no problem.
    for (const [updateId] of expected.slice(0, 20)) {
      const details = await engine.call('getUpdateDetails', { site: 'CEN', updateId });
      expect(details.metadataProblem).toBeNull();
      expect(details.texts.map((text) => text.language)).toEqual(['de', 'en']);
    }
    const search = await engine.call('queryUpdates', {
      site: 'CEN',
      offset: 0,
      limit: 5,
      sort: 'title',
      direction: 'asc',
      includeBundled: false,
      includeRemoved: false,
      search: expected[0]![3].split(' ').slice(0, 3).join(' '),
    });
    expect(search.total).toBeGreaterThan(0);

    // It kept its products by name ("Windows 10" meant "Windows 10, version 1903 and later" to that release, by an
    // alias): what its categories match exactly is kept by ID from now on; "Windows 10" matches no category it holds,
    // and is reported, never guessed.
    const migrated = await engine.call('getSupConfig', { site: 'CEN' });
    expect(migrated.products).toEqual([productId('Windows 11'), productId('Windows Server 2019')]);
    expect(migrated.unresolvedNames).toEqual({ products: ['Windows 10'], classifications: [] });
    const log = () => readFileSync(join(dataDir, 'Logs', 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log()).toContain(`the product "Windows 11", kept by name by an earlier release, is now kept by its ID ${productId('Windows 11')} (Windows 11)`);
    expect(log()).toMatch(
      /WARNING: Software Update Point of CEN: No product is named exactly "Windows 10" \(did you mean .*Windows 10, version 1903 and later \(Product, b3c75dc1-155f-4be4-b015-3f1a91758e52\).*\?\); it stays selected by name/,
    );

    // Against today's built-in catalog (the generator has changed since): the first full sync learns the "Windows 10"
    // product, keeps it by ID, and leaves the site holding exactly what the upstream offers for the selection.
    const { service, catalog, url } = await fixture.service({ updates: 150, seed: 9 });
    await engine.call('setSupConfig', { site: 'CEN', config: { ...migrated, source: { kind: 'upstream', url } } });
    const full = await fixture.sync(engine, 'full');
    expect(full).toMatchObject({ outcome: 'succeeded', counts: { failed: 0 } });
    expect(full.warnings).toEqual([]);
    expect(log()).toContain(`the product "Windows 10", kept by name by an earlier release, is now kept by its ID ${productId('Windows 10')} (Windows 10)`);
    expect((await engine.call('getSupConfig', { site: 'CEN' })).unresolvedNames).toBeUndefined();
    const products = ['Windows 11', 'Windows 10', 'Windows Server 2019'];
    const classifications = ['Security Updates', 'Critical Updates', 'Updates'];
    const inScope = (ids: string[]) =>
      ids
        .filter((id) => products.includes(catalog.update(id)!.product.name))
        .flatMap((id) => [id, ...catalog.update(id)!.childIds])
        .filter((id) => classifications.includes(catalog.update(id)!.classificationName));
    const offered = inScope(catalog.updates.filter((update) => update.parentId === undefined && update.state !== 'removed').map((update) => update.id))
      .map((id) => `${id} ${catalog.update(id)!.revision} ${catalog.update(id)!.state}`)
      .sort();
    expect(await storedRevisions(engine)).toEqual(offered);

    const added = service.churn({ add: 30 }).added;
    const delta = await fixture.sync(engine, 'delta');
    expect(delta.outcome).toBe('succeeded');
    expect(delta.counts.new).toBe(inScope(added).length);
  });
});
