/**
 * Writes a list to a CSV file (shared/csv.ts) page by page: each page is encoded and written, progress is told, and
 * the engine answers other calls between pages, so a 200,000-row export neither holds the rows in memory nor
 * stops the console. The file appears under its name only when complete and on disk (temp file + rename); a
 * failed or cancelled export leaves nothing behind.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { CSV_BOM, csvLine, type CsvColumns } from '../../../shared/csv';

export interface CsvSummary {
  file: string;
  rows: number;
  bytes: number;
}

export async function writeCsvFile<T>(options: {
  file: string;
  columns: CsvColumns<T>;
  /** The rows, a page at a time, and how many there are in all (for the progress). */
  pages: AsyncIterable<T[]>;
  total: () => number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}): Promise<CsvSummary> {
  const { file, columns } = options;
  const temp = join(dirname(file), `.${basename(file)}.partial-${process.pid}`);
  const handle = await open(temp, 'w', 0o600);
  let bytes = 0;
  let rows = 0;
  let completed = false;
  const write = async (text: string) => {
    const buffer = Buffer.from(text, 'utf8');
    for (let written = 0; written < buffer.length;) written += (await handle.write(buffer, written, buffer.length - written)).bytesWritten;
    bytes += buffer.length;
  };
  try {
    await write(`${CSV_BOM}${csvLine(columns.header)}`);
    for await (const page of options.pages) {
      options.signal?.throwIfAborted();
      await write(page.map((row) => csvLine(columns.cells(row))).join(''));
      rows += page.length;
      options.onProgress?.(rows, Math.max(rows, options.total()));
      await yieldToOthers();
    }
    await handle.datasync();
    await handle.close();
    options.signal?.throwIfAborted();
    await rename(temp, file);
    completed = true;
    options.onProgress?.(rows, rows);
    return { file, rows, bytes };
  } finally {
    if (!completed) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
    }
  }
}
