/**
 * Lists as CSV files an administrator opens in Excel in any locale: UTF-8 with a byte-order mark (without it Excel
 * reads UTF-8 as the locale's code page), RFC 4180 quoting (a field with a comma, a quote or a line break is quoted,
 * quotes doubled), CRLF line ends. A cell that a spreadsheet would run as a formula (=, +, -, @ first: a title
 * from an upstream is not ours to trust) is kept as text with a leading apostrophe, as OWASP advises.
 */
import type { StatusMessage, SyncStatusRow, UpdateRow } from './contract';
import type { SyncRun } from './domain';

export const CSV_BOM = '\uFEFF';

export type CsvValue = string | number | boolean | null;

export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  let text = typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export interface CsvColumns<T> {
  header: string[];
  cells: (row: T) => CsvValue[];
}

/** The Update Repository, as its grid shows it, with the IDs a script needs. */
export const UPDATE_CSV: CsvColumns<UpdateRow> = {
  header: [
    'Title',
    'Article ID',
    'Bulletin ID',
    'Classification',
    'Products',
    'Severity',
    'Released',
    'Revised',
    'State',
    'Superseded',
    'Expired by',
    'Update ID',
    'Revision',
  ],
  cells: (row) => [
    row.title,
    row.kb === null ? null : `KB${row.kb}`,
    row.bulletin,
    row.classification,
    row.products,
    row.severity,
    row.releasedAt,
    row.revisedAt,
    row.state,
    row.superseded,
    row.expiredBy,
    row.updateId,
    row.revision,
  ],
};

export interface ChangeRow {
  updateId: string;
  change: string;
  title: string;
  kb: string | null;
  classification: string | null;
}

/** What changed in one run. */
export const CHANGE_CSV: CsvColumns<ChangeRow> = {
  header: ['Change', 'Title', 'Article ID', 'Classification', 'Update ID'],
  cells: (row) => [row.change, row.title, row.kb === null ? null : `KB${row.kb}`, row.classification, row.updateId],
};

/** The sync history: a row per run, its revisions counted. */
export const HISTORY_CSV: CsvColumns<SyncRun> = {
  header: [
    'Run',
    'Site',
    'Kind',
    'Trigger',
    'Outcome',
    'Started',
    'Ended',
    'Duration (s)',
    'New',
    'Revised',
    'Expired',
    'Removed',
    'Skipped',
    'Failed',
    'Error code',
    'Error',
  ],
  cells: (run) => [
    run.runId,
    run.site,
    run.kind,
    run.trigger,
    run.outcome,
    run.startedAt,
    run.endedAt,
    run.durationMs === null ? null : Math.round(run.durationMs / 100) / 10,
    run.counts.new,
    run.counts.modified,
    run.counts.expired,
    run.counts.removed,
    run.counts.skipped,
    run.counts.failed,
    run.error?.code ?? null,
    run.error?.message ?? null,
  ],
};

export const STATUS_CSV: CsvColumns<StatusMessage> = {
  header: ['Severity', 'Message ID', 'Component', 'Site', 'Time', 'Description', 'Insertion strings'],
  cells: (message) => [
    { I: 'Information', W: 'Warning', E: 'Error' }[message.severity],
    message.id,
    message.component,
    message.site,
    message.time,
    message.description,
    message.insertionStrings.join(' | '),
  ],
};

export const SYNC_STATUS_CSV: CsvColumns<SyncStatusRow> = {
  header: [
    'Site',
    'Name',
    'Parent',
    'Source',
    'State',
    'Last success',
    'Last attempt',
    'Last outcome',
    'Last error code',
    'Last error',
    'Content version',
    'Parent content version',
    'Next scheduled',
    'Next retry',
  ],
  cells: (row) => [
    row.site,
    row.name,
    row.parent,
    row.source,
    row.state,
    row.lastSuccess,
    row.lastAttempt?.at ?? null,
    row.lastAttempt?.outcome ?? null,
    row.lastError?.code ?? null,
    row.lastError?.message ?? null,
    row.contentVersion,
    row.parentContentVersion,
    row.nextScheduled,
    row.nextRetry,
  ],
};
