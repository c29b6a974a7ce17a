/**
 * Export List… of a 200,000-update repository from the console in Chromium: the time until the file is written, the
 * web host's peak RSS (the engine runs in its worker), and the renderer's longest task while the export runs (a
 * PerformanceObserver of long tasks). Also the same list through `usc updates --csv` attached to that engine.
 * Usage: npm run bench -- csv [--updates N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { loadSqlJs } from '../../electron/engine/storage/sqljs';
import { SiteDatabase } from '../../electron/engine/storage/site-database';
import { fmt, printTable, ROOT, startUscProcess } from './bench-kit';
import { fillRepository } from './synthetic-repository';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '200000' } } });
const total = Number(values.updates);
const USC = join(ROOT, 'bin', 'usc.js');

/** The highest resident set size the process has had (VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? NaN : Number(match[1]) / 1024;
}

async function main(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), 'usc-bench-csv-'));
  // The data folder as the console makes it, then its repository filled through SQL (no sync: the export alone is measured).
  spawnSync(process.execPath, [USC, 'sites', '--data', data], { stdio: 'ignore' });
  const site = SiteDatabase.open(await loadSqlJs(), join(data, 'sites', 'CEN.sqlite'));
  // Every update deployable: the repository lists them all, so the export writes `total` rows.
  fillRepository(site, total, 1);
  site.close();

  const web = startUscProcess(['web', '--port', '0', '--data', data]);
  const url = await web.firstLine;
  const pid = web.child.pid!;
  const rows: Array<[string, string]> = [];
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    const tree = page.getByRole('tree', { name: 'Console tree' });
    await tree.getByRole('treeitem', { name: 'Update Repository', exact: true }).click();
    await page.getByRole('row').nth(2).waitFor({ timeout: 120_000 });
    const shown = Number(
      (await page
        .getByText(/^[\d,]+ updates?$/)
        .first()
        .textContent())!.replace(/\D/g, ''),
    );
    const rssBefore = peakRssMiB(pid);
    await page.evaluate(() => {
      const tasks: number[] = [];
      (window as unknown as { longTasks: number[] }).longTasks = tasks;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) tasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    await tree.getByRole('treeitem', { name: 'Update Repository', exact: true }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Export List…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export List — Update Repository' });
    const file = join(data, 'repository.csv');
    await dialog.getByLabel('Save as (a full path on the engine’s machine)').fill(file);
    const started = performance.now();
    await dialog.getByRole('button', { name: 'Export' }).click();
    // The console answers while it runs: the progress moves, and a tree click is served.
    await dialog.getByText(/^Writing: [1-9]\d*%/).waitFor({ timeout: 600_000 });
    const clickStarted = performance.now();
    await page.evaluate(() => document.querySelector('[role="tree"]')?.getBoundingClientRect());
    const responsiveMs = performance.now() - clickStarted;
    await dialog.getByRole('status', { name: 'Export result' }).waitFor({ timeout: 600_000 });
    const ms = performance.now() - started;
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const written = readFileSync(file, 'utf8').split('\r\n').length - 2;
    rows.push(
      [`rows in the repository (deployable)`, shown.toLocaleString('en-US')],
      ['rows written', written.toLocaleString('en-US')],
      ['file', fmt.mib(statSync(file).size / 2 ** 20)],
      ['Export List… until the file is written', fmt.ms(ms)],
      ['web host peak RSS before / after the export', `${fmt.mib(rssBefore)} / ${fmt.mib(peakRssMiB(pid))}`],
      ['renderer tasks > 50 ms during the export', `${longTasks.length} (longest ${longTasks.length === 0 ? '0' : Math.max(...longTasks).toFixed(0)} ms)`],
      ['a renderer call while it writes', fmt.ms(responsiveMs)],
    );
    const cliStarted = performance.now();
    const cli = spawnSync(process.execPath, [USC, 'updates', '--csv', join(data, 'cli.csv'), '--data', data], { encoding: 'utf8' });
    rows.push([
      'usc updates --csv (attached to the web host’s engine)',
      `${fmt.ms(performance.now() - cliStarted)}: ${cli.stdout.trim() || cli.stderr.trim()}`,
    ]);
  } finally {
    await browser.close();
    web.stop();
    await web.exited;
  }
  printTable(`Export List… of ${total.toLocaleString('en-US')} updates to CSV, from the console in Chromium`, rows);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
