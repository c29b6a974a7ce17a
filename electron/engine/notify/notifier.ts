/**
 * Tells the administrators of every synchronization, whoever ran it (a console, the scheduler, a parent's request,
 * a one-shot `usc sync`): the engine hands each finished run here, which queues its notification in the site's
 * outbox (outbox.ts) when the top-level site's settings ask for it, and delivers it: a mail to the recipients and
 * the digest document to each webhook. A failed delivery is retried with backoff (NOTIFY_RETRY_DELAYS_MS), each
 * attempt logged; one that still fails is status message 6790 of USC_NOTIFIER (this console's own ID, not
 * ConfigMgr's), which Component Status shows. Scheduled digests are queued the same way.
 */
import { digestHtml, digestSubject, digestText } from '../../../shared/digest-text';
import type { SiteCode, SyncRun } from '../../../shared/domain';
import { ApiError } from '../../../shared/errors';
import { NOTIFY_LISTED_UPDATES, NOTIFY_OFF, NotifySettingsSchema, type DeliveryResult, type NotifySettings, type SyncDigest } from '../../../shared/notify';
import type { TraceLogWriter } from '../log/trace-log-writer';
import type { Clock } from '../schedule/clock';
import { reportStatus } from '../log/status-messages';
import type { CredentialStore } from '../storage/credential-store';
import { readSetting, writeSetting } from '../storage/settings';
import type { SiteDatabase } from '../storage/site-database';
import type { SiteRegistry } from '../storage/site-registry';
import { inTransaction } from '../storage/transaction';
import { buildDigest } from './digest';
import { runsEndedBetween } from '../storage/digest-rows';
import { changeOutbox, lastDigestAt, markDigest, queueDigest, queueRun, readOutbox, skipRun, type Delivery, type OutboxEntry } from './outbox';
import { postWebhook, sendMail, type Transport } from './senders';

export const NOTIFY_COMPONENT = 'USC_NOTIFIER';
export const NOTIFY_FAILED_STATUS = 6790;
const SETTINGS_KEY = 'notify.settings';
/** Waits before the 2nd, 3rd, … attempt of a delivery: 1, 5, 15 minutes; after the last, 6790. */
export const NOTIFY_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000];
const HOUR = 3_600_000;
const UNIT_MS = { hours: HOUR, days: 24 * HOUR, weeks: 7 * 24 * HOUR } as const;

export interface NotifierParts {
  sites: SiteRegistry;
  credentials: CredentialStore;
  /** The engine's clock: digests are due by it (a test's clock moves them), deliveries retry in real time. */
  clock: Clock;
  logFor: (site: SiteCode) => TraceLogWriter;
  topLevelOf: (site: SiteCode) => SiteCode;
  /** When the automatic retry of the site's failed sync runs (ISO), if one is scheduled. */
  retryAtOf: (site: SiteCode) => string | null;
  /** The top-level site's proxy and extra CA certificates, as its syncs use them. */
  transportOf: (site: SiteCode) => Transport;
  /** Instead of NOTIFY_RETRY_DELAYS_MS (tests). */
  retryDelaysMs?: number[];
  /** Instead of NOTIFY_LISTED_UPDATES (tests). */
  listLimit?: number;
}

export function readNotifySettings(database: SiteDatabase): NotifySettings {
  const stored = readSetting<unknown>(database, SETTINGS_KEY);
  const parsed = NotifySettingsSchema.safeParse(stored);
  return parsed.success ? parsed.data : NOTIFY_OFF;
}

export function writeNotifySettings(database: SiteDatabase, settings: NotifySettings): void {
  inTransaction(database, () => writeSetting(database, SETTINGS_KEY, settings));
  database.save();
}

export class Notifier {
  private work: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private digestTimers: Array<() => void> = [];
  private closed = false;

  constructor(private readonly parts: NotifierParts) {}

  private now(): Date {
    return this.parts.clock.now();
  }

