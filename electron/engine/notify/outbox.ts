/**
 * The notifications a site owes, kept in its database until each recipient and webhook took them or their retries
 * ran out: an engine that stops (a one-shot `usc sync`, a crash) leaves them to the next engine, and a delivered one
 * is never sent again. A run is queued once (`queuedThrough`), however often the engine restarts.
 */
import { readSetting, writeSetting } from '../storage/settings';
import type { SiteDatabase } from '../storage/site-database';
import { inTransaction } from '../storage/transaction';

const OUTBOX_KEY = 'notify.outbox';
const QUEUED_THROUGH_KEY = 'notify.queuedThrough';
const LAST_DIGEST_KEY = 'notify.lastDigestAt';
/** Entries kept once settled (delivered or given up): what `usc notify` shows of the recent past. */
const SETTLED_KEPT = 50;

export interface Delivery {
  channel: 'mail' | 'webhook';
  /** The recipients (mail) or the URL (webhook). */
  target: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** When the next attempt is due (ISO), while pending. */
  nextAt: string;
  /** What the server answered last. */
  answer: string | null;
}

export interface OutboxEntry {
  id: string;
  event: 'failure' | 'success' | 'digest';
  runIds: number[];
  /** A digest's period start. */
  since?: string;
  createdAt: string;
  deliveries: Delivery[];
}

export function readOutbox(site: SiteDatabase): OutboxEntry[] {
  return readSetting<OutboxEntry[]>(site, OUTBOX_KEY) ?? [];
}

/** Changes the outbox in one transaction and saves it: a delivery's state is durable before the next one starts. */
export function changeOutbox(site: SiteDatabase, change: (entries: OutboxEntry[]) => OutboxEntry[]): void {
  inTransaction(site, () => {
    const changed = change(readOutbox(site));
    const open = changed.filter((entry) => entry.deliveries.some((delivery) => delivery.state === 'pending'));
    const settled = changed.filter((entry) => !open.includes(entry)).slice(-SETTLED_KEPT);
    writeSetting(site, OUTBOX_KEY, [...settled, ...open]);
  });
  site.save();
}

/** Queues a run's notification, unless that run (or a later one) was queued before. */
export function queueRun(site: SiteDatabase, runId: number, entry: OutboxEntry): boolean {
  if ((readSetting<number>(site, QUEUED_THROUGH_KEY) ?? 0) >= runId) return false;
  inTransaction(site, () => {
    writeSetting(site, QUEUED_THROUGH_KEY, runId);
    writeSetting(site, OUTBOX_KEY, [...readOutbox(site), entry]);
  });
  site.save();
  return true;
}

/** Marks runs as told without queuing anything (notifications off): turning them on later does not tell of the past. */
export function skipRun(site: SiteDatabase, runId: number): void {
  if ((readSetting<number>(site, QUEUED_THROUGH_KEY) ?? 0) >= runId) return;
  inTransaction(site, () => writeSetting(site, QUEUED_THROUGH_KEY, runId));
  site.save();
}

export function lastDigestAt(site: SiteDatabase): string | undefined {
  return readSetting<string>(site, LAST_DIGEST_KEY);
}

/** Starts the digest schedule: the first digest covers the interval from now. */
export function markDigest(site: SiteDatabase, at: string): void {
  inTransaction(site, () => writeSetting(site, LAST_DIGEST_KEY, at));
  site.save();
}

export function queueDigest(site: SiteDatabase, at: string, entry: OutboxEntry): void {
  inTransaction(site, () => {
    writeSetting(site, LAST_DIGEST_KEY, at);
    writeSetting(site, OUTBOX_KEY, [...readOutbox(site), entry]);
  });
  site.save();
}
