/** The sites of the data folder: list, add, rename or move, remove, restore from backup. */
import { ApiError } from '../../../shared/errors';
import type { EngineContext, EngineHandlers } from './engine-context';

export function siteHandlers(
  engine: EngineContext,
): Pick<EngineHandlers, 'listSites' | 'getSite' | 'addSite' | 'updateSite' | 'removeSite' | 'restoreSite' | 'previewRestore'> {
  const { sites } = engine;
  return {
    listSites: () => sites.list(),
    getSite: ({ site }) => sites.get(site),
    addSite: ({ code, name, parent }) => {
      if (sites.get(parent).health.state !== 'ok') throw new ApiError('NOT_ALLOWED', `Site ${parent} cannot have child sites while its database is damaged.`);
      sites.createSite({ code, name, parentCode: parent }, engine.now());
      engine.publishSites();
      return sites.get(code);
    },
    updateSite: ({ site, name, parent }) => {
      sites.database(site);
      const entry = sites.get(site);
      const moves = parent !== undefined && parent !== entry.parentCode;
      if (moves) {
        if (entry.parentCode === null) throw new ApiError('NOT_ALLOWED', `${site} is the top-level site; it has no parent to change.`);
        sites.database(parent);
        for (let ancestor: string | null = parent; ancestor !== null; ancestor = sites.get(ancestor).parentCode) {
          if (ancestor === site) throw new ApiError('NOT_ALLOWED', `${parent} is below ${site}; a site cannot move under itself.`);
        }
      }
      sites.editSite(site, { ...(name === undefined ? {} : { name }), ...(moves ? { parentCode: parent } : {}) });
      engine.publishSites();
      return sites.get(site);
    },
    removeSite: ({ site }) => {
      const entry = sites.get(site);
      const children = sites.list().filter((candidate) => candidate.parentCode === site);
      if (children.length > 0) {
        throw new ApiError('NOT_ALLOWED', `Site ${site} has child sites (${children.map((child) => child.code).join(', ')}); remove or move them first.`);
      }
      if (entry.parentCode === null) throw new ApiError('NOT_ALLOWED', `${site} is the top-level site; it cannot be removed.`);
      if (engine.syncs.isRunning(site)) throw new ApiError('NOT_ALLOWED', `Site ${site} is synchronizing; cancel or wait for the synchronization first.`);
      const keptAs = sites.removeSite(site, engine.now());
      engine.publishSites();
      return { removed: site, keptAs };
    },
    previewRestore: ({ site }) => {
      const { preview, discards, journalStart } = sites.restorePreview(site);
      return {
        ...(preview ?? { backup: null, savedAt: null, verified: null, updates: null, lastRun: null, problem: null }),
        discards,
        journalStart: journalStart === undefined ? null : { saves: journalStart.saves, setsAside: journalStart.setsAside },
      };
    },
    restoreSite: ({ site, from }) => {
      const journalStart = sites.restorePreview(site).journalStart;
      if ((from ?? (journalStart === undefined ? 'backup' : 'journal-start')) === 'journal-start') {
        const kept = sites.openWithoutJournalTail(site, engine.now());
        engine
          .logFor(site)
          .writeNow(
            `WARNING: Site database opened without its journal's unreadable tail: the database file and the ${kept.keptSaves} saves before the damage were kept; the journal as it was is kept as ${kept.keptAside.join(', ')}.`,
          );
        engine.publishSites();
        return { restoredFrom: `the journal's first ${kept.keptSaves} saves`, keptAside: kept.keptAside, keptSaves: kept.keptSaves };
      }
      const restored = sites.restoreSite(site, engine.now());
      engine
        .logFor(site)
        .writeNow(`Site database restored from ${restored.restoredFrom}; the damaged files were kept as ${restored.keptAside.join(', ') || '(none)'}.`);
      engine.publishSites();
      return restored;
    },
  };
}
