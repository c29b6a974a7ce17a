/// <reference lib="dom" />
/**
 * Renderer benchmark: streams 1,000,000 log lines (a recorded wsyncmgr.log replayed by the web host) and a
 * synchronized 100,000-update repository into the console in Chromium, and prints the longest main-thread task
 * and the frame rate while scrolling. Usage: npm run bench -- ui [--updates N] [--lines N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { formatTraceLine, formatTraceTime } from '../../shared/trace-log';
import { PRODUCTS } from '../../electron/engine/upstream/service/catalog-data';
import { CLASSIFICATIONS } from '../../electron/engine/upstream/soap/protocol-names';
import { fmt, printTable, ROOT, startUscProcess } from './bench-kit';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '100000' }, lines: { type: 'string', default: '1000000' } } });
const usc = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'usc.js'), ...args], { encoding: 'utf8' });

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'usc-ui-bench-'));
  const dataDir = join(work, 'data');
  const logFile = join(work, 'wsyncmgr.log');
  const lineCount = Number(values.lines);
  const texts = ['sync: SMS synchronizing updates, processed 100 out of 1000 items (10%)', 'Synchronizing update 9f1c1c4f - Security Update for Windows (KB5000001)', 'WARNING: Request filter does not contain any known classifications.', 'Sync failed: The upstream server did not answer GetUpdateData. Source: UpstreamServer.GetUpdateData'];
  const base = Date.parse('2026-11-23T08:00:00Z');
  const out: string[] = [];
  for (let i = 0; i < lineCount; i++) out.push(formatTraceLine({ text: `${texts[i % 17 === 0 ? 3 : i % 11 === 0 ? 2 : i % 2]} #${i}`, component: 'SMS_WSUS_SYNC_MANAGER', time: formatTraceTime(new Date(base + i), 0), thread: 4404 }));
  writeFileSync(logFile, out.join('\r\n'));

  const upstream = startUscProcess(['upstream', '--port', '0', '--updates', values.updates!, '--seed', '1']);
  const url = await upstream.firstLine;
  usc(['config', '--data', dataDir, '--source', url, '--products', PRODUCTS.map((p) => p.name).join(','), '--classifications', CLASSIFICATIONS.map((c) => c.name).join(','), '--languages', 'en']);
  const synced = usc(['sync', '--data', dataDir, '--full', '--json']);
  upstream.stop();
  const summary = JSON.parse(synced.stdout) as { counts: { new: number }; durationMs: number };

  const web = startUscProcess(['web', '--port', '0', '--data', dataDir, '--replay', logFile]);
  const consoleUrl = await web.firstLine;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(() => {
      const w = window as unknown as { __longest: number; __tasks: number };
      w.__longest = 0;
      w.__tasks = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          w.__tasks++;
          w.__longest = Math.max(w.__longest, entry.duration);
        }
      }).observe({ type: 'longtask', buffered: true });
    });
    const takeLongTasks = () =>
      page.evaluate(() => {
        const w = window as unknown as { __longest: number; __tasks: number };
        const result = { longest: w.__longest, tasks: w.__tasks };
        w.__longest = 0;
        w.__tasks = 0;
        return result;
      });
    const started = Date.now();
    await page.goto(consoleUrl);
    // Loading the page (script evaluation, first render) is not caused by sync events: counted apart.
    await page.locator('.log-line').first().waitFor({ timeout: 600_000 });
    const loading = await takeLongTasks();
    await page.getByText(`${lineCount.toLocaleString('en-US')} lines`).waitFor({ timeout: 600_000 });
    const streamMs = Date.now() - started;
    const streaming = await takeLongTasks();
    const scrollFps = (selector: string) =>
      page.evaluate(async (css) => {
        const element = document.querySelector(css) as HTMLElement;
        let frames = 0;
        const end = performance.now() + 3_000;
        await new Promise<void>((resolve) => {
          const step = () => {
            frames++;
            element.scrollTop = (element.scrollTop + 400) % Math.max(1, element.scrollHeight - element.clientHeight);
            if (performance.now() < end) requestAnimationFrame(step);
            else resolve();
          };
          requestAnimationFrame(step);
        });
        return frames / 3;
      }, selector);
    const logFps = await scrollFps('.log-lines');
    const afterLogScroll = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    const pageStarted = Date.now();
    await page.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    await page.getByRole('table', { name: 'Software updates' }).getByRole('row').nth(1).waitFor();
    const pageMs = Date.now() - pageStarted;
    const sortStarted = Date.now();
    await page.getByRole('table', { name: 'Software updates' }).getByRole('button', { name: /Article ID/ }).click();
    await page.waitForFunction(() => document.querySelector('th[aria-sort="ascending"]')?.textContent?.includes('Article ID') === true && !document.body.textContent?.includes('Loading…'));
    const sortMs = Date.now() - sortStarted;
    const repoFps = await scrollFps('.grid-scroller');
    const overall = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    printTable(`UI benchmark: ${lineCount.toLocaleString('en-US')} log lines, ${summary.counts.new.toLocaleString('en-US')}-revision repository (Chromium, headless)`, [
      ['repository sync before the run', fmt.ms(summary.durationMs)],
      ['log lines streamed through the web host', `${fmt.ms(streamMs)} until all ${lineCount.toLocaleString('en-US')} were in the pane`],
      ['longest main-thread task loading the page', `${fmt.ms(loading.longest)} (${loading.tasks} tasks over 50 ms)`],
      ['longest main-thread task while streaming', `${fmt.ms(streaming.longest)} (${streaming.tasks} tasks over 50 ms)`],
      ['log pane scrolling', `${logFps.toFixed(0)} frames/s (longest task ${fmt.ms(afterLogScroll)})`],
      ['repository first page (200 rows)', fmt.ms(pageMs)],
      ['repository sort by Article ID', fmt.ms(sortMs)],
      ['repository pane scrolling', `${repoFps.toFixed(0)} frames/s`],
      ['longest main-thread task after streaming', fmt.ms(overall)],
    ]);
  } finally {
    await browser.close();
    web.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
