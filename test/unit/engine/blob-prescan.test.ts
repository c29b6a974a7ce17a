import { describe, expect, it } from 'vitest';
import { BLOB_REFERENCE, BlobPrescan, decodeText } from '../../../electron/engine/upstream/client/blob-prescan';
import { child, children, XmlTreeBuilder, type XmlElement } from '../../../electron/engine/upstream/xml/element-tree';

const blob =
  '<upd:Update xmlns:upd="u"><upd:Title>Security &amp; "quality" \'update\' for x64 &lt;KB5000001&gt;</upd:Title>\r\n<a>caf\u00e9 &#233; &#x1F600;</a></upd:Update>';
const escaped = blob.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const answer = (records: string[]) =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetUpdateDataResponse xmlns="http://www.microsoft.com/SoftwareDistribution"><GetUpdateDataResult><updates>${records.join('')}</updates><fileUrls/></GetUpdateDataResult></GetUpdateDataResponse></s:Body></s:Envelope>`;
const record = (id: number, inner: string) =>
  `<ServerSyncUpdateData><Id><UpdateID>${id}</UpdateID><RevisionNumber>1</RevisionNumber></Id>${inner}</ServerSyncUpdateData>`;

/** The blob texts of each record, read with or without the prescan, the answer cut into chunks of `size`. */
function read(text: string, size: number, withPrescan: boolean): string[] {
  const prescan = new BlobPrescan(1_000);
  const texts: string[] = [];
  const builder = new XmlTreeBuilder({
    recordName: 'ServerSyncUpdateData',
    onRecord: (element: XmlElement) => {
      const blobElement = child(element, 'XmlUpdateBlob') ?? child(element, 'XmlUpdateBlobCompressed')!;
      const reference = blobElement.attributes[BLOB_REFERENCE];
      texts.push(reference === 'oversize' ? 'OVERSIZE' : reference === undefined ? blobElement.text : prescan.take(reference)!);
    },
  });
  for (let start = 0; start < text.length; start += size) {
    const chunk = text.slice(start, start + size);
    builder.write(withPrescan ? prescan.feed(chunk) : chunk);
  }
  if (withPrescan) builder.write(prescan.end());
  builder.close();
  return texts;
}

describe('taking metadata blobs out of a GetUpdateData answer', () => {
  it('decodes entities exactly as the XML parser does, an escaped entity or a referenced ampersand read only once', () => {
    const texts = ['&amp;lt; &amp;amp;', '&#38;amp; &#38;lt;', '&amp;#65; &amp;#x41;', 'a\r\nb\rc', '&quot;&apos;&lt;&gt;&amp;', 'plain', '&#233;&#x1F600;'];
    for (const text of texts) {
      const parsed = read(answer([record(1, `<XmlUpdateBlob>${text}</XmlUpdateBlob>`)]), 10_000, false)[0];
      expect(decodeText(text)).toBe(parsed);
    }
  });

  it('gives the same text as the XML parser, however the answer is cut into chunks', () => {
    const text = answer([
      record(1, `<XmlUpdateBlob>${escaped}</XmlUpdateBlob><FileDigestList><base64Binary>abc=</base64Binary></FileDigestList>`),
      record(2, '<FileDigestList/><XmlUpdateBlobCompressed>TVNDRgAAAAA=</XmlUpdateBlobCompressed>'),
      record(3, `<XmlUpdateBlob><![CDATA[${blob}]]></XmlUpdateBlob>`),
      record(4, `<XmlUpdateBlob>${escaped.replace('&gt;', '&gt;&#13;&#10;\r\n')}</XmlUpdateBlob>`),
    ]);
    const expected = read(text, text.length, false);
    expect(expected[0]).toBe(blob.replace(/\r\n/g, '\n'));
    for (const size of [1, 2, 7, 15, 16, 17, 64, 1000, text.length]) expect(read(text, size, true), `chunks of ${size}`).toEqual(expected);
  });

  it('leaves what it cannot take safely to the parser, which refuses it as before', () => {
    const bad = answer([record(1, '<XmlUpdateBlob>Fish &chips;</XmlUpdateBlob>')]);
    expect(() => read(bad, 5, true)).toThrow(/entity/i);
  });

  it('marks a blob longer than its limit oversize instead of keeping it', () => {
    const text = answer([record(1, `<XmlUpdateBlob>${'x'.repeat(2_000)}</XmlUpdateBlob>`), record(2, '<XmlUpdateBlob>small</XmlUpdateBlob>')]);
    expect(read(text, 100, true)).toEqual(['OVERSIZE', 'small']);
    expect(children(undefined, 'x')).toEqual([]);
  });
});
