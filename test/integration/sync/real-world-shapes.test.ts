/**
 * What Microsoft Update sends, against the built-in upstream made to send it: an update listing 3,000 files, one of
 * 8 MB of XML in every language, a bundle of a hundred, a supersedence chain of fifty, a title of 1,000 characters.
 * Each is synchronized, served to a child byte for byte, exported and imported; an update that breaks a limit kept to
 * protect the machine fails alone, with 6703, while its neighbours arrive.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import type { ReceivedRevision } from '../../../electron/engine/upstream/client/upstream-client';
import type { SampleCatalog } from '../../../electron/engine/upstream/service/catalog';
import type { UpdateIdentity } from '../../../electron/engine/upstream/update-metadata';
import { MAX_XML_DEPTH } from '../../../electron/engine/upstream/xml/element-tree';
import { builtPaths } from '../../helpers/built';
import { EVERY_CLASSIFICATION, offeredRevisions, storedRevisions, useSyncFixture } from '../../helpers/sync-fixture';
import { runUsc } from '../../helpers/usc-process';
import { useUpstream } from '../../helpers/upstream';

const fixture = useSyncFixture();
const upstream = useUpstream();

/** Every revision a server at `url` lists (everything, no filter), fetched: XML, digests, URLs, the cabinet if any. */
async function servedBy(url: string): Promise<Map<string, string>> {
  const client = upstream.client(url);
  const ids: UpdateIdentity[] = [
    ...(await client.getCategoryRevisions()).revisions,
    ...(await client.getUpdateRevisions({ products: [], classifications: [] })).revisions,
  ];
  const received: ReceivedRevision[] = [];
  await client.fetchMetadata(ids, (batch) => {
    expect(batch.failures).toEqual([]);
    received.push(...batch.revisions);
  });
  return new Map(
    received.map((revision) => [
      `${revision.metadata.updateId}@${revision.metadata.revision}`,
      JSON.stringify([
        revision.xml,
        revision.fileDigests,
        revision.fileUrls,
        revision.cabinet === undefined ? null : Buffer.from(revision.cabinet).toString('base64'),
      ]),
    ]),
  );
}

/** The same revisions as the upstream catalog holds them (before any server passes them on). */
function original(catalog: SampleCatalog, id: string): [string, string[], Array<{ digest: string; muUrl: string }>] {
  const data = catalog.revisionData({ updateId: id, revision: catalog.update(id)!.revision })!;
  return [data.xml, data.fileDigests, data.fileUrls];
}

async function details(engine: Engine, updateId: string) {
  return await engine.call('getUpdateDetails', { site: 'CEN', updateId });
}

