/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** The console's synchronization flow in Chromium against the web host and the built-in sample upstream. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { builtPaths } from '../helpers/built';
import { chromiumMissingReason, launchChromium, screenshotPath, skipE2e } from '../helpers/browser';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SampleCatalog } from '../../electron/engine/upstream/service/catalog';
import { UpstreamService } from '../../electron/engine/upstream/service/upstream-service';
import { runUsc, startUsc, type RunningUsc } from '../helpers/usc-process';
import { productId } from '../helpers/sync-fixture';

if (skipE2e) console.warn(`Skipping the end-to-end tests: ${chromiumMissingReason}`);

describe.skipIf(skipE2e)('synchronizing from the console', () => {
  let browser: Browser;
  let page: Page;
  const opened: Array<{ web: RunningUsc; page: Page; dataDir: string }> = [];
  const services: UpstreamService[] = [];

  beforeAll(async () => {
    builtPaths();
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const entry of opened.splice(0)) {
      await entry.page.close();
      await entry.web.stop();
      rmSync(entry.dataDir, { recursive: true, force: true });
    }
    for (const service of services.splice(0)) await service.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * Each test gets its own data folder, web host and page. `synced`: the repository is filled first by
   * `usc sync --full` (the built-in sample catalog), for the tests about what a sync leaves behind.
   */
  async function openConsole(options: { synced?: boolean; source?: string; products?: string[] } = {}): Promise<Page> {
    const dataDir = mkdtempSync(join(tmpdir(), 'usc-e2e-'));
    if (options.source !== undefined) {
      const products = options.products === undefined ? [] : ['--products', options.products.join(',')];
      expect((await runUsc(['config', '--data', dataDir, '--source', options.source, ...products])).code).toBe(0);
    }
    if (options.synced) {
      const synced = await runUsc(['sync', '--data', dataDir, '--full']);
      expect(synced.code, synced.stderr).toBe(0);
    }
    const web = await startUsc(['web', '--port', '0', '--data', dataDir]);
    page = await browser.newPage({ viewport: { width: 1400, height: 860 }, permissions: ['clipboard-read', 'clipboard-write'] });
    // Shorter than the test's own timeout, so a step that never happens is named in the failure, not only "timed out".
    page.setDefaultTimeout(20_000);
    opened.push({ web, page, dataDir });
    await page.goto(web.firstLine);
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).waitFor();
    // The tree is drawn before the engine has listed the sites; until then the site's actions are not in its menus
    // (a loaded CI machine once right-clicked in between). The database node names the site once it is known.
    await page.getByRole('treeitem', { name: /^Site Database \(/ }).waitFor();
    return page;
  }

  /** Expands the tree down a path of folders (the first, or the last, item of a name that appears more than once). */
  const expandPath = async (names: string[], pick: 'first' | 'last' = 'first') => {
    for (const name of names) {
      const item = page.getByRole('treeitem', { name, exact: true })[pick]();
      await item.click();
      // A folder whose children come from the engine (the repository's) can be expanded once they have arrived.
      await expect.poll(() => item.getAttribute('aria-expanded')).not.toBeNull();
      if ((await item.getAttribute('aria-expanded')) === 'false') await page.keyboard.press('ArrowRight');
    }
  };

  const openMenu = async (name: string) => {
    await page.getByRole('treeitem', { name, exact: true }).click({ button: 'right' });
    const menu = page.getByRole('menu', { name: `${name} actions` });
    await menu.waitFor();
    return menu;
  };

  it('cancels a running synchronization from the status bar', async () => {
    // An upstream that stops answering once metadata is asked for: the sync runs until it is cancelled, never ends first.
    const service = new UpstreamService({ catalog: SampleCatalog.generate({ updates: 200, seed: 3 }) });
    services.push(service);
    service.injectFault({ kind: 'hang', operation: 'GetUpdateData', times: 10_000 });
    await openConsole({ source: await service.listen() });
    await (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Synchronization' }).click();
    const bar = page.getByRole('status').getByLabel('Synchronization of CEN');
    await bar.waitFor();
    await bar.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Synchronization of CEN was cancelled.').waitFor();
    await expect(page.getByRole('status').getByLabel('Synchronization of CEN').count()).resolves.toBe(0);
  });

  it('fills the repository grid with the batches a running synchronization has committed', async () => {
    // Five answers of metadata (three of them the 47 categories), then the upstream stops answering: the sync stays
    // running with part of the catalog saved.
    const service = new UpstreamService({ catalog: SampleCatalog.generate({ updates: 300, seed: 5 }), maxUpdatesPerRequest: 20 });
    services.push(service);
    service.injectFault({ kind: 'hang', operation: 'GetUpdateData', times: 10_000, after: 5 });
    await openConsole({ source: await service.listen() });
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    await page.getByText(/^No software updates have been synchronized/).waitFor();
    await (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Synchronization' }).click();
    const bar = page.getByRole('status').getByLabel('Synchronization of CEN');
    await bar.waitFor();
    const count = page.getByRole('search').getByText(/^[\d,]+ updates$/);
    await count.waitFor();
    await page.getByRole('grid', { name: 'Software updates' }).locator('tbody tr:not(.row-pending)').first().waitFor();
    // Still running: the rows came from committed batches, not from the end of the sync.
    await expect(bar.count()).resolves.toBe(1);
    const shown = Number(((await count.textContent()) ?? '').replace(/\D/g, ''));
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(300);
    // The bar counts revisions (bundled updates too) and says so, beside a grid that counts updates.
    await bar.getByText(/^[\d,]+ \/ [\d,]+ revisions$/).waitFor();
    await bar.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Synchronization of CEN was cancelled.').waitFor();
  });

  it('shows an upstream outage as a retry with its countdown, not a frozen progress', async () => {
    // Metadata for the categories and two batches, then the upstream answers HTTP 500 to every request.
    const service = new UpstreamService({ catalog: SampleCatalog.generate({ updates: 300, seed: 5 }), maxUpdatesPerRequest: 20 });
    services.push(service);
    service.injectFault({ kind: 'http500', operation: 'GetUpdateData', times: 10_000, after: 5 });
    await openConsole({ source: await service.listen() });
    await (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Synchronization' }).click();
    const bar = page.getByRole('status').getByLabel('Synchronization of CEN');
    await bar.getByText(/^Retrying GetUpdateData \([2-5] of 5\) (in \d+ s|now)$/).waitFor();
    await expect(bar.getByText(/^ETA/).count()).resolves.toBe(0);
    await page.screenshot({ path: screenshotPath('sync-retrying') });
    await bar.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Synchronization of CEN was cancelled.').waitFor();
  });

  it('runs a synchronization from Update Repository: progress, live log lines, a filled repository, and 6702', async () => {
    await openConsole();
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    // The progress bar is there while the sync runs, however short: an observer notes it instead of racing it.
    await page.evaluate(() => {
      const seen: { progress: boolean } = { progress: false };
      (window as unknown as { uscSeen: { progress: boolean } }).uscSeen = seen;
      const look = () => {
        if (document.querySelector('[aria-label="Synchronization progress"]') !== null) seen.progress = true;
      };
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Synchronization' }).click();
    const log = page.getByRole('region', { name: 'Sync log' });
    const toast = page.getByText(/Synchronization of CEN succeeded: [\d,]+ new/);
    await toast.waitFor({ timeout: 60_000 });
    const toastNew = Number(/([\d,]+) new/.exec((await toast.textContent()) ?? '')![1]!.replaceAll(',', ''));
    await expect(page.evaluate(() => (window as unknown as { uscSeen: { progress: boolean } }).uscSeen.progress)).resolves.toBe(true);
    // End goes to the last line and follows (whatever the pane did while lines poured in).
    await log.getByRole('rowgroup').focus();
    await page.keyboard.press('End');
    await log
      .getByText(/STATMSG: ID=6702/)
      .first()
      .waitFor();
    await page.screenshot({ path: screenshotPath('sync-running') });
    // The whole sync's lines arrived live (this console had none before it): its 6701 is there too.
    const filter = log.getByRole('searchbox', { name: 'Filter log lines' });
    await filter.fill('ID=6701');
    await expect(log.locator('.log-line').count()).resolves.toBe(1);
    await filter.fill('');

    // Lines picked with a click and a Shift+click are copied with Ctrl+C, in order.
    const logLines = log.locator('.log-line');
    await logLines.filter({ hasText: 'STATMSG: ID=6702' }).last().click();
    await logLines
      .filter({ hasText: /^Sync time/ })
      .last()
      .click({ modifiers: ['Shift'] });
    await log.getByText(/lines, [2-9] selected/).waitFor();
    await page.keyboard.press('Control+c');
    await page.getByText(/^Copied [2-9] lines\.$/).waitFor();
    await page.bringToFront();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.split('\n')[0]).toContain('STATMSG: ID=6702');
    expect(copied.split('\n').at(-1)).toMatch(/^Sync time/);
    const table = page.getByRole('grid', { name: 'Software updates' });
    // The console refreshes itself when a sync ends: wait for that to settle before walking the grid.
    await expect.poll(() => page.getByRole('button', { name: 'Refresh' }).isEnabled()).toBe(true);
    await page
      .getByRole('search')
      .getByText(/^[\d,]+ updates$/)
      .waitFor();
    await table.getByRole('row').nth(1).waitFor();
    const total = Number(await table.getAttribute('aria-rowcount')) - 1;
    expect(total).toBeGreaterThan(500);
    // The toast counts updates as the grid lists them (bundled updates inside their parent): the first sync's new ones are all of them.
    expect(toastNew).toBe(total);
    await expect(page.getByText(`${total.toLocaleString('en-US')} updates`, { exact: true }).count()).resolves.toBe(1);
    // Only the rows on screen exist in the page, whatever the size of the repository.
    expect(await table.getByRole('row').count()).toBeLessThan(100);
    await page.screenshot({ path: screenshotPath('console-repository-and-log') });

    // One grid over the whole result: End selects the last update; its page is fetched as it scrolls into view.
    await page.getByRole('grid', { name: 'Software updates' }).focus();
    await page.keyboard.press('End');
    const lastRow = table.locator(`tr[aria-rowindex="${total + 1}"]`);
    // The details pane opens under the grid and makes it shorter: the selected last row stays on screen.
    await page.getByRole('region', { name: 'Update details' }).waitFor();
    await lastRow.and(page.locator('[aria-selected="true"]')).waitFor();
    await expect
      .poll(() => lastRow.evaluate((row) => row.getBoundingClientRect().bottom <= row.closest('.grid-scroller')!.getBoundingClientRect().bottom + 1))
      .toBe(true);
    // A refresh keeps the place in the list: the same rows come back where they were.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForFunction((rowIndex) => {
      const row = document.querySelector(`table[aria-label="Software updates"] tr[aria-rowindex="${rowIndex}"]`);
      return row !== null && !row.textContent?.includes('Loading') && document.querySelector('.grid-scroller')!.scrollTop > 1000;
    }, total + 1);
    await page.getByRole('grid', { name: 'Software updates' }).focus();
    await page.keyboard.press('Home');
    await table.locator('tr[aria-rowindex="2"][aria-selected="true"]').waitFor();
    // The selected row is the grid's active descendant: a screen reader follows the selection.
    await expect(table.getAttribute('aria-activedescendant')).resolves.toBe(await table.locator('tr[aria-rowindex="2"]').getAttribute('id'));
    // Column separators take the keyboard: Tab to one, arrows resize the column.
    const separator = table.getByRole('separator', { name: 'Resize Article ID' });
    await separator.focus();
    const width = Number(await separator.getAttribute('aria-valuenow'));
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number(await separator.getAttribute('aria-valuenow'))).toBe(width + 10);
    await page.keyboard.press('Enter');
    await expect.poll(async () => Number(await separator.getAttribute('aria-valuenow'))).toBe(90);

    // Sorting and searching are answered by the engine.
    await table.getByRole('button', { name: /Article ID/ }).click();
    await expect(table.getByRole('columnheader', { name: /Article ID/ }).getAttribute('aria-sort')).resolves.toBe('ascending');
    await page.getByRole('search').getByRole('searchbox').fill('Cumulative');
    await page.getByRole('button', { name: 'Find Now' }).click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('table[aria-label="Software updates"] tbody tr td:first-child')].every((cell) => cell.textContent?.includes('Cumulative')),
    );

    await page.getByRole('treeitem', { name: 'System Status', exact: true }).click();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('treeitem', { name: 'Site Status', exact: true }).click();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('treeitem', { name: 'CEN - Central Site', exact: true }).last().click();
    await page.keyboard.press('ArrowRight');
    // Component Status: the component's messages of the last 24 hours and 7 days; a count opens them, filtered.
    await page.getByRole('treeitem', { name: 'Component Status', exact: true }).click();
    const components = page.getByRole('table', { name: 'Component Status' });
    const component = components.getByRole('row', { name: /SMS_WSUS_SYNC_MANAGER/ });
    await component.getByRole('cell', { name: 'OK', exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('component-status') });
    await component.getByRole('button', { name: /^Show the [\d,]+ information messages of the last 24 hours$/ }).click();
    await expect(page.getByRole('treeitem', { name: 'SMS_WSUS_SYNC_MANAGER', exact: true }).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(page.getByLabel('Severity').inputValue()).resolves.toBe('I');
    await expect(page.getByLabel('Period').inputValue()).resolves.toBe('24h');
    const messages = page.getByRole('grid', { name: 'Status messages' });
    await messages.getByRole('gridcell', { name: '6702', exact: true }).first().waitFor();
    await expect(messages.getByRole('gridcell', { name: 'WSUS Synchronization done.' }).count()).resolves.toBeGreaterThan(0);
    // The message details: each property and insertion string of the selected message; arrows move the selection.
    await messages.getByRole('gridcell', { name: '6702', exact: true }).first().click();
    const details = page.getByRole('region', { name: 'Status message details' });
    await details.getByText('WSUS Synchronization done.').waitFor();
    await details.getByText('Insertion strings').waitFor();
    await messages.focus();
    await page.keyboard.press('ArrowDown');
    await expect(details.getByText('WSUS Synchronization done.').count()).resolves.toBe(0);
    await page.screenshot({ path: screenshotPath('status-message-details') });

    // Monitoring / Synchronization Status: the run drawn in the charts, with its numbers in the table beside them.
    await page.getByRole('treeitem', { name: 'Monitoring', exact: true }).click();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('treeitem', { name: 'Synchronization Status', exact: true }).click();
    const charts = page.getByRole('region', { name: 'Synchronization runs over time' });
    await charts.getByRole('img', { name: 'Duration of each synchronization of CEN' }).waitFor();
    await charts.getByRole('img', { name: 'Updates changed by each synchronization of CEN' }).waitFor();
    const runs = charts.getByRole('table', { name: 'Synchronization runs of CEN' });
    await expect(runs.locator('tbody tr').count()).resolves.toBe(1);
    await expect(runs.locator('tbody tr td').nth(5).textContent()).resolves.toBe(toastNew.toLocaleString('en-US'));
    await expect(charts.locator('svg g.run-bar title').first().textContent()).resolves.toMatch(/^Run \d+, .+: full sync \(manual\) succeeded in \d+\.\d s$/);
    await page.screenshot({ path: screenshotPath('monitoring-run-charts') });
    // A whole sync and a tour of the console: it waits up to a minute for the sync alone.
  }, 90_000);

  it('acts on repository rows: Ctrl+C copies the selected rows as tab-separated text, Enter and a right-click open Properties, Copy and Copy Article ID', async () => {
    await openConsole({ synced: true });
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Software updates' });
    const firstRow = grid.locator('tbody tr[aria-rowindex="2"]');
    await firstRow.waitFor();
    await firstRow.click();
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
    // Superseded and expired rows carry an icon with their name, and a legend says what the marks mean.
    const legend = page.getByLabel('Legend');
    await legend.getByText('Expired').waitFor();
    await legend.getByText('Superseded').waitFor();
    await grid.getByRole('img', { name: 'Superseded' }).first().waitFor();
    expect(await grid.locator('tbody tr.row-superseded').count()).toBe(
      await grid.locator('tbody tr.row-superseded [role="img"][aria-label*="Superseded"]').count(),
    );
    // Marked or not, every title starts at one place: the mark has a slot of its own in each row.
    const starts = await grid
      .locator('tbody tr:not(.row-pending) td:first-child .row-icon-slot')
      .evaluateAll((slots) => slots.map((slot) => Math.round(slot.getBoundingClientRect().right)));
    expect(starts.length).toBeGreaterThan(5);
    expect(new Set(starts).size).toBe(1);

    // One row, then three (Shift+Down extends from the row first selected).
    await page.keyboard.press('Control+c');
    let copied = (await clipboard()).split('\n');
    expect(copied[0]).toBe('Title\tArticle ID\tBulletin ID\tClassification\tProduct\tSeverity\tDate Released\tDate Revised\tExpired\tSuperseded\tUpdate ID');
    expect(copied).toHaveLength(2);
    expect(copied[1]!.split('\t')).toHaveLength(11);
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await expect(grid.locator('tbody tr[aria-selected="true"]').count()).resolves.toBe(3);
    await page.keyboard.press('Control+c');
    copied = (await clipboard()).split('\n');
    expect(copied).toHaveLength(4);
    await page.getByText('Copied 3 updates as tab-separated text.').waitFor();
    // The toasts sit in a notification area of their own, with a count: the tree scrolls above it, never under it.
    const area = page.getByLabel('Notifications');
    await area.getByText('2 notifications').waitFor();
    const overlap = await page.evaluate(() => {
      const tree = document.querySelector('.console-tree')!.getBoundingClientRect();
      const notices = document.querySelector('.notices')!.getBoundingClientRect();
      return tree.bottom - notices.top;
    });
    expect(overlap).toBeLessThanOrEqual(0);

    // Enter opens the menu of the selection.
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'Update actions' });
    await menu.getByRole('menuitem', { name: 'Copy 3 rows' }).waitFor();
    await menu.getByRole('menuitem', { name: 'Properties' }).waitFor();
    await page.screenshot({ path: screenshotPath('repository-row-menu') });
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    // Type-ahead: the next row whose title starts with what is typed ("2016-…" are all of them here: the next row).
    await page.keyboard.press('2');
    await expect(grid.locator('tbody tr[aria-selected="true"]').getAttribute('aria-rowindex')).resolves.toBe('5');

    // A right-click on a row outside the selection selects it alone; Copy Article ID copies its KB.
    const fifth = grid.locator('tbody tr[aria-rowindex="6"]');
    await fifth.click({ button: 'right' });
    await expect(grid.locator('tbody tr[aria-selected="true"]').count()).resolves.toBe(1);
    await expect(fifth.getAttribute('aria-selected')).resolves.toBe('true');
    const copyKb = menu.getByRole('menuitem', { name: /^Copy Article ID/ });
    const label = (await copyKb.textContent()) ?? '';
    const kb = /\((KB\d+)\)/.exec(label)?.[1];
    expect(kb, label).toBeDefined();
    await copyKb.click();
    await expect.poll(clipboard).toBe(kb);

    // Properties: every field of the update.
    await fifth.click({ button: 'right' });
    await menu.getByRole('menuitem', { name: 'Properties' }).click();
    const details = page.getByRole('region', { name: 'Update details' });
    for (const field of [
      'Article ID / bulletin ID',
      'Classification / severity',
      'Date released / revised',
      'More information',
      'Supersedes',
      'Superseded by',
      'Files',
      'Languages',
    ]) {
      await details.getByText(field, { exact: true }).waitFor();
    }
    await details.getByText(kb!, { exact: false }).first().waitFor();
    await page.screenshot({ path: screenshotPath('update-properties') });
  });

  it('shows what earlier syncs wrote to wsyncmgr.log when it opens, and again after a reload, without doubling a line', async () => {
    // The sync ran before this console started (as after a restart): only the file on disk has its lines.
    await openConsole({ synced: true });
    const log = page.getByRole('region', { name: 'Sync log' });
    await log
      .getByText(/STATMSG: ID=6702/)
      .first()
      .waitFor();
    await expect(log.getByText('No synchronization has written to the log yet.').count()).resolves.toBe(0);
    await page.reload();
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).waitFor();
    await log
      .getByText(/STATMSG: ID=6702/)
      .first()
      .waitFor();
    await expect(log.getByText(/STATMSG: ID=6702/).count()).resolves.toBe(1);
  });

  it('pauses the log pane while a sync writes to it, and shows what arrived on Resume', async () => {
    await openConsole({ synced: true });
    const log = page.getByRole('region', { name: 'Sync log' });
    await log
      .getByText(/STATMSG: ID=6702/)
      .first()
      .waitFor();
    // A line selected in the earlier run shows in the details strip until a new run starts.
    await log
      .getByText(/STATMSG: ID=6702/)
      .first()
      .click();
    const details = log.getByRole('region', { name: 'Selected log entry' });
    await details.waitFor();
    // Scrolled up, the pane stops following; Jump to latest is a strip of its own, never over the lines' columns.
    await log.locator('.log-lines').evaluate((lines) => lines.scrollTo({ top: 0 }));
    const jump = log.getByRole('button', { name: 'Jump to latest ↓' });
    await jump.waitFor();
    const [jumpBox, linesBox] = [(await jump.boundingBox())!, (await log.locator('.log-lines').boundingBox())!];
    expect(jumpBox.y).toBeGreaterThanOrEqual(linesBox.y + linesBox.height - 1);
    await jump.click();
    await jump.waitFor({ state: 'detached' });
    await log.getByRole('button', { name: 'Pause' }).click();
    await (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Synchronization' }).click();
    await page.getByText(/Synchronization of CEN succeeded/).waitFor();
    await details.waitFor({ state: 'detached' });
    // Paused: the new sync's lines wait; the button says how many.
    await expect(log.getByText(/STATMSG: ID=6702/).count()).resolves.toBe(1);
    const resume = log.getByRole('button', { name: /^Resume \(\d+ new\)$/ });
    await resume.waitFor();
    await resume.click();
    await expect.poll(() => log.getByText(/STATMSG: ID=6702/).count()).toBe(2);
  });

  it("runs a full synchronization from the menu, as ConfigMgr's SyncNow with its full-sync flag", async () => {
    await openConsole({ synced: true });
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    await (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Full Synchronization' }).click();
    await page.getByText('Full synchronization of CEN started.').waitFor();
    await page.getByText(/Synchronization of CEN succeeded/).waitFor();
    // A usc command beside the console reads the same engine's history.
    const history = await runUsc(['history', '--data', opened.at(-1)!.dataDir, '--json']);
    expect((JSON.parse(history.stdout) as Array<{ kind: string; trigger: string; outcome: string }>)[0]).toMatchObject({
      kind: 'full',
      trigger: 'manual',
      outcome: 'succeeded',
    });
  });

  it('resizes the log pane with the splitter (keyboard and mouse), hides and restores it, and remembers it', async () => {
    await openConsole({ synced: true });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    const splitter = page.getByRole('separator', { name: /Resize the log pane/ });
    const height = async () => Number(await splitter.getAttribute('aria-valuenow'));
    const start = await height();
    await splitter.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await height()).toBe(start - 40);
    const box = (await splitter.boundingBox())!;
    await page.mouse.move(box.x + 100, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 100, box.y + box.height / 2 + 50, { steps: 5 });
    await page.mouse.up();
    expect(await height()).toBe(start - 90);
    const rowsWith = await page.getByRole('grid', { name: 'Software updates' }).locator('tbody tr').count();

    await splitter.focus();
    await page.keyboard.press('Enter');
    expect(await height()).toBe(0);
    await expect(page.getByRole('region', { name: 'Sync log' }).isVisible()).resolves.toBe(false);
    await expect.poll(() => page.getByRole('grid', { name: 'Software updates' }).locator('tbody tr').count()).toBeGreaterThan(rowsWith);
    await page.screenshot({ path: screenshotPath('layout-1024x700-log-hidden') });

    // Remembered across a reload; restored to the height it had.
    await page.reload();
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).waitFor();
    expect(await height()).toBe(0);
    await page.getByRole('separator', { name: /Resize the log pane/ }).focus();
    await page.keyboard.press('Enter');
    expect(await height()).toBe(start - 90);
    for (const [width, heightPx] of [
      [1024, 700],
      [1400, 900],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height: heightPx });
      await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
      await page.getByRole('grid', { name: 'Software updates' }).locator('tbody tr').first().waitFor();
      await page.screenshot({ path: screenshotPath(`layout-${width}x${heightPx}`) });
    }
  });

  it("browses the repository by classification, shows an update's details, and a run's changes in the history", async () => {
    await openConsole({ synced: true });
    const tree = page.getByRole('tree', { name: 'Console tree' });
    // The repository's folders come from the engine: they are expanded once they have arrived (CI once raced them).
    await expandPath(['Update Repository', 'Update Classifications']);
    await tree.getByRole('treeitem', { name: /^Security Updates \(\d+\)$/ }).click();
    const table = page.getByRole('grid', { name: 'Software updates' });
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('table[aria-label="Software updates"] tbody tr td:nth-child(4)')];
      return cells.length > 0 && cells.every((cell) => cell.textContent === 'Security Updates');
    });
    await table.getByRole('row').nth(1).click();
    const details = page.getByRole('region', { name: 'Update details' });
    await details.getByText('Superseded by').waitFor();
    await expect(details.getByText('Products').count()).resolves.toBe(1);
    await page.screenshot({ path: screenshotPath('update-details') });

    // A long product name in a narrow tree is shortened; its count stays in view, and the full name is its tooltip.
    await tree.getByRole('treeitem', { name: 'Products', exact: true }).click();
    await page.keyboard.press('ArrowRight');
    await page.evaluate(() => (document.querySelector('.tree-pane') as HTMLElement).style.setProperty('width', '230px'));
    const longName = tree.getByRole('treeitem', { name: /^Windows 10, version 1903 and later \([\d,]+\)$/ });
    await expect(longName.locator('.tree-label').getAttribute('title')).resolves.toMatch(/^Windows 10, version 1903 and later \(/);
    const inView = await longName.locator('.tree-count').evaluate((count) => {
      const pane = count.closest('.tree-pane')!.getBoundingClientRect();
      return count.getBoundingClientRect().right <= pane.right;
    });
    expect(inView).toBe(true);
    // Shortened in its middle: the end of the name stays in view (two products that differ only there, as
    // "Microsoft Server Operating System-22H2" and "-24H2", stay apart), the ellipsis is in the part before it.
    const shortened = await longName.evaluate((item) => {
      const head = item.querySelector<HTMLElement>('.tree-name')!;
      const tail = item.querySelector<HTMLElement>('.tree-name-tail')!;
      const pane = item.closest('.tree-pane')!.getBoundingClientRect();
      return { cut: head.scrollWidth > head.clientWidth, tail: tail.textContent, visible: tail.getBoundingClientRect().right <= pane.right };
    });
    expect(shortened).toEqual({ cut: true, tail: 'nd later', visible: true });
    await page.evaluate(() => (document.querySelector('.tree-pane') as HTMLElement).style.removeProperty('width'));

    await tree.getByRole('treeitem', { name: 'CEN - Central Site', exact: true }).first().click();
    const history = page.getByRole('table', { name: 'Synchronization history' });
    await history.getByRole('cell', { name: 'succeeded', exact: true }).first().waitFor();
    // The first run: its New count is the grid's count, and What changed lists each of those updates once.
    const firstRun = history.locator('tbody tr').last();
    const newCell = Number(((await firstRun.locator('td').nth(4).textContent()) ?? '').replaceAll(',', ''));
    await firstRun.getByRole('button', { name: 'What changed' }).click();
    const changes = page.getByRole('list', { name: /Changes of run/ });
    await changes.getByText('New').first().waitFor();
    await page.getByText(new RegExp(`^${newCell.toLocaleString('en-US')} new\\b`)).waitFor();
    const entries = await changes.locator('li:not(.muted)').allTextContents();
    expect(entries.length).toBe(Math.min(newCell, 500));
    // No article ID twice in an entry.
    for (const entry of entries) expect(entry.match(/KB\d+/g)?.length ?? 0).toBeLessThanOrEqual(1);
    const pick = /KB(\d+)/.exec(entries.find((entry) => /KB\d+/.test(entry))!)![1]!;
    await page.getByRole('searchbox', { name: /Search the changes of run/ }).fill(pick);
    await expect.poll(() => changes.locator('li').count()).toBeLessThan(entries.length);
    for (const entry of await changes.locator('li:not(.muted)').allTextContents()) expect(entry).toContain(pick);
  });

  it('keeps "Windows 10" and "Windows 10, version 1903 and later" apart: both ticked on the Products tab, a full sync brings every update of each', async () => {
    const catalog = SampleCatalog.generate({ updates: 500, seed: 36 });
    const service = new UpstreamService({ catalog });
    services.push(service);
    await openConsole({ source: await service.listen(), synced: true });
    await expandPath(['Site Management', 'CEN - Central Site', 'Site Settings', 'Component Configuration']);
    await (await openMenu('Software Update Point')).getByRole('menuitem', { name: 'Properties' }).click();
    const dialog = page.getByRole('dialog', { name: 'Software Update Point Properties — CEN' });
    await dialog.getByRole('tab', { name: 'Products' }).click();
    // Two products, one name the beginning of the other: each a box of its own.
    const windows10 = dialog.getByRole('checkbox', { name: 'Windows 10', exact: true });
    const windows10Later = dialog.getByRole('checkbox', { name: 'Windows 10, version 1903 and later', exact: true });
    await expect(windows10.isChecked()).resolves.toBe(false);
    await expect(windows10Later.isChecked()).resolves.toBe(true);
    await windows10.check();
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.getByText('Software Update Point settings of CEN saved.').waitFor();
    await (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Full Synchronization' }).click();
    await page.getByText(/Synchronization of CEN succeeded/).waitFor();

    // The repository's product folders count exactly the catalog's updates of each, for the classifications chosen.
    const chosen = ['Security Updates', 'Critical Updates'];
    const count = (name: string) =>
      catalog.updates.filter(
        (update) => update.parentId === undefined && update.state !== 'removed' && update.product.name === name && chosen.includes(update.classificationName),
      ).length;
    expect(count('Windows 10')).toBeGreaterThan(5);
    await expandPath(['Update Repository', 'Products']);
    const tree = page.getByRole('tree', { name: 'Console tree' });
    for (const name of ['Windows 10', 'Windows 10, version 1903 and later'])
      await tree.getByRole('treeitem', { name: `${name} (${count(name).toLocaleString('en-US')})`, exact: true }).waitFor();
  });

  it('sets a custom weekly schedule in Software Update Point Properties, keeps it, and refuses an invalid value', async () => {
    await openConsole({ synced: true });
    await expandPath(['Site Management', 'CEN - Central Site', 'Site Settings', 'Component Configuration']);
    const openProperties = async () => {
      await (await openMenu('Software Update Point')).getByRole('menuitem', { name: 'Properties' }).click();
      const dialog = page.getByRole('dialog', { name: 'Software Update Point Properties — CEN' });
      await dialog.getByRole('tab', { name: 'Synchronization Schedule' }).click();
      return dialog;
    };
    let dialog = await openProperties();
    // Sync Settings: a bad URL and a retry interval out of range are explained beside their fields and not saved.
    await dialog.getByRole('tab', { name: 'Sync Settings' }).click();
    await dialog.getByLabel('Synchronize from an upstream update server').check();
    // The prefilled https:// is not yet a mistake: nothing is said until the URL is typed in.
    await expect(dialog.getByLabel('Upstream update server URL').inputValue()).resolves.toBe('https://');
    await expect(dialog.locator('.field-error').count()).resolves.toBe(0);
    await expect(dialog.getByLabel('Upstream update server URL').getAttribute('aria-invalid')).resolves.toBe('false');
    await dialog.getByLabel('Upstream update server URL').fill('wsus01');
    // What is wrong with what was typed, not only what is wanted.
    await dialog.getByText('"wsus01" is not a URL: write it as https://server:port, for example https://wsus.corp.example:8531').waitFor();
    await dialog.getByLabel('Retry a failed synchronization after (minutes)').fill('0');
    await dialog.getByText('Retry after 1 to 1,440 minutes (one day)').waitFor();
    await dialog.getByRole('button', { name: 'Apply' }).click();
    const banner = dialog.getByText('Some settings have invalid values; they are explained beside each field.');
    await banner.waitFor();
    // The banner stays while a value is wrong, and goes when the last one is fixed.
    await dialog.getByLabel('Retry a failed synchronization after (minutes)').fill('60');
    await expect(banner.count()).resolves.toBe(1);
    await dialog.getByLabel('Upstream update server URL').fill('https://wsus01.corp.example:8531');
    await banner.waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    dialog = await openProperties();
    await dialog.getByRole('tab', { name: 'Sync Settings' }).click();
    await expect(dialog.getByLabel('Built-in sample catalog').isChecked()).resolves.toBe(true);
    await dialog.getByRole('tab', { name: 'Synchronization Schedule' }).click();
    await dialog.getByLabel('Enable synchronization on a schedule').check();
    await dialog.getByLabel('Simple schedule interval').fill('24');
    await dialog.getByLabel('Simple schedule unit').selectOption('hours');
    await dialog.getByText('A simple schedule runs every 1 to 23 hours').waitFor();
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.getByText('The schedule has invalid values; they are explained beside each field.').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    dialog = await openProperties();
    await expect(dialog.getByLabel('Enable synchronization on a schedule').isChecked()).resolves.toBe(false); // nothing was saved

    await dialog.getByLabel('Enable synchronization on a schedule').check();
    // A simple schedule starts as soon as it is applied: the preview lists that run first, as the engine runs it.
    await dialog
      .getByLabel('Next runs')
      .getByRole('listitem')
      .first()
      .getByText(/^As soon as you apply, then /)
      .waitFor();
    await dialog.getByLabel('Custom schedule').check();
    await dialog.getByRole('button', { name: 'Customize…' }).click();
    const custom = page.getByRole('dialog', { name: 'Custom Schedule' });
    // It opens on a schedule that will run: weekly, from the next whole hour (never a one-time start in the past).
    await expect(custom.getByLabel('Weekly').isChecked()).resolves.toBe(true);
    const start = `${await custom.getByLabel('Date').inputValue()}T${await custom.getByLabel('Time').inputValue()}`;
    expect(Date.parse(`${start}:00${(await custom.getByLabel('UTC').isChecked()) ? 'Z' : ''}`)).toBeGreaterThan(Date.now());
    // Day 0 of a month is refused with its reason (the last day is a tick box); "every 1 day" reads "every day".
    await custom.getByLabel('Monthly').check();
    await custom.getByLabel('Day of the month', { exact: true }).fill('0');
    await custom.getByText('There is no day 0: type 1 to 31, or tick Last day of the month').waitFor();
    await expect(custom.getByRole('button', { name: 'OK' }).isDisabled()).resolves.toBe(true);
    await custom.getByLabel('Last day of the month').check();
    await expect(custom.getByText('There is no day 0').count()).resolves.toBe(0);
    await custom.getByLabel('Custom interval').check();
    await custom.getByLabel('Interval', { exact: true }).fill('1');
    await custom.getByLabel('Interval unit').selectOption('days');
    await custom.getByText(/^Every day from /).waitFor();
    await custom.getByLabel('Date').fill('2026-12-01');
    await custom.getByLabel('Time').fill('03:00');
    await custom.getByLabel('UTC').check();
    await custom.getByLabel('Weekly').check();
    await custom.getByLabel('Weeks').fill('2');
    await custom.getByLabel('Weekday').selectOption('Tuesday');
    await custom.getByText('Every 2 weeks on Tuesday from 2026-12-01 03:00 UTC').waitFor();
    await page.screenshot({ path: screenshotPath('custom-schedule-dialog') });
    await custom.getByRole('button', { name: 'OK' }).click();
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Software Update Point settings of CEN saved.').waitFor();
    await page.screenshot({ path: screenshotPath('properties-schedule-tab') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    dialog = await openProperties();
    await expect(dialog.getByLabel('Custom schedule').isChecked()).resolves.toBe(true);
    await dialog.getByText('Every 2 weeks on Tuesday from 2026-12-01 03:00 UTC').waitFor();
    await expect(dialog.getByLabel('Next runs').getByRole('listitem').count()).resolves.toBe(5);
    // A proxy is a choice of its own, with its URL, user name and password (masked) under it.
    await dialog.getByRole('tab', { name: 'Sync Settings' }).click();
    const useProxy = dialog.getByLabel('Use a proxy server when synchronizing software updates');
    await useProxy.check();
    await dialog.getByText('Enter the proxy server URL, for example http://proxy.corp.example:8080').waitFor();
    await expect(dialog.getByLabel('Proxy password').getAttribute('type')).resolves.toBe('password');
    await useProxy.uncheck();
    await expect(dialog.getByLabel('Proxy server URL').count()).resolves.toBe(0);
    // Test connection: the engine checks every step of the saved settings' path.
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const test = dialog.getByRole('status', { name: 'Connection test' });
    await test.getByText('Every check passed.').waitFor();
    for (const name of ['TCP connect', 'Authorization', 'GetConfigData', 'Site database integrity'])
      await test.getByRole('cell', { name, exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('properties-test-connection') });
    // Values not applied yet are what is tested: an address where nothing listens fails, and nothing is saved.
    const source = dialog.getByRole('radio', { name: 'Synchronize from an upstream update server' });
    await source.check();
    await dialog.getByLabel('Upstream update server URL').fill('http://127.0.0.1:9');
    await dialog.getByText('Tests the values above, not applied yet: the saved settings stay as they are until you apply.').waitFor();
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await test.getByText('Some checks failed: see what to do below each.').waitFor();
    await test
      .getByText(/Nothing listens on 127\.0\.0\.1:9/)
      .first()
      .waitFor();
    await dialog.getByRole('radio', { name: 'Built-in sample catalog' }).check();
    await dialog.getByText('Checks every step a synchronization takes.').waitFor();
    // Supersedence Rules: the preview counts what the rule would expire at the next full synchronization.
    await dialog.getByRole('tab', { name: 'Supersedence Rules' }).click();
    await dialog.getByLabel('Immediately expire a superseded software update').check();
    await dialog
      .getByRole('status', { name: 'Scope change' })
      .getByText(/[1-9][\d,]* superseded updates would be expired/)
      .waitFor();
    await dialog.getByRole('radio', { name: /Expire a superseded software update after/ }).check();
    await dialog.getByLabel('Months before a superseded update expires').fill('100');
    await dialog.getByText('Between 1 and 99 months').waitFor();
    await dialog.getByLabel('Do not expire superseded updates by a rule (only Microsoft expires them)').check();
    // Every language Microsoft Update offers.
    await dialog.getByRole('tab', { name: 'Languages' }).click();
    await dialog.getByLabel('Portuguese (Brazil)').waitFor();
    await expect(dialog.locator('.language-list input[type="checkbox"]').count()).resolves.toBeGreaterThan(30);
    await dialog.getByRole('tab', { name: 'Classifications' }).click();
    await expect(dialog.getByLabel('Security Updates').isChecked()).resolves.toBe(true);
    // All classifications: one box for the whole list, mixed while only some are chosen.
    const all = dialog.getByLabel('All classifications');
    await all.check();
    await expect(dialog.locator('fieldset input[type="checkbox"]:not(:checked)').count()).resolves.toBe(0);
    await all.uncheck();
    await expect(dialog.getByLabel('Security Updates').isChecked()).resolves.toBe(false);
    await dialog.getByLabel('Security Updates').check();
    await expect(all.getAttribute('aria-checked')).resolves.toBe('mixed');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    dialog = await openProperties();
    await dialog.getByRole('tab', { name: 'Classifications' }).click();

    // Narrowing the scope says, before Apply, how many updates of the repository it would drop.
    await dialog.getByLabel('Security Updates').uncheck();
    const scope = dialog.getByRole('status', { name: 'Scope change' });
    await scope.getByText(/of the [\d,]+ updates in the repository, [\d,]+ stay and [1-9][\d,]* would be dropped/).waitFor();
    await dialog.getByLabel('Security Updates').check();
    await scope.waitFor({ state: 'detached' });

    // Products: Company → Family → Product, tri-state, with a search box.
    await dialog.getByRole('tab', { name: 'Products' }).click();
    await dialog.getByLabel('Search products').fill('Windows 11');
    const windows11 = dialog.getByRole('checkbox', { name: 'Windows 11', exact: true });
    await windows11.waitFor();
    await expect(dialog.getByRole('checkbox', { name: /^Windows Server/ }).count()).resolves.toBe(0);
    await windows11.uncheck();
    // Under a search, the family's box stands for the products listed: ticking it ticks those, never the hidden ones.
    const searched = dialog.getByRole('checkbox', { name: /^Windows \(\d+ of \d+; 1 shown\)$/ });
    await expect(searched.getAttribute('aria-checked')).resolves.toBe('false');
    await dialog.getByLabel('Search products').fill('Windows 1');
    await dialog.getByRole('checkbox', { name: /^Windows \(\d+ of \d+; 4 shown\)$/ }).uncheck();
    await dialog.getByLabel('Search products').fill('');
    const family = dialog.getByRole('checkbox', { name: /^Windows \(\d+ of \d+\)$/ });
    await expect(family.getAttribute('aria-checked')).resolves.toBe('mixed');
    await expect(dialog.getByRole('checkbox', { name: 'Windows Server 2019', exact: true }).isChecked()).resolves.toBe(true);
    await expect(dialog.getByRole('checkbox', { name: 'Windows 10 LTSB', exact: true }).isChecked()).resolves.toBe(false);
    await scope.getByText(/would be dropped/).waitFor();
    await page.screenshot({ path: screenshotPath('properties-products-scope-preview') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('keeps Properties inside a 1024x700 window (the last product reachable) and the keyboard inside nested dialogs', async () => {
    await openConsole({ synced: true });
    await page.setViewportSize({ width: 1024, height: 700 });
    const tree = page.getByRole('tree', { name: 'Console tree' });
    await expandPath(['Site Management', 'CEN - Central Site', 'Site Settings', 'Component Configuration']);
    const opener = tree.getByRole('treeitem', { name: 'Software Update Point', exact: true });
    await opener.click();
    await page.keyboard.press('Shift+F10');
    await page.getByRole('menu', { name: 'Software Update Point actions' }).getByRole('menuitem', { name: 'Properties' }).click();
    const dialog = page.getByRole('dialog', { name: 'Software Update Point Properties — CEN' });
    await dialog.getByRole('tab', { name: 'Products' }).waitFor();
    const inside = (name: string) =>
      page.evaluate(
        (label) => document.activeElement?.closest(`[role="dialog"][aria-labelledby]`)?.querySelector('h2')?.textContent?.startsWith(label) ?? false,
        name,
      );
    // Focus is in the dialog from the start.
    await expect.poll(() => inside('Software Update Point Properties')).toBe(true);

    // The tabs answer the arrow keys, Home and End.
    await dialog.getByRole('tab', { name: 'Sync Settings' }).click();
    await page.keyboard.press('ArrowRight');
    await expect(dialog.getByRole('tab', { name: 'Synchronization Schedule' }).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(dialog.getByRole('tab', { name: 'Synchronization Schedule' }).evaluate((tab) => tab === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('End');
    await expect(dialog.getByRole('tab', { name: 'Languages' }).getAttribute('aria-selected')).resolves.toBe('true');
    await page.keyboard.press('ArrowRight');
    await expect(dialog.getByRole('tab', { name: 'Sync Settings' }).getAttribute('aria-selected')).resolves.toBe('true');
    // The dialog stays where it is from tab to tab (it re-centred on each), and no tab sticks out of the panel.
    const placements = new Set<string>();
    for (const name of ['Sync Settings', 'Synchronization Schedule', 'Classifications', 'Products', 'Supersedence Rules', 'Languages']) {
      await dialog.getByRole('tab', { name }).click();
      const box = (await dialog.boundingBox())!;
      placements.add(`${Math.round(box.x)},${Math.round(box.y)},${Math.round(box.width)},${Math.round(box.height)}`);
      const panel = (await dialog.getByRole('tabpanel').boundingBox())!;
      const lastTab = (await dialog.getByRole('tab', { name: 'Languages' }).boundingBox())!;
      expect(lastTab.x + lastTab.width, `the Languages tab on ${name}`).toBeLessThanOrEqual(panel.x + panel.width + 1);
    }
    expect([...placements]).toHaveLength(1);

    await dialog.getByRole('tab', { name: 'Products' }).click();
    const within = async (locator: ReturnType<typeof page.locator>) => {
      const box = (await locator.boundingBox())!;
      return box.y >= 0 && box.y + box.height <= 700 && box.x >= 0 && box.x + box.width <= 1024;
    };
    expect(await within(dialog)).toBe(true);
    expect(await within(dialog.getByRole('button', { name: 'OK' }))).toBe(true);
    const products = dialog.getByRole('tabpanel').getByRole('checkbox');
    const last = products.last();
    await last.scrollIntoViewIfNeeded();
    expect(await within(last)).toBe(true);
    await last.click();
    await page.screenshot({ path: screenshotPath('properties-products-1024x700') });

    // The nested Custom Schedule dialog: focus inside it, Tab stays inside it, Escape closes it alone.
    await dialog.getByRole('tab', { name: 'Synchronization Schedule' }).click();
    await dialog.getByLabel('Enable synchronization on a schedule').check();
    await dialog.getByLabel('Custom schedule').check();
    const customize = dialog.getByRole('button', { name: 'Customize…' });
    await customize.click();
    const custom = page.getByRole('dialog', { name: 'Custom Schedule' });
    await custom.waitFor();
    await expect.poll(() => inside('Custom Schedule')).toBe(true);
    for (let press = 0; press < 40; press++) {
      await page.keyboard.press('Tab');
      expect(await inside('Custom Schedule'), `after ${press + 1} Tab presses`).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await inside('Custom Schedule')).toBe(true);
    await page.keyboard.press('Escape');
    await custom.waitFor({ state: 'detached' });
    await dialog.waitFor();
    await expect(customize.evaluate((button) => button === document.activeElement)).resolves.toBe(true);

    // Escape again closes Properties, and focus returns to the tree item that opened it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(opener.evaluate((item) => item === document.activeElement || item.contains(document.activeElement))).resolves.toBe(true);
  });

  it('keeps Tab and Escape with a dialog after a click beside it', async () => {
    await openConsole();
    await expandPath(['Site Management', 'CEN - Central Site', 'Site Settings', 'Component Configuration']);
    await (await openMenu('Software Update Point')).getByRole('menuitem', { name: 'Properties' }).click();
    const dialog = page.getByRole('dialog', { name: 'Software Update Point Properties — CEN' });
    await dialog.getByRole('tab', { name: 'Sync Settings' }).waitFor();
    const inside = () => dialog.evaluate((element) => element.contains(document.activeElement));
    // A click on the backdrop leaves the focus nowhere; Tab brings it back into the dialog, not to the console behind.
    await page.mouse.click(4, 4);
    await expect(inside()).resolves.toBe(false);
    await page.keyboard.press('Tab');
    await expect(inside()).resolves.toBe(true);
    await page.mouse.click(4, 4);
    await page.keyboard.press('Shift+Tab');
    await expect(inside()).resolves.toBe(true);
    // And Escape still closes it.
    await page.mouse.click(4, 4);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('adds a child site, shows the hierarchy, and disables Run Synchronization on it with the reason', async () => {
    await openConsole();
    await (await openMenu('Site Management')).getByRole('menuitem', { name: 'New Child Site…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New Child Site' });
    await dialog.getByLabel('Site code').fill('P-1');
    await dialog.getByLabel('Site name').fill('Primary 1');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await dialog.getByText('A site code is exactly three letters or digits, for example CEN or PR1.').waitFor();
    await dialog.getByLabel('Site code').fill('PR1');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('treeitem', { name: 'Site Management', exact: true }).click();
    const sites = page.getByRole('table', { name: 'Sites' });
    await sites.getByRole('cell', { name: 'PR1', exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('site-hierarchy') });

    await page.getByRole('combobox', { name: 'Connected site' }).selectOption('PR1');
    await page.getByRole('treeitem', { name: 'Site Database (PR1 - Primary 1)', exact: true }).waitFor();
    const menu = await openMenu('Update Repository');
    const item = menu.getByRole('menuitem', { name: 'Run Synchronization' });
    await expect(item.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(menu.getByRole('menuitem', { name: 'Run Full Synchronization' }).getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(item.getAttribute('title')).resolves.toContain(
      'Manual synchronization is not available on child sites: PR1 synchronizes when its parent site CEN asks it to',
    );
    // The reason is in the menu itself, not only in a tooltip.
    await menu.getByText('Child site: synchronizes after CEN').first().waitFor();
    await page.screenshot({ path: screenshotPath('child-site-menu') });
    await page.keyboard.press('Escape');
    // Its empty repository does not tell the administrator to run a synchronization they cannot run.
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    await page.getByText('PR1 is a child site: it synchronizes after its parent site CEN does.').waitFor();
    await expect(page.getByText(/choose Run Synchronization/).count()).resolves.toBe(0);

    // A site's Properties: renamed here; it cannot be moved below itself; an empty name is explained.
    await expandPath(['Site Management', 'CEN - Central Site']);
    await page.getByRole('treeitem', { name: 'PR1 - Primary 1', exact: true }).first().click({ button: 'right' });
    await page.getByRole('menu', { name: 'PR1 - Primary 1 actions' }).getByRole('menuitem', { name: 'Properties' }).click();
    const properties = page.getByRole('dialog', { name: 'Site Properties — PR1' });
    await expect(properties.getByLabel('Parent site').locator('option').allTextContents()).resolves.toEqual(['CEN - Central Site']);
    await properties.getByLabel('Site name').fill('  ');
    await properties.getByRole('button', { name: 'Apply' }).click();
    await properties.getByText('A site needs a name').waitFor();
    await properties.getByLabel('Site name').fill('Primary Site One');
    await properties.getByRole('button', { name: 'OK' }).click();
    await properties.waitFor({ state: 'detached' });
    await page.getByRole('treeitem', { name: 'PR1 - Primary Site One', exact: true }).first().waitFor();

    // Its Software Update Point synchronizes from its parent, and says so (not the built-in catalog).
    await expandPath(['PR1 - Primary Site One', 'Site Settings', 'Component Configuration'], 'last');
    await page.getByRole('treeitem', { name: 'Software Update Point', exact: true }).last().click({ button: 'right' });
    await page.getByRole('menu', { name: 'Software Update Point actions' }).getByRole('menuitem', { name: 'Properties' }).click();
    const supDialog = page.getByRole('dialog', { name: 'Software Update Point Properties — PR1' });
    await expect(supDialog.getByLabel('Parent site CEN').isChecked()).resolves.toBe(true);
    await expect(supDialog.getByLabel('Built-in sample catalog').count()).resolves.toBe(0);
    await page.keyboard.press('Escape');

    // Delete Site… asks in the page (Cancel has the focus: Enter deletes nothing), then deletes.
    const deleteSite = async () => {
      await page.getByRole('treeitem', { name: 'PR1 - Primary Site One', exact: true }).first().click({ button: 'right' });
      await page.getByRole('menu', { name: 'PR1 - Primary Site One actions' }).getByRole('menuitem', { name: 'Delete Site…' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete Site PR1?' });
      await confirm.getByText(/kept aside in the data folder/).waitFor();
      return confirm;
    };
    let confirm = await deleteSite();
    // Focus moves into a dialog one frame after it renders: press Enter only once Cancel has it, as a person would.
    await confirm.getByRole('button', { name: 'Cancel' }).evaluate(
      (button) =>
        new Promise<void>((resolve) => {
          const check = () => (button === document.activeElement ? resolve() : requestAnimationFrame(check));
          check();
        }),
    );
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached' });
    await page.getByRole('treeitem', { name: 'PR1 - Primary Site One', exact: true }).first().waitFor();
    confirm = await deleteSite();
    await confirm.getByRole('button', { name: 'Delete Site' }).click();
    await page.getByText(/^Site PR1 was removed; its database was kept as /).waitFor();
    await expect(page.getByRole('treeitem', { name: 'PR1 - Primary Site One', exact: true }).count()).resolves.toBe(0);
  });

  it('exports the catalog from one console and imports it in a disconnected one, with progress, refusing a file that is not an export', async () => {
    await openConsole({ synced: true });
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    const total = (await page
      .getByRole('search')
      .getByText(/^[\d,]+ updates$/)
      .textContent())!;
    await expandPath(['Site Management', 'CEN - Central Site', 'Site Settings', 'Component Configuration']);
    await (await openMenu('Software Update Point')).getByRole('menuitem', { name: 'Export Catalog…' }).click();
    const exportDialog = page.getByRole('dialog', { name: 'Export Catalog — CEN' });
    const target = exportDialog.getByLabel(/^Export to/);
    // Proposed in the data folder's Exports folder, named for the site and the time.
    await expect.poll(() => target.inputValue()).toMatch(/[\\/]Exports[\\/]CEN-\d{8}-\d{4}\.uscexport$/);
    const file = await target.inputValue();
    await exportDialog.getByRole('button', { name: 'Export' }).click();
    const result = exportDialog.getByRole('status', { name: 'Export result' });
    await result.getByText(new RegExp(`^Exported ${total.replace(' updates', '')} updates and [\\d,]+ categories and detectoids \\(.+ MB\\) to `)).waitFor();
    await result.getByText(/^SHA-256 [0-9a-f]{64}$/).waitFor();
    await page.screenshot({ path: screenshotPath('export-catalog') });
    await exportDialog.getByRole('button', { name: 'Close' }).click();

    // A site that cannot reach any upstream: "Do not synchronize", kept current by imports. It offers no
    // synchronization (one could only fail and leave a retry behind), and says why in the menu itself.
    // It selects one product of the several in the file: the import says so before it starts.
    await openConsole({ source: 'none', products: [productId('Windows 11')] });
    const repositoryMenu = await openMenu('Update Repository');
    for (const name of ['Run Synchronization', 'Run Full Synchronization']) {
      const item = repositoryMenu.getByRole('menuitem', { name });
      await expect(item.getAttribute('aria-disabled')).resolves.toBe('true');
      await expect(item.getAttribute('title')).resolves.toContain('CEN is set to "Do not synchronize": it is kept current by catalog imports');
    }
    await repositoryMenu.getByText('Kept current by catalog imports: Import Catalog…').first().waitFor();
    // The reason reads as its own item's, not as the next item's caption: inside its item, ruled off from the next.
    const placement = await repositoryMenu.getByRole('menuitem', { name: 'Run Synchronization', exact: true }).evaluate((item) => {
      const note = item.querySelector('.menu-note')!.getBoundingClientRect();
      const next = item.nextElementSibling!.querySelector('span')!.getBoundingClientRect();
      const own = item.getBoundingClientRect();
      return { inside: note.top >= own.top && note.bottom <= own.bottom, gap: next.top - note.bottom, rule: getComputedStyle(item).borderBottomStyle };
    });
    expect(placement.inside).toBe(true);
    expect(placement.rule).toBe('solid');
    expect(placement.gap).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: screenshotPath('do-not-synchronize-menu') });
    await page.keyboard.press('Escape');
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    await page.getByText(/CEN is set to "Do not synchronize": import a catalog/).waitFor();
    await expandPath(['Site Management', 'CEN - Central Site', 'Site Settings', 'Component Configuration']);
    const openImport = async () => {
      await (await openMenu('Software Update Point')).getByRole('menuitem', { name: 'Import Catalog…' }).click();
      return page.getByRole('dialog', { name: 'Import Catalog — CEN' });
    };
    let importDialog = await openImport();
    const source = importDialog.getByLabel(/^Export file to import/);
    await source.fill(join(opened[1]!.dataDir, 'engine.lock'));
    await importDialog.getByRole('button', { name: 'Check file' }).click();
    await importDialog
      .getByRole('alert')
      .getByText(/is not a catalog export of Update Sync Console.*Nothing was imported\./)
      .waitFor();
    await page.screenshot({ path: screenshotPath('import-catalog-refused') });
    await importDialog.getByRole('button', { name: 'Cancel' }).click();
    await importDialog.waitFor({ state: 'detached' });

    importDialog = await openImport();
    await importDialog.getByLabel(/^Export file to import/).fill(file);
    await importDialog.getByRole('button', { name: 'Check file' }).click();
    // Before anything changes: what the site's products and classifications keep of the file, product by product.
    const scope = importDialog.getByRole('status', { name: 'Import scope' });
    const said = scope.getByText(/^The products and classifications of CEN keep [\d,]+ of the file's [\d,]+ updates and leave out [\d,]+\.$/);
    await said.waitFor();
    const [, kept, inFile, leftOut] = /keep ([\d,]+) of the file's ([\d,]+) updates and leave out ([\d,]+)/.exec((await said.textContent())!)!;
    const number = (text: string) => Number(text.replace(/,/g, ''));
    expect(`${inFile} updates`).toBe(total);
    expect(number(kept!) + number(leftOut!)).toBe(number(inFile!));
    const byProduct = scope.getByRole('table', { name: 'Updates of the file by product' });
    await expect(
      byProduct
        .getByRole('row', { name: /^Windows 11 / })
        .locator('td')
        .nth(2)
        .textContent(),
    ).resolves.toBe(kept);
    await byProduct.getByRole('cell', { name: 'Windows Server 2019 (not selected)' }).waitFor();
    await page.screenshot({ path: screenshotPath('import-catalog-scope') });
    await importDialog.getByRole('button', { name: 'Import', exact: true }).click();
    await importDialog.waitFor({ state: 'detached' });
    // In its result too: what was imported, and what the selection left out, by product.
    const done = page.getByText(new RegExp(`^Import into CEN succeeded: ${kept} new, 0 modified, 0 expired, 0 removed updates`));
    await done.waitFor({ timeout: 30_000 });
    await expect(done.textContent()).resolves.toMatch(
      new RegExp(`keep ${kept} of the file's ${inFile} updates and leave out ${leftOut}: .*Windows Server 2019 [\\d,]+ \\(not selected\\)`),
    );
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    await page.getByRole('search').getByText(`${kept} updates`, { exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('import-catalog-done') });
  });

  it("says on its landing page how to start, and shows the Software Update Point's source, schedule and last and next sync", async () => {
    await openConsole({ synced: true });
    await page.getByRole('treeitem', { name: /^Site Database \(/ }).click();
    const start = page.getByRole('region', { name: 'Getting started' });
    await start.getByText(/^Configure the Software Update Point/).waitFor();
    await start.getByText(/Run Synchronization on Update Repository/).waitFor();
    for (const size of [
      { width: 1024, height: 700 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      await page.screenshot({ path: screenshotPath(`landing-${size.width}x${size.height}`) });
    }
    await page.setViewportSize({ width: 1400, height: 860 });
    await start.getByRole('button', { name: 'Software Update Point Properties…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Software Update Point Properties — CEN' });
    await dialog.waitFor();
    // Opened with the mouse, it still shows where its focus is.
    await expect
      .poll(() =>
        page.evaluate(() => {
          const active = document.activeElement!;
          return active.closest('[role="dialog"]') !== null && getComputedStyle(active).outlineStyle === 'solid';
        }),
      )
      .toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // It went to the Software Update Point too: its result pane says what an administrator checks first.
    await expect(page.getByRole('treeitem', { name: 'Software Update Point', exact: true }).getAttribute('aria-selected')).resolves.toBe('true');
    const details = page.getByRole('definition');
    const value = async (term: string) => {
      const terms = await page.getByRole('term').allTextContents();
      return (await details.allTextContents())[terms.indexOf(term)];
    };
    await page.getByRole('term').filter({ hasText: 'Synchronization source' }).waitFor();
    await expect(value('Synchronization source')).resolves.toMatch(/sample catalog/i);
    await expect(value('Schedule')).resolves.toBeTruthy();
    await expect(value('Last synchronization')).resolves.toMatch(/^succeeded \(full, cli\) /);
    await expect(value('Last successful synchronization')).resolves.not.toBe('Never');
    await expect(value('Next synchronization')).resolves.toMatch(/scheduled|Not scheduled/);
    await page.getByRole('button', { name: 'Properties…' }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
  });

  it('lays out the repository, a row menu, update Properties, Synchronization Status and Component Status at 1024x700 and 1920x1080', async () => {
    await openConsole({ synced: true });
    const grid = page.getByRole('grid', { name: 'Software updates' });
    for (const [width, height] of [
      [1024, 700],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      const size = `${width}x${height}`;
      // The log's toolbar stays one line: no control wraps under the title.
      const oneLine = await page.locator('.log-pane .pane-title').evaluate((bar) => {
        const boxes = [...bar.children].map((child) => child.getBoundingClientRect()).filter((box) => box.width > 0);
        return Math.max(...boxes.map((box) => box.top)) < Math.min(...boxes.map((box) => box.bottom));
      });
      expect(oneLine, `log toolbar at ${size}`).toBe(true);

      await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
      const row = grid.locator('tbody tr[aria-rowindex="3"]');
      await row.click();
      await page.getByLabel('Legend').getByText('Superseded').waitFor();
      await page.screenshot({ path: screenshotPath(`repository-${size}`) });
      await row.click({ button: 'right' });
      const menu = page.getByRole('menu', { name: 'Update actions' });
      await menu.getByRole('menuitem', { name: 'Properties' }).waitFor();
      const menuBox = (await menu.boundingBox())!;
      expect(menuBox.x + menuBox.width).toBeLessThanOrEqual(width);
      expect(menuBox.y + menuBox.height).toBeLessThanOrEqual(height);
      await page.screenshot({ path: screenshotPath(`repository-row-menu-${size}`) });
      await menu.getByRole('menuitem', { name: 'Properties' }).click();
      await page.getByRole('region', { name: 'Update details' }).getByText('Superseded by', { exact: true }).waitFor();
      await page.screenshot({ path: screenshotPath(`update-properties-${size}`) });

      await expandPath(['Monitoring']);
      await page.getByRole('treeitem', { name: 'Synchronization Status', exact: true }).click();
      await page.getByRole('img', { name: /^Duration of each synchronization of CEN/ }).waitFor();
      await page.screenshot({ path: screenshotPath(`sync-status-${size}`) });
      await expandPath(['System Status', 'Site Status']);
      await page.getByRole('treeitem', { name: 'CEN - Central Site', exact: true }).last().click();
      await page.keyboard.press('ArrowRight');
      await page.getByRole('treeitem', { name: 'Component Status', exact: true }).click();
      const component = page.getByRole('table', { name: 'Component Status' });
      await page.getByRole('group', { name: 'SMS_WSUS_SYNC_MANAGER actions' }).getByRole('button', { name: 'Reset Counts' }).waitFor();
      // Its buttons are in view without scrolling the pane sideways.
      const buttons = (await page.getByRole('group', { name: 'SMS_WSUS_SYNC_MANAGER actions' }).getByRole('button', { name: 'Reset Counts' }).boundingBox())!;
      const pane = (await page.locator('.result-pane').boundingBox())!;
      expect(buttons.x + buttons.width, `Component Status at ${size}`).toBeLessThanOrEqual(pane.x + pane.width);
      // Every column too: the last one ends inside the pane.
      const table = (await component.boundingBox())!;
      expect(table.x + table.width, `Component Status table at ${size}`).toBeLessThanOrEqual(pane.x + pane.width);
      await page.screenshot({ path: screenshotPath(`component-status-${size}`) });
    }
  });

  it('draws the runs on a time axis, with legends, a readable logarithmic scale, and widths that follow the pane', async () => {
    const catalog = SampleCatalog.generate({ updates: 1_000, seed: 6 });
    const service = new UpstreamService({ catalog });
    services.push(service);
    await openConsole({ source: await service.listen() });
    await (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Synchronization' }).click();
    await page.getByText(/^Synchronization of CEN succeeded/).waitFor();
    service.churn({ add: 6 });
    await (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Synchronization' }).click();
    await page.getByRole('treeitem', { name: 'Monitoring', exact: true }).click();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('treeitem', { name: 'Synchronization Status', exact: true }).click();
    const charts = page.getByRole('region', { name: 'Synchronization runs over time' });
    await expect.poll(() => charts.getByRole('table', { name: 'Synchronization runs of CEN' }).locator('tbody tr').count()).toBe(2);

    // A legend for each chart's colours.
    const legend = (name: string) =>
      charts
        .getByRole('list', { name: `Legend: ${name}` })
        .getByRole('listitem')
        .allTextContents();
    await expect(legend('Duration of each synchronization of CEN')).resolves.toEqual(['Succeeded', 'Failed', 'Cancelled', 'Interrupted']);
    await expect(legend('Updates changed by each synchronization of CEN')).resolves.toEqual(['New', 'Modified', 'Expired', 'Removed']);
    // Time on the x-axis; the run's number in each bar's tooltip.
    const changes = charts.getByRole('img', { name: /^Updates changed by each synchronization of CEN/ });
    await expect(changes.getByText('Started', { exact: true }).count()).resolves.toBe(1);
    const ticks = await changes.locator('.visx-axis-bottom .visx-axis-tick text').allTextContents();
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (const tick of ticks) expect(tick).toMatch(/\d{1,2}:\d{2}/);
    await expect(changes.locator('g.run-bar').first().locator('title').textContent()).resolves.toMatch(/^Run 1, .+: \d+ new, /);
    // Hundreds of updates beside a handful: logarithmic by itself, and the small run is a bar, not a line.
    const heights = () => changes.locator('g.run-bar').evaluateAll((bars) => bars.map((bar) => bar.getBoundingClientRect().height));
    await expect(changes.getAttribute('aria-labelledby').then((id) => page.locator(`[id="${id}"]`).textContent())).resolves.toMatch(/\(logarithmic scale\)$/);
    let [big, small] = await heights();
    expect(small! / big!).toBeGreaterThan(0.1);
    await charts.getByLabel('Scale', { exact: true }).selectOption('linear');
    await expect.poll(async () => (await heights())[1]! / (await heights())[0]! < 0.03).toBe(true);
    await charts.getByLabel('Scale', { exact: true }).selectOption('auto');
    [big, small] = await heights();
    expect(small! / big!).toBeGreaterThan(0.1);
    await page.screenshot({ path: screenshotPath('monitoring-run-charts-log') });

    // As wide as the pane: side by side in a wide window, one above the other in a small one, never past its edge.
    const boxes = async () => {
      const region = (await charts.boundingBox())!;
      const svgs = await charts.locator('figure.run-chart > svg').evaluateAll((all) => all.map((svg) => svg.getBoundingClientRect().toJSON() as DOMRect));
      return { region, svgs };
    };
    let { region, svgs } = await boxes();
    expect(svgs[1]!.top).toBe(svgs[0]!.top);
    expect(svgs[1]!.right).toBeLessThanOrEqual(region.x + region.width + 1);
    expect(svgs[0]!.width + svgs[1]!.width).toBeGreaterThan(region.width * 0.9);
    await page.setViewportSize({ width: 1024, height: 700 });
    await expect.poll(async () => (await boxes()).svgs[1]!.top > (await boxes()).svgs[0]!.bottom).toBe(true);
    ({ region, svgs } = await boxes());
    for (const svg of svgs) expect(svg.right).toBeLessThanOrEqual(region.x + region.width + 1);
    await page.screenshot({ path: screenshotPath('monitoring-run-charts-1024') });
    // The runs' table scrolls in a box of its own, so its sticky header stays with its rows.
    const table = charts.getByRole('region', { name: 'Runs of CEN' });
    await expect(table.evaluate((box) => getComputedStyle(box).overflowY)).resolves.toBe('auto');
    await expect(
      table
        .locator('th')
        .first()
        .evaluate((th) => getComputedStyle(th).position),
    ).resolves.toBe('sticky');
  });

  it('tells a failure that recurs: the toast and Synchronization Status name the update and say it will fail again', async () => {
    const catalog = SampleCatalog.generate({ updates: 40, seed: 5 });
    const service = new UpstreamService({ catalog });
    services.push(service);
    const url = await service.listen();
    // One the site's default products and classifications keep.
    const withheld = catalog.updates.find(
      (update) => update.product.name === 'Windows 11' && update.classificationName === 'Security Updates' && update.parentId === undefined,
    )!.id;
    service.injectFault({ kind: 'withhold', updateId: withheld, times: 1_000 });
    await openConsole({ source: url });
    const run = async () => (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Synchronization' }).click();
    await run();
    const notices = page.getByLabel('Notifications');
    const first = notices.getByText(/^Synchronization of CEN failed: /);
    await first.waitFor();
    await expect(first.textContent()).resolves.toContain(`update ${withheld}`);
    await run();
    const again = notices.getByText(/^Synchronization of CEN failed again: /);
    await again.waitFor();
    const text = (await again.textContent())!;
    expect(text).toContain(`It failed on the same update last time: update ${withheld}`);
    expect(text).toContain('It will fail again until the cause is fixed.');
    expect(text).not.toContain('the next sync fetches the rest');
    // One notice for the site, not two with two retry times.
    await expect(notices.getByText(/^Synchronization of CEN failed/).count()).resolves.toBe(1);

    await page.getByRole('treeitem', { name: 'Monitoring', exact: true }).click();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('treeitem', { name: 'Synchronization Status', exact: true }).click();
    const row = page.getByRole('table', { name: 'Synchronization Status' }).getByRole('row', { name: /CEN - Central Site/ });
    const cell = row.locator('td.last-error');
    await cell.getByText('Fails again until fixed.').waitFor();
    await expect(cell.textContent()).resolves.toMatch(new RegExp(`UPDATES_FAILED: .*It failed on the same update last time: update ${withheld}.*What to do: `));
    await page.screenshot({ path: screenshotPath('sync-status-recurring-failure') });
  });

  it('shows a failed synchronization in the tree, the status bar and the hierarchy, with the retry counting down', async () => {
    // An upstream that answers every GetConfigData with InternalServerError (a fault the protocol says must stop it):
    // the sync fails at once, and its automatic retry is scheduled.
    const service = new UpstreamService({ catalog: SampleCatalog.generate({ updates: 50, seed: 3 }) });
    services.push(service);
    const url = await service.listen();
    service.injectFault({ kind: 'internalServerError', operation: 'GetConfigData', times: 1_000 });
    await openConsole({ source: url });
    await (await openMenu('Update Repository')).getByRole('menuitem', { name: 'Run Synchronization' }).click();
    await page.getByText(/^Synchronization of CEN failed: .*\(InternalServerError\)\. .*Will retry at .+, in 1 h\.$/).waitFor();
    await page
      .getByRole('status')
      .getByText(/^CEN: synchronization failed, retry at .+, in 1 h$/)
      .waitFor();
    const site = page.getByRole('treeitem', { name: 'CEN - Central Site', exact: true }).first();
    await expect(site.getAttribute('aria-description')).resolves.toBe('Last synchronization failed');
    await page.getByRole('treeitem', { name: 'Site Management', exact: true }).click();
    const sites = page.getByRole('table', { name: 'Sites' });
    await sites.getByRole('cell', { name: 'Failed', exact: true }).waitFor();
    await sites.getByText(/^at .+, in 1 h$/).waitFor();
    await page.screenshot({ path: screenshotPath('site-failed') });
    // Monitoring / Synchronization Status: the failed site, its error and its retry in one row.
    await page.getByRole('treeitem', { name: 'Monitoring', exact: true }).click();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('treeitem', { name: 'Synchronization Status', exact: true }).click();
    const status = page.getByRole('table', { name: 'Synchronization Status' });
    const row = status.getByRole('row', { name: /CEN - Central Site/ });
    await row.getByRole('cell', { name: 'Failed, retrying', exact: true }).waitFor();
    await row.getByText(/^InternalServerError: /).waitFor();
    await row.getByText(/^at .+, in 1 h$/).waitFor();
    await page.screenshot({ path: screenshotPath('monitoring-sync-status') });
    // Component Status is Critical with the error of the last 24 hours; its count opens the 6703 and its details.
    await expandPath(['System Status', 'Site Status']);
    await page.getByRole('treeitem', { name: 'CEN - Central Site', exact: true }).last().click();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('treeitem', { name: 'Component Status', exact: true }).click();
    const component = page.getByRole('table', { name: 'Component Status' }).getByRole('row', { name: /SMS_WSUS_SYNC_MANAGER/ });
    await component.getByRole('cell', { name: 'Critical', exact: true }).waitFor();
    await component.getByRole('button', { name: 'Show the 1 error of the last 24 hours' }).click();
    await page.getByRole('grid', { name: 'Status messages' }).getByRole('gridcell', { name: '6703', exact: true }).waitFor();
    const details = page.getByRole('region', { name: 'Status message details' });
    await details.getByText('Insertion string 2').waitFor();
    await details
      .getByText(/InternalServerError/)
      .first()
      .waitFor();
    await page.screenshot({ path: screenshotPath('component-status-error-details') });
    // Reset Counts, as ConfigMgr's: acknowledged, the component is OK again; its messages stay.
    await page.getByRole('treeitem', { name: 'Component Status', exact: true }).click();
    await page.getByRole('group', { name: 'SMS_WSUS_SYNC_MANAGER actions' }).getByRole('button', { name: 'Reset Counts' }).click();
    await component.getByRole('cell', { name: 'OK', exact: true }).waitFor();
    await page.getByText(/^SMS_WSUS_SYNC_MANAGER: counts since .+ \(Reset Counts\)/).waitFor();
    await page.screenshot({ path: screenshotPath('component-status-reset') });
    await page.getByRole('group', { name: 'SMS_WSUS_SYNC_MANAGER actions' }).getByRole('button', { name: 'Show Messages' }).click();
    await page.getByRole('grid', { name: 'Status messages' }).getByRole('gridcell', { name: '6703', exact: true }).waitFor();
    // Alt+Enter on a folder (it has no Properties) leaves it as it is.
    const folder = page.getByRole('treeitem', { name: 'Site Management', exact: true });
    const before = await folder.getAttribute('aria-expanded');
    await folder.focus();
    await page.keyboard.press('Alt+Enter');
    await expect(folder.getAttribute('aria-expanded')).resolves.toBe(before);
  });
});
