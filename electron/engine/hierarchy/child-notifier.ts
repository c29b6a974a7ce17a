/**
 * The site hierarchy at work (SPEC §3.5): a child site's source is always its parent, served over the
 * server-server protocol from the parent's site database; after a successful sync a site notifies its children,
 * which run full syncs (a few siblings at a time; one failing never holds up the others); a failed sync retries
 * on its own after the retry interval, backing off for repeated failures, until a success clears it.
 */
import type { SiteCode } from '../../../shared/domain';
import type { TraceLogWriter } from '../log/trace-log-writer';
import type { Clock } from '../schedule/clock';
import type { SiteDatabase } from '../storage/site-database';
import { readSetting, writeSetting } from '../storage/settings';
import { inTransaction } from '../storage/transaction';
import { childSupConfig, readSupConfig, type EffectiveConfig } from '../sync/sup-config';
import type { SyncController } from '../sync/sync-controller';
import { UpstreamService } from '../upstream/service/upstream-service';
import { SiteCatalog } from './site-catalog';

export interface HierarchyHost {
  parentOf(site: SiteCode): SiteCode | null;
  childrenOf(site: SiteCode): SiteCode[];
  topLevelOf(site: SiteCode): SiteCode;
  database(site: SiteCode): SiteDatabase;
  logFor(site: SiteCode): TraceLogWriter;
  siteCodes(): SiteCode[];
  /** The saved proxy password of a top-level site, if any. */
  proxyPassword(site: SiteCode): string | undefined;
}

const RETRY = { next: 'retry.next', failures: 'retry.failures' } as const;
/** Backoff stops doubling at this multiple of the retry interval. */
const MAX_BACKOFF_FACTOR = 8;

export class HierarchyCoordinator {
  private readonly services = new Map<SiteCode, { service: UpstreamService; url: string }>();
  private readonly retryTimers = new Map<SiteCode, () => void>();
  private readonly childQueue: Array<{ child: SiteCode; parent: SiteCode }> = [];
  private childrenRunning = 0;

  constructor(
    private readonly host: HierarchyHost,
    private readonly syncs: SyncController,
    private readonly clock: Clock,
    /** False for an engine started for one command: failures are recorded for the next running engine to retry, but no timer is armed and no child is notified. */
    private readonly automatic = true,
    private readonly siblingLimit = 2,
  ) {}

  /** The settings a site's sync follows: the top-level site's, with the parent as source for a child. */
  async configFor(site: SiteCode): Promise<EffectiveConfig> {
    const own = readSupConfig(this.host.database(site));
    const parent = this.host.parentOf(site);
    const topSite = this.host.topLevelOf(site);
    const effective = parent === null ? own : childSupConfig(readSupConfig(this.host.database(topSite)), own, parent);
    // The proxy is the top-level site's, and so is its password.
    const password = effective.proxy === undefined ? undefined : this.host.proxyPassword(topSite);
    const config = password === undefined ? effective : { ...effective, proxy: { ...effective.proxy!, password } };
    // A child on another machine is pointed at its parent's URL with `usc config --source`; otherwise the parent in
    // this data folder serves it, named in the child's log as the site it is, not as a loopback URL.
    if (parent === null || config.source.kind === 'upstream') return config;
    return { ...config, source: { kind: 'upstream', url: await this.serve(parent) }, serverName: `${parent} (parent site)` };
  }

  /** Serves a site's database as an upstream update server (reused for every child sync). */
  async serve(site: SiteCode, port = 0, bind = '127.0.0.1'): Promise<string> {
    const running = this.services.get(site);
    if (running !== undefined && port === 0) return running.url;
    const top = readSupConfig(this.host.database(this.host.topLevelOf(site)));
    const service = new UpstreamService({
      catalog: new SiteCatalog(() => this.host.database(site), top.languages),
      onServeProblem: (message) => this.host.logFor(site).writeNow(`ERROR: ${message}`),
    });
    const url = await service.listen(port, bind);
    if (running === undefined) this.services.set(site, { service, url });
    return url;
  }

