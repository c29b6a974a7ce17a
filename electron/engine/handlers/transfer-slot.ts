/** One file transfer per site at a time (a catalog export or import, a list exported as CSV), cancellable. */
import { ApiError } from '../../../shared/errors';
import type { SiteCode } from '../../../shared/domain';

/** Runs `work` with a signal that cancelCatalogTransfer aborts; a second transfer of the site meanwhile is refused. */
export async function runTransfer<T>(transfers: Map<SiteCode, AbortController>, site: SiteCode, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (transfers.has(site)) throw new ApiError('NOT_ALLOWED', `An export or import of ${site} is already under way; wait for it to end or cancel it.`);
  const abort = new AbortController();
  transfers.set(site, abort);
  try {
    return await work(abort.signal);
  } catch (error) {
    if (abort.signal.aborted) throw new ApiError('CANCELLED', 'Cancelled: nothing of it was kept.');
    throw error;
  } finally {
    transfers.delete(site);
  }
}
