import { closeSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { compress as lz4Compress } from 'lz4-wasm-nodejs';
import { compactBlobStore } from '../../../electron/engine/storage/blob-compaction';
import { describe, expect, it } from 'vitest';
import { BlobStore, BlobStoreError, type BlobRecord } from '../../../electron/engine/storage/blob-store';
import { writeCabinet } from '../../../electron/engine/upstream/cab/cabinet';
import { SiteDatabase } from '../../../electron/engine/storage/site-database';
import { loadSqlJs } from '../../../electron/engine/storage/sqljs';
import { inTransaction } from '../../../electron/engine/storage/transaction';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();

const record = (index: number): BlobRecord => ({
  updateId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  revision: 200 + index,
  xml: `<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update"><upd:UpdateIdentity UpdateID="x" RevisionNumber="${index}"/>${'<upd:Files/>'.repeat(index)}</upd:Update>`,
  fileDigests: index % 2 === 0 ? [] : [`digest${index}==`],
  fileUrls:
    index % 2 === 0
      ? []
      : [{ digest: `digest${index}==`, muUrl: `http://download.windowsupdate.com/d/msdownload/update/software/secu/2026/11/file${index}.cab` }],
});

/** A record laid out as the store does (magic, version 1, flags, header length, payload length, CRC-32, payload). */
function rawRecord(flags: number, header: Buffer, body: Uint8Array): Buffer {
  const payload = Buffer.concat([header, body]);
  const out = Buffer.alloc(16);
  out.writeUInt32LE(0x42435355, 0);
  out[4] = 1;
  out[5] = flags;
  out.writeUInt16LE(header.length, 6);
  out.writeUInt32LE(payload.length, 8);
  out.writeUInt32LE(crc32(payload), 12);
  return Buffer.concat([out, payload]);
}

/** Overwrites one byte of a file in place. */
function flipByte(file: string, offset: number): void {
  const fd = openSync(file, 'r+');
  const byte = readFileSync(file)[offset]!;
  writeSync(fd, Buffer.from([byte ^ 0x40]), 0, 1, offset);
  closeSync(fd);
}

describe('the blob store', () => {
  it('appends records and reads each one back by its offset, the others left alone', async () => {
    const file = join(tempDir(), 'CEN.sqlite.blobs.1');
    const store = BlobStore.open(file);
    const first = store.append([record(1), record(2), record(3)]);
    const second = store.append([record(4)]);
    expect(first.map((location) => location.offset)).toEqual([0, first[0]!.length, first[0]!.length + first[1]!.length]);
    expect(second[0]!.offset).toBe(first[2]!.offset + first[2]!.length);
    expect(statSync(file).size).toBe(second[0]!.offset + second[0]!.length);
    store.close();

    const reopened = BlobStore.open(file);
    for (const [index, location] of [...first, ...second].entries()) {
      expect(reopened.read(location, { updateId: record(index + 1).updateId, revision: record(index + 1).revision })).toEqual(record(index + 1));
    }
    reopened.close();
  });

  it('stores an update listing 3,000 files (a header far past 64 KiB) and reads it back, and still reads records of version 1', async () => {
    const file = join(tempDir(), 'CEN.sqlite.blobs.1');
    const store = BlobStore.open(file);
    const files = Array.from({ length: 3_000 }, (_, index) => `${Buffer.from(`file ${index} of a cumulative update`).toString('base64')}=`);
    const large: BlobRecord = {
      ...record(9),
      fileDigests: files,
      fileUrls: files.map((digest, index) => ({
        digest,
        muUrl: `http://download.windowsupdate.com/c/msdownload/update/software/secu/2026/12/windows11.0-kb5072033-x64-express_${index}_0123456789abcdef0123456789abcdef01234567.psf`,
        ussUrl: `http://wsus.corp.example:8530/Content/${String(index % 256).padStart(2, '0')}/0123456789ABCDEF0123456789ABCDEF012345${index}.psf`,
      })),
    };
    expect(Buffer.byteLength(JSON.stringify(large.fileUrls))).toBeGreaterThan(0xffff * 5);
    const [at] = store.append([large]);
    expect(readFileSync(file)[at!.offset + 4]).toBe(2);
    expect(store.read(at!, { updateId: large.updateId, revision: large.revision })).toEqual(large);

    // Version 1 (the release before): the header's length in the u16 at byte 6, outside the payload.
    const header = Buffer.from(JSON.stringify({ u: record(3).updateId, r: record(3).revision, d: record(3).fileDigests, f: record(3).fileUrls }));
    const body = Buffer.from(lz4Compress(Buffer.from(record(3).xml)));
    const [olderAt] = store.appendEncoded([rawRecord(0x02, header, body)]);
    expect(store.read(olderAt!, { updateId: record(3).updateId, revision: record(3).revision })).toEqual(record(3));
    store.close();
  });

  it('keeps a cabinet as the upstream sent it (not compressed again) and reads its XML back', async () => {
    const file = join(tempDir(), 'CEN.sqlite.blobs.1');
    const store = BlobStore.open(file);
    const xml = record(7).xml;
    const cabinet = writeCabinet('blob.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
    const [async] = store.append([{ ...record(7), cabinet }]);
    const [sync] = store.append([{ ...record(8), cabinet }]);
    const bytes = readFileSync(file);
    // The cabinet's bytes are in the file verbatim, once per record.
    expect(bytes.subarray(async!.offset, async!.offset + async!.length).indexOf(Buffer.from(cabinet))).toBeGreaterThan(0);
    expect(bytes.subarray(sync!.offset, sync!.offset + sync!.length).indexOf(Buffer.from(cabinet))).toBeGreaterThan(0);
    const read = store.read(async!, { updateId: record(7).updateId, revision: record(7).revision });
    expect(read.xml).toBe(xml);
    expect(Buffer.from(read.cabinet!)).toEqual(Buffer.from(cabinet));
    expect(store.read(sync!).xml).toBe(xml);
    store.close();
  });

  it('reports a damaged record with the update and the offset, and only that record', async () => {
    const file = join(tempDir(), 'CEN.sqlite.blobs.1');
    const store = BlobStore.open(file);
    const locations = store.append([record(1), record(2), record(3)]);
    flipByte(file, locations[1]!.offset + locations[1]!.length - 3);
    const expected = { updateId: record(2).updateId, revision: record(2).revision };
    expect(() => store.read(locations[1]!, expected)).toThrow(BlobStoreError);
    expect(() => store.read(locations[1]!, expected)).toThrow(
      `The stored metadata of update ${record(2).updateId} (record at byte ${locations[1]!.offset} of ${file}) is damaged: its checksum does not match (the data was changed or corrupted on disk).`,
    );
    expect(store.read(locations[0]!)).toEqual(record(1));
    expect(store.read(locations[2]!)).toEqual(record(3));
    // A location past the end, or one that names another revision, is an error too, never a silent skip.
    expect(() => store.read({ offset: statSync(file).size, length: 40 }, expected)).toThrow(/lies beyond the end/);
    expect(() => store.read(locations[0]!, expected)).toThrow(/holds .* revision 201, not revision 202/);
    store.close();
  });

  it('reads records written with deflate before LZ4, and refuses an LZ4 body that lies about its length', async () => {
    const file = join(tempDir(), 'CEN.sqlite.blobs.1');
    const store = BlobStore.open(file);
    const [current] = store.append([record(5)]);
    const bytes = readFileSync(file);
    // Flag 0x02 (LZ4), and the XML is not in the file as text.
    expect(bytes[current!.offset + 5]).toBe(0x02);
    expect(bytes.indexOf(Buffer.from(record(5).xml))).toBe(-1);

    // A record as the store wrote it before: no flag, the XML as raw deflate.
    const header = Buffer.from(JSON.stringify({ u: record(6).updateId, r: record(6).revision, d: record(6).fileDigests, f: record(6).fileUrls }));
    const older = rawRecord(0, header, deflateRawSync(record(6).xml));
    // An LZ4 body whose length field claims 1 GiB of XML (a record from a dishonest export passes its checksum).
    const lying = Buffer.from(lz4Compress(Buffer.from(record(7).xml)));
    lying.writeUInt32LE(1024 * 1024 * 1024, 0);
    const liar = rawRecord(0x02, Buffer.from(JSON.stringify({ u: record(7).updateId, r: record(7).revision, d: [], f: [] })), lying);
    // And one whose length field says less than the block holds.
    const short = Buffer.from(lz4Compress(Buffer.from(record(8).xml)));
    short.writeUInt32LE(10, 0);
    const shortRecord = rawRecord(0x02, Buffer.from(JSON.stringify({ u: record(8).updateId, r: record(8).revision, d: [], f: [] })), short);
    const [olderAt, liarAt, shortAt] = store.appendEncoded([older, liar, shortRecord]);

    expect(store.read(olderAt!, { updateId: record(6).updateId, revision: record(6).revision })).toEqual(record(6));
    expect(store.read(current!)).toEqual(record(5));
    expect(() => store.read(liarAt!)).toThrow(/is damaged: its metadata does not decompress \(it declares 1073741824 bytes of XML, more than the limit/);
    expect(() => store.read(shortAt!)).toThrow(/is damaged: its metadata does not decompress/);
    store.close();
  });

  it('a crash between writing blobs and committing the rows leaves no row pointing at them, and the store still appends', async () => {
    const sql = await loadSqlJs();
    const file = join(tempDir(), 'CEN.sqlite');
    const site = SiteDatabase.create(sql, file, { code: 'CEN', name: 'Central Site', parentCode: null, createdAt: 'now' });
    const kept = site.blobs.append([record(1)]);
    const point = (entry: BlobRecord, offset: number, length: number) =>
      site.db.run('INSERT INTO detectoid (detectoid_id, revision, name, blob_offset, blob_length) VALUES (?, ?, ?, ?, ?)', [
        entry.updateId,
        entry.revision,
        'x64-based systems',
        offset,
        length,
      ]);
    inTransaction(site, () => point(record(1), kept[0]!.offset, kept[0]!.length));
    site.save();
    // Blobs written, then the process dies before their rows are committed: nothing reaches the database.
    site.blobs.append([record(2), record(3)]);
    inTransaction(site, () => point(record(2), 0, 1));
    site.close();

    const reopened = SiteDatabase.open(sql, file);
    const rows = reopened.db.exec('SELECT detectoid_id, blob_offset, blob_length FROM detectoid')[0]!.values;
    expect(rows).toEqual([[record(1).updateId, kept[0]!.offset, kept[0]!.length]]);
    expect(reopened.blobs.read(kept[0]!, { updateId: record(1).updateId, revision: 201 })).toEqual(record(1));
    const next = reopened.blobs.append([record(4)]);
    expect(reopened.blobs.read(next[0]!)).toEqual(record(4));
    reopened.close();
  });
});

describe('blob store compaction', () => {
  it('copies every live record to the next store, points the rows at it, and leaves a database that reopens', async () => {
    const sql = await loadSqlJs();
    const file = join(tempDir(), 'CEN.sqlite');
    const site = SiteDatabase.create(sql, file, { code: 'CEN', name: 'Central Site', parentCode: null, createdAt: 'now' });
    const point = (entry: BlobRecord, location: { offset: number; length: number }) =>
      site.db.run(
        'INSERT INTO detectoid (detectoid_id, revision, name, blob_offset, blob_length) VALUES (?, ?, ?, ?, ?) ON CONFLICT (detectoid_id) DO UPDATE SET revision = excluded.revision, blob_offset = excluded.blob_offset, blob_length = excluded.blob_length',
        [entry.updateId, entry.revision, 'detectoid', location.offset, location.length],
      );
    // Ten records, each revised four times: the store holds 50 records, 10 of them live.
    const latest = new Map<string, BlobRecord>();
    for (let round = 0; round < 5; round++) {
      const records = Array.from({ length: 10 }, (_, index) => ({
        ...record(index + 1),
        revision: 300 + round,
        xml: `${record(index + 1).xml}<!-- round ${round} -->`,
      }));
      const locations = site.blobs.append(records);
      inTransaction(site, () => records.forEach((entry, index) => point(entry, locations[index]!)));
      for (const entry of records) latest.set(entry.updateId, entry);
    }
    site.save();
    const before = site.blobs.size;
    const result = compactBlobStore(site, { force: true });
    expect(result).toMatchObject({ compacted: true, liveRecords: 10, bytesBefore: before });
    expect(result.bytesAfter).toBeLessThan(before / 4);
    expect(site.blobGeneration).toBe(2);
    const check = (database: SiteDatabase) => {
      const rows = database.db.exec('SELECT detectoid_id, revision, blob_offset, blob_length FROM detectoid')[0]!.values;
      expect(rows).toHaveLength(10);
      for (const [id, revision, offset, length] of rows) {
        expect(database.blobs.read({ offset: Number(offset), length: Number(length) }, { updateId: String(id), revision: Number(revision) })).toEqual(
          latest.get(String(id)),
        );
      }
    };
    check(site);
    site.close();
    // The old store stays beside the new one (the .bak of the database points into it).
    expect(
      readdirSync(dirname(file))
        .filter((name) => name.includes('.blobs.'))
        .sort(),
    ).toEqual(['CEN.sqlite.blobs.1', 'CEN.sqlite.blobs.2']);
    const reopened = SiteDatabase.open(sql, file);
    check(reopened);
    expect(compactBlobStore(reopened)).toMatchObject({ compacted: false });
    reopened.close();
  });

  it('looks again only when records were appended since it last looked, and then compacts what became worth it', async () => {
    const sql = await loadSqlJs();
    const file = join(tempDir(), 'CEN.sqlite');
    const site = SiteDatabase.create(sql, file, { code: 'CEN', name: 'Central Site', parentCode: null, createdAt: 'now' });
    const write = async (revision: number) => {
      const entries = Array.from({ length: 10 }, (_, index) => ({ ...record(index + 1), revision }));
      const locations = site.blobs.append(entries);
      inTransaction(site, () =>
        entries.forEach((entry, index) =>
          site.db.run(
            'INSERT INTO detectoid (detectoid_id, revision, name, blob_offset, blob_length) VALUES (?, ?, ?, ?, ?) ON CONFLICT (detectoid_id) DO UPDATE SET revision = excluded.revision, blob_offset = excluded.blob_offset, blob_length = excluded.blob_length',
            [entry.updateId, entry.revision, `Detectoid ${index}`, locations[index]!.offset, locations[index]!.length],
          ),
        ),
      );
    };
    await write(1);
    // Every record is referenced: it looks, and there is nothing to do.
    expect(site.blobs.appendedSinceCheck).toBe(true);
    expect(compactBlobStore(site, { minimumBytes: 0 })).toMatchObject({ compacted: false });
    expect(site.blobs.appendedSinceCheck).toBe(false);
    await write(2);
    await write(3);
    site.saveWhole();
    site.close();

    // Two thirds of the store are superseded records, but nothing was appended since this open: it does not look.
    const reopened = SiteDatabase.open(sql, file);
    expect(compactBlobStore(reopened, { minimumBytes: 0 })).toMatchObject({ compacted: false, liveRecords: -1 });
    expect(reopened.blobGeneration).toBe(1);
    // A sync that appends makes it look again, and now it compacts down to the ten live records.
    await (async () => {
      const locations = reopened.blobs.append([{ ...record(1), revision: 4 }]);
      inTransaction(reopened, () =>
        reopened.db.run('UPDATE detectoid SET revision = 4, blob_offset = ?, blob_length = ? WHERE detectoid_id = ?', [
          locations[0]!.offset,
          locations[0]!.length,
          record(1).updateId,
        ]),
      );
    })();
    expect(compactBlobStore(reopened, { minimumBytes: 0 })).toMatchObject({ compacted: true, liveRecords: 10 });
    expect(reopened.blobGeneration).toBe(2);
    reopened.close();
  });
});
