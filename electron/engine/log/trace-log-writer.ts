import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LogLine } from '../../../shared/contract';
import { formatTraceLine, formatTraceTime, severityOf } from '../../../shared/trace-log';

export interface TraceLogWriterOptions {
  file: string;
  component: string;
  /** Bytes after which the log is moved to `<name>.lo_` and started again (ConfigMgr's default is 250,000). */
  maxBytes?: number;
  /**
   * Rolled-over files kept (ConfigMgr's LogMaxHistory, 1 by default: only `<name>.lo_`). Older ones are
   * `<name>-<n>.lo_`, n growing. While a sync holds the log (`hold`), none it wrote is dropped, whatever this says.
   */
  maxHistory?: number;
  now?: () => Date;
  timezoneOffsetMinutes?: () => number;
  /** Receives written lines in batches (at most every `flushMs`). */
  onLines?: (lines: LogLine[]) => void;
  flushMs?: number;
}

/**
 * Appends ConfigMgr site-server trace lines to a log file, with rollover, and streams them to the console. Lines are
 * written to the file in batches (every `flushMs`, or sooner when 64 KiB are waiting): a full sync writes a line per
 * update, and one append per line would cost more than the sync's own work.
 */
export class TraceLogWriter {
  private size: number;
  /** The number the next older generation gets, and the first one each hold keeps. */
  private nextGeneration: number;
  private readonly holds = new Set<number>();
  private pending: LogLine[] = [];
  private unwritten: string[] = [];
  private unwrittenBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: TraceLogWriterOptions) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.size = existsSync(options.file) ? statSync(options.file).size : 0;
    this.nextGeneration = Math.max(0, ...olderGenerations(options.file).map((generation) => generation.number)) + 1;
  }

  /**
   * Keeps every file rolled over from now until the release: a sync's retries, stalls and failures stay on disk
   * however many updates it logs. (With one `.lo_`, a large sync's warnings rolled out before it ended.)
   */
  hold(): () => void {
    const first = this.nextGeneration;
    this.holds.add(first);
    return () => {
      this.holds.delete(first);
    };
  }

  /** The log file written to. */
  get file(): string {
    return this.options.file;
  }

  write(text: string, thread = 4_404): LogLine {
    const date = (this.options.now ?? (() => new Date()))();
    const time = formatTraceTime(date, this.options.timezoneOffsetMinutes?.() ?? date.getTimezoneOffset());
    const formatted = formatTraceLine({ text, component: this.options.component, time, thread });
    const bytes = Buffer.byteLength(formatted) + 2;
    if (this.size + bytes > (this.options.maxBytes ?? 250_000) && this.size > 0) {
      this.writeOut();
      this.rollOver();
    }
    this.unwritten.push(`${formatted}\r\n`);
    this.unwrittenBytes += bytes;
    this.size += bytes;
    if (this.unwrittenBytes >= 64 * 1024) this.writeOut();
    const line: LogLine = { text: formatted, component: this.options.component, time, thread, severity: severityOf(text) };
    this.pending.push(line);
    this.timer ??= setTimeout(() => this.flush(), this.options.flushMs ?? 100);
    return line;
  }

  /** A line outside a synchronization's stream (a retry, a schedule change): on disk and in the console at once. */
  writeNow(text: string): LogLine {
    const line = this.write(text);
    this.flush();
    return line;
  }

  /** Writes waiting lines to the file and hands them to the console. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.writeOut();
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.options.onLines?.(lines);
  }

  private writeOut(): void {
    if (this.unwritten.length === 0) return;
    const text = this.unwritten.join('');
    this.unwritten = [];
    this.unwrittenBytes = 0;
    try {
      appendFileSync(this.options.file, text);
    } catch {
      // A log that cannot be written (a full disk) must not stop the sync; the lines still reach the console.
    }
  }

  private rollOver(): void {
    const previous = this.options.file.replace(/\.log$/, '.lo_');
    if (existsSync(previous)) renameSync(previous, generationFile(this.options.file, this.nextGeneration++));
    renameSync(this.options.file, previous);
    this.size = 0;
    this.dropOldGenerations();
  }

  /** Drops the generations past maxHistory (`.lo_` is one), but none a hold keeps. */
  private dropOldGenerations(): void {
    const keepNewest = Math.max(0, (this.options.maxHistory ?? 1) - 1);
    const keptFrom = this.holds.size === 0 ? Infinity : Math.min(...this.holds);
    const generations = olderGenerations(this.options.file).sort((a, b) => b.number - a.number);
    for (const [index, generation] of generations.entries()) {
      if (index < keepNewest || generation.number >= keptFrom) continue;
      rmSync(generation.path, { force: true });
    }
  }
}

function generationFile(file: string, number: number): string {
  return file.replace(/\.log$/, `-${number}.lo_`);
}

/** The `<name>-<n>.lo_` files beside a log, oldest rolled-over ones. */
export function olderGenerations(file: string): Array<{ path: string; number: number }> {
  const folder = dirname(file);
  const stem = basename(file).replace(/\.log$/, '');
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)\\.lo_$`);
  return names.flatMap((name) => {
    const match = pattern.exec(name);
    return match === null ? [] : [{ path: join(folder, name), number: Number(match[1]) }];
  });
}
