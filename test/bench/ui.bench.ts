/// <reference lib="dom" />
/**
 * Renderer benchmark: runs a 100,000-update synchronization from the console (renderer long tasks, host event-loop
 * delay), then streams 1,000,000 log lines (a recorded wsyncmgr.log replayed through the web host) and browses the
 * synchronized repository in Chromium, and prints the longest main-thread task and the frame rate while scrolling.
 * Usage: npm run bench -- ui [--updates N] [--lines N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { formatTraceLine, formatTraceTime } from '../../shared/trace-log';
import { PRODUCTS } from '../../electron/engine/upstream/service/catalog-data';
import { CLASSIFICATIONS } from '../../electron/engine/upstream/soap/protocol-names';
import { startConsoleHost } from '../../electron/host/console-host';
import { buildPaths } from '../../electron/host/paths';
import { startWebHost } from '../../electron/host/web-host';
import { fmt, printTable, ROOT, startUscProcess } from './bench-kit';
import { replayingHost } from './log-replay';

const { values } = parseArgs({
  options: { updates: { type: 'string', default: '100000' }, lines: { type: 'string', default: '1000000' }, trace: { type: 'string' } },
});
const usc = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'usc.js'), ...args], { encoding: 'utf8' });

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'usc-ui-bench-'));
  const dataDir = join(work, 'data');
  const logFile = join(work, 'wsyncmgr.log');
  const lineCount = Number(values.lines);
  const texts = [
    'sync: SMS synchronizing updates, processed 100 out of 1000 items (10%)',
    'Synchronizing update 9f1c1c4f - Security Update for Windows (KB5000001)',
    'WARNING: Request filter does not contain any known classifications.',
    'Sync failed: The upstream server did not answer GetUpdateData. Source: UpstreamServer.GetUpdateData',
  ];
  const base = Date.parse('2026-11-23T08:00:00Z');
  const out: string[] = [];
  for (let i = 0; i < lineCount; i++)
    out.push(
      formatTraceLine({
        text: `${texts[i % 17 === 0 ? 3 : i % 11 === 0 ? 2 : i % 2]} #${i}`,
        component: 'SMS_WSUS_SYNC_MANAGER',
        time: formatTraceTime(new Date(base + i), 0),
        thread: 4404,
      }),
    );
  writeFileSync(logFile, out.join('\r\n'));

  const upstream = startUscProcess(['upstream', '--port', '0', '--updates', values.updates, '--seed', '1']);
  const url = await upstream.firstLine;
  // One --product per name: "Windows 10, version 1903 and later" has a comma, which --products would split.
  const configured = usc([
    'config',
    '--data',
    dataDir,
    '--source',
    url,
    ...PRODUCTS.flatMap((product) => ['--product', product.name]),
    ...CLASSIFICATIONS.flatMap((classification) => ['--classification', classification.name]),
    '--languages',
    'en',
  ]);
  // A refused setting left the site on the sample catalog, and the benchmark measured 672 updates, not its own.
  if (configured.status !== 0) throw new Error(`usc config failed: ${configured.stderr}`);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  let live: Awaited<ReturnType<typeof measureLiveSync>>;
  try {
    live = await measureLiveSync(browser, dataDir, join(work, 'event-loop.json'));
  } catch (error) {
    await browser.close();
    throw error;
  } finally {
    upstream.stop();
  }

  // The recorded log is streamed by a host wrapped here, not by the product: the web host serves what its engine says.
  const paths = buildPaths(join(ROOT, 'out'));
  const engineHost = await startConsoleHost({ dataDir, workerPath: paths.workerPath, sqlWasmPath: paths.sqlWasmPath, endpoint: false });
  const web = await startWebHost({ host: replayingHost(engineHost, { file: logFile, site: 'CEN' }), rendererDir: paths.rendererDir });
  const consoleUrl = web.url;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const takeLongTasks = await observeLongTasks(page);
    const started = Date.now();
    await page.goto(consoleUrl);
    // Loading the page (script evaluation, first render) is not caused by sync events: counted apart.
    await page.locator('.log-line').first().waitFor({ timeout: 600_000 });
    const loading = await takeLongTasks();
    // The pane also reads back the tail of the site's own wsyncmgr.log: every replayed line is in once it holds at
    // least as many lines as were replayed (or the ring is full).
    await page.waitForFunction(
      (expected) =>
        [...document.querySelectorAll('span, div')].some((element) => {
          const match = /^([\d,]+) lines$/.exec(element.textContent ?? '');
          return match !== null && Number(match[1]!.replaceAll(',', '')) >= expected;
        }),
      Math.min(lineCount, 1_000_000),
      { timeout: 600_000, polling: 250 },
    );
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
    await page.getByRole('grid', { name: 'Software updates' }).getByRole('row').nth(1).waitFor();
    const pageMs = Date.now() - pageStarted;
    const sortStarted = Date.now();
    await page
      .getByRole('grid', { name: 'Software updates' })
      .getByRole('button', { name: /Article ID/ })
      .click();
    await page.waitForFunction(
      () =>
        document.querySelector('th[aria-sort="ascending"]')?.textContent?.includes('Article ID') === true && !document.body.textContent?.includes('Loading…'),
    );
    const sortMs = Date.now() - sortStarted;
    const repoFps = await scrollFps('.grid-scroller');
    const overall = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    printTable(`UI benchmark: ${lineCount.toLocaleString('en-US')} log lines, ${live.summary} (Chromium, headless)`, [
      ['sync run from the console (Run Synchronization)', fmt.ms(live.syncMs)],
      ['  longest renderer task during the sync', `${fmt.ms(live.longest)} (${live.tasks} tasks over 50 ms)`],
      ['  host event-loop delay during the sync', `p99 ${live.eventLoop.p99.toFixed(1)} ms, max ${live.eventLoop.max.toFixed(0)} ms (SPEC: p99 < 20 ms)`],
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
    await web.close();
    await engineHost.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Counts main-thread tasks over 50 ms from page load on; the returned function reads and resets the figures. */
