/**
 * Answers a search's full-text query by reading the index's doclists itself, as sets of update keys.
 *
 * Why: FTS4 counts a query's matches one row at a time through the virtual table, about 75 ns a row and word; a
 * search whose words are in most titles, with the listing's facets, took 43 ms at 200,000 updates only to be counted.
 * The same doclists read here as bytes, one bit per update, count in a few milliseconds.
 *
 * The format read is FTS4's, as SQLite documents it (fts3_write.c, "Segment B-Tree"): segments in `%_segdir`, nodes
 * in `%_segments`; a leaf holds prefix-compressed terms, each with its doclist (docid deltas, each followed by a
 * position list that ends in a 0 byte); an interior node holds, for each child after the first, enough of its first
 * term to tell it from the child before. A newer segment's entry for a term and docid replaces an older one's; an
 * empty position list there is a deletion.
 *
 * It reads only what it knows: a segment in the middle of an incremental merge, an index of a prefix or a language,
 * a malformed node, or a call inside a transaction (whose pending terms are not in any segment yet) answer
 * `undefined`, and the caller asks SQLite. A fuzz test holds its answers to FTS4's.
 */
import type { Database } from 'sql.js';

/** A term of the query: the index's word, or every word it starts when `prefix`. */
export interface DoclistTerm {
  text: string;
  prefix: boolean;
}

/** Every term of `all` in a document and none of `none`: FTS4's implicit AND, and NOT. */
export interface DoclistQuery {
  all: readonly DoclistTerm[];
  none: readonly DoclistTerm[];
}

/** The documents a query matches: one bit per docid. */
export class DocSet {
  constructor(readonly bits: Uint32Array) {}

  count(): number {
    let total = 0;
    for (const word of this.bits) total += popCount(word);
    return total;
  }

  /** The docids in this set and not in the other. */
  without(other: DocSet): DocSet {
    const bits = this.bits.slice();
    for (let index = 0; index < bits.length; index++) bits[index]! &= ~(other.bits[index] ?? 0);
    return new DocSet(bits);
  }

  /** The docids in ascending order, at most `limit` of them. */
  docids(limit = Number.MAX_SAFE_INTEGER): number[] {
    const ids: number[] = [];
    const { bits } = this;
    for (let index = 0; index < bits.length && ids.length < limit; index++) {
      let word = bits[index]!;
      while (word !== 0 && ids.length < limit) {
        const low = word & -word;
        ids.push(index * 32 + (31 - Math.clz32(low)));
        word ^= low;
      }
    }
    return ids;
  }
}

