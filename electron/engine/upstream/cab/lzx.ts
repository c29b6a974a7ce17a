/**
 * LZX decompression as used in Microsoft cabinets (typeCompress 3; Microsoft Update's XmlUpdateBlobCompressed),
 * written from the published format: 16-bit little-endian words read most-significant bit first; verbatim,
 * aligned-offset and uncompressed blocks; code lengths sent as deltas through a 20-symbol pre-tree; three
 * repeated-offset registers; 32 KiB frames realigned to 16 bits; optional E8 call translation on output.
 * No code was copied from any implementation.
 */
import { CabinetError } from './cab-error';
import { HuffmanTable, MAX_CODE_BITS } from './huffman';

const FRAME_SIZE = 32768;
const NUM_CHARS = 256;
const MIN_MATCH = 2;
const NUM_PRIMARY_LENGTHS = 7;
const LENGTH_TREE_SIZE = 249;
const PRETREE_SIZE = 20;
const ALIGNED_TREE_SIZE = 8;
const LENGTH_RUN_SLACK = 64;
const BLOCK_VERBATIM = 1;
const BLOCK_ALIGNED = 2;
const BLOCK_UNCOMPRESSED = 3;

const POSITION_SLOTS: Record<number, number> = { 15: 30, 16: 32, 17: 34, 18: 36, 19: 38, 20: 42, 21: 50 };

// Extra bits and base offset of each position slot.
const EXTRA_BITS = new Uint8Array(51);
const POSITION_BASE = new Uint32Array(51);
for (let slot = 0, bits = 0; slot < 51; slot += 2) {
  EXTRA_BITS[slot] = bits;
  if (slot + 1 < 51) EXTRA_BITS[slot + 1] = bits;
  if (slot !== 0 && bits < 17) bits++;
}
for (let slot = 1; slot < 51; slot++) POSITION_BASE[slot] = POSITION_BASE[slot - 1]! + 2 ** EXTRA_BITS[slot - 1]!;

/** Reads the LZX bit stream: 16-bit little-endian words, bits taken from the most significant end. */
class BitReader {
  private buffer = 0;
  private bitsLeft = 0;
  position = 0;
  private overrun = 0;

  constructor(private readonly input: Uint8Array) {}

  private ensure(count: number): void {
    while (this.bitsLeft < count) {
      let word = 0;
      if (this.position + 1 < this.input.length) {
        word = this.input[this.position]! | (this.input[this.position + 1]! << 8);
      } else {
        // Past the end: supply zeros a little way, as the final word may be shorter than the decoder looks ahead.
        if (++this.overrun > 4) throw new CabinetError('LZX data ends too early (truncated compressed block)');
      }
      this.position += 2;
      this.buffer = (this.buffer | (word << (16 - this.bitsLeft))) >>> 0;
      this.bitsLeft += 16;
    }
  }

  peek(count: number): number {
    this.ensure(count);
    return this.buffer >>> (32 - count);
  }

  skip(count: number): void {
    this.buffer = (this.buffer << count) >>> 0;
    this.bitsLeft -= count;
  }

  read(count: number): number {
    if (count === 0) return 0;
    if (count > 16) return (this.read(count - 16) << 16) | this.read(16);
    const value = this.peek(count);
    this.skip(count);
    return value;
  }

  symbol(table: HuffmanTable): number {
    const entry = table.lookup(this.peek(MAX_CODE_BITS));
    this.skip(entry & 31);
    return entry >>> 5;
  }

  /** Drops bits up to the next 16-bit word boundary (end of a frame). */
  alignToWord(): void {
    if (this.bitsLeft > 0) this.ensure(16);
    const partial = this.bitsLeft & 15;
    if (partial > 0) this.skip(partial);
  }

  /** Switches to byte reading at the start of an uncompressed block: the rest of the current word is padding. */
  enterByteMode(): void {
    this.ensure(16);
    if (this.bitsLeft > 16) this.position -= 2;
    this.bitsLeft = 0;
    this.buffer = 0;
  }

  readUint32LE(): number {
    this.requireBytes(4);
    const p = this.position;
    this.position += 4;
    return (this.input[p]! | (this.input[p + 1]! << 8) | (this.input[p + 2]! << 16) | (this.input[p + 3]! << 24)) >>> 0;
  }

  copyBytes(target: Uint8Array, at: number, count: number): void {
    this.requireBytes(count);
    target.set(this.input.subarray(this.position, this.position + count), at);
    this.position += count;
  }

