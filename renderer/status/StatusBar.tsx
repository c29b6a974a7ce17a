import { useConsoleStore } from '../store/console-store';

const ENGINE_LABELS = {
  starting: 'Engine starting',
  ready: 'Engine ready',
  restarting: 'Engine restarting',
  failed: 'Engine stopped',
  stopped: 'Engine stopped',
} as const;

export function StatusBar() {
  const engine = useConsoleStore((state) => state.engine);
  const connection = useConsoleStore((state) => state.connection);
  const transport = useConsoleStore((state) => state.transport);
  const sites = useConsoleStore((state) => state.sites);
  const info = useConsoleStore((state) => state.info);
  const connectionText =
    connection === 'open'
      ? transport === 'electron'
        ? 'Desktop console'
        : 'Browser console (web host)'
      : connection === 'connecting'
        ? 'Connecting to the web host…'
        : 'Disconnected from the web host: reconnecting…';
  return (
    <footer className="status-bar" role="status">
      <span className={`status-cell connection-${connection}`}>{connectionText}</span>
      <span className={`status-cell engine-${engine?.state ?? 'starting'}`} title={engine?.message}>
        {engine === undefined ? 'Engine: …' : ENGINE_LABELS[engine.state]}
      </span>
      <span className="status-cell">{sites.length === 1 ? '1 site' : `${sites.length} sites`}</span>
      <span className="status-cell grow mono" title="Data folder">
        {info?.dataDir ?? ''}
      </span>
    </footer>
  );
}

export function Notices() {
  const notices = useConsoleStore((state) => state.notices);
  const dismiss = useConsoleStore((state) => state.dismissNotice);
  const loadError = useConsoleStore((state) => state.loadError);
  return (
    <div className="notices" aria-live="polite">
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
