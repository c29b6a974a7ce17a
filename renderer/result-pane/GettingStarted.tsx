import { useConsoleStore } from '../store/console-store';

/**
 * The landing page's first words for a newcomer: the three steps from an empty site to a filled repository, each a
 * button that goes there, marked done once the site has done it.
 */
export function GettingStarted() {
  const site = useConsoleStore((state) => state.connectedSite);
  const entry = useConsoleStore((state) => state.hierarchy.find((candidate) => candidate.site.code === state.connectedSite));
  const select = useConsoleStore((state) => state.select);
  const expandAll = useConsoleStore((state) => state.expandAll);
  const openDialog = useConsoleStore((state) => state.openDialog);
  if (site === '' || entry === undefined) return null;
  const child = entry.site.parentCode !== null;
  const synchronized = entry.lastRun?.outcome === 'succeeded' || entry.contentVersion > 0;
  const goTo = (path: string[]) => {
    expandAll(path.slice(0, -1));
    select(path.at(-1)!);
  };
  const supPath = ['site-management', `site:${site}`, `site:${site}/settings`, `site:${site}/components`, `site:${site}/sup`];
  return (
    <section className="getting-started" aria-label="Getting started">
      <h2>Getting started</h2>
      <ol>
        <li>
          {child ? (
            `${site} is a child site: it takes its settings from the top-level site and synchronizes after its parent ${entry.site.parentCode}.`
          ) : (
            <>
              Configure the Software Update Point: its source, products, classifications, languages and schedule.{' '}
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  goTo(supPath);
                  openDialog({ kind: 'supProperties', site });
                }}
              >
                Software Update Point Properties…
              </button>
            </>
          )}
        </li>
        <li>
          {synchronized ? '✓ ' : ''}Run Synchronization on Update Repository (right-click it, or select it and press Shift+F10).{' '}
          <button type="button" className="link-button" onClick={() => goTo(['computer-management', 'software-updates', 'update-repository'])}>
            Go to Update Repository
          </button>
        </li>
        <li>
          Follow it in the log below (wsyncmgr.log) and in Monitoring → Synchronization Status.{' '}
          <button type="button" className="link-button" onClick={() => goTo(['monitoring', 'sync-status'])}>
            Go to Synchronization Status
          </button>
        </li>
      </ol>
    </section>
  );
}
