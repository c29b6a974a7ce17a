import { CabinetError } from './cab-error';

/** Longest code LZX allows; every table is indexed by the next 16 bits of input. */
export const MAX_CODE_BITS = 16;
const INVALID = 0;

/**
 * A canonical Huffman code as a direct lookup table: entry = (symbol << 5) | codeLength, 0 where no code fits
 * (an incomplete tree). Built from code lengths as LZX transmits them.
 */
export class HuffmanTable {
  readonly empty: boolean;

  private constructor(
    private readonly table: Int32Array,
    empty: boolean,
    readonly name: string,
  ) {
    this.empty = empty;
  }

  static build(lengths: ArrayLike<number>, count: number, name: string): HuffmanTable {
    const table = new Int32Array(1 << MAX_CODE_BITS);
    const perLength = new Int32Array(MAX_CODE_BITS + 1);
    let used = 0;
    for (let symbol = 0; symbol < count; symbol++) {
      const length = lengths[symbol] ?? 0;
      if (length > MAX_CODE_BITS) throw new CabinetError(`LZX ${name} tree has a code longer than 16 bits`);
      if (length > 0) {
        perLength[length]!++;
        used++;
      }
    }
    if (used === 0) return new HuffmanTable(table, true, name);
    let code = 0;
    const nextCode = new Int32Array(MAX_CODE_BITS + 2);
    for (let length = 1; length <= MAX_CODE_BITS; length++) {
      code = (code + perLength[length - 1]!) << 1;
      nextCode[length] = code;
    }
    // nextCode as computed above starts at 0 for length 1 when perLength[0] is 0 (it always is).
    for (let symbol = 0; symbol < count; symbol++) {
      const length = lengths[symbol] ?? 0;
      if (length === 0) continue;
      const assigned = nextCode[length]!++;
      const shift = MAX_CODE_BITS - length;
      const start = assigned << shift;
      const end = (assigned + 1) << shift;
      if (end > table.length) throw new CabinetError(`LZX ${name} tree is over-subscribed`);
      table.fill((symbol << 5) | length, start, end);
    }
    return new HuffmanTable(table, false, name);
  }

  /** Looks up the symbol whose code starts the given 16 bits; returns (symbol << 5) | length. */
  lookup(next16Bits: number): number {
    const entry = this.table[next16Bits]!;
    if (entry === INVALID) {
      throw new CabinetError(this.empty ? `LZX ${this.name} tree is empty but a symbol was needed` : `LZX ${this.name} tree has no code for the input`);
    }
    return entry;
  }
}
