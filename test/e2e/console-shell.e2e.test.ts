/// <reference lib="dom" />
/** Drives the real console, served by `usc web`, in Debian's Chromium. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { builtPaths } from '../helpers/built';
import { chromiumMissingReason, launchChromium, screenshotPath, skipE2e } from '../helpers/browser';
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUsc, startUsc, type RunningUsc } from '../helpers/usc-process';

if (skipE2e) console.warn(`Skipping the end-to-end tests: ${chromiumMissingReason}`);

describe.skipIf(skipE2e)('console in Chromium', () => {
  let browser: Browser;
  const opened: Array<{ web: RunningUsc; page: Page; dataDir: string }> = [];

  beforeAll(async () => {
    builtPaths();
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const { web, page, dataDir } of opened.splice(0)) {
      await page.close();
      await web.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Each test gets its own data folder, web host and page: none depends on what another left behind. */
  async function open(prepare?: (dataDir: string) => Promise<void>): Promise<Page> {
    const dataDir = mkdtempSync(join(tmpdir(), 'usc-e2e-'));
    await prepare?.(dataDir);
    const web = await startUsc(['web', '--port', '0', '--data', dataDir]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    opened.push({ web, page, dataDir });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(web.firstLine);
    await page.getByRole('treeitem', { name: 'Update Sync Console', exact: true }).waitFor();
    expect(errors).toEqual([]);
    return page;
  }

  it('shows the site from the engine in the tree, the status bar and Site Management', async () => {
    const page = await open();
    const tree = page.getByRole('tree', { name: 'Console tree' });
    await tree.getByRole('treeitem', { name: 'Site Database (CEN - Central Site)', exact: true }).waitFor();
    await tree.getByRole('treeitem', { name: 'CEN - Central Site', exact: true }).waitFor();
    await page.getByRole('status').getByText('Engine ready').waitFor();
    await page.getByRole('status').getByText('1 site').waitFor();
    await tree.getByRole('treeitem', { name: 'Site Management', exact: true }).click();
    const sitesTable = page.getByRole('table', { name: 'Sites' });
    await expect(sitesTable.getByRole('row').nth(1).textContent()).resolves.toContain('CEN');
    await expect(sitesTable.getByRole('row').nth(1).textContent()).resolves.toContain('Central Site');
  });

  it('shows damaged stored metadata on the site and marks the updates it touches until a sync fetches them again', async () => {
    let kb = '';
    const page = await open(async (dataDir) => {
      expect((await runUsc(['sync', '--full', '--data', dataDir])).code).toBe(0);
      const blobs = join(dataDir, 'sites', 'CEN.sqlite.blobs.1');
      truncateSync(blobs, statSync(blobs).size - 20_000);
      // One of the updates it touches, as `usc sites` names them.
      kb = /\((KB\d+)\)/.exec((await runUsc(['sites', '--data', dataDir])).stderr)?.[1] ?? '';
    });
    expect(kb).not.toBe('');
    const tree = page.getByRole('tree', { name: 'Console tree' });
    await tree.getByRole('treeitem', { name: 'CEN - Central Site', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /The stored metadata of \d+ updates? (is|are) damaged or missing/ })
      .waitFor({ timeout: 8_000 });
    await tree.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    await page.getByLabel('Look for:').fill(kb);
    await page.getByRole('button', { name: 'Find Now' }).click();
    const marks = page.getByRole('img', { name: /^Stored metadata damaged: the next synchronization fetches it again/ });
    await marks.first().waitFor({ timeout: 8_000 });
    await page
      .getByLabel('Legend')
      .getByText(/Damaged: its stored metadata is fetched again/)
      .waitFor({ timeout: 8_000 });
    // Mended by a sync: the marks and the site's warning go.
    await tree.getByRole('treeitem', { name: 'Update Repository', exact: true }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Run Synchronization' }).click();
    await expect.poll(() => marks.count(), { timeout: 30_000 }).toBe(0);
  });

  it('jumps in the tree to the next item starting with the letters typed (type-ahead)', async () => {
    const page = await open();
    const tree = page.getByRole('tree', { name: 'Console tree' });
    await tree.getByRole('treeitem', { name: 'Site Database (CEN - Central Site)', exact: true }).click();
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    await page.keyboard.press('m');
    expect(await focused()).toContain('Monitoring');
    // The same letter again and again cycles through the items starting with it (a navigation key starts anew).
    await page.keyboard.press('Home');
    for (const expected of ['Site Database', 'Site Management', 'Software Updates', 'System Status', 'Site Database']) {
      await page.keyboard.press('s');
      expect(await focused()).toContain(expected);
    }
    // Letters typed in quick succession are one prefix: "sy" is System Status.
    await page.keyboard.press('Home');
    await page.keyboard.type('sy');
    expect(await focused()).toContain('System Status');
    await expect(tree.getByRole('treeitem', { name: 'System Status', exact: true }).getAttribute('aria-selected')).resolves.toBe('true');
  });

  it('moves between tree, result pane and log with F6 and Shift+F6, as MMC does, with the focus visible', async () => {
    const page = await open();
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    await page.getByRole('grid', { name: 'Software updates' }).waitFor();
    const where = () =>
      page.evaluate(() => {
        const active = document.activeElement;
        const pane = active?.closest('.tree-pane') ? 'tree' : active?.closest('.result-pane') ? 'result' : active?.closest('.log-pane') ? 'log' : 'none';
        return { pane, visible: active?.matches(':focus-visible') ?? false };
      });
    expect((await where()).pane).toBe('tree');
    await page.keyboard.press('F6');
    expect(await where()).toEqual({ pane: 'result', visible: true });
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Software updates');
    await page.keyboard.press('F6');
    expect(await where()).toEqual({ pane: 'log', visible: true });
    await page.keyboard.press('F6');
    expect(await where()).toEqual({ pane: 'tree', visible: true });
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toContain('Update Repository');
    await page.keyboard.press('Shift+F6');
    expect((await where()).pane).toBe('log');
    await page.keyboard.press('Shift+F6');
    expect((await where()).pane).toBe('result');
  });

  it('makes each header one Tab stop with arrow keys inside, keeps the focus visible, and gives columns back after Tab', async () => {
    const page = await open();
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Software updates' });
    await grid.waitFor();
    const active = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        return {
          role: element?.getAttribute('role') ?? element?.tagName.toLowerCase(),
          name: element?.getAttribute('aria-label') ?? element?.textContent?.trim(),
          outline: element === null ? 'none' : getComputedStyle(element).outlineStyle,
        };
      });
    // From the search box's last button, one Tab reaches the rows, the next the header (at its first column), and
    // ArrowUp from the first row goes up to it too.
    await page.getByRole('button', { name: 'Clear' }).focus();
    await page.keyboard.press('Tab');
    expect(await active()).toMatchObject({ role: 'grid', name: 'Software updates' });
    await page.keyboard.press('ArrowUp');
    expect(await active()).toMatchObject({ role: 'button', name: expect.stringMatching(/^Title/), outline: 'solid' });
    await page.keyboard.press('ArrowDown');
    expect(await active()).toMatchObject({ role: 'grid' });
    await page.keyboard.press('Tab');
    expect(await active()).toMatchObject({ role: 'button', name: expect.stringMatching(/^Title/), outline: 'solid' });
    await page.keyboard.press('ArrowRight');
    expect(await active()).toMatchObject({ name: expect.stringMatching(/^Article ID/), outline: 'solid' });
    // Alt+arrows resize the column with the focus.
    const articleWidth = () => grid.getByRole('separator', { name: 'Resize Article ID' }).getAttribute('aria-valuenow');
    const before = Number(await articleWidth());
    await page.keyboard.press('Alt+ArrowRight');
    await expect.poll(async () => Number(await articleWidth())).toBe(before + 10);
    // The last column: the grid scrolls sideways to show it...
    const scroller = page.locator('.grid-scroller');
    await page.keyboard.press('End');
    await expect.poll(() => scroller.evaluate((box) => box.scrollLeft)).toBeGreaterThan(0);
    const last = (await active()).name;
    // ...and once Tab has left the grid, the first columns are back in view.
    await page.keyboard.press('Tab');
    await expect.poll(() => scroller.evaluate((box) => box.scrollLeft)).toBe(0);
    // Back into the header with Shift+Tab: at the column it was on, not the first.
    await page.keyboard.press('Shift+Tab');
    expect(await active()).toMatchObject({ role: 'button', name: last });
    const headerStops = await grid.locator('thead [tabindex="0"], thead button:not([tabindex="-1"])').count();
    expect(headerStops).toBe(1);
  });

  it('says so when its web host is gone or was started again with a new token, instead of "reconnecting…" forever', async () => {
    const page = await open();
    const entry = opened.at(-1)!;
    const host = new URL(entry.web.firstLine).host;
    const status = page.locator('footer.status-bar');
    await status.getByText('Browser console (web host)').waitFor();
    // Stopped: nothing answers at the page's address.
    await entry.web.stop();
    await status.getByText(`No web host at ${host}: stopped or moved`).waitFor({ timeout: 15_000 });
    const notices = page.getByLabel('Notifications');
    await notices.getByText(new RegExp(`^No web host answers at ${host.replace('.', '\\.')} any more: .*open the address it prints first`)).waitFor();
    // Started again on the same port, with a new access token: this page's address no longer works, and it says so.
    entry.web = await startUsc(['web', '--port', String(new URL(entry.web.firstLine).port), '--data', entry.dataDir]);
    await status.getByText(`The web host at ${host} was restarted: open its new address`).waitFor({ timeout: 20_000 });
    await notices.getByText(/was started again, with a new access token: open the address it printed first/).waitFor();
    await expect(notices.getByText(/^No web host answers/).count()).resolves.toBe(0);
    await page.screenshot({ path: screenshotPath('web-host-moved') });
  }, 60_000);

  it('is navigated with the keyboard down to Update Repository, whose context menu opens with Shift+F10', async () => {
    const page = await open();
    const tree = page.getByRole('tree', { name: 'Console tree' });
    await tree.getByRole('treeitem', { name: 'Site Database (CEN - Central Site)', exact: true }).click();
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');

    await page.keyboard.press('ArrowDown'); // Site Management
    await page.keyboard.press('ArrowDown'); // CEN - Central Site (collapsed)
    expect(await focused()).toContain('CEN - Central Site');
    await page.keyboard.press('ArrowRight'); // expand CEN
    await page.keyboard.press('ArrowRight'); // into Site Settings
    expect(await focused()).toContain('Site Settings');
    await page.keyboard.press('ArrowLeft'); // back to CEN
    await page.keyboard.press('ArrowLeft'); // collapse CEN
    await page.keyboard.press('ArrowDown'); // Computer Management
    await page.keyboard.press('ArrowDown'); // Software Updates
    await page.keyboard.press('ArrowDown'); // Update Repository
    expect(await focused()).toContain('Update Repository');
    await expect(tree.getByRole('treeitem', { name: 'Update Repository', exact: true }).getAttribute('aria-selected')).resolves.toBe('true');
    await page.getByRole('heading', { name: 'Update Repository' }).waitFor();

    await page.keyboard.press('Shift+F10');
    const menu = page.getByRole('menu', { name: 'Update Repository actions' });
    await menu.waitFor();
    await page.screenshot({ path: screenshotPath('shell-update-repository-menu') });
    await expect(menu.getByRole('menuitem').allTextContents()).resolves.toEqual([
      'Run Synchronization',
      'Run Full Synchronization',
      'Export List…',
      'RefreshF5',
    ]);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    expect(await focused()).toContain('Update Repository');
  });

  it('opens a CMTrace log file of either format in the log pane, colours errors, and filters', async () => {
    const page = await open();
    const log = page.getByRole('region', { name: 'Sync log' });
    const text = [
      'Sync failed: WSUS server not configured. Source: CWSyncMgr::DoSync  $$<SMS_WSUS_SYNC_MANAGER><11-23-2026 08:00:00.000+000><thread=3404 (0xD4C)>',
      'Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><11-23-2026 08:00:01.000+000><thread=3404 (0xD4C)>',
      '<![LOG[Scan completed successfully.]LOG]!><time="08:00:02.000+000" date="11-23-2026" component="ScanAgent" context="" type="1" thread="100" file="">',
      '<![LOG[Update download failed with 0x80070005.]LOG]!><time="08:00:03.000+000" date="11-23-2026" component="CAS" context="" type="3" thread="101" file="">',
    ].join('\r\n');
    await log.locator('input[type="file"]').setInputFiles({ name: 'mixed.log', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await log.getByRole('heading', { name: 'mixed.log' }).waitFor();
    await log.getByText('Scan completed successfully.', { exact: false }).waitFor();
    await expect(log.locator('.log-error').count()).resolves.toBe(2);
    await log.getByRole('searchbox', { name: 'Filter log lines' }).fill('sync');
    await expect(log.locator('.log-line').count()).resolves.toBe(2);
    await log.getByRole('searchbox', { name: 'Filter log lines' }).fill('');
    await log.getByRole('button', { name: 'Back to live log' }).click();
    await log.getByRole('heading', { name: /wsyncmgr\.log/ }).waitFor();
  });

  it('shows entries in CMTrace columns with a details strip, highlights and finds lines, resizes columns, and looks up error codes', async () => {
    const page = await open();
    const log = page.getByRole('region', { name: 'Sync log' });
    const text = [
      'Sync failed: UpstreamServer.GetUpdateData: HTTP 503 (ServerBusy); connect ECONNREFUSED 10.0.0.5:8530  $$<SMS_WSUS_SYNC_MANAGER><11-23-2026 08:00:00.000+000><thread=3404 (0xD4C)>',
      'Starting Sync  $$<SMS_WSUS_SYNC_MANAGER><11-23-2026 08:00:01.000+000><thread=3404 (0xD4C)>',
      '<![LOG[Policy:',
      '  two lines]LOG]!><time="08:00:02.000+000" date="11-23-2026" component="PolicyAgent" context="" type="1" thread="100" file="">',
      '<![LOG[Update download failed with 0x80070005.]LOG]!><type="3" thread="101" component="CAS" date="11-23-2026" time="08:00:03.000+000">',
    ].join('\r\n');
    await log.locator('input[type="file"]').setInputFiles({ name: 'mixed.log', mimeType: 'text/plain', buffer: Buffer.from(text) });
    const grid = log.getByRole('grid', { name: 'Log lines' });
    await expect(grid.getByRole('columnheader').allTextContents()).resolves.toEqual(['Log Text', 'Component', 'Date/Time', 'Thread']);
    // Four entries (the CCM entry over two lines is one), and the trailer is never shown raw.
    await expect(grid.locator('.log-line').count()).resolves.toBe(4);
    await expect(grid.getByText('$$<').count()).resolves.toBe(0);
    await expect(grid.locator('.log-line').nth(0).getByRole('cell').allTextContents()).resolves.toEqual([
      'Sync failed: UpstreamServer.GetUpdateData: HTTP 503 (ServerBusy); connect ECONNREFUSED 10.0.0.5:8530',
      'SMS_WSUS_SYNC_MANAGER',
      '11-23-2026 08:00:00.000+000',
      '3404 (0xD4C)',
    ]);

    // Highlight marks without hiding; Next walks the matches; the details strip explains the codes in the line.
    await log.getByRole('searchbox', { name: 'Highlight lines containing' }).fill('failed');
    await expect(grid.locator('.log-highlight').count()).resolves.toBe(2);
    await expect(grid.locator('.log-line').count()).resolves.toBe(4);
    await log.getByRole('button', { name: 'Next highlighted line' }).click();
    const details = log.getByRole('region', { name: 'Selected log entry' });
    await details.getByText('HTTP 503:', { exact: false }).waitFor();
    await details.getByText('ECONNREFUSED:', { exact: false }).waitFor();
    await details.getByText('ServerBusy:', { exact: false }).waitFor();
    await log.getByRole('button', { name: 'Next highlighted line' }).click();
    await details.getByText('0x80070005:', { exact: false }).waitFor();
    await expect(details.locator('pre').textContent()).resolves.toBe('Update download failed with 0x80070005.');
    await page.screenshot({ path: screenshotPath('log-pane-columns-highlight') });

    // The header is one Tab stop: arrows move between its columns, Alt+arrows resize the one with the focus, and the
    // width is kept.
    const header = grid.locator('.log-header');
    await expect(header.locator('[tabindex="0"]').count()).resolves.toBe(1);
    await header.locator('[tabindex="0"]').focus();
    const focused = () => page.evaluate(() => [document.activeElement?.textContent, getComputedStyle(document.activeElement!).outlineStyle]);
    await expect(focused()).resolves.toEqual(['Component', 'solid']);
    await page.keyboard.press('ArrowRight');
    await expect(focused()).resolves.toEqual(['Date/Time', 'solid']);
    await page.keyboard.press('ArrowLeft');
    const separator = grid.getByRole('separator', { name: 'Resize Component' });
    await page.keyboard.press('Alt+ArrowRight');
    await expect(separator.getAttribute('aria-valuenow')).resolves.toBe('200');
    await page.keyboard.press('ArrowDown');
    await expect(page.evaluate(() => document.activeElement?.classList.contains('log-lines'))).resolves.toBe(true);
    await expect(page.evaluate(() => JSON.parse(localStorage.getItem('usc.logColumns') ?? '{}').component)).resolves.toBe(200);

    await log.getByRole('searchbox', { name: 'Error code to look up' }).fill('0x80072ee2');
    await expect(log.locator('.log-error-lookup [role="status"]').textContent()).resolves.toContain('timed out');
    await log.getByRole('searchbox', { name: 'Error code to look up' }).fill('404');
    await expect(log.locator('.log-error-lookup [role="status"]').textContent()).resolves.toContain('Check the upstream URL');
  });

  it('opens the same menu with a right-click, and its Refresh item works', async () => {
    const page = await open();
    const item = page.getByRole('treeitem', { name: 'Update Repository', exact: true });
    await item.click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Update Repository actions' });
    await menu.waitFor();
    await menu.getByRole('menuitem', { name: 'Refresh' }).click();
    await menu.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('1 site').waitFor();
  });
});