  skipByte(): void {
    this.position += 1;
  }

  private requireBytes(count: number): void {
    if (this.position + count > this.input.length) throw new CabinetError('LZX uncompressed block is truncated');
  }
}

/**
 * Decompresses one LZX stream (one cabinet folder) of known uncompressed size.
 * `windowBits` comes from the folder's typeCompress (15 to 21).
 */
export function lzxDecompress(input: Uint8Array, windowBits: number, outputSize: number): Uint8Array {
  const positionSlots = POSITION_SLOTS[windowBits];
  if (positionSlots === undefined) throw new CabinetError(`LZX window of 2^${windowBits} bytes is not valid (15 to 21 allowed)`);
  const windowSize = 2 ** windowBits;
  const mainTreeSize = NUM_CHARS + positionSlots * 8;
  // The decoded data doubles as the sliding window; matches may overshoot a frame end, hence the slack.
  const window = new Uint8Array(outputSize + 257 + MAX_CODE_BITS);
  const bits = new BitReader(input);

  // Code-length runs may spill past the end of the range being read (into the next range's lengths); the slack
  // keeps that within bounds exactly as the format's reference behaviour does.
  const mainLengths = new Uint8Array(mainTreeSize + LENGTH_RUN_SLACK);
  const lengthLengths = new Uint8Array(LENGTH_TREE_SIZE + LENGTH_RUN_SLACK);
  const alignedLengths = new Uint8Array(ALIGNED_TREE_SIZE);
  let mainTree: HuffmanTable | undefined;
  let lengthTree: HuffmanTable | undefined;
  let alignedTree: HuffmanTable | undefined;
  let r0 = 1;
  let r1 = 1;
  let r2 = 1;
  let blockType = 0;
  let blockRemaining = 0;
  let blockLength = 0;
  let translationSize = 0;
  let translationUsed = false;
  let written = 0;

  // Stream header: is E8 call translation on, and for what file size?
  if (bits.read(1) === 1) translationSize = ((bits.read(16) << 16) | bits.read(16)) >>> 0;

  const readLengths = (lengths: Uint8Array, first: number, last: number): void => {
    const pretreeLengths = new Uint8Array(PRETREE_SIZE);
    for (let i = 0; i < PRETREE_SIZE; i++) pretreeLengths[i] = bits.read(4);
    const pretree = HuffmanTable.build(pretreeLengths, PRETREE_SIZE, 'pre-tree');
    for (let x = first; x < last;) {
      const code = bits.symbol(pretree);
      if (code === 17 || code === 18) {
        const run = code === 17 ? bits.read(4) + 4 : bits.read(5) + 20;
        if (x + run > lengths.length) throw new CabinetError('LZX code-length run goes past the end of its tree');
        lengths.fill(0, x, x + run);
        x += run;
      } else if (code === 19) {
        const run = bits.read(1) + 4;
        const delta = bits.symbol(pretree);
        if (delta > 16) throw new CabinetError('LZX pre-tree repeat carries an invalid length');
        if (x + run > lengths.length) throw new CabinetError('LZX code-length run goes past the end of its tree');
        const value = (lengths[x]! - delta + 17) % 17;
        lengths.fill(value, x, x + run);
        x += run;
      } else {
        lengths[x] = (lengths[x]! - code + 17) % 17;
        x++;
      }
    }
  };

  const readBlockHeader = (): void => {
    if (blockType === BLOCK_UNCOMPRESSED && (blockLength & 1) === 1) bits.skipByte();
    blockType = bits.read(3);
    blockLength = bits.read(24);
    blockRemaining = blockLength;
    if (blockType === BLOCK_ALIGNED) {
      for (let i = 0; i < ALIGNED_TREE_SIZE; i++) alignedLengths[i] = bits.read(3);
      alignedTree = HuffmanTable.build(alignedLengths, ALIGNED_TREE_SIZE, 'aligned offset');
    }
    switch (blockType) {
      case BLOCK_ALIGNED: // the rest of an aligned block's header is a verbatim block's
      case BLOCK_VERBATIM:
        readLengths(mainLengths, 0, NUM_CHARS);
        readLengths(mainLengths, NUM_CHARS, mainTreeSize);
        mainTree = HuffmanTable.build(mainLengths, mainTreeSize, 'main');
        if (mainLengths[0xe8] !== 0) translationUsed = true;
        readLengths(lengthLengths, 0, LENGTH_TREE_SIZE);
        lengthTree = HuffmanTable.build(lengthLengths, LENGTH_TREE_SIZE, 'length');
        break;
      case BLOCK_UNCOMPRESSED:
        translationUsed = true;
        bits.enterByteMode();
        r0 = bits.readUint32LE();
        r1 = bits.readUint32LE();
        r2 = bits.readUint32LE();
        break;
      default:
        throw new CabinetError(`LZX block type ${blockType} is not valid`);
    }
  };

  /** Decodes up to `limit` bytes of the current block at `written`; returns how many were produced. */
  const decodeRun = (limit: number): number => {
    const start = written;
    if (blockType === BLOCK_UNCOMPRESSED) {
      bits.copyBytes(window, written, limit);
      written += limit;
      return limit;
    }
    const main = mainTree!;
    const aligned = blockType === BLOCK_ALIGNED;
    while (written - start < limit) {
      const element = bits.symbol(main);
      if (element < NUM_CHARS) {
        window[written++] = element;
        continue;
      }
      const matchHeader = element - NUM_CHARS;
      let matchLength = matchHeader & NUM_PRIMARY_LENGTHS;
      if (matchLength === NUM_PRIMARY_LENGTHS) matchLength += bits.symbol(lengthTree!);
      matchLength += MIN_MATCH;
      let offset = matchHeader >>> 3;
      if (offset > 2) {
        const extra = EXTRA_BITS[offset]!;
        let distance = POSITION_BASE[offset]! - 2;
        if (aligned && extra >= 3) {
          if (extra > 3) distance += bits.read(extra - 3) << 3;
          distance += bits.symbol(alignedTree!);
        } else if (extra > 0) {
          distance += bits.read(extra);
        } else {
          distance = 1;
        }
        r2 = r1;
        r1 = r0;
        r0 = distance;
        offset = distance;
      } else if (offset === 0) {
        offset = r0;
      } else if (offset === 1) {
        offset = r1;
        r1 = r0;
        r0 = offset;
      } else {
        offset = r2;
        r2 = r0;
        r0 = offset;
      }
      if (offset > written) throw new CabinetError('LZX match refers to data before the start of the stream');
      if (offset > windowSize) throw new CabinetError('LZX match reaches further back than the window');
      if (written + matchLength > window.length) throw new CabinetError('LZX match runs past the end of the data');
      for (let from = written - offset, end = written + matchLength; written < end;) window[written++] = window[from++]!;
    }
    return written - start;
  };

  for (let frameStart = 0; frameStart < outputSize; frameStart += FRAME_SIZE) {
    const frameEnd = Math.min(outputSize, frameStart + FRAME_SIZE);
    while (written < frameEnd) {
      if (blockRemaining === 0) readBlockHeader();
      const produced = decodeRun(Math.min(blockRemaining, frameEnd - written));
      // A match may end past the frame (or block) boundary: what it wrote beyond counts against the block.
      if (produced > blockRemaining) throw new CabinetError('LZX match runs past the end of its block');
      blockRemaining -= produced;
    }
    if (written > frameEnd && frameEnd === outputSize) throw new CabinetError('LZX data decodes to more bytes than the cabinet declares');
    bits.alignToWord();
  }

  const output = window.slice(0, outputSize);
  if (translationUsed && translationSize !== 0) undoCallTranslation(output, translationSize);
  return output;
}

/** Reverses the E8 (x86 CALL) translation on decoded output, frame by frame (first 32768 frames only). */
function undoCallTranslation(data: Uint8Array, fileSize: number): void {
  const frames = Math.min(Math.ceil(data.length / FRAME_SIZE), 32768);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let frame = 0; frame < frames; frame++) {
    const start = frame * FRAME_SIZE;
    const length = Math.min(FRAME_SIZE, data.length - start);
    if (length <= 10) continue;
    const last = start + length - 10;
    for (let i = start; i < last;) {
      if (data[i] !== 0xe8) {
        i++;
        continue;
      }
      const absolute = view.getInt32(i + 1, true);
      const position = i;
      if (absolute >= -position && absolute < fileSize) {
        const relative = absolute >= 0 ? absolute - position : absolute + fileSize;
        view.setInt32(i + 1, relative, true);
      }
      i += 5;
    }
  }
}
