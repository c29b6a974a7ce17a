/**
 * Microsoft Cabinet (CAB) files: reading (stored, MSZIP and LZX folders) and writing (one member, MSZIP).
 * Layout per the published cabinet format: CFHEADER, CFFOLDER entries, CFFILE entries, then CFDATA blocks.
 */
import { deflateRawSync } from 'node:zlib';
import { CabinetError } from './cab-error';
import { cabChecksum } from './checksum';
import { lzxDecompress } from './lzx';
import { mszipCompress, mszipDecompress } from './mszip';

const SIGNATURE = 0x4643534d; // "MSCF"
const FLAG_PREV_CABINET = 0x1;
const FLAG_NEXT_CABINET = 0x2;
const FLAG_RESERVE_PRESENT = 0x4;
const ATTRIBUTE_NAME_IS_UTF8 = 0x80;
const COMPRESS_NONE = 0;
const COMPRESS_MSZIP = 1;
const COMPRESS_QUANTUM = 2;
const COMPRESS_LZX = 3;
/** Without a tighter limit from the caller, no folder may expand past this (a decompression bomb). */
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

export interface ReadCabinetOptions {
  /** The most bytes a folder or a member may declare or expand to; more is refused before anything is decoded. */
  maxBytes?: number;
}

export interface CabinetFile {
  name: string;
  size: number;
  folder: number;
  offsetInFolder: number;
}

export interface CabinetFolder {
  compression: 'none' | 'mszip' | 'lzx' | 'quantum' | `unknown (${number})`;
  windowBits: number;
  dataOffset: number;
  blockCount: number;
}

export interface Cabinet {
  files: CabinetFile[];
  folders: CabinetFolder[];
  /** The bytes of one member; throws CabinetError when its folder cannot be decoded. */
  extract(file: CabinetFile): Uint8Array;
}

class Cursor {
  constructor(
    readonly bytes: Uint8Array,
    public offset: number,
    private readonly view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  ) {}

  private need(count: number, what: string): void {
    if (this.offset + count > this.bytes.length) throw new CabinetError(`Cabinet is truncated (reading ${what})`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.offset++);
  }
  u16(what: string): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }
  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }
  bytesOf(count: number, what: string): Uint8Array {
    this.need(count, what);
    const slice = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return slice;
  }
  cString(what: string, utf8: boolean): string {
    const end = this.bytes.indexOf(0, this.offset);
    if (end < 0) throw new CabinetError(`Cabinet is truncated (reading ${what})`);
    const text = new TextDecoder(utf8 ? 'utf-8' : 'latin1').decode(this.bytes.subarray(this.offset, end));
    this.offset = end + 1;
    return text;
  }
}

export function readCabinet(bytes: Uint8Array, options: ReadCabinetOptions = {}): Cabinet {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const header = new Cursor(bytes, 0);
  if (bytes.length < 36 || header.u32('signature') !== SIGNATURE) throw new CabinetError('Not a cabinet: the MSCF signature is missing');
  header.u32('reserved');
  const declaredSize = header.u32('cabinet size');
  header.u32('reserved');
  const filesOffset = header.u32('file table offset');
  header.u32('reserved');
  header.u8('version');
  const major = header.u8('version');
  const folderCount = header.u16('folder count');
  const fileCount = header.u16('file count');
  const flags = header.u16('flags');
  header.u16('set id');
  header.u16('cabinet index');
  if (major !== 1) throw new CabinetError(`Cabinet format version ${major} is not supported`);
  if (declaredSize > bytes.length) throw new CabinetError(`Cabinet is truncated: it declares ${declaredSize} bytes, ${bytes.length} are present`);
  if ((flags & (FLAG_PREV_CABINET | FLAG_NEXT_CABINET)) !== 0) throw new CabinetError('Cabinets spanning several files are not supported');
  let folderReserve = 0;
  let dataReserve = 0;
  if ((flags & FLAG_RESERVE_PRESENT) !== 0) {
    const headerReserve = header.u16('reserve sizes');
    folderReserve = header.u8('reserve sizes');
    dataReserve = header.u8('reserve sizes');
    header.bytesOf(headerReserve, 'header reserve');
  }

  const folders: CabinetFolder[] = [];
  for (let index = 0; index < folderCount; index++) {
    const dataOffset = header.u32('folder');
    const blockCount = header.u16('folder');
    const type = header.u16('folder');
    header.bytesOf(folderReserve, 'folder reserve');
    folders.push({ ...describeCompression(type), dataOffset, blockCount });
  }

  const files: CabinetFile[] = [];
  const fileTable = new Cursor(bytes, filesOffset);
  for (let index = 0; index < fileCount; index++) {
    const size = fileTable.u32('file entry');
    const offsetInFolder = fileTable.u32('file entry');
    const folder = fileTable.u16('file entry');
    fileTable.u16('file entry');
    fileTable.u16('file entry');
    const attributes = fileTable.u16('file entry');
    const name = fileTable.cString('file name', (attributes & ATTRIBUTE_NAME_IS_UTF8) !== 0);
    if (folder >= folders.length) throw new CabinetError(`Cabinet member ${name} names folder ${folder}, which does not exist`);
    if (size > maxBytes) throw new CabinetError(`Cabinet member ${name} declares ${size} bytes, more than the limit of ${maxBytes}; refusing it`);
    files.push({ name, size, folder, offsetInFolder });
  }

  const decoded = new Map<number, Uint8Array>();
  const folderBytes = (index: number): Uint8Array => {
    let data = decoded.get(index);
    if (data === undefined) {
      data = decodeFolder(bytes, folders[index]!, index, dataReserve, maxBytes);
      decoded.set(index, data);
    }
    return data;
  };

  return {
    files,
    folders,
    extract(file) {
      const data = folderBytes(file.folder);
      if (file.offsetInFolder + file.size > data.length) {
        throw new CabinetError(`Cabinet member ${file.name} lies beyond the end of its folder's data`);
      }
      return data.slice(file.offsetInFolder, file.offsetInFolder + file.size);
    },
  };
}

