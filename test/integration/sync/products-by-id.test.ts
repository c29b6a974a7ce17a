/** Products and classifications are chosen by category ID: names only match exactly, never by an alias or a prefix. */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SampleCatalog } from '../../../electron/engine/upstream/service/catalog';
import type { SupConfig } from '../../../shared/domain';
import { builtPaths, ROOT } from '../../helpers/built';
import { classificationId, productId, storedRevisions, useSyncFixture } from '../../helpers/sync-fixture';
import { runUsc } from '../../helpers/usc-process';

const fixture = useSyncFixture();

const WINDOWS_10 = 'a3c2375d-0c8a-42f9-bce0-28333e198407';
const WINDOWS_10_1903 = 'b3c75dc1-155f-4be4-b015-3f1a91758e52';
const SECURITY = classificationId('Security Updates');
const CRITICAL = classificationId('Critical Updates');

/** `<id> <revision> <state>` of every update (bundled ones too) the catalog offers for these products and classifications. */
function offeredFor(catalog: SampleCatalog, products: string[], classifications: string[]): string[] {
  return catalog.updates
    .filter((update) => update.parentId === undefined && update.state !== 'removed' && products.includes(update.product.id))
    .flatMap((update) => [update, ...update.childIds.map((id) => catalog.update(id)!)])
    .filter((update) => classifications.includes(update.classificationId))
    .map((update) => `${update.id} ${update.revision} ${update.state}`)
    .sort();
}

