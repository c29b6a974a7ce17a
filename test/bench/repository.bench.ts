/**
 * Update Repository query benchmark at 200,000 updates (SPEC: a page of 200, filtered and sorted by any column,
 * under 50 ms). Rows are written straight into a migrated site database (no sync) so the figure is about the
 * queries and indexes alone. Usage: npm run bench -- repository [--updates N]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSqlJs } from '../../electron/engine/storage/sqljs';
import { SiteDatabase } from '../../electron/engine/storage/site-database';
import { queryUpdates } from '../../electron/engine/storage/repository-queries';
import { UpdateQuerySchema, UPDATE_SORT_COLUMNS } from '../../shared/contract';
import { fmt, printTable } from './bench-kit';
import { fillRepository } from './synthetic-repository';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '200000' }, strategies: { type: 'boolean', default: false } } });
const total = Number(values.updates);

async function main(): Promise<void> {
  const SQL = await loadSqlJs();
  const folder = mkdtempSync(join(tmpdir(), 'usc-bench-'));
  const site = SiteDatabase.create(SQL, join(folder, 'BEN.sqlite'), { code: 'BEN', name: 'Benchmark', parentCode: null, createdAt: new Date().toISOString() });
  const db = site.db;
  const started = performance.now();
  fillRepository(site, total);
  const buildMs = performance.now() - started;

  const rows: Array<[string, string]> = [[`build ${total.toLocaleString('en-US')} rows`, fmt.ms(buildMs)]];
  const time = (label: string, query: Record<string, unknown>) => {
    const parsed = UpdateQuerySchema.parse({ site: 'CEN', ...query });
    // The first page of a filter counts its matches; the pages after it (scrolling, another sort) reuse the count.
    db.run("INSERT OR REPLACE INTO setting (key, value) VALUES ('bench.touch', '1')");
    const first = performance.now();
    queryUpdates(site, parsed);
    const firstMs = performance.now() - first;
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      queryUpdates(site, { ...parsed, offset: i * 1_000 });
      runs.push(performance.now() - t);
    }
    runs.sort((a, b) => a - b);
    rows.push([label, `first page ${firstMs.toFixed(1)} ms; next pages median ${runs[2]!.toFixed(1)} ms, worst ${runs[4]!.toFixed(1)} ms`]);
  };
  for (const sort of UPDATE_SORT_COLUMNS) time(`page of 200 sorted by ${sort}`, { sort });
  time('sorted by article ID, descending', { sort: 'kb', direction: 'desc' });
  time('Security Updates only, by title', { classificationId: '0fa1201d-4330-4fa8-8ae9-b877473b6441' });
  time('Windows 11 only, by title', { productId: '72e7624a-5b00-45d2-b92f-e561c0a6a160' });
  time('bundled and removed too, by title', { includeBundled: true, includeRemoved: true });
  time('search "KB5100000"', { search: 'KB5100000' });
  time('search "Cumulative 2024-05"', { search: 'Cumulative 2024-05' });
  time('search "Cumulative" (matches nearly every update)', { search: 'Cumulative' });
  time('search "Cumulative x64" (two words in every title)', { search: 'Cumulative x64' });
  time('search "Cumulative" in Security Updates', { search: 'Cumulative', classificationId: '0fa1201d-4330-4fa8-8ae9-b877473b6441' });
  time('search "Cumulative", bundled and removed too', { search: 'Cumulative', includeBundled: true, includeRemoved: true });
  time('search "Windows" (in part of the titles)', { search: 'Windows' });
  // Dragging the scroll bar to the end of the list asks for a page deep in the order: 100,000 rows in, each sort.
  const deep = (label: string, query: Record<string, unknown>, at = Math.floor(total / 2)) => {
    const parsed = UpdateQuerySchema.parse({ site: 'CEN', ...query });
    queryUpdates(site, parsed);
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      queryUpdates(site, { ...parsed, offset: at + i * 1_000 });
      runs.push(performance.now() - t);
    }
    runs.sort((a, b) => a - b);
    rows.push([label, `median ${runs[2]!.toFixed(1)} ms, worst ${runs[4]!.toFixed(1)} ms`]);
  };
  for (const sort of UPDATE_SORT_COLUMNS) deep(`page ${(total / 2).toLocaleString('en-US')} rows in, sorted by ${sort}`, { sort, direction: 'desc' });
  deep(`page ${(total / 2).toLocaleString('en-US')} rows in, removed listed too`, { includeRemoved: true });
  deep(`page ${(total / 2).toLocaleString('en-US')} rows in, bundled listed too`, { includeBundled: true, sort: 'releasedAt' });
  deep(`page ${(total / 2).toLocaleString('en-US')} rows in, search "Cumulative"`, { search: 'Cumulative' });
  // Every walked row's key is probed against the matches, taken once (the first of these pages takes them).
  deep(`page ${(total / 4).toLocaleString('en-US')} rows in, search "Windows"`, { search: 'Windows' }, Math.floor(total / 4));
  printTable(`Update Repository queries at ${total.toLocaleString('en-US')} updates (sql.js, one page of 200)`, rows);
  if (values.strategies === true) compareStrategies(site, db);
}

type Tuning = NonNullable<Parameters<typeof queryUpdates>[2]>;

/**
 * What each strategy of queryUpdates buys: every query of the table above, first page (count included) and a page
 * deep in the list, with each strategy turned off in turn.
 */