function popCount(value: number): number {
  let word = value - ((value >>> 1) & 0x55555555);
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
  return (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

interface Segment {
  /** The last leaf's block (0: the whole segment is its root). */
  leavesEndBlock: number;
  root: Uint8Array;
}

class FormatError extends Error {}

const encoder = new TextEncoder();

/**
 * The documents of `table` (an FTS4 table of this database) matching `query`, or undefined when this reader cannot
 * answer (see above). Docids must be under `docidLimit` (the caller knows the largest key). `terms` keeps each term's
 * documents for the next query while the database does not change (the caller knows when it does): a search's count
 * with the listing's facets asks again for the words its first query read.
 */
export function matchDoclists(
  db: Database,
  table: string,
  query: DoclistQuery,
  docidLimit: number,
  terms = new Map<string, Uint32Array>(),
): DocSet | undefined {
  if (query.all.length === 0) return undefined;
  try {
    // Its own read transaction: one snapshot of every segment, and a refusal when a transaction is open already.
    db.run('BEGIN');
  } catch {
    return undefined;
  }
  let reader: SegmentReader | undefined;
  try {
    const segments = readSegments(db, table);
    if (segments === undefined) return undefined;
    const words = Math.ceil(docidLimit / 32) + 1;
    const termDocs = (term: DoclistTerm): Uint32Array => {
      const key = `${term.prefix ? '*' : '='}${term.text}`;
      let bits = terms.get(key);
      if (bits === undefined || bits.length !== words) {
        reader ??= new SegmentReader(db, table, words, docidLimit);
        bits = reader.termDocs(segments, term);
        terms.set(key, bits);
      }
      return bits;
    };
    const result = termDocs(query.all[0]!).slice();
    for (const term of query.all.slice(1)) {
      const bits = termDocs(term);
      for (let index = 0; index < words; index++) result[index]! &= bits[index]!;
    }
    for (const term of query.none) {
      const bits = termDocs(term);
      for (let index = 0; index < words; index++) result[index]! &= ~bits[index]!;
    }
    return new DocSet(result);
  } catch (error) {
    if (error instanceof FormatError) return undefined;
    throw error;
  } finally {
    reader?.free();
    db.run('COMMIT');
  }
}

/** The segments, oldest first; undefined when one is of a kind this reader does not read. */
function readSegments(db: Database, table: string): Segment[] | undefined {
  const statement = db.prepare(`SELECT level, leaves_end_block, end_block, root FROM "${table}_segdir" ORDER BY level DESC, idx ASC`);
  try {
    const segments: Segment[] = [];
    while (statement.step()) {
      const [level, leavesEndBlock, endBlock, root] = statement.get();
      // A level of 1024 or more is an index of prefixes or of another language. The end block is a number, or text:
      // the number and the size of the leaves, negative while an incremental merge is still writing the segment.
      if (typeof level !== 'number' || level >= 1024 || !(root instanceof Uint8Array)) return undefined;
      if (typeof endBlock !== 'number' && !(typeof endBlock === 'string' && /^\d+( \d+)?$/.test(endBlock))) return undefined;
      segments.push({ leavesEndBlock: Number(leavesEndBlock), root });
    }
    return segments;
  } finally {
    statement.free();
  }
}

/** A cursor over the bytes of one node; `term` is the current term, rebuilt in place (no copy per term). */
class NodeCursor {
  offset = 0;
  term = new Uint8Array(64);
  termLength = 0;
  constructor(readonly bytes: Uint8Array) {}

  get atEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  varint(): number {
    const { bytes } = this;
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= bytes.length) throw new FormatError('a varint runs past the end of its node');
      const byte = bytes[this.offset++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 56) throw new FormatError('a varint is longer than nine bytes');
    }
  }

  /** Reads the next term: the first of a node whole, the others as the previous one's first bytes and a suffix. */
  nextTerm(first: boolean): void {
    const shared = first ? 0 : this.varint();
    const length = this.varint();
    if (shared > this.termLength || this.offset + length > this.bytes.length) throw new FormatError('a term runs past its node');
    if (shared + length > this.term.length) {
      const grown = new Uint8Array(Math.max(shared + length, this.term.length * 2));
      grown.set(this.term.subarray(0, shared));
      this.term = grown;
    }
    this.term.set(this.bytes.subarray(this.offset, this.offset + length), shared);
    this.termLength = shared + length;
    this.offset += length;
  }

  /** How the current term sorts against `wanted`, byte by byte (a prefix first), as FTS4 orders its terms. */
  compareTerm(wanted: Uint8Array): number {
    const { term, termLength } = this;
    const length = Math.min(termLength, wanted.length);
    for (let index = 0; index < length; index++) {
      if (term[index] !== wanted[index]) return term[index]! < wanted[index]! ? -1 : 1;
    }
    return termLength === wanted.length ? 0 : termLength < wanted.length ? -1 : 1;
  }
}

class SegmentReader {
  private readonly block: ReturnType<Database['prepare']>;
  /**
   * Per docid, the number of the segment whose entries decide it for the term being read. A segment that deletes or
   * rewrites a document writes an entry for every word the document held and every word it holds now, so the newest
   * segment with any entry for a document among the term's words holds that document's whole answer for the term.
   */
  private readonly stamps: Uint32Array;
  private generation = 0;

  constructor(
    db: Database,
    table: string,
    private readonly words: number,
    docidLimit: number,
  ) {
    this.block = db.prepare(`SELECT block FROM "${table}_segments" WHERE blockid = ?`);
    this.stamps = new Uint32Array(docidLimit);
  }

  /** The documents holding the term (or a word it starts). */
  termDocs(segments: readonly Segment[], term: DoclistTerm): Uint32Array {
    const wanted = encoder.encode(term.text);
    const bits = new Uint32Array(this.words);
    const termStart = this.generation;
    for (let index = segments.length - 1; index >= 0; index--) {
      const segment = ++this.generation;
      this.forEachDoclist(segments[index]!, wanted, term.prefix, (list) => addDoclist(bits, list, this.stamps, termStart, segment));
    }
    return bits;
  }