function describeCompression(type: number): Pick<CabinetFolder, 'compression' | 'windowBits'> {
  switch (type & 0xf) {
    case COMPRESS_NONE:
      return { compression: 'none', windowBits: 0 };
    case COMPRESS_MSZIP:
      return { compression: 'mszip', windowBits: 15 };
    case COMPRESS_QUANTUM:
      return { compression: 'quantum', windowBits: (type >> 8) & 0x1f };
    case COMPRESS_LZX:
      return { compression: 'lzx', windowBits: (type >> 8) & 0x1f };
    default:
      return { compression: `unknown (${type & 0xf})`, windowBits: 0 };
  }
}

function decodeFolder(bytes: Uint8Array, folder: CabinetFolder, index: number, dataReserve: number, maxBytes: number): Uint8Array {
  const blocks: Array<{ data: Uint8Array; uncompressedSize: number }> = [];
  const cursor = new Cursor(bytes, folder.dataOffset);
  let total = 0;
  for (let block = 0; block < folder.blockCount; block++) {
    const where = `data block ${block} of folder ${index}`;
    const checksum = cursor.u32(where);
    const sizes = cursor.bytesOf(4, where);
    const compressedSize = sizes[0]! | (sizes[1]! << 8);
    const uncompressedSize = sizes[2]! | (sizes[3]! << 8);
    cursor.bytesOf(dataReserve, where);
    const data = cursor.bytesOf(compressedSize, where);
    if (checksum !== 0) {
      if (cabChecksum(sizes, cabChecksum(data, 0)) !== checksum) throw new CabinetError(`Checksum mismatch in ${where}: the cabinet is corrupt`);
    }
    total += uncompressedSize;
    if (total > maxBytes) throw new CabinetError(`Folder ${index} declares more than ${maxBytes} bytes of data; refusing it`);
    blocks.push({ data, uncompressedSize });
  }
  switch (folder.compression) {
    case 'none': {
      const output = concat(...blocks.map((block) => block.data));
      if (output.length !== total) throw new CabinetError(`Stored folder ${index} has ${output.length} bytes, the cabinet says ${total}`);
      return output;
    }
    case 'mszip':
      return mszipDecompress(blocks);
    case 'lzx':
      return lzxDecompress(concat(...blocks.map((block) => block.data)), folder.windowBits, total);
    case 'quantum':
      throw new CabinetError('Quantum compression is not supported (only stored, MSZIP and LZX folders are)');
    default:
      throw new CabinetError(`Compression ${folder.compression} is not supported`);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const output = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.length;
  }
  return output;
}

/** Writes a one-member cabinet with an MSZIP folder, the way an upstream server packs large update metadata. */
export function writeCabinet(name: string, content: Uint8Array): Uint8Array {
  const blocks = mszipCompress(content, (chunk) => deflateRawSync(chunk, { level: 6 }));
  const nameBytes = new TextEncoder().encode(name);
  const utf8 = nameBytes.some((byte) => byte > 0x7f);
  const headerSize = 36;
  const folderSize = 8;
  const fileSize = 16 + nameBytes.length + 1;
  const dataOffset = headerSize + folderSize + fileSize;
  const dataSize = blocks.reduce((sum, block) => sum + 8 + block.data.length, 0);
  const total = dataOffset + dataSize;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, SIGNATURE, true);
  view.setUint32(8, total, true);
  view.setUint32(16, headerSize + folderSize, true);
  out[24] = 3; // version 1.3
  out[25] = 1;
  view.setUint16(26, 1, true); // folders
  view.setUint16(28, 1, true); // files
  view.setUint32(headerSize, dataOffset, true);
  view.setUint16(headerSize + 4, blocks.length, true);
  view.setUint16(headerSize + 6, COMPRESS_MSZIP, true);
  const file = headerSize + folderSize;
  view.setUint32(file, content.length, true);
  view.setUint16(file + 14, 0x20 | (utf8 ? ATTRIBUTE_NAME_IS_UTF8 : 0), true); // archive attribute
  out.set(nameBytes, file + 16);
  let offset = dataOffset;
  for (const block of blocks) {
    const sizes = new Uint8Array([block.data.length & 0xff, block.data.length >> 8, block.uncompressedSize & 0xff, block.uncompressedSize >> 8]);
    view.setUint32(offset, cabChecksum(sizes, cabChecksum(block.data, 0)), true);
    out.set(sizes, offset + 4);
    out.set(block.data, offset + 8);
    offset += 8 + block.data.length;
  }
  return out;
}