async function observeLongTasks(page: Page): Promise<() => Promise<{ longest: number; tasks: number }>> {
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
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __longest: number; __tasks: number };
      const result = { longest: w.__longest, tasks: w.__tasks };
      w.__longest = 0;
      w.__tasks = 0;
      return result;
    });
}

/**
 * SPEC §8's responsiveness bar, measured on the real thing: the administrator right-clicks Update Repository → Run
 * Synchronization and the whole catalog is synchronized while the console shows progress and the live log. Reports
 * the renderer's long tasks and the host process's event-loop delay (the host stands in for Electron's main process).
 */
async function measureLiveSync(browser: Browser, dataDir: string, probeFile: string) {
  const host = startUscProcess(['web', '--port', '0', '--data', dataDir], {
    nodeArgs: ['-r', join(ROOT, 'test', 'bench', 'event-loop-probe.cjs')],
    env: { USC_PROBE_FILE: probeFile },
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    const takeLongTasks = await observeLongTasks(page);
    await page.goto(await host.firstLine);
    const repository = page.getByRole('treeitem', { name: 'Update Repository', exact: true });
    await repository.waitFor();
    await repository.click();
    await takeLongTasks();
    // --trace FILE: a Chromium trace of the renderer during the sync (open it in DevTools' Performance panel); each
    // task over 50 ms is printed with its wall time, the CPU time the main thread got in it, and what it ran.
    const cdp = values.trace === undefined ? undefined : await page.context().newCDPSession(page);
    const traceEvents: TraceEvent[] = [];
    if (cdp !== undefined) {
      cdp.on('Tracing.dataCollected', (data) => {
        traceEvents.push(...(data.value as unknown as TraceEvent[]));
      });
      await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8', transferMode: 'ReportEvents' });
    }
    host.child.kill('SIGUSR2');
    const started = Date.now();
    await repository.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Run Synchronization' }).click();
    const done = page.getByText(/^Synchronization of CEN succeeded: /);
    await done.waitFor({ timeout: 3_600_000 });
    const syncMs = Date.now() - started;
    const renderer = await takeLongTasks();
    if (cdp !== undefined) await writeTrace(cdp, traceEvents, values.trace!);
    host.child.kill('SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const eventLoop = JSON.parse(readFileSync(probeFile, 'utf8')) as { p99: number; max: number };
    const summary = (await done.textContent())?.replace(/^Synchronization of CEN succeeded: /, '').replace(/\.$/, '') ?? '';
    return { syncMs, ...renderer, eventLoop, summary };
  } finally {
    await page.close();
    host.stop();
    await host.exited;
  }
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  tid: number;
  pid: number;
  args?: { data?: { frame?: string } };
}

/** Ends the trace, saves it, and prints each renderer main-thread task over 50 ms: wall time, CPU time, what ran in it. */
async function writeTrace(cdp: CDPSession, events: TraceEvent[], file: string) {
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.end');
  await complete;
  writeFileSync(file, JSON.stringify({ traceEvents: events }));
  const main = events.find((event) => event.name === 'thread_name' && (event as unknown as { args: { name: string } }).args.name === 'CrRendererMain');
  const onMain = events.filter((event) => main !== undefined && event.pid === main.pid && event.tid === main.tid && event.ph === 'X');
  const tasks = onMain.filter((event) => event.name === 'RunTask' && (event.dur ?? 0) > 50_000);
  console.log(`\nRenderer trace written to ${file}; ${tasks.length} main-thread tasks over 50 ms during the sync:`);
  for (const task of tasks) {
    const inside = new Map<string, number>();
    for (const event of onMain) {
      if (event === task || event.ts < task.ts || event.ts + (event.dur ?? 0) > task.ts + task.dur!) continue;
      if (
        [
          'FunctionCall',
          'Layout',
          'UpdateLayoutTree',
          'Paint',
          'MajorGC',
          'MinorGC',
          'V8.GC_SCAVENGER',
          'EventDispatch',
          'TimerFire',
          'FireAnimationFrame',
          'ParseHTML',
          'PrePaint',
          'Layerize',
          'Commit',
        ].includes(event.name)
      )
        inside.set(event.name, (inside.get(event.name) ?? 0) + (event.dur ?? 0));
    }
    const parts = [...inside].sort((a, b) => b[1] - a[1]).map(([name, micros]) => `${name} ${(micros / 1000).toFixed(1)}`);
    console.log(`  ${(task.dur! / 1000).toFixed(0)} ms wall, ${((task.tdur ?? 0) / 1000).toFixed(0)} ms CPU: ${parts.join(', ')}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