  /** After a successful sync: clear the retry, notify the children. */
  afterSuccess(site: SiteCode): void {
    this.clearRetry(site);
    const children = this.host.childrenOf(site);
    if (children.length > 0 && !this.automatic) {
      this.host
        .logFor(site)
        .writeNow(
          `Child site(s) ${children.join(', ')} were not notified: no console or service is running, and a command's engine starts no other synchronization. They follow on the next synchronization of ${site} run by the console or by usc service.`,
        );
    } else if (children.length > 0) {
      this.host.logFor(site).writeNow(`Sending sync notification to child site(s): ${children.join(', ')}`);
      for (const child of children) this.childQueue.push({ child, parent: site });
      this.pumpChildren();
    }
  }

  /** At engine start: re-arm retries that were pending when it stopped. */
  restoreRetries(): void {
    for (const site of this.host.siteCodes()) {
      const next = readSetting<string>(this.host.database(site), RETRY.next);
      if (next !== undefined) this.armRetry(site, new Date(next));
    }
  }

  retryState(site: SiteCode): { nextRetry: string | null; failures: number } {
    const db = this.host.database(site);
    return { nextRetry: readSetting<string>(db, RETRY.next) ?? null, failures: readSetting<number>(db, RETRY.failures) ?? 0 };
  }

  retryNow(site: SiteCode) {
    this.retryTimers.get(site)?.();
    this.retryTimers.delete(site);
    return this.syncs.request(site, this.retryRequest(site));
  }

  async close(): Promise<void> {
    for (const cancel of this.retryTimers.values()) cancel();
    this.retryTimers.clear();
    this.childQueue.length = 0;
    await Promise.all([...this.services.values()].map((entry) => entry.service.close()));
    this.services.clear();
  }

  private retryRequest(site: SiteCode) {
    return this.host.parentOf(site) === null
      ? { kind: 'full' as const, trigger: 'retry' as const }
      : { kind: 'full' as const, trigger: 'retry' as const, parent: this.host.parentOf(site)! };
  }

  private pumpChildren(): void {
    while (this.childrenRunning < this.siblingLimit && this.childQueue.length > 0) {
      const { child, parent } = this.childQueue.shift()!;
      this.childrenRunning++;
      void this.syncs
        .request(child, { kind: 'full', trigger: 'parent', parent })
        .done.catch(() => undefined)
        .finally(() => {
          this.childrenRunning--;
          this.pumpChildren();
        });
    }
  }

  /** After a failed sync: the automatic retry, later after each failure in a row; returns when it runs. */
  scheduleRetry(site: SiteCode): string {
    const database = this.host.database(site);
    const interval = readSupConfig(database).retryMinutes;
    const failures = (readSetting<number>(database, RETRY.failures) ?? 0) + 1;
    const minutes = interval * Math.min(2 ** (failures - 1), MAX_BACKOFF_FACTOR);
    const at = new Date(this.clock.now().getTime() + minutes * 60_000);
    inTransaction(database, () => {
      writeSetting(database, RETRY.failures, failures);
      writeSetting(database, RETRY.next, at.toISOString());
    });
    database.save();
    this.host.logFor(site).writeNow(`Sync failed. Will retry in ${minutes} minutes`);
    this.armRetry(site, at);
    return at.toISOString();
  }

  private armRetry(site: SiteCode, at: Date): void {
    if (!this.automatic) return;
    this.retryTimers.get(site)?.();
    this.retryTimers.set(
      site,
      this.clock.setTimer(at, () => {
        this.retryTimers.delete(site);
        this.syncs.request(site, this.retryRequest(site));
      }),
    );
  }

  private clearRetry(site: SiteCode): void {
    this.retryTimers.get(site)?.();
    this.retryTimers.delete(site);
    const database = this.host.database(site);
    if (readSetting(database, RETRY.next) === undefined && readSetting(database, RETRY.failures) === undefined) return;
    inTransaction(database, () => {
      writeSetting(database, RETRY.next, undefined);
      writeSetting(database, RETRY.failures, undefined);
    });
    database.save();
  }
}
