/**
 * Whether a sync writes its updates without the repository's sort and search indexes and builds them once at its
 * end: a sync that writes at least as many updates as the site holds (every first sync) does, up to
 * DEFER_INDEXES_UP_TO, and so does any sync after one that could not build them.
 */
import type { TraceLogWriter } from '../log/trace-log-writer';
import { buildDeferredIndexes, deferredIndexes, updateCount } from '../storage/deferred-indexes';
import type { SiteDatabase } from '../storage/site-database';

/**
 * The most revisions a site may hold after a sync that sets its indexes aside. Built at the end, the indexes and the
 * search index make the in-memory database file grow by about half at once (sql.js grows it by copies of 1.125 times
 * its size, freed only by the next garbage collection), while the sync's memory is at its highest: at 643,531
 * revisions the peak RSS of `usc sync` went from 1,989 MiB to 2.0–2.5 GiB, above the 2 GiB a catalog sync may take.
 * At 128,662 (100,000 updates) the peak stays near 600 MiB, and the sync is 9 s of CPU cheaper.
 */
export const DEFER_INDEXES_UP_TO = 300_000;

export function shouldDeferIndexes(database: SiteDatabase, toWrite: number, upTo = DEFER_INDEXES_UP_TO): boolean {
  const stored = updateCount(database);
  return (toWrite > 0 && toWrite >= stored && toWrite + stored <= upTo) || deferredIndexes(database) !== undefined;
}

/** Builds the indexes set aside; a failure is a warning (returned), and the next open builds them. */
export function buildIndexesAfterSync(database: SiteDatabase, log: TraceLogWriter, onProgress: (done: number, total: number) => void): string | undefined {
  const started = Date.now();
  const updates = updateCount(database);
  log.write(`Building the repository's sort and search indexes for ${updates} updates; searches are slower until it ends`);
  try {
    // Saved with the run's outcome, whose failure to save is reported as the run's.
    buildDeferredIndexes(database, onProgress);
    log.write(`Built the repository's indexes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return undefined;
  } catch (error) {
    return `The repository's indexes could not be built (${error instanceof Error ? error.message : String(error)}); searches are slower until they are, and they are built when the site database is next opened`;
  }
}
