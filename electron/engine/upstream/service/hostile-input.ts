/**
 * Hostile metadata a compromised or broken upstream could send, for the fault injection of the built-in service:
 * a decompression bomb and XML nested deeper than any real update. The engine must refuse both for that update only.
 */
import { deflateRawSync } from 'node:zlib';
import { cabChecksum } from '../cab/checksum';

const BLOCK = 32_768;
let bombCache: { size: number; bytes: Buffer } | undefined;

/** A one-member MSZIP cabinet that honestly declares `size` bytes of zeros: about 0.9 MB that expands to `size`. */
export function hostileCabinet(size: number): Buffer {
  if (bombCache?.size === size) return bombCache.bytes;
  const deflated = deflateRawSync(Buffer.alloc(BLOCK));
  const block = Buffer.concat([Buffer.from('CK'), deflated]);
  const blocks = Math.ceil(size / BLOCK);
  const name = Buffer.from('blob.xml\0');
  const dataOffset = 36 + 8 + 16 + name.length;
  const total = dataOffset + blocks * (8 + block.length);
  const out = Buffer.alloc(total);
  out.writeUInt32LE(0x4643534d, 0);
  out.writeUInt32LE(total, 8);
  out.writeUInt32LE(36 + 8, 16);
  out[24] = 3;
  out[25] = 1;
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(1, 28);
  out.writeUInt32LE(dataOffset, 36);
  out.writeUInt16LE(blocks, 40);
  out.writeUInt16LE(1, 42); // MSZIP
  out.writeUInt32LE(size, 44);
  out.writeUInt16LE(0x20, 58);
  name.copy(out, 60);
  const sizes = Buffer.from([block.length & 0xff, block.length >> 8, BLOCK & 0xff, BLOCK >> 8]);
  const checksum = cabChecksum(sizes, cabChecksum(block, 0));
  for (let index = 0, offset = dataOffset; index < blocks; index++, offset += 8 + block.length) {
    out.writeUInt32LE(checksum, offset);
    sizes.copy(out, offset + 4);
    block.copy(out, offset + 8);
  }
  bombCache = { size, bytes: out };
  return out;
}

/** Update metadata whose root holds `depth` nested elements. */
export function hostileXml(depth: number): string {
  return `<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</upd:Update>`;
}
