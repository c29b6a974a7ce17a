/**
 * The site hierarchy at work (SPEC §3.5): after a successful sync a site notifies its children, which run full
 * syncs from it, a few siblings at a time (one failing never holds up the others). What a child syncs from is
 * effective-config.ts and parent-services.ts; a failed sync's retry is retry/site-retry.ts.
 */
import type { SiteCode } from '../../../shared/domain';
import type { TraceLogWriter } from '../log/trace-log-writer';
import type { SyncController } from '../sync/sync-controller';

export interface ChildNotifierHost {
  /** The children of a site that can sync (their databases open). */
  childrenOf(site: SiteCode): SiteCode[];
  logFor(site: SiteCode): TraceLogWriter;
}

export class ChildNotifier {
  private readonly queue: Array<{ child: SiteCode; parent: SiteCode }> = [];
  private running = 0;

  constructor(
    private readonly host: ChildNotifierHost,
    private readonly syncs: SyncController,
    /** False for an engine started for one command: no child is notified (it says so in the log). */
    private readonly automatic = true,
    private readonly siblingLimit = 2,
  ) {}

  /** After a successful sync of `site`: its children sync from it. */
  afterSuccess(site: SiteCode): void {
    const children = this.host.childrenOf(site);
    if (children.length === 0) return;
    if (!this.automatic) {
      this.host
        .logFor(site)
        .writeNow(
          `Child site(s) ${children.join(', ')} were not notified: no console or service is running, and a command's engine starts no other synchronization. They follow on the next synchronization of ${site} run by the console or by usc service.`,
        );
      return;
    }
    this.host.logFor(site).writeNow(`Sending sync notification to child site(s): ${children.join(', ')}`);
    for (const child of children) this.queue.push({ child, parent: site });
    this.pump();
  }

  close(): void {
    this.queue.length = 0;
  }

  private pump(): void {
    while (this.running < this.siblingLimit && this.queue.length > 0) {
      const { child, parent } = this.queue.shift()!;
      this.running++;
      void this.syncs
        .request(child, { kind: 'full', trigger: 'parent', parent })
        .done.catch(() => undefined)
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}