describe("Microsoft Update's shapes", () => {
  it('synchronizes, serves byte for byte, exports and imports 3,000 files, 8 MB of XML, a bundle of 100, a chain of 50 and a 1,000-character title', async () => {
    const { service, catalog, url } = await fixture.service({ updates: 150, seed: 41 });
    const manyFiles = service.churn({ extreme: { files: 3_000 } }).added[0]!;
    const hugeXml = service.churn({ extreme: { xmlBytes: 8_000_000, languages: 38 } }).added[0]!;
    const bundle = service.churn({ extreme: { bundled: 100, files: 12 } }).added[0]!;
    const chain = service.churn({ extreme: { supersedes: 50 } }).added[0]!;
    const longTitle = service.churn({ extreme: { titleChars: 1_000, languages: 16 } }).added[0]!;
    expect(original(catalog, manyFiles)[1]).toHaveLength(3_000);
    expect(Buffer.byteLength(original(catalog, hugeXml)[0])).toBeGreaterThanOrEqual(8_000_000);
    expect(catalog.update(bundle)!.childIds).toHaveLength(100);
    expect(catalog.update(chain)!.supersedes).toHaveLength(50);

    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url, { languages: ['en', 'de', 'ar', 'ja', 'th'] });
    const run = await fixture.sync(engine, 'full');
    expect(run).toMatchObject({ outcome: 'succeeded', counts: { failed: 0 } });
    expect(await storedRevisions(engine)).toEqual(offeredRevisions(catalog));

    // Each reads back whole in the details pane.
    const files = await details(engine, manyFiles);
    expect(files.metadataProblem).toBeNull();
    expect(files.files).toHaveLength(3_000);
    expect(files.files.every((file) => file.url !== null)).toBe(true);
    const huge = await details(engine, hugeXml);
    // The site's languages, each in its own script: right to left, CJK, Thai with its combining marks.
    expect(huge.texts.map((text) => text.language).sort()).toEqual(['ar', 'de', 'en', 'ja', 'th']);
    expect(huge.texts.find((text) => text.language === 'ar')!.title).toMatch(/[\u0600-\u06ff]/);
    expect(huge.texts.find((text) => text.language === 'th')!.title).toMatch(/[\u0e31-\u0e3a\u0e47-\u0e4e]/);
    expect(huge.texts.some((text) => /🛡️/u.test(text.description ?? ''))).toBe(true);
    expect((await details(engine, bundle)).bundled).toHaveLength(100);
    expect((await details(engine, chain)).supersedes).toHaveLength(50);
    expect((await details(engine, longTitle)).update.title).toHaveLength(1_000);

    // Served to a child exactly as the upstream gave it; and so after an export and an import elsewhere.
    const { url: servedUrl } = await engine.call('serveSite', { site: 'CEN', port: 0, bind: '127.0.0.1' });
    const fromUpstream = await servedBy(url);
    const fromSite = await servedBy(servedUrl);
    expect([...fromSite.keys()].sort()).toEqual([...fromUpstream.keys()].sort());
    for (const [key, value] of fromUpstream) expect(fromSite.get(key), key).toBe(value);
    for (const id of [manyFiles, hugeXml, bundle, chain, longTitle]) {
      const [xml, digests, urls] = JSON.parse(fromSite.get(`${id}@${catalog.update(id)!.revision}`)!) as [string, string[], unknown[]];
      expect([xml, digests, urls]).toEqual(original(catalog, id));
    }

    const file = join(fixture.tempDir(), 'shapes.uscexport');
    await engine.call('exportCatalog', { site: 'CEN', path: file });
    const importer = await fixture.engine(fixture.tempDir());
    await fixture.configure(importer, 'http://127.0.0.1:9', { source: { kind: 'none' } });
    const imported = await importer.call('importCatalog', { site: 'CEN', path: file, wait: true });
    expect(imported.run).toMatchObject({ outcome: 'succeeded', counts: { failed: 0 } });
    expect(await storedRevisions(importer)).toEqual(await storedRevisions(engine));
    const { url: importedUrl } = await importer.call('serveSite', { site: 'CEN', port: 0, bind: '127.0.0.1' });
    const fromImported = await servedBy(importedUrl);
    for (const [key, value] of fromUpstream) expect(fromImported.get(key), key).toBe(value);
  });

  it('does the same through usc sync, whose metadata fetch runs in worker threads that encode each record', async () => {
    builtPaths();
    const { service, catalog, url } = await fixture.service({ updates: 2_500, seed: 44 });
    for (const extreme of [{ files: 3_000 }, { bundled: 100, files: 300 }, { xmlBytes: 4_000_000, languages: 38 }]) service.churn({ extreme });
    const data = fixture.tempDir();
    expect(
      (await runUsc(['config', '--data', data, '--source', url, '--product', 'Microsoft', '--classifications', EVERY_CLASSIFICATION.join(',')])).code,
    ).toBe(0);
    const synced = await runUsc(['sync', '--data', data, '--full', '--json']);
    expect(synced.code, synced.stderr).toBe(0);
    expect(JSON.parse(synced.stdout)).toMatchObject({ outcome: 'succeeded', counts: { new: catalog.updates.length, failed: 0 } });
    const listed = JSON.parse((await runUsc(['updates', '--data', data, '--all', '--json'])).stdout) as Array<{
      updateId: string;
      revision: number;
      state: string;
    }>;
    expect(listed.map((row) => `${row.updateId} ${row.revision} ${row.state}`).sort()).toEqual(offeredRevisions(catalog));
  });

  it('brings a single update larger than the 2,000,000-byte answer cap, alone in its answer', async () => {
    const { service, catalog, url } = await fixture.service({ updates: 60, seed: 42 });
    // Sent as plain XML (not a cabinet), 3,000 files and 6 MB: one answer cannot hold it under the cap.
    service.configure({ compressAbove: 1_000_000_000 });
    const large = service.churn({ extreme: { files: 3_000, xmlBytes: 6_000_000 } }).added[0]!;
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    expect(await fixture.sync(engine, 'full')).toMatchObject({ outcome: 'succeeded', counts: { failed: 0 } });
    expect(service.stats.leftOutByCap).toBeGreaterThan(0);
    expect(await storedRevisions(engine)).toEqual(offeredRevisions(catalog));
    expect((await details(engine, large)).files).toHaveLength(3_000);
  });

  it(`fails an update nested deeper than ${MAX_XML_DEPTH} levels alone, with 6703, keeps its neighbours, and tries it again at the next sync`, async () => {
    const { service, catalog, url } = await fixture.service({ updates: 120, seed: 43 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    const neighbours = service.churn({ add: 20 }).added;
    const hostile = service.churn({ extreme: { depth: MAX_XML_DEPTH + 44 } }).added[0]!;
    const failed = await fixture.sync(engine, 'delta');
    expect(failed).toMatchObject({ outcome: 'failed', counts: { failed: 1 }, error: { code: 'UPDATES_FAILED' } });
    expect(failed.error!.message).toMatch(
      new RegExp(
        `^Failed to sync some of the updates \\(1 of \\d+ could not be synchronized\\); update ${hostile} \\(revision \\d+\\): .*nested deeper than ${MAX_XML_DEPTH} levels`,
      ),
    );
    expect(await storedRevisions(engine)).toEqual(offeredRevisions(catalog).filter((line) => !line.startsWith(hostile)));
    for (const id of neighbours) expect((await storedRevisions(engine)).some((line) => line.startsWith(id))).toBe(true);
    const log = readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8');
    expect(log).toContain(
      `Failed to sync update ${hostile}. Error: Update ${hostile}: metadata is not well-formed XML (elements are nested deeper than ${MAX_XML_DEPTH} levels)`,
    );
    expect(log).toMatch(/STATMSG: ID=6703/);

    // The next sync asks for it again (and it fails again, alone: the limit stays).
    const before = service.stats.updatesServed;
    const again = await fixture.sync(engine, 'delta');
    expect(again).toMatchObject({ outcome: 'failed', counts: { failed: 1, new: 0 } });
    expect(service.stats.updatesServed - before).toBe(1);
  });
});
