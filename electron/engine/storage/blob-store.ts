/**
 * The raw metadata of a site's revisions (update XML, FileDigestList, file URLs), kept beside the site database
 * instead of inside it, so the sql.js database holds only what is queried and stays small.
 *
 * An append-only file of records, each checksummed: `USCB` | version | flags | reserved (u16) | payload length (u32) |
 * CRC-32 of the payload (u32) | payload = header length (u32) + JSON header (identity, digests, URLs) + body. The body is
 * the XML compressed with LZ4 (flag LZ4), or the cabinet the upstream sent it in (flag CABINET), kept as it arrived:
 * compressing again what is already compressed would cost a full sync more than parsing it. Records written before
 * LZ4 (no flag) hold raw deflate, and are read as ever. Records of version 1 kept the header's length in the u16
 * now reserved, so an update listing more than about 250 files could not be stored; they are read as ever too.
 * Nothing in a record is bounded by the store but the payload's u32 (4 GiB), far past what the upstream limits let
 * one revision carry (64 Mi characters of XML).
 * Why LZ4, not zlib's deflate: at 100,000 updates deflate (level 6) was the largest single cost of a full sync, 8-11 s
 * of CPU for 395 MB of XML against 1.7 s for LZ4; the store grows by about a sixth (278 to 325 MiB there).
 * Records are written and flushed to disk before the rows that point at them are committed, so a row never points
 * past what is on disk; a crash in between leaves an unreferenced record, which compaction drops. A damaged record
 * is an error naming the update and the offset, never a silent skip.
 */
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';
import { compress as lz4Compress, decompress as lz4Decompress } from 'lz4-wasm-nodejs';
import { MAX_METADATA_CHARS, xmlFromCabinet } from '../upstream/update-blob';
import type { FileUrl, RevisionPayload, UpdateIdentity } from '../upstream/update-metadata';

const MAGIC = 0x42435355; // "USCB" read as a little-endian u32
/** The version written: the JSON header's length is a u32 inside the checksummed payload. */
const VERSION = 2;
/** Records written before 2026-12: the JSON header's length is the u16 at byte 6. */
const VERSION_U16_HEADER = 1;
const HEADER_BYTES = 16;
const MAX_PAYLOAD_BYTES = 0xffff_ffff;
/** Flag: the body is the upstream's cabinet (UTF-16LE XML, MSZIP or LZX). */
const CABINET = 0x01;
/** Flag: the body is UTF-8 XML as an LZ4 block, its length first (u32 LE). Neither flag: raw deflate (older records). */
const LZ4 = 0x02;
/** The most bytes the XML of one record may take as UTF-8 (three per character at most for the limit in characters). */
const MAX_XML_BYTES = 3 * MAX_METADATA_CHARS;

export interface BlobRecord {
  updateId: string;
  revision: number;
  xml: string;
  fileDigests: string[];
  fileUrls: FileUrl[];
  /** The cabinet the XML arrived in, when it arrived compressed: stored instead of the XML. */
  cabinet?: Uint8Array;
}

/** Where a record lies in the store: its first byte and its whole length (header included). */
export interface BlobLocation {
  offset: number;
  length: number;
}

export class BlobStoreError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    message: string,
  ) {
    super(message);
    this.name = 'BlobStoreError';
  }
}

/** One revision's metadata cannot be made a record: that update fails, the others are stored. */
export class BlobRecordTooLarge extends Error {
  constructor(
    readonly updateId: string,
    reason: string,
  ) {
    super(`Update ${updateId}: ${reason}`);
    this.name = 'BlobRecordTooLarge';
  }
}

interface RecordHeader {
  u: string;
  r: number;
  d: string[];
  f: FileUrl[];
}

export class BlobStore {
  private end: number;
  /**
   * Whether records were appended since the store was opened or compaction last looked at it: a sync that wrote
   * none (a delta with nothing new) cannot have made compaction worth it, and looking means reading every row.
   */
  appendedSinceCheck = false;

  private constructor(
    readonly file: string,
    private readonly fd: number,
  ) {
    this.end = fstatSync(fd).size;
  }

  /** Opens the store, creating an empty one when the file does not exist. */
  static open(file: string): BlobStore {
    return new BlobStore(file, openSync(file, 'a+'));
  }

  /** A file of records that is only read (a catalog export being imported): never created, never written. */
  static openReadOnly(file: string): BlobStore {
    return new BlobStore(file, openSync(file, 'r'));
  }

  /** Bytes in the file, referenced or not. */
  get size(): number {
    return this.end;
  }

