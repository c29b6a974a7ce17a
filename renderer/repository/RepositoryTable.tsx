import { useEffect, useState } from 'react';
import { UpdateDetails } from './UpdateDetails';
import type { RepositoryView } from '../store/console-store';
import { useConsoleStore } from '../store/console-store';

const COLUMNS: Array<{ key: RepositoryView['sort']; label: string }> = [
  { key: 'title', label: 'Title' },
  { key: 'kb', label: 'Article ID' },
  { key: 'bulletin', label: 'Bulletin ID' },
  { key: 'classification', label: 'Classification' },
  { key: 'products', label: 'Product' },
  { key: 'severity', label: 'Severity' },
  { key: 'releasedAt', label: 'Date Released' },
  { key: 'revisedAt', label: 'Date Revised' },
  { key: 'state', label: 'Expired' },
  { key: 'superseded', label: 'Superseded' },
];

const PAGE = 200;

/** The Update Repository list: sorted, searched and paged by the engine, one page at a time. */
export function RepositoryTable({ filter }: { filter: { classificationId?: string; productId?: string } }) {
  const view = useConsoleStore((state) => state.repository);
  const load = useConsoleStore((state) => state.loadRepository);
  const [search, setSearch] = useState(view.search);
  const [selected, setSelected] = useState<string | undefined>();
  useEffect(() => {
    if (view.classificationId !== filter.classificationId || view.productId !== filter.productId) {
      void load({ classificationId: filter.classificationId, productId: filter.productId, offset: 0 });
    }
  }, [filter.classificationId, filter.productId, view.classificationId, view.productId, load]);
  const sortBy = (key: RepositoryView['sort']) => void load({ sort: key, direction: view.sort === key && view.direction === 'asc' ? 'desc' : 'asc', offset: 0 });
  const date = (text: string | null) => (text === null ? '' : new Date(text).toLocaleDateString());
  return (
    <div className="repository">
      <form className="search-bar" role="search" onSubmit={(event) => { event.preventDefault(); void load({ search, offset: 0 }); }}>
        <label>
          Look for:
          <input type="search" value={search} placeholder="Title, article ID or bulletin ID" onChange={(event) => setSearch(event.target.value)} />
        </label>
        <button type="submit">Find Now</button>
        <button type="button" onClick={() => { setSearch(''); void load({ search: '', offset: 0 }); }}>Clear</button>
        <span className="muted" aria-live="polite">
          {view.loading ? 'Loading…' : view.total === 0 ? 'No updates' : `${view.offset + 1}–${Math.min(view.offset + PAGE, view.total)} of ${view.total.toLocaleString()} updates`}
        </span>
        <button type="button" disabled={view.offset === 0} onClick={() => void load({ offset: Math.max(0, view.offset - PAGE) })}>Previous</button>
        <button type="button" disabled={view.offset + PAGE >= view.total} onClick={() => void load({ offset: view.offset + PAGE })}>Next</button>
      </form>
      <table className="list-view" aria-label="Software updates">
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column.key} aria-sort={view.sort === column.key ? (view.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
                <button type="button" className="column-sort" onClick={() => sortBy(column.key)}>
                  {column.label}
                  {view.sort === column.key ? (view.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.rows.map((row) => (
            <tr
              key={row.updateId}
              aria-selected={row.updateId === selected}
              tabIndex={0}
              onClick={() => setSelected(row.updateId)}
              onKeyDown={(event) => event.key === 'Enter' && setSelected(row.updateId)}
              className={`${row.state === 'expired' ? 'row-expired' : ''} ${row.superseded ? 'row-superseded' : ''} ${row.updateId === selected ? 'row-selected' : ''}`}
            >
              <td title={row.title}>{row.title}</td>
              <td>{row.kb ?? ''}</td>
              <td>{row.bulletin ?? ''}</td>
              <td>{row.classification ?? ''}</td>
              <td>{row.products ?? ''}</td>
              <td>{row.severity ?? ''}</td>
              <td>{date(row.releasedAt)}</td>
              <td>{date(row.revisedAt)}</td>
              <td>{row.state === 'expired' ? 'Yes' : 'No'}</td>
              <td>{row.superseded ? 'Yes' : 'No'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected !== undefined && <UpdateDetails site={view.site} updateId={selected} onClose={() => setSelected(undefined)} />}
      {view.total === 0 && !view.loading && <p className="empty">No software updates have been synchronized to {view.site} yet. Right-click Update Repository and choose Run Synchronization.</p>}
    </div>
  );
}
