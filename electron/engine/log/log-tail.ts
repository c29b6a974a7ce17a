/**
 * The last lines of a trace log as they are on disk: the current file, preceded by its rolled-over `.lo_` and the
 * older generations a sync kept (`-<n>.lo_`, newest first) while it holds fewer lines than asked for (ConfigMgr rolls
 * wsyncmgr.log over at 250,000 bytes).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { LogLine } from '../../../shared/contract';
import { olderGenerations } from './trace-log-writer';
import { parseTraceLine, severityOf } from '../../../shared/trace-log';

export function readTraceLogTail(file: string, maxLines: number): { lines: LogLine[]; truncated: boolean } {
  const linesOf = (path: string) =>
    existsSync(path)
      ? readFileSync(path, 'utf8')
          .split(/\r?\n/)
          .filter((line) => line.trim() !== '')
      : [];
  let raw = linesOf(file);
  const previous = [
    file.replace(/\.log$/i, '.lo_'),
    ...olderGenerations(file)
      .sort((a, b) => b.number - a.number)
      .map((generation) => generation.path),
  ];
  for (const path of previous) {
    if (raw.length >= maxLines) break;
    raw = [...linesOf(path), ...raw];
  }
  const truncated = raw.length > maxLines;
  return { lines: raw.slice(-maxLines).map(toLogLine), truncated };
}

function toLogLine(text: string): LogLine {
  const parsed = parseTraceLine(text);
  // A line not in a trace format (written by another tool) is shown as it is.
  return parsed === undefined ? { text, component: '', time: '', thread: 0, severity: severityOf(text) } : { ...parsed, text };
}
