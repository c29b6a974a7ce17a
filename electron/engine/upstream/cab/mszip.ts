import { inflateRawSync } from 'node:zlib';
import { CabinetError } from './cab-error';

const HISTORY = 32768;

/**
 * MSZIP (typeCompress 1): each data block is "CK" followed by a deflate stream that may refer back into the
 * previous block's 32 KiB of output, so each block is inflated with that output as its dictionary.
 */
export function mszipDecompress(blocks: Array<{ data: Uint8Array; uncompressedSize: number }>): Uint8Array {
  const total = blocks.reduce((sum, block) => sum + block.uncompressedSize, 0);
  const output = new Uint8Array(total);
  let written = 0;
  blocks.forEach((block, index) => {
    if (block.data[0] !== 0x43 || block.data[1] !== 0x4b) {
      throw new CabinetError(`MSZIP block ${index} does not start with the CK signature`);
    }
    const history = output.subarray(Math.max(0, written - HISTORY), written);
    let inflated: Buffer;
    try {
      // Never past what the block declares: a block that inflates further is refused, not expanded (a bomb).
      inflated = inflateRawSync(block.data.subarray(2), {
        maxOutputLength: Math.max(1, block.uncompressedSize),
        ...(history.length > 0 ? { dictionary: history } : {}),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new CabinetError(`MSZIP block ${index} expands past the ${block.uncompressedSize} bytes its header declares; refusing it`);
      }
      throw new CabinetError(`MSZIP block ${index} is corrupt: ${(error as Error).message}`);
    }
    if (inflated.length !== block.uncompressedSize) {
      throw new CabinetError(`MSZIP block ${index} holds ${inflated.length} bytes, the cabinet says ${block.uncompressedSize}`);
    }
    output.set(inflated, written);
    written += inflated.length;
  });
  return output;
}

/** Compresses data as MSZIP blocks of at most 32 KiB (each block independent, which every reader accepts). */
export function mszipCompress(data: Uint8Array, deflate: (chunk: Uint8Array) => Uint8Array): Array<{ data: Uint8Array; uncompressedSize: number }> {
  const blocks: Array<{ data: Uint8Array; uncompressedSize: number }> = [];
  for (let offset = 0; offset < data.length || blocks.length === 0; offset += HISTORY) {
    const chunk = data.subarray(offset, Math.min(data.length, offset + HISTORY));
    const compressed = deflate(chunk);
    const block = new Uint8Array(compressed.length + 2);
    block[0] = 0x43;
    block[1] = 0x4b;
    block.set(compressed, 2);
    blocks.push({ data: block, uncompressedSize: chunk.length });
  }
  return blocks;
}
