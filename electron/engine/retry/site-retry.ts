/**
 * The automatic retry of a failed synchronization, for every site (top-level or child): a full sync after the
 * site's retry interval, later after each failure in a row (retry-policy.ts), until a sync succeeds. The time of the
 * next retry is kept in the site database, so an engine started later re-arms it, and a command's engine (which arms
 * no timer) leaves it for the next running one.
 */
import type { SiteCode } from '../../../shared/domain';
import type { TraceLogWriter } from '../log/trace-log-writer';
import type { Clock } from '../schedule/clock';
import type { SiteDatabase } from '../storage/site-database';
import { readSetting, writeSetting } from '../storage/settings';
import { inTransaction } from '../storage/transaction';
import { readSupConfig } from '../settings/sup-config';
import type { SyncController } from '../sync/sync-controller';
import { siteRetryMinutes } from './retry-policy';

export interface SiteRetryHost {
  parentOf(site: SiteCode): SiteCode | null;
  database(site: SiteCode): SiteDatabase;
  logFor(site: SiteCode): TraceLogWriter;
  siteCodes(): SiteCode[];
}

const RETRY = { next: 'retry.next', failures: 'retry.failures' } as const;

export class SiteRetry {
  private readonly timers = new Map<SiteCode, () => void>();

  constructor(
    private readonly host: SiteRetryHost,
    private readonly syncs: SyncController,
    private readonly clock: Clock,
    /** False for an engine started for one command: the retry is recorded, but no timer is armed. */
    private readonly automatic = true,
  ) {}

  /** At engine start: re-arm retries that were pending when it stopped. */
  restore(): void {
    for (const site of this.host.siteCodes()) {
      const next = readSetting<string>(this.host.database(site), RETRY.next);
      if (next !== undefined) this.arm(site, new Date(next));
    }
  }

  state(site: SiteCode): { nextRetry: string | null; failures: number } {
    const db = this.host.database(site);
    return { nextRetry: readSetting<string>(db, RETRY.next) ?? null, failures: readSetting<number>(db, RETRY.failures) ?? 0 };
  }

  /** Runs the pending retry now, instead of at its time. */
  runNow(site: SiteCode) {
    this.timers.get(site)?.();
    this.timers.delete(site);
    return this.syncs.request(site, this.request(site));
  }

  /** After a failed sync: the automatic retry, later after each failure in a row; returns when it runs. */
  afterFailure(site: SiteCode): string {
    const database = this.host.database(site);
    const failures = (readSetting<number>(database, RETRY.failures) ?? 0) + 1;
    const minutes = siteRetryMinutes(readSupConfig(database).retryMinutes, failures);
    const at = new Date(this.clock.now().getTime() + minutes * 60_000);
    inTransaction(database, () => {
      writeSetting(database, RETRY.failures, failures);
      writeSetting(database, RETRY.next, at.toISOString());
    });
    database.save();
    this.host.logFor(site).writeNow(`Sync failed. Will retry in ${minutes} minutes`);
    this.arm(site, at);
    return at.toISOString();
  }

  /** After a successful sync: no retry is pending any more, and the backoff starts again from the interval. */
  afterSuccess(site: SiteCode): void {
    this.forget(site);
  }

  /** No retry pending, no failures counted (a success, or a site that stopped synchronizing). */
  forget(site: SiteCode): void {
    this.timers.get(site)?.();
    this.timers.delete(site);
    const database = this.host.database(site);
    if (readSetting(database, RETRY.next) === undefined && readSetting(database, RETRY.failures) === undefined) return;
    inTransaction(database, () => {
      writeSetting(database, RETRY.next, undefined);
      writeSetting(database, RETRY.failures, undefined);
    });
    database.save();
  }

  close(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private arm(site: SiteCode, at: Date): void {
    if (!this.automatic) return;
    this.timers.get(site)?.();
    this.timers.set(
      site,
      this.clock.setTimer(at, () => {
        this.timers.delete(site);
        this.syncs.request(site, this.request(site));
      }),
    );
  }

  private request(site: SiteCode) {
    const parent = this.host.parentOf(site);
    return parent === null ? { kind: 'full' as const, trigger: 'retry' as const } : { kind: 'full' as const, trigger: 'retry' as const, parent };
  }
}