  /**
   * Appends records and flushes them to disk; returns their locations once they are durable. The one write path of
   * the store: a sync's batches, migrations and compaction alike. It is synchronous on purpose: a batch's records must
   * be on disk before its rows commit, so the engine waits for the flush either way, and one flush of a batch costs
   * about 2 ms (300 KB) while the fetch workers keep four batches ahead.
   */
  append(records: BlobRecord[]): BlobLocation[] {
    return this.appendEncoded(records.map(encodeBlobRecord));
  }

  /** Appends records encoded elsewhere (the fetch worker compresses them), or copied byte for byte (compaction). */
  appendEncoded(payloads: Uint8Array[]): BlobLocation[] {
    const buffer = Buffer.concat(payloads);
    const start = this.end;
    const locations: BlobLocation[] = [];
    let offset = start;
    for (const payload of payloads) {
      locations.push({ offset, length: payload.length });
      offset += payload.length;
    }
    try {
      // A write may be short (a file size limit, a nearly full disk): go on until all is written or it fails.
      for (let written = 0; written < buffer.length;) written += writeSync(this.fd, buffer, written, buffer.length - written);
      fdatasyncSync(this.fd);
    } catch (error) {
      this.rollBack(start);
      throw error;
    }
    this.end = start + buffer.length;
    this.appendedSinceCheck = true;
    return locations;
  }

  /** Reads one record; a BlobStoreError when it is missing, damaged, or belongs to another revision. */
  read(location: BlobLocation, expected?: { updateId: string; revision: number }): BlobRecord {
    const raw = this.readRaw(location, expected?.updateId ?? 'unknown');
    // Version 1 kept the header's length outside the payload; version 2 keeps it as the payload's first u32.
    const headerStart = raw[4] === VERSION_U16_HEADER ? HEADER_BYTES : HEADER_BYTES + 4;
    const headerLength = raw[4] === VERSION_U16_HEADER ? raw.readUInt16LE(6) : raw.length >= headerStart ? raw.readUInt32LE(HEADER_BYTES) : -1;
    if (headerLength < 0 || headerStart + headerLength > raw.length) throw this.damaged(location, expected?.updateId, 'its header runs past its end');
    let header: RecordHeader;
    try {
      header = JSON.parse(raw.subarray(headerStart, headerStart + headerLength).toString('utf8')) as RecordHeader;
    } catch {
      throw this.damaged(location, expected?.updateId, 'its header is not readable');
    }
    if (expected !== undefined && (header.u !== expected.updateId || header.r !== expected.revision)) {
      throw this.damaged(location, expected.updateId, `it holds ${header.u} revision ${header.r}, not revision ${expected.revision}`);
    }
    const body = raw.subarray(headerStart + headerLength);
    const flags = raw[5]!;
    const cabinet = (flags & CABINET) !== 0 ? body : undefined;
    let xml: string;
    try {
      xml = cabinet !== undefined ? xmlFromCabinet(cabinet) : (flags & LZ4) !== 0 ? xmlFromLz4(body) : inflateRawSync(body).toString('utf8');
    } catch (error) {
      // LZ4's own errors arrive as plain strings.
      throw this.damaged(location, header.u, `its metadata does not decompress (${error instanceof Error ? error.message : String(error)})`);
    }
    return { updateId: header.u, revision: header.r, xml, fileDigests: header.d, fileUrls: header.f, ...(cabinet === undefined ? {} : { cabinet }) };
  }

  /** A record's bytes as they are on disk, unchecked (compaction copies them so); an error when the file does not hold them. */
  readStored(location: BlobLocation, label = 'unknown'): Buffer {
    if (location.offset < 0 || location.length < HEADER_BYTES || location.offset + location.length > this.end) {
      throw this.damaged(location, label, `it lies beyond the end of ${this.file} (${this.end} bytes)`);
    }
    const raw = Buffer.allocUnsafe(location.length);
    let read = 0;
    while (read < location.length) {
      const count = readSync(this.fd, raw, read, location.length - read, location.offset + read);
      if (count === 0) throw this.damaged(location, label, 'the file ends inside it');
      read += count;
    }
    return raw;
  }

  /** Checks a record's header and checksum without decoding it (the pre-flight check reads every record so). */
  verify(location: BlobLocation, label: string): void {
    this.readRaw(location, label);
  }

