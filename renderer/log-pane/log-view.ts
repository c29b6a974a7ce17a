/**
 * What the log pane lists: every line of a buffer, or only the lines matching a filter. Both are addressed by row
 * index for rendering and by sequence number (see LogBuffer) for selections that must survive lines arriving and
 * the ring dropping its oldest ones.
 */
import type { LogBuffer } from './log-buffer';

export interface LogView {
  readonly length: number;
  seqAt(index: number): number;
  /** The index of the first listed line whose sequence number is >= seq (length when there is none). */
  indexOfSeq(seq: number): number;
  /**
   * Keeps up with the lines pushed from now on, each batch as it arrives (costing the batch, not the buffer), until
   * the returned function is called. Outside rendering: the pane calls it from an effect.
   */
  follow(): () => void;
}

export class AllLines implements LogView {
  constructor(private readonly buffer: LogBuffer) {}

  get length(): number {
    return this.buffer.length;
  }

  seqAt(index: number): number {
    return this.buffer.firstSeq + index;
  }

  indexOfSeq(seq: number): number {
    return Math.max(0, Math.min(this.buffer.length, seq - this.buffer.firstSeq));
  }

  follow(): () => void {
    return () => undefined;
  }
}

export class MatchingLines implements LogView {
  private seqs: number[] = [];
  private head = 0;
  private scanned: number;

  constructor(
    private readonly buffer: LogBuffer,
    private readonly matches: (text: string) => boolean,
  ) {
    this.scanned = buffer.firstSeq;
    this.catchUp();
  }

  get length(): number {
    return this.seqs.length - this.head;
  }

  seqAt(index: number): number {
    return this.seqs[this.head + index]!;
  }

  indexOfSeq(seq: number): number {
    let low = this.head;
    let high = this.seqs.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.seqs[middle]! < seq) low = middle + 1;
      else high = middle;
    }
    return low - this.head;
  }

  follow(): () => void {
    this.catchUp();
    return this.buffer.onPush(() => this.catchUp());
  }

  /** Scans the lines that arrived since the last scan. */
  catchUp(): void {
    const first = this.buffer.firstSeq;
    for (let seq = Math.max(this.scanned, first); seq < this.buffer.endSeq; seq++) {
      if (this.matches(this.buffer.textAt(seq - first) ?? '')) this.seqs.push(seq);
    }
    this.scanned = this.buffer.endSeq;
    while (this.head < this.seqs.length && this.seqs[this.head]! < first) this.head++;
    // Dropped matches are skipped by moving the head; the array is compacted now and then, not on every batch.
    if (this.head > 65_536 && this.head * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
  }
}

export function logViewOf(buffer: LogBuffer, filter: string): LogView {
  const needle = filter.trim().toLowerCase();
  return needle === '' ? new AllLines(buffer) : new MatchingLines(buffer, (text) => text.toLowerCase().includes(needle));
}

/** A range of lines picked in the log pane, by sequence number: anchor is where it started, focus where it is now. */
export interface LineSelection {
  anchor: number;
  focus: number;
}

export function isSelected(selection: LineSelection | undefined, seq: number): boolean {
  return selection !== undefined && seq >= Math.min(selection.anchor, selection.focus) && seq <= Math.max(selection.anchor, selection.focus);
}

/** The text of the selected lines still in the view, one per line, in order. */
export function selectedText(view: LogView, buffer: LogBuffer, selection: LineSelection, limit: number): { text: string; lines: number; truncated: boolean } {
  const from = view.indexOfSeq(Math.min(selection.anchor, selection.focus));
  const to = view.indexOfSeq(Math.max(selection.anchor, selection.focus) + 1);
  const texts: string[] = [];
  for (let index = from; index < to && texts.length < limit; index++) texts.push(buffer.textAt(view.seqAt(index) - buffer.firstSeq) ?? '');
  return { text: texts.join('\n'), lines: texts.length, truncated: to - from > limit };
}