  /** Delivers what earlier engines left in the outboxes, and starts the digest schedule. */
  start(): void {
    this.kick();
    this.scheduleDigests();
  }

  /** The settings of a site changed: its digest is due by the new interval. */
  settingsChanged(): void {
    if (!this.closed) this.scheduleDigests();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const cancel of this.digestTimers.splice(0)) cancel();
  }

  settingsOf(site: SiteCode): NotifySettings {
    return readNotifySettings(this.parts.sites.database(this.parts.topLevelOf(site)));
  }

  /** A finished run: queued for its recipients when the settings ask for its outcome, and delivered. */
  afterRun(run: SyncRun): void {
    if (this.closed || run.outcome === 'running') return;
    const database = this.parts.sites.database(run.site);
    const settings = this.settingsOf(run.site);
    const event = run.outcome === 'succeeded' ? 'success' : run.outcome === 'failed' ? 'failure' : undefined;
    // A success tells only of new updates ("sync succeeded with new updates"); a cancelled run tells of nothing.
    const wanted = settings.enabled && event !== undefined && settings.on.includes(event) && (event === 'failure' || run.counts.new + run.counts.modified > 0);
    if (!wanted) {
      skipRun(database, run.runId);
      return;
    }
    const entry: OutboxEntry = {
      id: `${run.site}-run-${run.runId}`,
      event,
      runIds: [run.runId],
      createdAt: this.now().toISOString(),
      deliveries: deliveriesFor(settings),
    };
    if (queueRun(database, run.runId, entry)) {
      this.parts
        .logFor(run.site)
        .writeNow(`Queued notification ${entry.id} (${entry.event}) for ${entry.deliveries.map((delivery) => delivery.target).join('; ')}.`);
      this.kick();
    }
  }

  /**
   * Waits (at most `timeoutMs`) until each delivery of a run's notification was tried once, and says where each
   * stands: a one-shot `usc sync` reports it before it returns. Undefined when the run notifies nobody.
   */
  async awaitRun(site: SiteCode, runId: number, timeoutMs: number): Promise<Delivery[] | undefined> {
    const id = `${site}-run-${runId}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const entry = readOutbox(this.parts.sites.database(site)).find((candidate) => candidate.id === id);
      if (entry === undefined) return undefined;
      if (entry.deliveries.every((delivery) => delivery.attempts > 0) || Date.now() >= deadline) return entry.deliveries;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends a test message to every recipient and webhook now, outside the outbox, and returns what each answered. */
  async sendTest(site: SiteCode, settings: NotifySettings = this.settingsOf(site), password?: string): Promise<DeliveryResult[]> {
    const top = this.parts.topLevelOf(site);
    if (settings.recipients.length === 0 && settings.webhooks.length === 0)
      throw new ApiError(
        'NOT_ALLOWED',
        `${top} has no recipients or webhooks to send a test message to: set them first (usc notify --site ${top} --to … or --webhook …).`,
      );
    const now = this.now();
    const digest: SyncDigest = {
      ...buildDigest(this.parts.sites.database(site), { site: this.siteName(site), event: 'test', id: `${site}-test-${now.getTime()}`, now, runIds: [] }),
    };
    const results = await Promise.all(this.send(top, settings, digest, deliveriesFor(settings), password));
    for (const result of results) {
      this.parts.logFor(site).writeNow(`${result.ok ? '' : 'WARNING: '}Test message to ${result.target}: ${result.answer}`);
    }
    return results;
  }

  /** The digest a notification carries, built now from the site's rows. */
  digestOf(site: SiteCode, options: { event: SyncDigest['event']; id: string; runIds?: number[]; since?: string; listLimit?: number }): SyncDigest {
    return buildDigest(this.parts.sites.database(site), {
      site: this.siteName(site),
      now: this.now(),
      retryAt: this.parts.retryAtOf(site),
      ...options,
    });
  }

  private siteName(site: SiteCode): { code: SiteCode; name: string } {
    const described = this.parts.sites.get(site);
    return { code: described.code, name: described.name };
  }

  /** Runs the deliveries that are due, one notification at a time, then sleeps until the next is due. */
  private kick(): void {
    if (this.closed) return;
    this.work = this.work
      .then(() => this.deliverDue())
      .catch((error: unknown) => {
        // A site that cannot be read or saved: said once in the console's log of the engine, and tried again later.
        console.error(`Notifications: ${error instanceof Error ? error.message : String(error)}`);
      });
  }

  private async deliverDue(): Promise<void> {
    clearTimeout(this.timer);
    let next = Infinity;
    for (const described of this.parts.sites.list()) {
      if (described.health.state !== 'ok') continue;
      const site = described.code;
      const database = this.parts.sites.database(site);
      for (const entry of readOutbox(database)) {
        const due = entry.deliveries.filter((delivery) => delivery.state === 'pending' && Date.parse(delivery.nextAt) <= Date.now());
        if (due.length > 0) await this.deliver(site, database, entry, due);
      }
      for (const entry of readOutbox(database))
        for (const delivery of entry.deliveries) if (delivery.state === 'pending') next = Math.min(next, Date.parse(delivery.nextAt));
    }
    if (next !== Infinity && !this.closed) {
      this.timer = setTimeout(() => this.kick(), Math.max(0, next - Date.now()));
      this.timer.unref();
    }
  }

  private async deliver(site: SiteCode, database: SiteDatabase, entry: OutboxEntry, due: Delivery[]): Promise<void> {
    const settings = this.settingsOf(site);
    const digest = this.digestOf(site, {
      event: entry.event,
      id: entry.id,
      runIds: entry.runIds,
      listLimit: this.parts.listLimit ?? NOTIFY_LISTED_UPDATES,
      ...(entry.since === undefined ? {} : { since: entry.since }),
    });
    const results = await Promise.all(this.send(this.parts.topLevelOf(site), settings, digest, due));
    const delays = this.parts.retryDelaysMs ?? NOTIFY_RETRY_DELAYS_MS;
    const log = this.parts.logFor(site);
    const givenUp: Array<{ delivery: Delivery; answer: string }> = [];
    changeOutbox(database, (entries) =>
      entries.map((stored) => {
        if (stored.id !== entry.id) return stored;
        return {
          ...stored,
          deliveries: stored.deliveries.map((delivery) => {
            const index = due.findIndex((candidate) => candidate.channel === delivery.channel && candidate.target === delivery.target);
            if (index < 0 || delivery.state !== 'pending') return delivery;
            const result = results[index]!;
            const attempts = delivery.attempts + 1;
            if (result.ok) {
              log.writeNow(`Notification ${entry.id} delivered to ${delivery.target}: ${result.answer}`);
              return { ...delivery, state: 'delivered', attempts, answer: result.answer };
            }
            if (attempts > delays.length) {
              givenUp.push({ delivery, answer: result.answer });
              log.writeNow(`ERROR: Notification ${entry.id} could not be delivered to ${delivery.target} after ${attempts} attempts: ${result.answer}`);
              return { ...delivery, state: 'failed', attempts, answer: result.answer };
            }
            const wait = delays[attempts - 1]!;
            log.writeNow(
              `WARNING: Notification ${entry.id} to ${delivery.target} failed (attempt ${attempts} of ${delays.length + 1}): ${result.answer}. Retrying in ${Math.round(wait / 1000)} s.`,
            );
            return { ...delivery, attempts, answer: result.answer, nextAt: new Date(Date.now() + wait).toISOString() };
          }),
        };
      }),
    );
    if (givenUp.length > 0) {
      inTransaction(database, () => {
        for (const { delivery, answer } of givenUp) {
          reportStatus(database, log, {
            id: NOTIFY_FAILED_STATUS,
            severity: 'E',
            site,
            time: this.now(),
            component: NOTIFY_COMPONENT,
            insertionStrings: [entry.id, delivery.channel === 'mail' ? `mail to ${delivery.target}` : `webhook ${delivery.target}`, answer],
          });
        }
      });
      database.save();
    }
  }

  private send(
    top: SiteCode,
    settings: NotifySettings,
    digest: SyncDigest,
    deliveries: Array<Pick<Delivery, 'channel' | 'target'>>,
    password = this.parts.credentials.smtpPassword(top),
  ): Array<Promise<DeliveryResult>> {
    const transport = this.parts.transportOf(top);
    const body = JSON.stringify(digest);
    return deliveries.map((delivery) => {
      if (delivery.channel === 'webhook') {
        const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(delivery.target).hostname);
        const { proxy, ...direct } = transport;
        return postWebhook(delivery.target, body, loopback || proxy === undefined ? direct : { ...direct, proxy });
      }
      if (settings.smtp === null) return Promise.resolve({ channel: 'mail', target: delivery.target, ok: false, answer: 'No SMTP server is set.' });
      return sendMail(
        settings.smtp,
        password,
        delivery.target.split(', '),
        { subject: digestSubject(digest), text: digestText(digest), html: digestHtml(digest), messageId: `<${digest.id}@update-sync-console>` },
        { ...(transport.extraCaCertificates === undefined ? {} : { extraCaCertificates: transport.extraCaCertificates }) },
      );
    });
  }

  /** Arms a timer, on the engine's clock, for each top-level site's next digest. */
  private scheduleDigests(): void {
    for (const cancel of this.digestTimers.splice(0)) cancel();
    const now = this.now();
    for (const described of this.parts.sites.list()) {
      if (described.health.state !== 'ok' || described.parentCode !== null) continue;
      const database = this.parts.sites.database(described.code);
      const settings = readNotifySettings(database);
      if (!settings.enabled || !settings.on.includes('digest') || settings.digestEvery === null) continue;
      let last = lastDigestAt(database);
      if (last === undefined) {
        // The first digest comes one interval after digests were turned on, covering that interval.
        last = now.toISOString();
        markDigest(database, last);
      }
      const due = new Date(Date.parse(last) + settings.digestEvery.every * UNIT_MS[settings.digestEvery.unit]);
      this.digestTimers.push(this.parts.clock.setTimer(due, () => this.queueDigestsDue()));
    }
  }

  /** Queues each top-level site's digest whose interval has passed since the last one, then arms the next. */
  private queueDigestsDue(): void {
    if (this.closed) return;
    const now = this.now();
    let queued = false;
    for (const described of this.parts.sites.list()) {
      if (described.health.state !== 'ok' || described.parentCode !== null) continue;
      const database = this.parts.sites.database(described.code);
      const settings = readNotifySettings(database);
      const last = lastDigestAt(database);
      if (!settings.enabled || !settings.on.includes('digest') || settings.digestEvery === null || last === undefined) continue;
      if (now.getTime() - Date.parse(last) < settings.digestEvery.every * UNIT_MS[settings.digestEvery.unit]) continue;
      const entry: OutboxEntry = {
        id: `${described.code}-digest-${now.toISOString()}`,
        event: 'digest',
        runIds: runsEndedBetween(database, last, now.toISOString(), false),
        since: last,
        createdAt: now.toISOString(),
        deliveries: deliveriesFor(settings),
      };
      queueDigest(database, now.toISOString(), entry);
      this.parts.logFor(described.code).writeNow(`Queued the digest ${entry.id} of the synchronizations since ${last}.`);
      queued = true;
    }
    if (queued) this.kick();
    this.scheduleDigests();
  }
}

function deliveriesFor(settings: NotifySettings): Delivery[] {
  const now = new Date(Date.now()).toISOString();
  const pending = { state: 'pending' as const, attempts: 0, nextAt: now, answer: null };
  return [
    ...(settings.recipients.length === 0 || settings.smtp === null ? [] : [{ channel: 'mail' as const, target: settings.recipients.join(', '), ...pending }]),
    ...settings.webhooks.map((url) => ({ channel: 'webhook' as const, target: url, ...pending })),
  ];
}