  /** Calls `found` with the doclist of each index word of the segment equal to `wanted` (or starting with it). */
  private forEachDoclist(segment: Segment, wanted: Uint8Array, prefix: boolean, found: (doclist: Uint8Array) => void): void {
    let node = segment.root;
    let blockid = 0;
    // Down the interior nodes to the first leaf that can hold the word: each term of a node begins its next child.
    for (let depth = 0; ; depth++) {
      if (depth > 64) throw new FormatError('the segment tree is deeper than any FTS4 writes');
      const cursor = new NodeCursor(node);
      const height = cursor.varint();
      if (height === 0) break;
      let child = cursor.varint();
      for (let first = true; !cursor.atEnd; first = false) {
        cursor.nextTerm(first);
        if (cursor.compareTerm(wanted) > 0) break;
        child++;
      }
      blockid = child;
      node = this.readBlock(blockid);
    }
    // Along the leaves while their words can still start with the wanted one.
    for (;;) {
      const cursor = new NodeCursor(node);
      if (cursor.varint() !== 0) throw new FormatError('a leaf is not at height 0');
      for (let first = true; !cursor.atEnd; first = false) {
        cursor.nextTerm(first);
        const length = cursor.varint();
        if (cursor.offset + length > node.length) throw new FormatError('a doclist runs past its leaf');
        const order = cursor.compareTerm(wanted);
        if (order === 0 || (prefix && order > 0 && startsWith(cursor, wanted))) found(node.subarray(cursor.offset, cursor.offset + length));
        else if (order > 0) return;
        cursor.offset += length;
      }
      // A segment held whole in its root has no leaf after it; otherwise the leaves are numbered in order.
      if (blockid === 0 || blockid >= segment.leavesEndBlock) return;
      node = this.readBlock(++blockid);
    }
  }

  private readBlock(blockid: number): Uint8Array {
    this.block.bind([blockid]);
    try {
      if (!this.block.step()) throw new FormatError(`node ${blockid} is missing`);
      const [bytes] = this.block.get();
      if (!(bytes instanceof Uint8Array)) throw new FormatError(`node ${blockid} is not a blob`);
      return bytes;
    } finally {
      this.block.reset();
    }
  }

  free(): void {
    this.block.free();
  }
}

function startsWith(cursor: NodeCursor, prefix: Uint8Array): boolean {
  if (cursor.termLength < prefix.length) return false;
  for (let index = 0; index < prefix.length; index++) if (cursor.term[index] !== prefix[index]) return false;
  return true;
}

/**
 * Sets the bit of each docid of a doclist whose position list is not empty (an empty one is a deletion), unless a
 * newer segment decided the docid for this term already: stamped after `termStart` by another segment than this.
 */
function addDoclist(bits: Uint32Array, list: Uint8Array, stamps: Uint32Array, termStart: number, segment: number): void {
  // One stamp per docid under the caller's limit: the bit sets are rounded up to whole words, the stamps are not.
  const limit = stamps.length;
  const length = list.length;
  let offset = 0;
  let docid = 0;
  while (offset < length) {
    let byte = list[offset++]!;
    let delta = byte & 0x7f;
    for (let scale = 128; byte >= 0x80; scale *= 128) {
      if (offset >= length) throw new FormatError('a docid runs past its doclist');
      byte = list[offset++]!;
      delta += (byte & 0x7f) * scale;
    }
    docid += delta;
    if (docid >= limit) throw new FormatError('a docid is beyond the expected range');
    const stamp = stamps[docid]!;
    if (stamp <= termStart || stamp === segment) {
      stamps[docid] = segment;
      // A position list ends at its first 0 byte: positions are written plus 2 and columns after a 1, so no varint
      // of one ends in 0.
      if (list[offset] !== 0) bits[docid >>> 5]! |= 1 << (docid & 31);
    }
    while (offset < length && list[offset] !== 0) offset++;
    if (offset >= length) throw new FormatError('a position list has no end');
    offset++;
  }
}
