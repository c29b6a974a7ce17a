/**
 * Sync benchmark (SPEC §8): a built-in upstream of N updates (default 100,000) in its own process; a full sync
 * into a fresh site database; the floor (just parsing the same metadata, and just inserting it into sql.js);
 * delta with nothing new; delta after 1,000 new; peak memory; database save time.
 * Usage: npm run bench -- sync [--updates N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import initSqlJs from 'sql.js';
import { Engine } from '../../electron/engine/engine';
import { migrate } from '../../electron/engine/sites/migrations';
import { inTransaction } from '../../electron/engine/sites/transaction';
import { BlobStore } from '../../electron/engine/sites/blob-store';
import { UpdateStore } from '../../electron/engine/sync/update-store';
import { SampleCatalog } from '../../electron/engine/upstream/service/catalog';
import { PRODUCTS } from '../../electron/engine/upstream/service/catalog-data';
import { categoryXml, updateXml } from '../../electron/engine/upstream/service/update-xml-writer';
import { CLASSIFICATIONS } from '../../electron/engine/upstream/soap/protocol-names';
import { parseUpdateXml } from '../../electron/engine/upstream/xml/update-xml';
import type { SyncRun } from '../../shared/domain';
import { fmt, memorySampler, printTable, startUscProcess, timed } from './bench-kit';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '100000' } } });
const updates = Number(values.updates);
const SEED = 1;

async function sync(engine: Engine, kind: 'full' | 'delta'): Promise<SyncRun> {
  const result = (await engine.call('runSynchronization', { site: 'CEN', kind, trigger: kind === 'full' ? 'schedule' : 'manual', wait: true })) as { run: SyncRun };
  if (result.run.outcome !== 'succeeded') throw new Error(`${kind} sync ${result.run.outcome}: ${result.run.error?.message}`);
  return result.run;
}

async function main(): Promise<void> {
  const service = startUscProcess(['upstream', '--port', '0', '--updates', String(updates), '--seed', String(SEED)]);
  const url = await service.firstLine;
  const dataDir = mkdtempSync(join(tmpdir(), 'usc-bench-'));
  const rows: Array<[string, string]> = [];
  try {
    const engine = await Engine.open({ dataDir });
    await engine.call('setSupConfig', {
      site: 'CEN',
      config: { source: { kind: 'upstream', url }, products: PRODUCTS.map((p) => p.name), classifications: CLASSIFICATIONS.map((c) => c.name), languages: ['en'], retryMinutes: 60 },
    });
    global.gc?.();
    const memory = memorySampler();
    const full = await timed(() => sync(engine, 'full'));
    const peak = memory.peak();
    memory.stop();
    const totalApplied = full.value.counts.new;
    rows.push(['full sync (first)', `${fmt.ms(full.ms)} for ${fmt.int(totalApplied)} revisions (${fmt.int((totalApplied / full.ms) * 1000)}/s)`]);

    const database = engine.siteDatabase('CEN');
    const save = await timed(async () => database.saveWhole());
    const size = database.db.export().length;
    rows.push(['database save (export + atomic write)', `${fmt.ms(save.ms)} for ${(size / 2 ** 20).toFixed(0)} MiB`]);

    // Update Repository queries: one page of 200, as the console asks for it.
    const query = async (label: string, extra: Record<string, unknown>) => {
      const base = { site: 'CEN', offset: 0, limit: 200, sort: 'title', direction: 'asc', includeBundled: false, includeRemoved: false };
      await engine.call('queryUpdates', { ...base, ...extra });
      const runs = await timed(async () => {
        for (let i = 0; i < 5; i++) await engine.call('queryUpdates', { ...base, ...extra, offset: 1000 * i });
      });
      rows.push([`repository page of 200: ${label}`, fmt.ms(runs.ms / 5)]);
    };
    await query('sorted by title', {});
    await query('sorted by article ID, descending', { sort: 'kb', direction: 'desc' });
    await query('sorted by release date', { sort: 'releasedAt' });
    await query('Security Updates only', { classificationId: '0fa1201d-4330-4fa8-8ae9-b877473b6441' });
    await query('Windows 11 only', { productId: '72e7624a-5b00-45d2-b92f-e561c0a6a160' });
    await query('search "Cumulative 2024-05"', { search: 'Cumulative 2024-05' });

    const nothing = await timed(() => sync(engine, 'delta'));
    rows.push(['delta sync, nothing new', `${fmt.ms(nothing.ms)} (new ${nothing.value.counts.new})`]);
    await fetch(`${url}/control/churn`, { method: 'POST', body: JSON.stringify({ add: 1000 }) });
    const thousand = await timed(() => sync(engine, 'delta'));
    rows.push(['delta sync after 1,000 new', `${fmt.ms(thousand.ms)} (new ${thousand.value.counts.new} incl. bundled)`]);
    rows.push(['peak memory during full sync (RSS / heap+buffers)', `${fmt.mib(peak.rssMiB)} / ${fmt.mib(peak.heapMiB)}`]);
    await engine.close();

    // The floor: the same metadata (generated here, no network), parsed, then inserted into sql.js.
    const catalog = SampleCatalog.generate({ updates, seed: SEED });
    const texts = [
      ...catalog.categories.map((category) => categoryXml(category)),
      ...catalog.updates.map((update) => updateXml(update, catalog.languages, update.parentId === undefined ? undefined : catalog.update(update.parentId))),
    ];
    const parse = await timed(async () => texts.map((text) => parseUpdateXml(text)));
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    const blobs = BlobStore.open(join(dataDir, 'floor.blobs'));
    migrate(db, { blobs });
    const store = new UpdateStore(db);
    const location = { offset: 0, length: 0 };
    const parsed = parse.value;
    const insert = await timed(async () => {
      for (let start = 0; start < parsed.length; start += 100) {
        inTransaction(db, () => {
          for (const item of parsed.slice(start, start + 100)) {
            if (item.type === 'Category') store.applyConfigRevision(item, location, 1);
            else store.applyUpdate(item, { runId: 1, languages: ['en'], now: new Date().toISOString(), location });
          }
        });
      }
    });
    const floor = parse.ms + insert.ms;
    rows.push(['floor: parse metadata only', `${fmt.ms(parse.ms)} (${fmt.int(texts.length)} XML documents)`]);
    rows.push(['floor: insert into sql.js only', fmt.ms(insert.ms)]);
    rows.push(['full sync / floor (goal <= 2)', (full.ms / floor).toFixed(2)]);
    printTable(`Sync benchmark: ${fmt.int(updates)}-update built-in catalog (upstream in its own process)`, rows);
  } finally {
    service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
