import type { Progress } from '../../shared/contract';
import { useConsoleStore } from '../store/console-store';
import { atAndIn } from '../../shared/time-text';
import { connectionText } from './connection-text';
import { progressNote } from './progress-note';
import { siteState } from './site-state';
import { useNow } from './use-now';

const ENGINE_LABELS = {
  starting: 'Engine starting',
  ready: 'Engine ready',
  restarting: 'Engine restarting',
  failed: 'Engine stopped',
  stopped: 'Engine stopped',
} as const;

const PHASES = {
  connect: 'Connecting to the upstream server',
  categories: 'Synchronizing categories',
  list: 'Listing updates',
  metadata: 'Downloading update metadata',
  apply: 'Updating the site database',
  index: "Building the repository's indexes",
  finish: 'Finishing',
  notify: 'Notifying child sites',
} as const;

/**
 * What a phase counts, said beside its numbers: metadata is fetched by revision (an update and each update bundled in
 * it), so the count is larger than the grid's count of updates, and says so.
 */
const UNITS: Partial<Record<keyof typeof PHASES, { word: string; title: string }>> = {
  categories: { word: 'categories', title: 'Products, classifications and detectoids' },
  metadata: { word: 'revisions', title: 'Revisions: each update and each update bundled inside one (the Update Repository lists updates only)' },
  apply: { word: 'revisions', title: 'Revisions: each update and each update bundled inside one (the Update Repository lists updates only)' },
};

export function StatusBar() {
  const engine = useConsoleStore((state) => state.engine);
  const connection = useConsoleStore((state) => state.connection);
  const transport = useConsoleStore((state) => state.transport);
  const sites = useConsoleStore((state) => state.sites);
  const info = useConsoleStore((state) => state.info);
  const connectionNote = connectionText(connection, transport, window.location.host);
  const connected = useConsoleStore((state) => state.connectedSite);
  const progress = useConsoleStore((state) => state.progress);
  const cancel = useConsoleStore((state) => state.cancelSync);
  const current = progress[connected];
  const others = Object.values(progress).filter((entry) => entry !== undefined && entry.site !== connected);
  const hierarchy = useConsoleStore((state) => state.hierarchy);
  const failed = hierarchy.filter((entry) => siteState(entry, progress[entry.site.code] !== undefined) === 'failed');
  const now = useNow(failed.some((entry) => entry.nextRetry !== null));
  return (
    <footer className="status-bar" role="status">
      {current !== undefined && (
        <span className="status-cell sync-progress" aria-label={`Synchronization of ${connected}`}>
          <span>{`${connected}: ${PHASES[current.phase]}`}</span>
          <progress max={100} value={current.percent} aria-label="Synchronization progress" />
          <span title={UNITS[current.phase]?.title}>
            {current.total > 1
              ? `${current.done.toLocaleString()} / ${current.total.toLocaleString()}${UNITS[current.phase] === undefined ? '' : ` ${UNITS[current.phase]!.word}`}`
              : ''}
          </span>
          <ProgressNoteText progress={current} />
          <button type="button" onClick={() => void cancel(connected)}>
            Cancel
          </button>
        </span>
      )}
      {others.map((entry) => (
        <span
          key={entry!.site}
          className="status-cell"
          title={`${entry!.site}: ${PHASES[entry!.phase]}`}
        >{`${entry!.site} ${Math.round(entry!.percent)}%`}</span>
      ))}
      {failed.map((entry) => (
        <span key={entry.site.code} className="status-cell site-failed" title={entry.lastRun?.error ?? undefined}>
          {`${entry.site.code}: synchronization failed${entry.nextRetry !== null && Date.parse(entry.nextRetry) > now ? `, retry ${atAndIn(entry.nextRetry, now)}` : ''}`}
        </span>
      ))}
      <span className={`status-cell connection-${connection}`}>{connectionNote}</span>
      <span className={`status-cell engine-${engine?.state ?? 'starting'}`} title={engine?.message}>
        {/* Not connected, the engine's last state is old news: it may have stopped with the host. */}
        {engine === undefined || connection !== 'open' ? 'Engine: …' : ENGINE_LABELS[engine.state]}
      </span>
      <span className="status-cell">{sites.length === 1 ? '1 site' : `${sites.length} sites`}</span>
      <span className="status-cell grow mono" title="Data folder">
        {info?.dataDir ?? ''}
      </span>
    </footer>
  );
}

/** "Retrying GetUpdateData (2 of 5) in 8 s" counting down, "Stalled since 14:02, retrying", or the ETA. */
function ProgressNoteText({ progress }: { progress: Progress }) {
  const now = useNow(progress.retry !== undefined);
  const note = progressNote(progress, now);
  return (
    <span className={note.waiting ? 'sync-retry' : undefined} title={note.title}>
      {note.text}
    </span>
  );
}

export function Notices() {
  const notices = useConsoleStore((state) => state.notices);
  const dismiss = useConsoleStore((state) => state.dismissNotice);
  const loadError = useConsoleStore((state) => state.loadError);
  return (
    <div className="notices" aria-live="polite" aria-label="Notifications">
      {notices.length > 1 && (
        <div className="notices-head">
          <span>{`${notices.length} notifications`}</span>
          <button type="button" onClick={() => notices.forEach((notice) => dismiss(notice.id))}>
            Dismiss all
          </button>
        </div>
      )}
      {loadError !== undefined && (
        <div className="notice error" role="alert">
          {loadError}
        </div>
      )}
      {notices.map((notice) => (
        <div key={notice.id} className={`notice ${notice.kind}`} role={notice.kind === 'info' ? 'status' : 'alert'}>
          <span>{notice.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
