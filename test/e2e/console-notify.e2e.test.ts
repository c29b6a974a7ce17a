/// <reference lib="dom" />
/**
 * E-mail Notification and Export List… in the real console (usc web) in Chromium: the settings, a test message's
 * answers, a sync's mail as it renders, and a list written to a CSV file. Screenshots at 1024x700.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtPaths } from '../helpers/built';
import { chromiumMissingReason, launchChromium, screenshotPath, skipE2e } from '../helpers/browser';
import { parseCsv } from '../helpers/csv-parse';
import { startMailServer, type MailServer } from '../helpers/mail-server';
import { runUsc, startUsc, type RunningUsc } from '../helpers/usc-process';
import { startReceiver } from '../helpers/webhook-receiver';

if (skipE2e) console.warn(`Skipping the end-to-end tests: ${chromiumMissingReason}`);

describe.skipIf(skipE2e)('notifications and lists in the console', () => {
  let browser: Browser;
  const cleanup: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    builtPaths();
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(prepare?: (dataDir: string) => Promise<void>): Promise<{ page: Page; dataDir: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'usc-e2e-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    await prepare?.(dataDir);
    const web: RunningUsc = await startUsc(['web', '--port', '0', '--data', dataDir]);
    cleanup.push(async () => {
      await web.stop();
    });
    const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    cleanup.push(() => page.close());
    await page.goto(web.firstLine);
    await page.getByRole('treeitem', { name: 'Update Sync Console', exact: true }).waitFor();
    return { page, dataDir };
  }

  async function openNotification(page: Page): Promise<void> {
    const tree = page.getByRole('tree', { name: 'Console tree' });
    for (const name of ['Site Management', 'CEN - Central Site', 'Site Settings', 'Component Configuration']) {
      const item = tree.getByRole('treeitem', { name, exact: true });
      if ((await item.getAttribute('aria-expanded')) !== 'true') await item.click().then(() => item.press('ArrowRight'));
    }
    await tree.getByRole('treeitem', { name: 'E-mail Notification', exact: true }).click();
    await page.keyboard.press('Alt+Enter');
    await page.getByRole('dialog', { name: 'E-mail Notification Properties — CEN' }).waitFor();
  }

  it('sets e-mail and webhook notifications, shows what each server answered to a test message, and the mail of a sync', async () => {
    const mail: MailServer = await startMailServer({ plain: true });
    cleanup.push(() => mail.close());
    const receiver = await startReceiver([200]);
    cleanup.push(() => receiver.close());
    const hooks = receiver.bodies;
    const hook = receiver.url;

    const { page } = await open();
    await openNotification(page);
    const dialog = page.getByRole('dialog', { name: 'E-mail Notification Properties — CEN' });
    await dialog.getByLabel('Tell administrators of this site’s synchronizations').check();
    await dialog.getByLabel('A synchronization brought new or revised updates').check();
    await dialog.getByLabel('SMTP server', { exact: true }).fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(mail.port));
    await dialog.getByLabel('Security', { exact: true }).selectOption('none');
    await dialog.getByLabel('Sender', { exact: true }).fill('usc@example.test');
    await dialog.getByLabel('Recipients (one per line)').fill('ops@example.test');
    await dialog.getByLabel(/^URLs receiving the JSON digest/).fill(`${hook}\nhttps://127.0.0.1:9/nothing-listens`);
    await dialog.getByRole('button', { name: 'Send test message' }).click();
    const results = dialog.getByRole('status', { name: 'Test message results' });
    await results.waitFor();
    await expect(results.textContent()).resolves.toMatch(/Accepted — mail to ops@example\.test: 250 /);
    await expect(results.textContent()).resolves.toContain(`Accepted — webhook ${hook}: HTTP 200: ok`);
    await expect(results.textContent()).resolves.toMatch(/Refused — webhook https:\/\/127\.0\.0\.1:9\/nothing-listens: ECONNREFUSED/);
    expect(mail.received.map((received) => received.subject)).toEqual(['[Update Sync Console] Test message from CEN - Central Site']);
    await page.screenshot({ path: screenshotPath('notify-test-result-1024x700') });

    // Saved without the webhook nobody listens on; the result pane says who is told of what.
    await dialog.getByLabel(/^URLs receiving the JSON digest/).fill(hook);
    await dialog.getByRole('button', { name: 'OK' }).click();
    await dialog.waitFor({ state: 'detached' });
    const pane = page.getByRole('main');
    await pane.getByText('On: failed syncs, syncs with new updates').waitFor();
    await pane.getByText('127.0.0.1:' + String(mail.port) + ' (NONE), from usc@example.test').waitFor();
    await page.screenshot({ path: screenshotPath('notify-settings-1024x700') });

    // A sync from the console: its mail arrives, and renders as the digest in Chromium.
    const tree = page.getByRole('tree', { name: 'Console tree' });
    await tree.getByRole('treeitem', { name: 'Update Repository', exact: true }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Run Synchronization' }).click();
    await expect.poll(() => mail.received.length, { timeout: 60_000 }).toBe(2);
    await expect.poll(() => hooks.length, { timeout: 10_000 }).toBe(2);
    const digestMail = mail.received[1]!;
    expect(digestMail.subject).toMatch(/^\[Update Sync Console\] CEN - Central Site: synchronized, \d+ new/);
    const rendered = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    cleanup.push(() => rendered.close());
    await rendered.setContent(String(digestMail.html));
    await rendered.getByRole('heading', { name: 'Security Updates' }).waitFor();
    await rendered.screenshot({ path: screenshotPath('notify-digest-mail-1024x700') });
  });

  it('exports the repository as it is searched and sorted, every row, to a CSV file, with progress', async () => {
    const { page, dataDir } = await open(async (dir) => {
      expect((await runUsc(['sync', '--full', '--data', dir])).code).toBe(0);
    });
    const tree = page.getByRole('tree', { name: 'Console tree' });
    await tree.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    await page.getByLabel('Look for:').fill('Windows 11');
    await page.getByRole('button', { name: 'Find Now' }).click();
    const count = Number(
      (await page
        .getByText(/^[\d,]+ updates?$/)
        .first()
        .textContent())!.replace(/\D/g, ''),
    );
    expect(count).toBeGreaterThan(20);
    await tree.getByRole('treeitem', { name: 'Update Repository', exact: true }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Export List…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export List — Update Repository' });
    const path = join(dataDir, 'Exports', 'windows-11.csv');
    await dialog.getByLabel('Save as (a full path on the engine’s machine)').fill(path);
    await dialog.getByRole('button', { name: 'Export' }).click();
    await dialog
      .getByRole('status', { name: 'Export result' })
      .getByText(`Wrote ${count.toLocaleString('en-US')} rows to ${path}`)
      .waitFor();
    const rows = parseCsv(readFileSync(path, 'utf8').slice(1));
    expect(rows.length - 1).toBe(count);
    // The search's words are in each row (title, article or bulletin ID).
    expect(rows.slice(1).every((row) => row[0]!.includes('Windows') && row.slice(0, 3).some((cell) => cell.includes('11')))).toBe(true);
  });
});
