/**
 * The site hierarchy at work (SPEC §3.5): after a successful sync a site notifies its children, which run full
 * syncs from it, a few siblings at a time (one failing never holds up the others). What a child syncs from is
 * effective-config.ts and parent-services.ts; a failed sync's retry is retry/site-retry.ts.
 */
import type { SiteCode } from '../../../shared/domain';
import type { TraceLogWriter } from '../log/trace-log-writer';
import { readSetting, writeSetting } from '../storage/settings';
import type { SiteDatabase } from '../storage/site-database';
import { inTransaction } from '../storage/transaction';
import type { SyncController } from '../sync/sync-controller';

export interface ChildNotifierHost {
  /** The children of a site that can sync (their databases open). */
  childrenOf(site: SiteCode): SiteCode[];
  /** Every site that can sync. */
  siteCodes(): SiteCode[];
  database(site: SiteCode): SiteDatabase;
  logFor(site: SiteCode): TraceLogWriter;
}

/**
 * Where a child keeps its parent's notification until it has started the sync it asks for: ConfigMgr's <parent>.SYN
 * file in the child's inbox, here a setting of the child's database, written in a transaction and saved.
 */
export const NOTIFICATION_KEY = 'hierarchy.parentNotification';

interface StoredNotification {
  parent: SiteCode;
  at: string;
}

/** The notification a child holds, if any (the sync it asks for starts by consuming it). */
export function pendingNotification(database: SiteDatabase): StoredNotification | undefined {
  const stored = readSetting<Partial<StoredNotification>>(database, NOTIFICATION_KEY);
  return typeof stored?.parent === 'string' ? { parent: stored.parent, at: String(stored.at ?? '') } : undefined;
}

/** The sync a notification asked for has started: the notification is consumed (saved with the run's first save). */
export function consumeNotification(database: SiteDatabase): void {
  if (pendingNotification(database) === undefined) return;
  inTransaction(database, () => writeSetting(database, NOTIFICATION_KEY, undefined));
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

  /**
   * After a successful sync of `site`: each child is sent a notification, durable in its own database, and syncs
   * from it. An engine started for one command sends them but starts no sync: the next engine that runs delivers
   * them (deliverPending), so a one-shot `usc sync` never loses them.
   */
  afterSuccess(site: SiteCode, now: Date): void {
    const children = this.host.childrenOf(site);
    if (children.length === 0) return;
    this.host.logFor(site).writeNow(`Sending sync notification to child site(s): ${children.join(', ')}`);
    for (const child of children) {
      const database = this.host.database(child);
      inTransaction(database, () => writeSetting(database, NOTIFICATION_KEY, { parent: site, at: now.toISOString() } satisfies StoredNotification));
      database.save();
    }
    if (!this.automatic) {
      this.host
        .logFor(site)
        .writeNow(
          `Child site(s) ${children.join(', ')} will synchronize when the console or usc service runs: a command's engine starts no other synchronization, and their notifications are kept until then.`,
        );
      return;
    }
    for (const child of children) this.queue.push({ child, parent: site });
    this.pump();
  }

  /** At an engine's start: the notifications a command's engine (or a stopped engine) left, delivered now. */
  deliverPending(): void {
    if (!this.automatic) return;
    for (const child of this.host.siteCodes()) {
      const notification = pendingNotification(this.host.database(child));
      if (notification === undefined) continue;
      this.host.logFor(child).writeNow(`Found parent sync notification file ${notification.parent}.SYN, sent ${notification.at}.`);
      this.queue.push({ child, parent: notification.parent });
    }
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