function compareStrategies(site: SiteDatabase, db: SiteDatabase['db']): void {
  const variants: Array<[string, Tuning]> = [
    ['all', {}],
    ['no doclist reader', { doclists: false }],
    ['no merged halves', { mergeHalves: false }],
    ['no word walk', { searchWalkRows: 0 }],
    ['always take matches', { searchHitsLimit: Number.MAX_SAFE_INTEGER }],
    ['never take few matches', { searchHitsLimit: 0 }],
    ['never pass the few without the words over', { searchExcludedLimit: -1 }],
    ['no count from the facets', { countFromIndex: false }],
    ['no product link index', { productLinks: false }],
  ];
  const queries: Array<[string, Record<string, unknown>]> = [
    ['by title', {}],
    ['by released, desc', { sort: 'releasedAt', direction: 'desc' }],
    ['Security Updates', { classificationId: '0fa1201d-4330-4fa8-8ae9-b877473b6441' }],
    ['Windows 11', { productId: '72e7624a-5b00-45d2-b92f-e561c0a6a160' }],
    ['bundled+removed', { includeBundled: true, includeRemoved: true }],
    ['KB5100000', { search: 'KB5100000' }],
    ['Cumulative 2024-05', { search: 'Cumulative 2024-05' }],
    ['Cumulative', { search: 'Cumulative' }],
    ['Cumulative x64', { search: 'Cumulative x64' }],
    ['Cumulative in Security', { search: 'Cumulative', classificationId: '0fa1201d-4330-4fa8-8ae9-b877473b6441' }],
    ['Cumulative, bundled+removed', { search: 'Cumulative', includeBundled: true, includeRemoved: true }],
    ['Windows', { search: 'Windows' }],
  ];
  const lines: Array<[string, string]> = [];
  for (const [label, query] of queries) {
    const parsed = UpdateQuerySchema.parse({ site: 'CEN', ...query });
    const cells = variants.map(([, tuning]) => {
      const measure = (offset: number, fresh: boolean) => {
        const runs: number[] = [];
        for (let i = 0; i < 3; i++) {
          if (fresh) db.run("INSERT OR REPLACE INTO setting (key, value) VALUES ('bench.touch', ?)", [String(Math.random())]);
          const t = performance.now();
          queryUpdates(site, { ...parsed, offset: offset + i * 1_000 }, tuning);
          runs.push(performance.now() - t);
        }
        return runs.sort((a, b) => a - b)[1]!;
      };
      return `${measure(0, true).toFixed(0).padStart(4)}/${measure(Math.floor(total / 3), false)
        .toFixed(0)
        .padStart(4)}`;
    });
    lines.push([label, cells.join('  ')]);
  }
  printTable(
    `Strategies at ${total.toLocaleString('en-US')} updates, ms: first page with its count / a page a third of the way down\n${' '.repeat(28)}${variants.map(([name]) => name.slice(0, 9).padStart(9)).join(' ')}`,
    lines,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
