/** A site database of the previous release opens under the latest schema with nothing lost, and synchronizes on from where it was. */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/built';
import { useSyncFixture } from '../../helpers/sync-fixture';
import { LATEST_SCHEMA_VERSION } from '../../../electron/engine/sites/migrations';
import type { SyncRun } from '../../../shared/domain';

const fixture = useSyncFixture();
const FIXTURES = join(ROOT, 'test', 'fixtures', 'site-db');

describe('a schema 2 site database', () => {
  it('migrates to the latest schema keeping every update, moves its metadata to the blob store, serves it, and goes on synchronizing', async () => {
    const dataDir = fixture.tempDir();
    mkdirSync(join(dataDir, 'sites'), { recursive: true });
    copyFileSync(join(FIXTURES, 'schema2-CEN.sqlite'), join(dataDir, 'sites', 'CEN.sqlite'));
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'schema2-CEN.updates.json'), 'utf8')) as Array<[string, number, string, string]>;

    const engine = await fixture.engine(dataDir);
    expect((await engine.call('getSite', { site: 'CEN' })) as { schemaVersion: number }).toMatchObject({
      schemaVersion: LATEST_SCHEMA_VERSION,
      health: { state: 'ok' },
    });
    // Its earlier runs are counted as the repository lists updates too (schema 4), each no more than its revisions.
    const history = (await engine.call('querySyncHistory', { site: 'CEN', limit: 10 })) as SyncRun[];
    const first = history.at(-1)!;
    const listedNew = (await engine.call('querySyncChanges', { site: 'CEN', runId: first.runId })) as unknown[];
    expect(first.listed.new).toBe(listedNew.length);
    expect(first.listed.new).toBeGreaterThan(0);
    expect(first.listed.new).toBeLessThanOrEqual(first.counts.new);
    const { rows, total } = (await engine.call('queryUpdates', {
      site: 'CEN',
      offset: 0,
      limit: 1000,
      sort: 'title',
      direction: 'asc',
      includeBundled: true,
      includeRemoved: true,
    })) as {
      total: number;
      rows: Array<{ updateId: string; revision: number; state: string; title: string }>;
    };
    expect(total).toBe(expected.length);
    expect(rows.map((row) => [row.updateId, row.revision, row.state, row.title]).sort()).toEqual(expected);
    // Every update's metadata moved to the blob store: the details pane reads its text, files and no problem.
    for (const [updateId] of expected.slice(0, 20)) {
      const details = (await engine.call('getUpdateDetails', { site: 'CEN', updateId })) as {
        texts: Array<{ language: string }>;
        metadataProblem: string | null;
      };
      expect(details.metadataProblem).toBeNull();
      expect(details.texts.map((text) => text.language)).toEqual(['de', 'en']);
    }
    const search = (await engine.call('queryUpdates', {
      site: 'CEN',
      offset: 0,
      limit: 5,
      sort: 'title',
      direction: 'asc',
      includeBundled: false,
      includeRemoved: false,
      search: expected[0]![3].split(' ').slice(0, 3).join(' '),
    })) as { total: number };
    expect(search.total).toBeGreaterThan(0);

    // The upstream it was synchronized from (same seed): a delta finds nothing, then new updates arrive as usual.
    const { service, catalog, url } = await fixture.service({ updates: 150, seed: 9 });
    const config = (await engine.call('getSupConfig', { site: 'CEN' })) as { source: { kind: string } };
    await engine.call('setSupConfig', { site: 'CEN', config: { ...config, source: { kind: 'upstream', url } } });
    const full = await fixture.sync(engine, 'full');
    expect(full).toMatchObject({ outcome: 'succeeded', counts: { new: 0, modified: 0, removed: 0, failed: 0 } });
    const added = service.churn({ add: 30 }).added;
    const delta = await fixture.sync(engine, 'delta');
    expect(delta.outcome).toBe('succeeded');
    const inScope = added.filter((id) =>
      ['Windows 11', 'Windows 10, version 1903 and later', 'Windows Server 2019'].includes(catalog.update(id)!.product.name),
    );
    expect(delta.counts.new).toBe(
      inScope
        .flatMap((id) => [id, ...catalog.update(id)!.childIds])
        .filter((id) => ['Security Updates', 'Critical Updates', 'Updates'].includes(catalog.update(id)!.classificationName)).length,
    );
  });
});
