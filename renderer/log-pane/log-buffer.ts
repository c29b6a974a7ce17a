import type { TraceSeverity } from '../../shared/trace-log';

export interface BufferedLine {
  site: string;
  text: string;
  severity: TraceSeverity;
}

/**
 * A fixed-size ring of log lines kept outside React state: appending a batch costs the batch, not the
 * buffer, so a million lines stream in without long main-thread tasks.
 */
export class LogBuffer {
  private readonly lines: Array<BufferedLine | undefined>;
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.lines = new Array<BufferedLine | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(batch: readonly BufferedLine[]): void {
    for (const line of batch) {
      const index = (this.start + this.size) % this.capacity;
      this.lines[index] = line;
      if (this.size < this.capacity) this.size++;
      else this.start = (this.start + 1) % this.capacity;
    }
  }

  at(position: number): BufferedLine | undefined {
    if (position < 0 || position >= this.size) return undefined;
    return this.lines[(this.start + position) % this.capacity];
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
  }

  /** Positions of the lines that match, in order. */
  positionsWhere(test: (line: BufferedLine) => boolean): number[] {
    const positions: number[] = [];
    for (let position = 0; position < this.size; position++) if (test(this.at(position)!)) positions.push(position);
    return positions;
  }
}
