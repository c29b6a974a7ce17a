/**
 * E-mail and webhook notifications against real servers on 127.0.0.1: an SMTP server (smtp-server) with STARTTLS on
 * a certificate of the test's own CA and a login, and an HTTP webhook receiver. The mail received is parsed and its
 * digest compared with the run's history and changes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyncDigestSchema, type NotifySettings } from '../../../shared/notify';
import { makeCertificates } from '../../helpers/certificates';
import { startMailServer, type MailServer } from '../../helpers/mail-server';
import { useSyncFixture } from '../../helpers/sync-fixture';
import { builtPaths } from '../../helpers/built';
import { runUsc } from '../../helpers/usc-process';
import { startReceiver } from '../../helpers/webhook-receiver';
import { ManualClock } from '../../helpers/manual-clock';

const fixture = useSyncFixture();

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const mailSettings = (mail: MailServer, on: NotifySettings['on'] = ['failure', 'success']): NotifySettings => ({
  enabled: true,
  smtp: { host: '127.0.0.1', port: mail.port, security: 'starttls', user: 'usc', from: 'usc@example.test' },
  recipients: ['ops@example.test', 'change-board@example.test'],
  on,
  digestEvery: null,
  webhooks: [],
});

describe('notifications', () => {
  it('mails a sync that brought new updates (STARTTLS, login), and the digest in the mail is the run as history and changes tell it', async () => {
    const certificates = makeCertificates(fixture.tempDir());
    const mail = await startMailServer({ key: certificates.key, cert: certificates.cert, user: 'usc', password: 's3cret' });
    try {
      const { url } = await fixture.service({ updates: 60, seed: 71 });
      const engine = await fixture.engine(fixture.tempDir());
      await fixture.configure(engine, url, { extraCaCertificates: [certificates.ca] });
      const view = await engine.call('setNotifySettings', { site: 'CEN', settings: mailSettings(mail), password: 's3cret' });
      expect(view.passwordSaved).toBe(true);
      expect(JSON.stringify(view)).not.toContain('s3cret');

      const run = await fixture.sync(engine, 'full');
      expect(run.outcome).toBe('succeeded');
      const { deliveries } = await engine.call('awaitNotifications', { site: 'CEN', runId: run.runId, timeoutMs: 20_000 });
      expect(deliveries).toEqual([expect.objectContaining({ channel: 'mail', state: 'delivered', attempts: 1, answer: expect.stringMatching(/^250 /) })]);
      expect(mail.received).toHaveLength(1);
      expect(mail.envelopes[0]).toEqual(['ops@example.test', 'change-board@example.test']);
      const received = mail.received[0]!;
      expect(received.messageId).toBe(`<CEN-run-${run.runId}@update-sync-console>`);
      expect(received.subject).toMatch(/^\[Update Sync Console\] CEN - Central Site: synchronized, \d+ new, 0 revised, 0 expired$/);

      // The digest names every update the run's changes list, with its KB, and the counts match history.
      const changes = await engine.call('querySyncChanges', { site: 'CEN', runId: run.runId });
      const text = received.text ?? '';
      const added = changes.filter((change) => change.change === 'added');
      expect(received.subject).toContain(`${added.length} new`);
      for (const change of changes) {
        expect(text).toContain(change.title);
        if (change.kb !== null) expect(text).toContain(`KB${change.kb}`);
      }
      const [history] = await engine.call('querySyncHistory', { site: 'CEN', limit: 1 });
      expect(text).toContain(`Run ${history!.runId} (full, schedule) succeeded`);
      expect(text).toContain(`${history!.counts.new} new, ${history!.counts.modified} revised`);
      // Security updates first, their critical ones before the important ones.
      const classifications = [...text.matchAll(/^(\S[^\n]*Updates)$/gm)].map((match) => match[1]);
      if (classifications.includes('Security Updates')) expect(classifications[0]).toBe('Security Updates');
      expect(received.html).toEqual(expect.stringContaining('<table'));
    } finally {
      await mail.close();
    }
  });

  it('reports a refused login word for word from the test message, and a server that is down: retried with backoff, then 6790 in Component Status', async () => {
    const certificates = makeCertificates(fixture.tempDir());
    const mail = await startMailServer({ key: certificates.key, cert: certificates.cert, user: 'usc', password: 's3cret' });
    const { url } = await fixture.service({ updates: 20, seed: 72 });
    const engine = await fixture.engine(fixture.tempDir(), { notifyRetryDelaysMs: [50, 100] });
    await fixture.configure(engine, url, { extraCaCertificates: [certificates.ca] });
    await engine.call('setNotifySettings', { site: 'CEN', settings: mailSettings(mail), password: 'wrong' });
    const { results } = await engine.call('testNotifications', { site: 'CEN' });
    expect(results).toEqual([
      {
        channel: 'mail',
        target: 'ops@example.test, change-board@example.test',
        ok: false,
        answer: expect.stringMatching(/^535 .*Authentication credentials invalid/),
      },
    ]);
    // The right password, tried before it is saved: accepted.
    const tried = await engine.call('testNotifications', { site: 'CEN', password: 's3cret' });
    expect(tried.results[0]).toMatchObject({ ok: true, answer: expect.stringMatching(/^250 /) });
    expect(mail.received.at(-1)?.subject).toBe('[Update Sync Console] Test message from CEN - Central Site');
    await mail.close();

    // The server is gone: each attempt fails, is logged and retried; after the last, 6790 of USC_NOTIFIER.
    const run = await fixture.sync(engine, 'full');
    const settled = await until(
      () => engine.call('awaitNotifications', { site: 'CEN', runId: run.runId, timeoutMs: 0 }),
      (answer) => answer.deliveries?.[0]?.state === 'failed',
    );
    expect(settled.deliveries![0]).toMatchObject({ state: 'failed', attempts: 3, answer: expect.stringMatching(/ECONNREFUSED|ECONNECTION|connect/i) });
    const log = (await engine.call('readLogTail', { site: 'CEN', maxLines: 10_000 })).lines.map((line) => line.text);
    expect(
      log.filter((line) => /^WARNING: Notification CEN-run-\d+ to ops@example.test, change-board@example.test failed \(attempt [12] of 3\)/.test(line)),
    ).toHaveLength(2);
    const messages = await engine.call('queryStatusMessages', { site: 'CEN', limit: 100 });
    expect(messages.find((message) => message.id === 6790)).toMatchObject({
      severity: 'E',
      component: 'USC_NOTIFIER',
      description: expect.stringMatching(/^A notification could not be delivered after its retries\. Notification CEN-run-\d+, mail to ops@example\.test/),
    });
    const components = await engine.call('getComponentStatus', { site: 'CEN' });
    expect(components.find((component) => component.component === 'USC_NOTIFIER')).toMatchObject({ state: 'critical' });
  });

  it('retries a webhook that answers 500 twice, then 200; never sends a run twice, across an engine restart either', async () => {
    const receiver = await startReceiver([500, 500, 200]);
    try {
      const { url } = await fixture.service({ updates: 30, seed: 73 });
      const dir = fixture.tempDir();
      let engine = await fixture.engine(dir, { notifyRetryDelaysMs: [50, 50, 50] });
      await fixture.configure(engine, url);
      await engine.call('setNotifySettings', {
        site: 'CEN',
        settings: { enabled: true, smtp: null, recipients: [], on: ['success'], digestEvery: null, webhooks: [receiver.url] },
      });
      const run = await fixture.sync(engine, 'full');
      const settled = await until(
        () => engine.call('awaitNotifications', { site: 'CEN', runId: run.runId, timeoutMs: 0 }),
        (answer) => answer.deliveries?.[0]?.state === 'delivered',
      );
      expect(settled.deliveries![0]).toMatchObject({ state: 'delivered', attempts: 3, answer: 'HTTP 200: ok' });
      expect(receiver.statuses).toEqual([500, 500, 200]);
      const digest = SyncDigestSchema.parse(JSON.parse(receiver.bodies.at(-1)!));
      expect(digest).toMatchObject({ schema: 'update-sync-console/sync-digest', version: 1, event: 'success', id: `CEN-run-${run.runId}` });
      expect(digest.runs.map((entry) => entry.runId)).toEqual([run.runId]);
      expect(digest.counts.added).toBe(
        (await engine.call('querySyncChanges', { site: 'CEN', runId: run.runId })).filter((change) => change.change === 'added').length,
      );
      expect(digest.text).toMatch(/^CEN - Central Site: synchronized, \d+ new/);
      // The same digest as usc digest gives for that run.
      expect(await engine.call('getSyncDigest', { site: 'CEN', runId: run.runId })).toMatchObject({ groups: digest.groups, counts: digest.counts });

      // Restarted: nothing is sent again; a delta sync with nothing new tells nobody (success with new updates only).
      await engine.close();
      engine = await fixture.engine(dir, { notifyRetryDelaysMs: [50, 50, 50] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.statuses).toHaveLength(3);
      const quiet = await fixture.sync(engine, 'delta');
      expect((await engine.call('awaitNotifications', { site: 'CEN', runId: quiet.runId, timeoutMs: 0 })).deliveries).toBeNull();
      expect(receiver.statuses).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  it('hands an undelivered notification to the next engine, which delivers it once', async () => {
    const failing = await startReceiver([503]);
    const { url } = await fixture.service({ updates: 20, seed: 74 });
    const dir = fixture.tempDir();
    let engine = await fixture.engine(dir, { notifyRetryDelaysMs: [200, 200] });
    await fixture.configure(engine, url);
    const port = new URL(failing.url).port;
    await engine.call('setNotifySettings', {
      site: 'CEN',
      settings: { enabled: true, smtp: null, recipients: [], on: ['success'], digestEvery: null, webhooks: [failing.url] },
    });
    const run = await fixture.sync(engine, 'full');
    const first = await engine.call('awaitNotifications', { site: 'CEN', runId: run.runId, timeoutMs: 10_000 });
    expect(first.deliveries![0]).toMatchObject({ state: 'pending', attempts: 1, answer: 'HTTP 503: receiver failed' });
    await engine.close();
    await failing.close();

    // The receiver is back (same port); the next engine finds the notification in the outbox and delivers it.
    const back = await startReceiver([200], Number(port));
    try {
      engine = await fixture.engine(dir, { notifyRetryDelaysMs: [200, 200] });
      const delivered = await until(
        () => engine.call('awaitNotifications', { site: 'CEN', runId: run.runId, timeoutMs: 0 }),
        (answer) => answer.deliveries?.[0]?.state === 'delivered',
      );
      expect(delivered.deliveries![0]).toMatchObject({ state: 'delivered', attempts: 2 });
      expect(back.bodies).toHaveLength(1);
      expect(JSON.parse(back.bodies[0]!)).toMatchObject({ id: `CEN-run-${run.runId}` });
    } finally {
      await back.close();
    }
  });

  it("tells of a failed sync with the error, Error Lookup's advice, what was kept and when the retry runs", async () => {
    const receiver = await startReceiver([200]);
    try {
      const engine = await fixture.engine(fixture.tempDir());
      // Nothing listens there: the sync fails to connect.
      await fixture.configure(engine, 'http://127.0.0.1:9');
      await engine.call('setNotifySettings', {
        site: 'CEN',
        settings: { enabled: true, smtp: null, recipients: [], on: ['failure'], digestEvery: null, webhooks: [receiver.url] },
      });
      const run = await fixture.sync(engine, 'full');
      expect(run.outcome).toBe('failed');
      await engine.call('awaitNotifications', { site: 'CEN', runId: run.runId, timeoutMs: 10_000 });
      const digest = SyncDigestSchema.parse(JSON.parse(receiver.bodies[0]!));
      expect(digest.event).toBe('failure');
      expect(digest.runs[0]).toMatchObject({
        runId: run.runId,
        outcome: 'failed',
        error: { code: run.error!.code, message: run.error!.message, meaning: expect.any(String), check: expect.any(String) },
        kept: expect.stringMatching(/are kept; the next synchronization fetches the rest\.$/),
        retryAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(digest.text).toMatch(new RegExp(`^CEN - Central Site: synchronization failed \\(${run.error!.code}\\)$`));
    } finally {
      await receiver.close();
    }
  });

  // A first sync brings tens of thousands of updates: one mail listing them all would pass what a mail server or a
  // chat accepts. A notification lists the most important; the counts stay whole; usc digest lists every one.
  it('lists at most its limit of updates in a notification, the most important first, and says how many more', async () => {
    const receiver = await startReceiver([200]);
    try {
      const { url } = await fixture.service({ updates: 80, seed: 77 });
      const engine = await fixture.engine(fixture.tempDir(), { notifyListLimit: 5 });
      await fixture.configure(engine, url);
      await engine.call('setNotifySettings', {
        site: 'CEN',
        settings: { enabled: true, smtp: null, recipients: [], on: ['success'], digestEvery: null, webhooks: [receiver.url] },
      });
      const run = await fixture.sync(engine, 'full');
      await engine.call('awaitNotifications', { site: 'CEN', runId: run.runId, timeoutMs: 10_000 });
      const sent = SyncDigestSchema.parse(JSON.parse(receiver.bodies[0]!));
      const listed = sent.groups.flatMap((group) => group.products.flatMap((product) => product.updates));
      expect(listed).toHaveLength(5);
      const total = sent.counts.added + sent.counts.revised + sent.counts.expired + sent.counts.removed;
      expect(total).toBeGreaterThan(5);
      expect(sent.omitted).toBe(total - 5);
      // The whole digest: every update, in the same order, the listed ones first.
      const whole = await engine.call('getSyncDigest', { site: 'CEN', runId: run.runId });
      expect(whole.omitted).toBe(0);
      const all = whole.groups.flatMap((group) => group.products.flatMap((product) => product.updates));
      expect(all).toHaveLength(total);
      expect(sent.groups[0]!.classification).toBe(whole.groups[0]!.classification);
      expect(Math.min(...listed.map((update) => ['Critical', 'Important', 'Moderate', 'Low'].indexOf(update.severity ?? '') >>> 0))).toBe(
        Math.min(...all.map((update) => ['Critical', 'Important', 'Moderate', 'Low'].indexOf(update.severity ?? '') >>> 0)),
      );
    } finally {
      await receiver.close();
    }
  });

  it('sends the digest when its interval has passed on the engine clock, covering the runs since the last one', async () => {
    const receiver = await startReceiver([200]);
    try {
      const { url } = await fixture.service({ updates: 30, seed: 75 });
      const clock = new ManualClock(Date.parse('2026-03-02T08:00:00Z'));
      const engine = await fixture.engine(fixture.tempDir(), { clock });
      await fixture.configure(engine, url);
      await engine.call('setNotifySettings', {
        site: 'CEN',
        settings: { enabled: true, smtp: null, recipients: [], on: ['digest'], digestEvery: { every: 1, unit: 'hours' }, webhooks: [receiver.url] },
      });
      clock.advanceTo('2026-03-02T08:10:00Z');
      const run = await fixture.sync(engine, 'full');
      // Not told of the run itself (only the digest is asked for).
      expect((await engine.call('awaitNotifications', { site: 'CEN', runId: run.runId, timeoutMs: 0 })).deliveries).toBeNull();
      expect(receiver.bodies).toHaveLength(0);
      clock.advanceTo('2026-03-02T09:00:00Z');
      await until(
        () => receiver.bodies.length,
        (length) => length === 1,
      );
      const digest = SyncDigestSchema.parse(JSON.parse(receiver.bodies[0]!));
      expect(digest).toMatchObject({ event: 'digest', period: { from: '2026-03-02T08:00:00.000Z', to: '2026-03-02T09:00:00.000Z' } });
      expect(digest.runs.map((entry) => entry.runId)).toEqual([run.runId]);
      expect(digest.counts.added).toBeGreaterThan(0);
      // The next hour had no run: its digest says so.
      clock.advanceTo('2026-03-02T10:00:00Z');
      await until(
        () => receiver.bodies.length,
        (length) => length === 2,
      );
      expect(SyncDigestSchema.parse(JSON.parse(receiver.bodies[1]!))).toMatchObject({
        runs: [],
        counts: { added: 0 },
        period: { from: '2026-03-02T09:00:00.000Z' },
      });
    } finally {
      await receiver.close();
    }
  });

  it("tells of a child site's synchronization too (a parent's cascade), by the top-level site's settings", async () => {
    const receiver = await startReceiver([200]);
    try {
      const { url } = await fixture.service({ updates: 25, seed: 76 });
      const engine = await fixture.engine(fixture.tempDir());
      await fixture.configure(engine, url);
      await engine.call('addSite', { code: 'PR1', name: 'Primary 1', parent: 'CEN' });
      await engine.call('setNotifySettings', {
        site: 'CEN',
        settings: { enabled: true, smtp: null, recipients: [], on: ['success', 'failure'], digestEvery: null, webhooks: [receiver.url] },
      });
      await fixture.sync(engine, 'full');
      await until(
        () => receiver.bodies.length,
        (length) => length === 2,
        30_000,
      );
      const ids = receiver.bodies.map((body) => (JSON.parse(body) as { id: string; site: { code: string } }).id).sort();
      expect(ids).toEqual(['CEN-run-1', 'PR1-run-1']);
    } finally {
      await receiver.close();
    }
  });

  it('refuses settings that would tell nobody, a plain-HTTP webhook beyond loopback, and a change on a child site', async () => {
    const engine = await fixture.engine(fixture.tempDir());
    const base = { enabled: true, smtp: null, recipients: [], on: ['failure' as const], digestEvery: null, webhooks: [] };
    await expect(engine.call('setNotifySettings', { site: 'CEN', settings: base })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/add recipients or a webhook: nobody would be told/),
    });
    await expect(engine.call('setNotifySettings', { site: 'CEN', settings: { ...base, webhooks: ['http://hooks.example.com/x'] } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/must be https:\/\/ \(plain http:\/\/ only on 127\.0\.0\.1\)/),
    });
    await engine.call('addSite', { code: 'PR1', name: 'Primary 1', parent: 'CEN' });
    await expect(engine.call('setNotifySettings', { site: 'PR1', settings: { ...base, webhooks: ['https://hooks.example.com/x'] } })).rejects.toMatchObject({
      code: 'NOT_ALLOWED',
    });
  });

  it('usc notify sets and tests them (exit 0 only when all accept), and a one-shot usc sync delivers before it returns', async () => {
    builtPaths();
    const receiver = await startReceiver([200]);
    const refusing = await startReceiver([500]);
    try {
      const data = fixture.tempDir();
      const set = await runUsc(['notify', '--site', 'CEN', '--webhook', receiver.url, '--on', 'success,failure', '--data', data]);
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toContain('Notifications of CEN: on success, failure.');
      expect(set.stdout).toContain(`Webhooks: ${receiver.url}`);
      const tested = await runUsc(['notify', '--site', 'CEN', '--test', '--data', data]);
      expect(tested.code).toBe(0);
      expect(tested.stdout).toBe(`Accepted: webhook ${receiver.url}: HTTP 200: ok\n`);
      expect(JSON.parse(receiver.bodies[0]!)).toMatchObject({ event: 'test', site: { code: 'CEN' } });

      const synced = await runUsc(['sync', '--full', '--data', data]);
      expect(synced.code).toBe(0);
      expect(synced.stderr).toContain(`Notified: webhook ${receiver.url}: HTTP 200: ok`);
      expect(receiver.bodies).toHaveLength(2);
      expect(JSON.parse(receiver.bodies[1]!)).toMatchObject({ event: 'success', id: 'CEN-run-1' });

      // usc digest: the same document for the period, as JSON, as HTML, as text.
      const digest = SyncDigestSchema.parse(JSON.parse((await runUsc(['digest', '--site', 'CEN', '--since', '2000-01-01', '--json', '--data', data])).stdout));
      const sent = SyncDigestSchema.parse(JSON.parse(receiver.bodies[1]!));
      expect(digest.runs.map((run) => run.runId)).toEqual([1]);
      expect(digest.groups).toEqual(sent.groups);
      expect(digest.counts).toEqual(sent.counts);
      const html = join(data, 'digest.html');
      expect((await runUsc(['digest', '--site', 'CEN', '--since', '2000-01-01', '--html', html, '--data', data])).code).toBe(0);
      expect(readFileSync(html, 'utf8')).toMatch(/^<!DOCTYPE html>[\s\S]*<table/);
      const text = await runUsc(['digest', '--site', 'CEN', '--since', '2000-01-01', '--data', data]);
      expect(text.stdout).toMatch(/^CEN - Central Site: digest, \d+ new, 0 revised, 0 expired\n/);
      expect((await runUsc(['digest', '--site', 'CEN', '--since', 'yesterday-ish', '--data', data])).code).toBe(2);

      expect((await runUsc(['notify', '--site', 'CEN', '--webhook', `${receiver.url},${refusing.url}`, '--data', data])).code).toBe(0);
      const refused = await runUsc(['notify', '--site', 'CEN', '--test', '--data', data]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain(`REFUSED: webhook ${refusing.url}: HTTP 500: receiver failed`);
      const bad = await runUsc(['notify', '--site', 'CEN', '--webhook', 'http://hooks.example.com/x', '--data', data]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/must be https:\/\//);
      const off = await runUsc(['notify', '--site', 'CEN', '--off', '--data', data]);
      expect(off.stdout).toBe('Notifications of CEN: off.\n');
    } finally {
      await receiver.close();
      await refusing.close();
    }
  });
});
