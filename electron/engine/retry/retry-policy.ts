/**
 * Every retry the engine makes, and how long it waits, decided here and nowhere else. Four layers, each for what the
 * one below it cannot fix:
 *
 * 1. A request. An upstream call that fails with a retryable error (UpstreamError.retryable: a dropped connection, a
 *    timeout, an HTTP 5xx, a ServerBusy fault) is sent again up to REQUEST_RETRIES times, waiting 1, 2, 4, 8 s (doubling, at most 30 s); the wait
 *    shows in the progress and in wsyncmgr.log. A refused cookie (InvalidCookie) signs in again from GetAuthConfig,
 *    once per call, without counting as a retry. Used by upstream/client/upstream-client.ts.
 * 2. A stall. When no batch of metadata arrives for the site's stall limit (stallMinutes, 10 by default), or no
 *    answer to any other call of the sync (signing in, GetConfigData, the revision lists), the stuck requests are
 *    abandoned and made again, STALL_RETRIES times; the next stall fails the sync with STALLED. Used by
 *    sync/metadata-fetch.ts and sync/call-watchdog.ts.
 * 3. A changed upstream. ServerChanged resets the anchors and starts the sync over as a full one,
 *    SERVER_CHANGED_RESTARTS time(s); the next one fails the sync. Used by sync/synchronization.ts.
 * 4. A failed sync. Any site whose sync failed (a top-level site as much as a child) runs a full sync again after
 *    its retry interval (retryMinutes), doubling after each failure in a row up to SITE_RETRY_BACKOFF_CAP times the
 *    interval, until a sync succeeds. Used by retry/site-retry.ts.
 */
import { DEFAULT_STALL_MINUTES } from '../../../shared/domain';

export const REQUEST_RETRIES = 4;

/** The wait before retry number `retry` (1 for the first) of a request. */
export function requestRetryDelayMs(retry: number): number {
  return Math.min(1_000 * 2 ** (retry - 1), 30_000);
}

export const STALL_RETRIES = 2;

export function stallLimitMs(stallMinutes: number | undefined): number {
  return (stallMinutes ?? DEFAULT_STALL_MINUTES) * 60_000;
}

/** How often the watchdog looks: often enough to act within a quarter of the limit, never busier than 20 times a second. */
export function stallCheckEveryMs(limitMs: number): number {
  return Math.max(50, Math.min(30_000, Math.floor(limitMs / 4)));
}

export const SERVER_CHANGED_RESTARTS = 1;

export const SITE_RETRY_BACKOFF_CAP = 8;

/** The wait, in minutes, before the automatic retry after `failuresInARow` failed syncs (1 for the first). */
export function siteRetryMinutes(intervalMinutes: number, failuresInARow: number): number {
  return intervalMinutes * Math.min(2 ** (failuresInARow - 1), SITE_RETRY_BACKOFF_CAP);
}
