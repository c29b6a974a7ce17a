import { columnResizingFeature, columnSizingFeature, createColumnHelper, tableFeatures, type ColumnSizingState } from '@tanstack/react-table';
import type { UpdateRow } from '../../shared/contract';
import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from './ColumnHeader';

export const COLUMN_WIDTHS_KEY = 'usc.repository.columnWidths';

export const features = tableFeatures({ columnSizingFeature, columnResizingFeature });
const column = createColumnHelper<typeof features, UpdateRow>();
const date = (text: string | null) => (text === null ? '' : new Date(text).toLocaleDateString());

/** The columns of the ConfigMgr 2007 Update Repository list; each id is the engine's sort key. */
export const COLUMNS = column.columns([
  column.accessor('title', { id: 'title', header: 'Title', size: 420 }),
  column.accessor((row) => row.kb ?? '', { id: 'kb', header: 'Article ID', size: 90 }),
  column.accessor((row) => row.bulletin ?? '', { id: 'bulletin', header: 'Bulletin ID', size: 100 }),
  column.accessor((row) => row.classification ?? '', { id: 'classification', header: 'Classification', size: 150 }),
  column.accessor((row) => row.products ?? '', { id: 'products', header: 'Product', size: 180 }),
  column.accessor((row) => row.severity ?? '', { id: 'severity', header: 'Severity', size: 90 }),
  column.accessor((row) => date(row.releasedAt), { id: 'releasedAt', header: 'Date Released', size: 105 }),
  column.accessor((row) => date(row.revisedAt), { id: 'revisedAt', header: 'Date Revised', size: 105 }),
  column.accessor((row) => (row.state === 'expired' ? 'Yes' : 'No'), { id: 'state', header: 'Expired', size: 70 }),
  column.accessor((row) => (row.superseded ? 'Yes' : 'No'), { id: 'superseded', header: 'Superseded', size: 90 }),
]);

/** Column widths the administrator set last time (kept per browser profile). */
export function savedColumnWidths(): ColumnSizingState {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(COLUMN_WIDTHS_KEY) ?? '{}');
    if (typeof saved !== 'object' || saved === null) return {};
    return Object.fromEntries(
      Object.entries(saved).filter(
        (entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] >= MIN_COLUMN_WIDTH && entry[1] <= MAX_COLUMN_WIDTH,
      ),
    );
  } catch {
    return {};
  }
}