  /** A record's bytes after checking its header and checksum (an export copies them so, still compressed). */
  readRaw(location: BlobLocation, label: string): Buffer {
    const raw = this.readStored(location, label);
    if (raw.readUInt32LE(0) !== MAGIC || (raw[4] !== VERSION && raw[4] !== VERSION_U16_HEADER))
      throw this.damaged(location, label, 'it does not start with a record header');
    const payloadLength = raw.readUInt32LE(8);
    if (HEADER_BYTES + payloadLength !== location.length)
      throw this.damaged(location, label, `its header says ${payloadLength} bytes of payload, the index says ${location.length - HEADER_BYTES}`);
    if (crc32(raw.subarray(HEADER_BYTES)) !== raw.readUInt32LE(12))
      throw this.damaged(location, label, 'its checksum does not match (the data was changed or corrupted on disk)');
    return raw;
  }

  close(): void {
    closeSync(this.fd);
  }

  private damaged(location: BlobLocation, updateId: string | undefined, reason: string): BlobStoreError {
    return new BlobStoreError(
      this.file,
      location.offset,
      `The stored metadata of update ${updateId ?? 'unknown'} (record at byte ${location.offset} of ${this.file}) is damaged: ${reason}.`,
    );
  }

  /** A failed append (a full disk) must not leave a partial record that later appends would follow. */
  private rollBack(start: number): void {
    try {
      ftruncateSync(this.fd, start);
    } catch {
      // Unreferenced bytes past the last record are harmless: nothing points at them and compaction drops them.
    }
  }
}

/**
 * A received revision as a record, or why it cannot be one (that update fails; the others of its batch are stored).
 * Compressed on the calling thread: the fetch worker's during a sync.
 */
export function encodeRevision(revision: RevisionPayload & { metadata: UpdateIdentity }): Uint8Array | (UpdateIdentity & { message: string; source: string }) {
  const { updateId, revision: number } = revision.metadata;
  try {
    return encodeBlobRecord({
      updateId,
      revision: number,
      xml: revision.xml,
      fileDigests: revision.fileDigests,
      fileUrls: revision.fileUrls,
      ...(revision.cabinet === undefined ? {} : { cabinet: revision.cabinet }),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      updateId,
      revision: number,
      message: error instanceof BlobRecordTooLarge ? reason : `Update ${updateId}: its metadata could not be stored (${reason})`,
      source: 'CWSyncMgr::StoreUpdate',
    };
  }
}

/** One record as the store writes it, compressed on the calling thread (the fetch worker's during a sync). */
export function encodeBlobRecord(record: BlobRecord): Uint8Array {
  return record.cabinet === undefined ? encode(record, lz4Compress(Buffer.from(record.xml, 'utf8')), LZ4) : encode(record, record.cabinet, CABINET);
}

/**
 * The XML of an LZ4 body. Its declared length is checked first: the checksum proves the bytes are the ones written,
 * not that whoever wrote them (a catalog export from elsewhere) was honest, and a length past the limit is refused
 * instead of allocated.
 */
function xmlFromLz4(body: Uint8Array): string {
  if (body.length < 4) throw new Error('the body is shorter than its length field');
  const declared = Buffer.from(body.buffer, body.byteOffset, body.byteLength).readUInt32LE(0);
  if (declared > MAX_XML_BYTES) throw new Error(`it declares ${declared} bytes of XML, more than the limit of ${MAX_XML_BYTES}`);
  const xml = lz4Decompress(body);
  if (xml.length !== declared) throw new Error(`it holds ${xml.length} bytes of XML, not the ${declared} it declares`);
  return Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength).toString('utf8');
}

function encode(record: BlobRecord, body: Uint8Array, flags = 0): Buffer {
  const header = Buffer.from(
    JSON.stringify({ u: record.updateId, r: record.revision, d: record.fileDigests, f: record.fileUrls } satisfies RecordHeader),
    'utf8',
  );
  // Header and body are copied once, straight into the record (every revision of a sync passes here).
  const payloadLength = 4 + header.length + body.length;
  if (payloadLength > MAX_PAYLOAD_BYTES)
    throw new BlobRecordTooLarge(record.updateId, `its stored metadata would take ${payloadLength} bytes, more than a record holds (4 GiB)`);
  const out = Buffer.allocUnsafe(HEADER_BYTES + payloadLength);
  out.writeUInt32LE(MAGIC, 0);
  out[4] = VERSION;
  out[5] = flags;
  out.writeUInt16LE(0, 6);
  out.writeUInt32LE(payloadLength, 8);
  out.writeUInt32LE(header.length, HEADER_BYTES);
  header.copy(out, HEADER_BYTES + 4);
  out.set(body, HEADER_BYTES + 4 + header.length);
  out.writeUInt32LE(crc32(out.subarray(HEADER_BYTES)), 12);
  return out;
}
