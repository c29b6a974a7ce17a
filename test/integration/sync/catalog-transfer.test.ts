/**
 * Offline export and import: a disconnected site (source "Do not synchronize") kept current by export files alone.
 * The importing site ends with the same updates as the exporting one and serves the same metadata; a file that is
 * not a whole, unchanged export of a known format is refused and changes nothing.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { TRAILER_BYTES } from '../../../electron/engine/catalog-transfer/export-format';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors';
import type { Engine } from '../../../electron/engine/engine';
import { SiteCatalog } from '../../../electron/engine/hierarchy/site-catalog';
import { classificationId, productId, snapshotUpdates, useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();

/** Everything the site serves to a downstream server: each revision's metadata XML, digests and file URLs. */
function served(engine: Engine): Map<string, string> {
  const catalog = new SiteCatalog(() => engine.siteDatabase('CEN'), ['en', 'de']);
  const result = new Map<string, string>();
  for (const id of [...catalog.listConfigRevisions(), ...catalog.listUpdates({ categories: [], classifications: [] })]) {
    const data = catalog.revisionData(id)!;
    result.set(`${id.updateId}@${id.revision}`, JSON.stringify([data.xml, data.fileDigests, data.fileUrls]));
  }
  return result;
}

async function exportTo(engine: Engine, file: string) {
  return await engine.call('exportCatalog', { site: 'CEN', path: file });
}

async function importFrom(engine: Engine, file: string) {
  const result = await engine.call('importCatalog', { site: 'CEN', path: file, wait: true });
  if (result.run === null) throw new Error('importCatalog with wait: true answered without its run.');
  return { ...result, run: result.run };
}

async function disconnectedSite(): Promise<Engine> {
  const engine = await fixture.engine(fixture.tempDir());
  await fixture.configure(engine, 'http://127.0.0.1:9', { source: { kind: 'none' } });
  return engine;
}

/** What a refused file must leave alone: the updates, the history, the status messages. */
async function siteState(engine: Engine) {
  return {
    updates: await snapshotUpdates(engine),
    history: JSON.stringify(await engine.call('querySyncHistory', { site: 'CEN', limit: 100 })),
    status: JSON.stringify(await engine.call('queryStatusMessages', { site: 'CEN', limit: 100 })),
  };
}

