import type { UpdateRow } from '../../shared/contract';
import { ContextMenu } from '../context-menu/ContextMenu';
import { copyToClipboard } from '../log-pane/clipboard';
import { useConsoleStore, type RepositoryView } from '../store/console-store';
import { rowMenuItems } from './row-actions';
import { ROW_STATE_ICONS } from './RepositoryRow';
import { countOf } from '../../shared/count-text';

/** The search bar's status: the list's count, and the selection (its update, or its rows). */
export function repositoryStatus(view: RepositoryView, range: { from: number; to: number } | undefined, selectedRow: UpdateRow | undefined): string {
  if (view.loading) return 'Loading…';
  if (view.error !== undefined) return `Could not load the updates: ${view.error}`;
  if (view.total === 0) return 'No updates';
  const count = countOf(view.total, 'update');
  if (selectedRow === undefined || range === undefined) return count;
  if (range.to > range.from) {
    return `${count} — ${(range.to - range.from + 1).toLocaleString()} selected (rows ${(range.from + 1).toLocaleString()}–${(range.to + 1).toLocaleString()})`;
  }
  return `${count} — 1 selected: ${selectedRow.kb === null ? selectedRow.title : `KB${selectedRow.kb}`} (row ${(range.from + 1).toLocaleString()})`;
}

/** What an empty repository tells: how this site gets its updates. */
export function EmptyRepository({ site }: { site: string }) {
  const parentCode = useConsoleStore((state) => state.sites.find((candidate) => candidate.code === site)?.parentCode ?? null);
  const importsOnly = useConsoleStore((state) => state.hierarchy.find((entry) => entry.site.code === site)?.sourceKind === 'none');
  return (
    <p className="empty">
      No software updates have been synchronized to {site} yet.{' '}
      {importsOnly
        ? `${site} is set to "Do not synchronize": import a catalog (right-click its Software Update Point and choose Import Catalog…).`
        : parentCode === null
          ? 'Right-click Update Repository and choose Run Synchronization.'
          : `${site} is a child site: it synchronizes after its parent site ${parentCode} does.`}
    </p>
  );
}

/** The menu of the selected rows, where it was asked for; the grid has the focus back when it closes. */
export function RowMenu(props: { at: { x: number; y: number }; row: UpdateRow; count: number; onCopy(): void; onClose(): void }) {
  const notify = useConsoleStore((state) => state.notify);
  return (
    <ContextMenu
      x={props.at.x}
      y={props.at.y}
      label="Update actions"
      items={rowMenuItems(props.row, props.count, {
        properties: () => document.querySelector<HTMLElement>('.update-details')?.focus(),
        copy: props.onCopy,
        copyArticleId: (kb) => void copyToClipboard(`KB${kb}`).then(() => notify('info', `Copied KB${kb}.`)),
      })}
      onClose={() => {
        props.onClose();
        document.querySelector<HTMLElement>('.repository [role="grid"]')?.focus();
      }}
    />
  );
}

/** What the rows' marks mean, under the grid. */
export function RowLegend({ damaged = false }: { damaged?: boolean }) {
  return (
    <p className="row-legend" aria-label="Legend">
      {damaged && (
        <span>
          <span className="row-icon row-icon-damaged" aria-hidden="true">
            {ROW_STATE_ICONS.damaged}
          </span>
          Damaged: its stored metadata is fetched again by the next synchronization
        </span>
      )}
      <span>
        <span className="row-icon row-icon-expired" aria-hidden="true">
          {ROW_STATE_ICONS.expired}
        </span>
        <s>Expired</s>: no longer offered for deployment
      </span>
      <span>
        <span className="row-icon row-icon-superseded" aria-hidden="true">
          {ROW_STATE_ICONS.superseded}
        </span>
        <i>Superseded</i>: a newer update replaces it
      </span>
    </p>
  );
}
