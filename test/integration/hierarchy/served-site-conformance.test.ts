/**
 * A served site is indistinguishable from its upstream for a downstream server that follows [MS-WSUSSS]. The client
 * here is not the engine's: plain fetch, hand-written envelopes and an XML parser, reading a site the engine serves
 * and the original upstream side by side.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCabinet } from '../../../electron/engine/upstream/cab/cabinet';
import { child, children, parseXml, textAt, type XmlElement } from '../../../electron/engine/upstream/xml/element-tree';
import { storedRevisions, useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();
const NS = 'http://www.microsoft.com/SoftwareDistribution';

interface ServedRecord {
  order: string[];
  xml: string;
  /** The XmlUpdateBlobCompressed text as sent. */
  cabinet?: string;
  digests: string[];
  urls: Record<string, string>;
}

/** Just enough of a downstream server to read everything an upstream serves. */
class PlainClient {
  private cookie = '';

  constructor(private readonly base: string) {}

  async call(
    operation: string,
    body: string,
    path = '/ServerSyncWebService/ServerSyncWebService.asmx',
    action = `${NS}/${operation}`,
  ): Promise<{ status: number; payload: XmlElement }> {
    const response = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"` },
      body: `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${body}</s:Body></s:Envelope>`,
    });
    const root = parseXml(await response.text());
    return { status: response.status, payload: child(root, 'Body')!.children[0]! };
  }

  async authorize(): Promise<void> {
    await this.call('GetAuthConfig', `<GetAuthConfig xmlns="${NS}"/>`);
    const auth = await this.call(
      'GetAuthorizationCookie',
      `<GetAuthorizationCookie xmlns="${NS}/Server/DssAuthWebService"><accountName>plain.client.test</accountName><accountGuid>00000000-0000-0000-0000-000000000001</accountGuid><programKeys/></GetAuthorizationCookie>`,
      '/DssAuthWebService/DssAuthWebService.asmx',
      `${NS}/Server/DssAuthWebService/GetAuthorizationCookie`,
    );
    const cookieData = textAt(auth.payload, 'GetAuthorizationCookieResult', 'CookieData')!;
    const cookie = await this.call(
      'GetCookie',
      `<GetCookie xmlns="${NS}"><authCookies><AuthorizationCookie><PlugInId>DssTargeting</PlugInId><CookieData>${cookieData}</CookieData></AuthorizationCookie></authCookies><protocolVersion>1.20</protocolVersion></GetCookie>`,
    );
    const result = child(cookie.payload, 'GetCookieResult')!;
    this.cookie = `<cookie><Expiration>${textAt(result, 'Expiration')}</Expiration><EncryptedData>${textAt(result, 'EncryptedData')}</EncryptedData></cookie>`;
  }

  async languages(): Promise<Array<{ id: number; short: string }>> {
    const { payload } = await this.call('GetConfigData', `<GetConfigData xmlns="${NS}">${this.cookie}</GetConfigData>`);
    return children(child(child(payload, 'GetConfigDataResult'), 'LanguageUpdateList'), 'ServerSyncLanguageData').map((entry) => ({
      id: Number(textAt(entry, 'LanguageID')),
      short: textAt(entry, 'ShortLanguage')!,
    }));
  }

  async revisions(getConfig: boolean, anchor?: string): Promise<{ anchor: string; ids: string[] }> {
    const filter = `${anchor === undefined ? '' : `<Anchor>${anchor}</Anchor>`}<GetConfig>${getConfig}</GetConfig><Get63LanguageOnly>false</Get63LanguageOnly>`;
    const { payload } = await this.call('GetRevisionIdList', `<GetRevisionIdList xmlns="${NS}">${this.cookie}<filter>${filter}</filter></GetRevisionIdList>`);
    const result = child(payload, 'GetRevisionIdListResult')!;
    return {
      anchor: textAt(result, 'Anchor')!,
      ids: children(child(result, 'NewRevisions'), 'UpdateIdentity').map((id) => `${textAt(id, 'UpdateID')}@${textAt(id, 'RevisionNumber')}`),
    };
  }

  /** Every revision's record, asking again for what an answer left out. */
  async updateData(ids: string[]): Promise<Map<string, ServedRecord>> {
    const records = new Map<string, ServedRecord>();
    let waiting = [...ids];
    while (waiting.length > 0) {
      const batch = waiting.slice(0, 100);
      const body = batch
        .map((id) => `<UpdateIdentity><UpdateID>${id.split('@')[0]}</UpdateID><RevisionNumber>${id.split('@')[1]}</RevisionNumber></UpdateIdentity>`)
        .join('');
      const { payload } = await this.call('GetUpdateData', `<GetUpdateData xmlns="${NS}">${this.cookie}<updateIds>${body}</updateIds></GetUpdateData>`);
      const result = child(payload, 'GetUpdateDataResult')!;
      const urls = new Map(children(child(result, 'fileUrls'), 'ServerSyncUrlData').map((entry) => [textAt(entry, 'FileDigest')!, textAt(entry, 'MUUrl')!]));
      for (const record of children(child(result, 'updates'), 'ServerSyncUpdateData')) {
        const id = `${textAt(record, 'Id', 'UpdateID')}@${textAt(record, 'Id', 'RevisionNumber')}`;
        const compressed = textAt(record, 'XmlUpdateBlobCompressed');
        const xml = compressed === undefined ? child(record, 'XmlUpdateBlob')!.text : decodeCabinet(compressed);
        const digests = children(child(record, 'FileDigestList'), 'base64Binary').map((digest) => digest.text);
        records.set(id, {
          order: record.children.map((element) => element.name),
          xml,
          ...(compressed === undefined ? {} : { cabinet: compressed }),
          digests,
          urls: Object.fromEntries(digests.map((digest) => [digest, urls.get(digest) ?? 'MISSING'])),
        });
      }
      const answered = new Set(records.keys());
      const left = batch.filter((id) => !answered.has(id));
      if (left.length === batch.length) throw new Error(`No answer for ${left.join(', ')}`);
      waiting = [...left, ...waiting.slice(100)];
    }
    return records;
  }
}