describe('products chosen by category ID', () => {
  it('keeps "Windows 10" and "Windows 10, version 1903 and later" apart: usc config names both exactly, and a full sync brings every update of each', async () => {
    builtPaths();
    const { catalog, url } = await fixture.service({ updates: 600, seed: 31 });
    const data = fixture.tempDir();
    // Before the first sync the site lists no category: the names are matched against the upstream's list.
    const configured = await runUsc([
      'config',
      '--data',
      data,
      '--source',
      url,
      '--products',
      'Windows 10\\, version 1903 and later,Windows 10',
      '--classifications',
      'Security Updates,Critical Updates',
      '--json',
    ]);
    expect(configured.code, configured.stderr).toBe(0);
    expect(JSON.parse(configured.stdout)).toMatchObject({ products: [WINDOWS_10_1903, WINDOWS_10], classifications: [SECURITY, CRITICAL] });
    // Each product has updates of its own in the catalog, as on Microsoft Update.
    expect(offeredFor(catalog, [WINDOWS_10], [SECURITY, CRITICAL]).length).toBeGreaterThan(10);
    expect(offeredFor(catalog, [WINDOWS_10_1903], [SECURITY, CRITICAL]).length).toBeGreaterThan(10);

    const synced = JSON.parse((await runUsc(['sync', '--data', data, '--full', '--json'])).stdout) as { outcome: string; warnings?: string[] };
    expect(synced).toMatchObject({ outcome: 'succeeded' });
    expect(synced.warnings).toBeUndefined();
    const engine = await fixture.engine(data);
    expect(await storedRevisions(engine)).toEqual(offeredFor(catalog, [WINDOWS_10, WINDOWS_10_1903], [SECURITY, CRITICAL]));

    // The text the command prints names each product with its ID.
    await engine.close();
    const shown = await runUsc(['config', '--data', data]);
    expect(shown.stdout).toContain(`Products:         Windows 10, version 1903 and later (${WINDOWS_10_1903}), Windows 10 (${WINDOWS_10})`);
  });

  it('takes one name per --product, or IDs, and refuses a name that matches no category, or several, with the candidates', async () => {
    builtPaths();
    const { service, url } = await fixture.service({ updates: 60, seed: 32 });
    const data = fixture.tempDir();
    expect((await runUsc(['config', '--data', data, '--source', url])).code).toBe(0);
    const before = readFileSync(join(data, 'sites', 'CEN.sqlite'));

    const single = await runUsc(['config', '--data', data, '--product', 'Windows 10, version 1903 and later', '--product', WINDOWS_10.toUpperCase(), '--json']);
    expect(single.code, single.stderr).toBe(0);
    expect((JSON.parse(single.stdout) as SupConfig).products).toEqual([WINDOWS_10_1903, WINDOWS_10]);

    // An alias is never a match: it only suggests the product it stands for.
    const alias = await runUsc(['config', '--data', data, '--products', 'Windows 11,Windows Server 2022']);
    expect(alias.code).toBe(2);
    expect(alias.stderr).toContain('Not changed: one name does not name exactly one category.');
    expect(alias.stderr).toContain(
      'No product is named exactly "Windows Server 2022" (did you mean Microsoft Server operating system-21H2 (Product, 71718f13-7324-4b0f-8f9e-2ca9dc978e53)',
    );
    // Nor is a name's beginning: "Windows 1" names nothing.
    const prefix = await runUsc(['config', '--data', data, '--product', 'Windows 1']);
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toContain('No product is named exactly "Windows 1"');

    // Two categories of one name: the administrator says which, by ID.
    const twin = service.churn({ addProduct: { name: 'Windows 11', updates: 2 } }).addedProduct!;
    const ambiguous = await runUsc(['config', '--data', data, '--product', 'windows 11']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(
      `The product "windows 11" matches 2 categories: Windows 11 (Product, ${productId('Windows 11')}); Windows 11 (Product, ${twin}). Name one by its ID`,
    );
    const unknownLanguage = await runUsc(['config', '--data', data, '--languages', 'en,xx']);
    expect(unknownLanguage.code).toBe(2);
    expect(unknownLanguage.stderr).toContain('--languages: Microsoft Update offers no language "xx"');

    const kept = JSON.parse((await runUsc(['config', '--data', data, '--json'])).stdout) as SupConfig;
    expect(kept.products).toEqual([WINDOWS_10_1903, WINDOWS_10]);
    expect(kept.languages).toEqual(['en']);
    expect(readFileSync(join(data, 'sites', 'CEN.sqlite')).length).toBe(before.length);
  });

  it('the console (the engine as it asks it) selects by ID; a name is refused at the boundary, and so is an unknown language', async () => {
    const { catalog, url } = await fixture.service({ updates: 400, seed: 33 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url, { products: [WINDOWS_10, WINDOWS_10_1903], classifications: [SECURITY] });
    const run = await fixture.sync(engine, 'full');
    expect(run).toMatchObject({ outcome: 'succeeded', warnings: [] });
    expect(await storedRevisions(engine)).toEqual(offeredFor(catalog, [WINDOWS_10, WINDOWS_10_1903], [SECURITY]));
    const folders = await engine.call('getRepositoryFolders', { site: 'CEN' });
    expect(folders.products.map((folder) => folder.name).sort()).toEqual(['Windows 10', 'Windows 10, version 1903 and later']);

    const saved = await engine.call('getSupConfig', { site: 'CEN' });
    await expect(engine.call('setSupConfig', { site: 'CEN', config: { ...saved, languages: ['en', 'tlh'] } })).rejects.toThrow(
      /Microsoft Update offers no language "tlh"/,
    );
    const resolved = await engine.call('resolveCategories', {
      site: 'CEN',
      products: ['Windows 10', 'windows 10, version 1903 AND later'],
      classifications: [],
    });
    expect(resolved.matches.map((match) => match.id)).toEqual([WINDOWS_10, WINDOWS_10_1903]);
    expect(resolved.askedUpstream).toBe(false);
  });

  it('moves the names a site of the release before kept to IDs at start, reports what matches nothing, and matches it once the upstream lists it', async () => {
    const data = fixture.tempDir();
    cpSync(join(ROOT, 'test', 'fixtures', 'site-v1', 'sites'), join(data, 'sites'), { recursive: true });
    const engine = await fixture.engine(data);
    const migrated = await engine.call('getSupConfig', { site: 'CEN' });
    // "Windows 10" meant "Windows 10, version 1903 and later" to that release (an alias); its categories hold no
    // product named "Windows 10", so that name is kept as it was and reported, never guessed.
    expect(migrated.products).toEqual([productId('Windows 11'), productId('Windows Server 2019'), productId('Office 2016')]);
    expect(migrated.classifications).toEqual([SECURITY, CRITICAL, classificationId('Updates')]);
    expect(migrated.unresolvedNames).toEqual({ products: ['Windows 10'], classifications: [] });
    const log = () => readFileSync(join(data, 'Logs', 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log()).toContain(`the product "Office 2016", kept by name by an earlier release, is now kept by its ID ${productId('Office 2016')} (Office 2016).`);
    expect(log()).toContain('WARNING: Software Update Point of CEN: No product is named exactly "Windows 10"');

    const { url } = await fixture.service({ updates: 200, seed: 34 });
    await engine.call('setSupConfig', { site: 'CEN', config: { ...migrated, source: { kind: 'upstream', url } } });
    const run = await fixture.sync(engine, 'full');
    expect(run).toMatchObject({ outcome: 'succeeded', warnings: [] });
    expect((await engine.call('getSupConfig', { site: 'CEN' })).products).toContain(WINDOWS_10);
    expect(log()).toContain(`the product "Windows 10", kept by name by an earlier release, is now kept by its ID ${WINDOWS_10} (Windows 10).`);
  });
});
