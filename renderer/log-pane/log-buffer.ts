import type { TraceSeverity } from '../../shared/trace-log';

export interface BufferedLine {
  site: string;
  text: string;
  severity: TraceSeverity;
}

const SEVERITIES: readonly TraceSeverity[] = ['info', 'warning', 'error'];

/**
 * A fixed-size ring of log lines kept outside React state: appending a batch costs the batch, not the buffer, so a
 * million lines stream in without long main-thread tasks. Texts and severities are kept in two flat arrays rather
 * than a million line objects, which keeps garbage-collection pauses short while lines stream in.
 */
export class LogBuffer {
  private readonly texts: Array<string | undefined>;
  private readonly severities: Uint8Array;
  private start = 0;
  private size = 0;
  private pushed = 0;

  constructor(
    readonly capacity: number,
    /** The site (or the opened file) the lines come from. */
    readonly source: string,
  ) {
    this.texts = new Array<string | undefined>(capacity);
    this.severities = new Uint8Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  /**
   * Every line gets a sequence number when it arrives (0, 1, 2, … for the life of the buffer). Unlike positions,
   * which shift when the ring drops its oldest lines, a sequence number names the same line for as long as it is kept.
   */
  get firstSeq(): number {
    return this.pushed - this.size;
  }

  get endSeq(): number {
    return this.pushed;
  }

  push(batch: ReadonlyArray<{ text: string; severity: TraceSeverity }>): void {
    for (const line of batch) {
      const index = (this.start + this.size) % this.capacity;
      this.texts[index] = line.text;
      this.severities[index] = SEVERITIES.indexOf(line.severity);
      if (this.size < this.capacity) this.size++;
      else this.start = (this.start + 1) % this.capacity;
    }
    this.pushed += batch.length;
    for (const listener of this.listeners) listener();
  }

  private readonly listeners = new Set<() => void>();

  /** Called after each batch is pushed (a filtered view catches up then, at the cost of the batch). */
  onPush(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  at(position: number): BufferedLine | undefined {
    const text = this.textAt(position);
    if (text === undefined) return undefined;
    return { site: this.source, text, severity: SEVERITIES[this.severities[(this.start + position) % this.capacity]!]! };
  }

  textAt(position: number): string | undefined {
    if (position < 0 || position >= this.size) return undefined;
    return this.texts[(this.start + position) % this.capacity];
  }

  atSeq(seq: number): BufferedLine | undefined {
    return this.at(seq - this.firstSeq);
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
  }
}