function decodeCabinet(base64: string): string {
  const cabinet = readCabinet(Buffer.from(base64, 'base64'));
  const bytes = Buffer.from(cabinet.extract(cabinet.files[0]!));
  return bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf8');
}

const SCHEMA_ORDER = ['Id', 'XmlUpdateBlob', 'FileDigestList', 'XmlUpdateBlobCompressed'];

describe('a served site, read by a client that is not the engine', () => {
  it('serves the same config revisions (detectoids too), update revisions, XML, digests and file URLs as its upstream, in schema order', async () => {
    const { catalog, url: upstreamUrl } = await fixture.service({ updates: 250, seed: 21 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, upstreamUrl, { languages: ['en', 'de', 'fr', 'ja'] });
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    const { url: servedUrl } = await engine.call('serveSite', { site: 'CEN', port: 0 });

    const original = new PlainClient(upstreamUrl);
    const served = new PlainClient(servedUrl);
    await original.authorize();
    await served.authorize();

    const originalConfig = await original.revisions(true);
    const servedConfig = await served.revisions(true);
    expect(servedConfig.ids.sort()).toEqual(originalConfig.ids.sort());
    expect(servedConfig.ids).toHaveLength(catalog.categories.length + catalog.detectoids.length);
    for (const detectoid of catalog.detectoids) expect(servedConfig.ids).toContain(`${detectoid.id}@${detectoid.revision}`);
    // Asked again with its anchor and nothing changed: nothing.
    expect((await served.revisions(true, servedConfig.anchor)).ids).toEqual([]);

    // No product or classification filter: everything, as the original upstream answers.
    const originalUpdates = await original.revisions(false);
    const servedUpdates = await served.revisions(false);
    expect(servedUpdates.ids.sort()).toEqual(originalUpdates.ids.sort());
    expect(servedUpdates.ids.length).toBe(catalog.updates.length);

    const all = [...originalConfig.ids, ...originalUpdates.ids];
    const fromOriginal = await original.updateData(all);
    const fromServed = await served.updateData(all);
    expect(fromServed.size).toBe(all.length);
    let withFiles = 0;
    for (const id of all) {
      const a = fromOriginal.get(id)!;
      const b = fromServed.get(id)!;
      expect(b.xml, id).toBe(a.xml);
      expect(b.digests, id).toEqual(a.digests);
      expect(b.urls, id).toEqual(a.urls);
      expect(Object.values(b.urls)).not.toContain('MISSING');
      for (const record of [a, b]) expect(record.order, id).toEqual(SCHEMA_ORDER.filter((name) => record.order.includes(name)));
      if (b.digests.length > 0) withFiles++;
    }
    expect(withFiles).toBeGreaterThan(20);
    // Compressed records (XML over 5,120 bytes) carry FileDigestList before XmlUpdateBlobCompressed.
    expect([...fromServed.values()].some((record) => record.order.join() === 'Id,FileDigestList,XmlUpdateBlobCompressed')).toBe(true);

    // Every language with its LCID, and the "all" entry.
    expect(await served.languages()).toEqual([
      { id: 0, short: 'all' },
      { id: 1033, short: 'en' },
      { id: 1031, short: 'de' },
      { id: 1036, short: 'fr' },
      { id: 1041, short: 'ja' },
    ]);
  });

  it('passes on the cabinets its upstream sent, as they arrived, and keeps them so in its blob store', async () => {
    const { service, url: upstreamUrl } = await fixture.service({ updates: 60, seed: 23 });
    // This upstream compresses everything over 1 byte: a served site that compressed again by its own threshold
    // (5,120 bytes) would answer small updates as plain XML.
    service.configure({ compressAbove: 1 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, upstreamUrl);
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    const { url: servedUrl } = await engine.call('serveSite', { site: 'CEN', port: 0 });
    const original = new PlainClient(upstreamUrl);
    const served = new PlainClient(servedUrl);
    await original.authorize();
    await served.authorize();
    const ids = (await original.revisions(false)).ids;
    const fromOriginal = await original.updateData(ids);
    const fromServed = await served.updateData(ids);
    for (const id of ids) {
      expect(fromServed.get(id)!.order, id).toEqual(['Id', ...(fromOriginal.get(id)!.digests.length > 0 ? ['FileDigestList'] : []), 'XmlUpdateBlobCompressed']);
      expect(fromServed.get(id)!.cabinet, id).toBe(fromOriginal.get(id)!.cabinet);
    }
  });

  it("a damaged record in the parent's blob store fails that update only for the child, and the parent's log says why", async () => {
    const { url } = await fixture.service({ updates: 120, seed: 22 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    expect((await fixture.sync(engine, 'full')).outcome).toBe('succeeded');
    await engine.call('addSite', { code: 'PR1', name: 'Primary 1', parent: 'CEN' });
    const parent = engine.siteDatabase('CEN');
    const [victim] = parent.db.exec('SELECT update_id, blob_offset, blob_length FROM software_update WHERE deployable = 1 LIMIT 1')[0]!.values;
    const [updateId, offset, length] = [String(victim![0]), Number(victim![1]), Number(victim![2])];
    const fd = openSync(parent.blobs.file, 'r+');
    writeSync(fd, Buffer.from('XXXX'), 0, 4, offset + length - 8);
    closeSync(fd);

    const run = await engine.syncs.request('PR1', { kind: 'full', trigger: 'parent', parent: 'CEN' }).done;
    expect(run).toMatchObject({ outcome: 'failed', counts: { failed: 1 }, error: { code: 'UPDATES_FAILED' } });
    const child = await storedRevisions(engine, 'PR1');
    const parentRows = await storedRevisions(engine, 'CEN');
    expect(child).toEqual(parentRows.filter((line) => !line.startsWith(updateId)));
    expect(readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8')).toContain(`ERROR: Could not serve update ${updateId} revision`);
    expect(readFileSync(join(engine.folder.logsDir, 'CEN', 'wsyncmgr.log'), 'utf8')).toMatch(/is damaged: its checksum does not match/);
  });

  it('answers a SOAPAction it does not know with the fault an ASMX service gives, with the protocol detail', async () => {
    const { url } = await fixture.service({ updates: 10 });
    const client = new PlainClient(url);
    const { status, payload } = await client.call('NoSuchOperation', `<NoSuchOperation xmlns="${NS}"/>`);
    expect(status).toBe(500);
    expect(payload.name).toBe('Fault');
    expect(textAt(payload, 'faultcode')).toBe('soap:Client');
    expect(textAt(payload, 'faultstring')).toContain(`Server did not recognize the value of HTTP Header SOAPAction: ${NS}/NoSuchOperation.`);
    expect(textAt(payload, 'detail', 'ErrorCode')).toBe('InvalidParameters');
    expect(textAt(payload, 'detail', 'ID')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
