import type { UpdateRow } from '../../shared/contract';
import type { MenuItem } from '../context-menu/menu-items';

/** The columns a copy carries, in the grid's order, with the values the grid shows (dates as ISO days). */
const COPIED: ReadonlyArray<[string, (row: UpdateRow) => string]> = [
  ['Title', (row) => row.title],
  ['Article ID', (row) => row.kb ?? ''],
  ['Bulletin ID', (row) => row.bulletin ?? ''],
  ['Classification', (row) => row.classification ?? ''],
  ['Product', (row) => row.products ?? ''],
  ['Severity', (row) => row.severity ?? ''],
  ['Date Released', (row) => row.releasedAt?.slice(0, 10) ?? ''],
  ['Date Revised', (row) => row.revisedAt.slice(0, 10)],
  ['Expired', (row) => (row.state === 'expired' ? 'Yes' : 'No')],
  ['Superseded', (row) => (row.superseded ? 'Yes' : 'No')],
  ['Update ID', (row) => row.updateId],
];

/** A tab or a line break inside a value would split it into cells or rows where it is pasted. */
const cell = (text: string) => text.replace(/[\t\r\n]+/g, ' ');

/** Rows as tab-separated text with a header line: what a spreadsheet or a change request takes as it is. */
export function rowsAsTsv(rows: readonly UpdateRow[]): string {
  const lines = [COPIED.map(([name]) => name).join('\t'), ...rows.map((row) => COPIED.map(([, value]) => cell(value(row))).join('\t'))];
  return lines.join('\n');
}

/** The selected rows, from the anchor to the focus whichever way it was extended. */
export interface RowSelection {
  anchor: number;
  index: number;
  updateId: string | undefined;
}

export function selectedRange(selection: RowSelection): { from: number; to: number } {
  return { from: Math.min(selection.anchor, selection.index), to: Math.max(selection.anchor, selection.index) };
}

/** The menu of the selected rows: Properties, Copy, Copy Article ID (when the update has one). */
export function rowMenuItems(row: UpdateRow, count: number, actions: { properties(): void; copy(): void; copyArticleId(kb: string): void }): MenuItem[] {
  const kb = row.kb;
  return [
    { id: 'properties', label: 'Properties', shortcut: 'Alt+Enter', run: actions.properties },
    { id: 'copy', label: count === 1 ? 'Copy' : `Copy ${count.toLocaleString()} rows`, shortcut: 'Ctrl+C', run: actions.copy },
    kb === null
      ? { id: 'copy-kb', label: 'Copy Article ID', disabled: true, reason: 'This update has no article ID.', note: 'No article ID', run: () => undefined }
      : { id: 'copy-kb', label: `Copy Article ID (KB${kb})`, run: () => actions.copyArticleId(kb) },
  ];
}