describe('offline export and import', () => {
  it('keeps a disconnected site equal to the exporting one, import after import, as synchronizations of their own', async () => {
    const { catalog, url } = await fixture.service({ updates: 300, seed: 21 });
    const exporter = await fixture.engine(fixture.tempDir());
    await fixture.configure(exporter, url);
    expect((await fixture.sync(exporter, 'full')).outcome).toBe('succeeded');
    const folder = fixture.tempDir();
    const transfers: Array<{ operation: string; percent: number }> = [];
    exporter.onEvent((event) => event.name === 'transferProgress' && transfers.push(event.payload));
    const first = await exportTo(exporter, join(folder, 'CEN-1.uscexport'));
    expect(transfers.at(-1)).toMatchObject({ operation: 'export', percent: 100 });
    expect(first.updates).toBeGreaterThan(100);
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);

    const importer = await disconnectedSite();
    importer.onEvent((event) => event.name === 'transferProgress' && transfers.push(event.payload));
    const imported = await importFrom(importer, first.file);
    expect(transfers.at(-1)).toMatchObject({ operation: 'verify', percent: 100 });
    expect(imported.export).toMatchObject({ site: 'CEN', sha256: first.sha256, updates: first.updates, contentVersion: 1 });
    expect(imported.run).toMatchObject({ trigger: 'import', kind: 'full', outcome: 'succeeded' });
    expect(imported.run.listed.new).toBe(first.updates);
    expect(await snapshotUpdates(importer)).toEqual(await snapshotUpdates(exporter));
    expect(served(importer)).toEqual(served(exporter));
    // A sync like any other: what changed, status messages, the log.
    const changes = (await importer.call('querySyncChanges', { site: 'CEN', runId: imported.run.runId })) as unknown[];
    expect(changes).toHaveLength(first.updates);
    const ids = (await importer.call('queryStatusMessages', { site: 'CEN', limit: 20 })).map((message) => message.id);
    expect(ids).toEqual(expect.arrayContaining([6701, 6702]));
    const log = readFileSync(join(importer.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log).toContain(`Importing the catalog export ${first.file}`);
    // Synchronization Status tells how this site is kept current; it has no scheduled sync to wait for.
    const [row] = await importer.call('getSyncStatus', {});
    expect(row).toMatchObject({ source: 'Do not synchronize (kept current by catalog imports)', state: 'synced', nextScheduled: null, lastError: null });
    expect(log).toContain('Synchronizing WSUS server catalog export of CEN (CEN-1.uscexport)');

    // The upstream changes; the exporting site follows; the next export brings the disconnected site along,
    // removals included.
    catalog.churn({ add: 12, revise: 5, expire: 3, remove: 4 });
    expect((await fixture.sync(exporter, 'full')).outcome).toBe('succeeded');
    const second = await exportTo(exporter, join(folder, 'CEN-2.uscexport'));
    const again = await importFrom(importer, second.file);
    expect(again.run.outcome).toBe('succeeded');
    expect(again.run.listed).toMatchObject({ new: 12, modified: 5 });
    expect(again.run.listed.removed).toBeGreaterThanOrEqual(4);
    expect(await snapshotUpdates(importer)).toEqual(await snapshotUpdates(exporter));
    expect(served(importer)).toEqual(served(exporter));
  });

  it('refuses a file that is not an export, is truncated, fails its checksum or has a newer format, and changes nothing', async () => {
    const { url } = await fixture.service({ updates: 120, seed: 22 });
    const exporter = await fixture.engine(fixture.tempDir());
    await fixture.configure(exporter, url);
    await fixture.sync(exporter, 'full');
    const folder = fixture.tempDir();
    const good = await exportTo(exporter, join(folder, 'good.uscexport'));
    const importer = await disconnectedSite();
    await importFrom(importer, good.file);
    const before = await siteState(importer);

    const bytes = readFileSync(good.file);
    const variant = (name: string, content: Buffer | string) => {
      const file = join(folder, name);
      writeFileSync(file, content);
      return file;
    };
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)]! ^= 0xff;
    const newer = Buffer.from(bytes);
    newer.writeUInt32LE(3, 8);
    // A header that declares 0xFFFFFFF0 bytes, in a file whose checksum was made to match (as a crafted one would).
    const huge = Buffer.from(bytes);
    huge.writeUInt32LE(0xfffffff0, 12);
    createHash('sha256')
      .update(huge.subarray(0, huge.length - TRAILER_BYTES))
      .digest()
      .copy(huge, huge.length - TRAILER_BYTES + 24);
    mkdirSync(join(folder, 'a-folder.uscexport'));
    const cases: Array<[string, string, RegExp]> = [
      [variant('notes.txt', 'Patch Tuesday notes\n'), 'not an export', /is not a catalog export of Update Sync Console/],
      [variant('empty.uscexport', Buffer.alloc(0)), 'empty', /is not a catalog export/],
      [variant('half.uscexport', bytes.subarray(0, Math.floor(bytes.length / 2))), 'truncated', /is truncated: it ends at byte \d+ without the closing record/],
      [variant('flipped.uscexport', flipped), 'checksum', /fails its checksum: its SHA-256 is [0-9a-f]{64}, the export says [0-9a-f]{64}/],
      [variant('newer.uscexport', newer), 'newer format', /export format 3 by a newer version of Update Sync Console; this one reads format 2/],
      [join(folder, 'a-folder.uscexport'), 'a folder', /is a folder, not an export file: give the path of the \.uscexport file in it/],
      [variant('huge.uscexport', huge), 'huge header', /is damaged: its header declares 4294967280 bytes, more than the file holds/],
    ];
    for (const [file, label, message] of cases) {
      const refusal = await importFrom(importer, file).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal, label).toBeInstanceOf(ApiError);
      expect((refusal as ApiError).code, label).toBe('FILE_REFUSED');
      expect((refusal as ApiError).message, label).toMatch(message);
      expect((refusal as ApiError).message, label).toContain('Nothing was imported');
    }
    const missing = await importFrom(importer, join(folder, 'absent.uscexport')).catch((error: unknown) => error);
    expect(missing).toMatchObject({ code: 'ENOENT' });
    expect(await siteState(importer)).toEqual(before);
  });

  it('says what an import cannot bring: the products, classifications and languages the export was made without', async () => {
    const { url } = await fixture.service({ updates: 150, seed: 24 });
    const exporter = await fixture.engine(fixture.tempDir());
    await fixture.configure(exporter, url, { products: [productId('Windows 11')], classifications: [classificationId('Security Updates')], languages: ['en'] });
    expect((await fixture.sync(exporter, 'full')).outcome).toBe('succeeded');
    const file = join(fixture.tempDir(), 'narrow.uscexport');
    await exportTo(exporter, file);
    const importer = await fixture.engine(fixture.tempDir());
    await fixture.configure(importer, url, {
      source: { kind: 'none' },
      products: [productId('Windows 11'), productId('Windows Server 2019')],
      classifications: [classificationId('Security Updates'), classificationId('Critical Updates')],
      languages: ['en', 'de'],
    });
    const { run } = await importFrom(importer, file);
    expect(run.outcome).toBe('succeeded');
    expect(run.warnings).toEqual([
      'The catalog export was made without the product Windows Server 2019 selected here: their updates are not in the file. Export again from a site that synchronizes them',
      'The catalog export was made without the classification Critical Updates selected here: those updates are not in the file',
      'The catalog export was made without the language(s) de selected here: titles and descriptions in them are not in the file',
    ]);
    const log = readFileSync(join(importer.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log).toContain('WARNING: The catalog export was made without the product Windows Server 2019 selected here');
    // Kept with the run: the history says it later, not only the moment it ended.
    const [kept] = await importer.call('querySyncHistory', { site: 'CEN', limit: 1 });
    expect(kept!.warnings).toEqual(run.warnings);
    // What the file holds arrived: the importer lists what the exporter lists.
    expect(await snapshotUpdates(importer)).toEqual(await snapshotUpdates(exporter));
  });

  it("says before an import and in its outcome how many of the file's updates the site's own selection keeps and leaves out, by product", async () => {
    const { url } = await fixture.service({ updates: 200, seed: 25 });
    const exporter = await fixture.engine(fixture.tempDir());
    await fixture.configure(exporter, url);
    expect((await fixture.sync(exporter, 'full')).outcome).toBe('succeeded');
    const file = join(fixture.tempDir(), 'wide.uscexport');
    const exported = await exportTo(exporter, file);
    const exportedRows = (await exporter.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1000 })).rows;

    // A disconnected site that never synchronized: its categories come from the file.
    const importer = await fixture.engine(fixture.tempDir());
    await fixture.configure(importer, url, {
      source: { kind: 'none' },
      products: [productId('Windows 11')],
      classifications: [classificationId('Security Updates')],
    });
    const before = await siteState(importer);
    const preview = await importer.call('previewCatalogImport', { site: 'CEN', path: file });
    // Nothing changed by looking.
    expect(await siteState(importer)).toEqual(before);
    const expectedKept = exportedRows.filter(
      (row) => row.classification === 'Security Updates' && (row.products ?? '').split(', ').includes('Windows 11'),
    ).length;
    expect(preview.export).toMatchObject({ site: 'CEN', updates: exported.updates });
    expect(preview.scope).toMatchObject({ updates: exported.updates, kept: expectedKept, leftOut: exported.updates - expectedKept });
    expect(expectedKept).toBeGreaterThan(0);
    expect(preview.scope.leftOut).toBeGreaterThan(0);
    const windows11 = preview.scope.products.find((product) => product.name === 'Windows 11')!;
    expect(windows11).toMatchObject({ selected: true, kept: expectedKept });
    expect(windows11.updates).toBeGreaterThan(expectedKept);
    const server = preview.scope.products.find((product) => product.name === 'Windows Server 2019')!;
    expect(server).toMatchObject({ selected: false, kept: 0 });
    expect(server.updates).toBeGreaterThan(0);
    expect(preview.scope.products.reduce((sum, product) => sum + product.kept, 0)).toBeGreaterThanOrEqual(expectedKept);

    const { run, scope } = await importFrom(importer, file);
    expect(scope).toEqual(preview.scope);
    expect(run).toMatchObject({ outcome: 'succeeded', listed: { new: expectedKept } });
    const said = run.warnings.find((warning) => warning.startsWith('The products and classifications of CEN keep'))!;
    expect(said).toBe(
      `The products and classifications of CEN keep ${expectedKept} of the file's ${exported.updates} updates and leave out ${exported.updates - expectedKept}: ` +
        preview.scope.products
          .filter((product) => product.kept < product.updates)
          .map((product) => `${product.name} ${product.updates - product.kept} (${product.selected ? 'other classifications' : 'not selected'})`)
          .join(', '),
    );
    expect(said).toContain('Windows Server 2019');
  });

  it('never marks removed what a narrower export could not hold: only updates of its own selection it no longer lists', async () => {
    const { url, service, catalog } = await fixture.service({ updates: 200, seed: 26 });
    // A site that synchronized everything from the upstream, then went offline and is kept current by imports.
    const importer = await fixture.engine(fixture.tempDir());
    await fixture.configure(importer, url);
    expect((await fixture.sync(importer, 'full')).outcome).toBe('succeeded');
    const before = await snapshotUpdates(importer);
    // The upstream then stops offering some updates; the export comes from a site that selects one product.
    const { removed } = service.churn({ remove: 60 });
    const inExportScope = removed.filter((id) => {
      const update = catalog.updates.find((candidate) => candidate.id === id)!;
      return update.product.name === 'Windows 11' && update.classificationName === 'Security Updates';
    });
    expect(inExportScope.length).toBeGreaterThan(0);
    expect(inExportScope.length).toBeLessThan(removed.length);
    const exporter = await fixture.engine(fixture.tempDir());
    await fixture.configure(exporter, url, { products: [productId('Windows 11')], classifications: [classificationId('Security Updates')] });
    expect((await fixture.sync(exporter, 'full')).outcome).toBe('succeeded');
    const file = join(fixture.tempDir(), 'narrow.uscexport');
    await exportTo(exporter, file);
    await importer.call('setSupConfig', { site: 'CEN', config: { ...(await importer.call('getSupConfig', { site: 'CEN' })), source: { kind: 'none' } } });
    const { run } = await importFrom(importer, file);
    // Removed: exactly the updates of the export's own selection that it no longer lists; the rest kept as they were.
    expect(run).toMatchObject({ outcome: 'succeeded', listed: { removed: inExportScope.length } });
    const after = await importer.call('queryUpdates', { site: 'CEN', offset: 0, limit: 1000, includeRemoved: true });
    const removedNow = after.rows.filter((row) => row.state === 'removed').map((row) => row.updateId);
    expect(removedNow.sort()).toEqual([...inExportScope].sort());
    // Every other update, bundled ones included, is as it was (its supersedence aside: the import recomputes it).
    const withoutSupersedence = (lines: string[]) => lines.map((line) => line.replace(/ (true|false) /, ' '));
    const unchanged = withoutSupersedence(await snapshotUpdates(importer)).filter((line) => !inExportScope.includes(line.split(' ')[0]!));
    expect(unchanged).toEqual(withoutSupersedence(before).filter((line) => !inExportScope.includes(line.split(' ')[0]!)));
    const log = readFileSync(join(importer.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log).toMatch(/[\d,]+ updates outside what the export was made with are kept as they are, not marked removed\./);
  });

  it('cancels an export, leaving no file behind', async () => {
    const { url } = await fixture.service({ updates: 120, seed: 23 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    await fixture.sync(engine, 'full');
    const folder = fixture.tempDir();
    const exporting = engine.call('exportCatalog', { site: 'CEN', path: join(folder, 'CEN.uscexport') });
    await expect(engine.call('cancelCatalogTransfer', { site: 'CEN' })).resolves.toEqual({ cancelled: true });
    await expect(exporting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(folder)).toEqual([]);
    await expect(engine.call('cancelCatalogTransfer', { site: 'CEN' })).resolves.toEqual({ cancelled: false });
  });

  it('refuses an import on a child site, and an export of a site that has never synchronized', async () => {
    const engine = await disconnectedSite();
    await engine.call('addSite', { code: 'PR1', name: 'Primary 1', parent: 'CEN' });
    const file = join(fixture.tempDir(), 'nothing.uscexport');
    await expect(engine.call('exportCatalog', { site: 'CEN', path: file })).rejects.toThrow('CEN has no synchronized catalog to export yet');
    await expect(engine.call('importCatalog', { site: 'PR1', path: file, wait: true })).rejects.toThrow(
      /You cannot import a catalog export on PR1: it is a child site/,
    );
    await expect(engine.call('exportCatalog', { site: 'CEN', path: '/no/such/folder/x.uscexport' })).rejects.toThrow(
      'The folder /no/such/folder does not exist',
    );
    // A file that is not an export is never overwritten by an export.
    const notes = join(fixture.tempDir(), 'notes.txt');
    writeFileSync(notes, 'keep me');
    await expect(engine.call('exportCatalog', { site: 'CEN', path: notes })).rejects.toThrow(`${notes} already exists and is not a catalog export`);
    expect(readFileSync(notes, 'utf8')).toBe('keep me');
  });
});
