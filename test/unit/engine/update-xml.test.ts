import { describe, expect, it } from 'vitest';
import { parseUpdateXml, UpdateXmlError } from '../../../electron/engine/upstream/xml/update-xml';
import { decodeCompressedBlob } from '../../../electron/engine/upstream/update-blob';
import { writeCabinet } from '../../../electron/engine/upstream/cab/cabinet';

// The shape of a real bundle update as Microsoft Update serves it (ids, KB and bulletin from the public samples).
const BUNDLE = `<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">
 <upd:UpdateIdentity UpdateID="9F1C1C4F-4B11-4F3B-A8C4-2E2B7A4E8E01" RevisionNumber="204"/>
 <upd:Properties UpdateType="Software" DefaultPropertiesLanguage="en" ExplicitlyDeployable="true"
   AutoSelectOnWebSites="true" MsrcSeverity="Important" IsPublic="false" IsBeta="false"
   PublicationState="Published" CreationDate="2013-10-08T17:00:00.000Z" PublisherID="395392a0-19c0-48b7-a927-f7c15066d905">
  <upd:SupportUrl>http://support.microsoft.com</upd:SupportUrl><upd:SecurityBulletinID>MS13-081</upd:SecurityBulletinID>
  <upd:KBArticleID>2862335</upd:KBArticleID>
 </upd:Properties>
 <upd:LocalizedPropertiesCollection>
  <upd:LocalizedProperties><upd:Language>de</upd:Language><upd:Title>Sicherheitsupdate für Windows 7 (KB2862335)</upd:Title></upd:LocalizedProperties>
  <upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>Security Update for Windows 7 (KB2862335)</upd:Title><upd:Description>A security issue has been identified &amp; fixed.</upd:Description></upd:LocalizedProperties>
 </upd:LocalizedPropertiesCollection>
 <upd:Relationships>
  <upd:Prerequisites>
   <upd:UpdateIdentity UpdateID="0a1b2c3d-0000-4000-8000-000000000001"/>
   <upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity UpdateID="BFE5B177-A086-47A0-B102-097E4FA1F807"/></upd:AtLeastOne>
   <upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity UpdateID="0fa1201d-4330-4fa8-8ae9-b877473b6441"/></upd:AtLeastOne>
  </upd:Prerequisites>
  <upd:BundledUpdates><upd:UpdateIdentity UpdateID="c2a5d3e4-1111-4222-8333-444455556666" RevisionNumber="202"/></upd:BundledUpdates>
  <upd:SupersededUpdates><upd:UpdateIdentity UpdateID="D1A6E1E2-2222-4333-8444-555566667777"/></upd:SupersededUpdates>
 </upd:Relationships>
</upd:Update>`;

describe('update metadata XML', () => {
  it('reads the same metadata whether kept strings are copied out of the document or not (the fetch worker posts them at once)', () => {
    const identity = { updateId: '9f1c1c4f-4b11-4f3b-a8c4-2e2b7a4e8e01', revision: 204 };
    const shared = parseUpdateXml(BUNDLE, identity, { detach: false });
    expect(shared).toEqual(parseUpdateXml(BUNDLE, identity));
    expect(shared.localized).toHaveLength(2);
  });

  it('extracts identity, properties, localized text and relationships', () => {
    const update = parseUpdateXml(BUNDLE, { updateId: '9f1c1c4f-4b11-4f3b-a8c4-2e2b7a4e8e01', revision: 204 });
    expect(update).toMatchObject({
      updateId: '9f1c1c4f-4b11-4f3b-a8c4-2e2b7a4e8e01',
      revision: 204,
      type: 'Software',
      kb: '2862335',
      bulletin: 'MS13-081',
      msrcSeverity: 'Important',
      creationDate: '2013-10-08T17:00:00.000Z',
      publicationState: 'Published',
      explicitlyDeployable: true,
      categoryGroups: [['bfe5b177-a086-47a0-b102-097e4fa1f807'], ['0fa1201d-4330-4fa8-8ae9-b877473b6441']],
      prerequisites: ['0a1b2c3d-0000-4000-8000-000000000001'],
      bundled: [{ updateId: 'c2a5d3e4-1111-4222-8333-444455556666', revision: 202 }],
      supersedes: ['d1a6e1e2-2222-4333-8444-555566667777'],
    });
    expect(update.localized).toEqual([
      { language: 'de', title: 'Sicherheitsupdate für Windows 7 (KB2862335)' },
      { language: 'en', title: 'Security Update for Windows 7 (KB2862335)', description: 'A security issue has been identified & fixed.' },
    ]);
  });

  it('reads a classification category', () => {
    const xml = `<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update" xmlns:cat="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category"><upd:UpdateIdentity UpdateID="0fa1201d-4330-4fa8-8ae9-b877473b6441" RevisionNumber="1"/><upd:Properties UpdateType="Category"/><upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>Security Updates</upd:Title></upd:LocalizedProperties></upd:LocalizedPropertiesCollection><upd:HandlerSpecificData type="cat:Category"><cat:CategoryInformation CategoryType="UpdateClassification" ProhibitsSubcategories="true" ProhibitsUpdates="false"/></upd:HandlerSpecificData></upd:Update>`;
    expect(parseUpdateXml(xml)).toMatchObject({ type: 'Category', categoryType: 'UpdateClassification', localized: [{ title: 'Security Updates' }] });
  });

  it.each([
    ['truncated XML', BUNDLE.slice(0, 400), /not well-formed XML/],
    ['the wrong root', '<Package/>', /root is <Package>/],
    ['no title', BUNDLE.replace(/<upd:LocalizedPropertiesCollection>[\s\S]*<\/upd:LocalizedPropertiesCollection>/, ''), /no title/],
    ['an unknown type', BUNDLE.replace('UpdateType="Software"', 'UpdateType="Firmware"'), /unknown UpdateType/],
    ['another revision', BUNDLE, /not revision 205/],
  ])('rejects %s with an error naming the UpdateID', (_label, xml, reason) => {
    const expected = { updateId: '9f1c1c4f-4b11-4f3b-a8c4-2e2b7a4e8e01', revision: _label === 'another revision' ? 205 : 204 };
    let error: unknown;
    try {
      parseUpdateXml(xml, expected);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UpdateXmlError);
    expect((error as UpdateXmlError).message).toMatch(/^Update 9f1c1c4f-4b11-4f3b-a8c4-2e2b7a4e8e01: /);
    expect((error as UpdateXmlError).message).toMatch(reason);
  });

  it('decodes a compressed blob holding UTF-16LE XML, with or without a byte-order mark', () => {
    for (const bom of [true, false]) {
      const bytes = Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(BUNDLE, 'utf16le')]);
      const base64 = Buffer.from(writeCabinet('blob', bytes)).toString('base64');
      expect(base64.startsWith('TVNDRg')).toBe(true);
      expect(decodeCompressedBlob(base64)).toBe(BUNDLE);
    }
  });
});
