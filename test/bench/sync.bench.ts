/**
 * Sync benchmark (SPEC §8), side by side in one run against one upstream (the built-in service, in its own process):
 *
 * - the floor, each step alone, added up: a plain fetch of every blob (4 requests in flight), one saxes parse of
 *   every blob, one row per update and its product links inserted into sql.js in one transaction, then exported;
 * - `usc sync --full` into a fresh data folder, as its own process: wall time, ratio to the floor, peak RSS;
 * - opening the site database; `usc sync --delta` and `--full` with nothing new, and a delta after 1,000 new
 *   updates (each a whole command); repository pages of 200.
 *
 * Usage: npm run bench -- sync [--updates N] [--seed S]. It prints figures and never fails on a time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SaxesParser } from 'saxes';
import { request } from 'undici';
import { Engine } from '../../electron/engine/engine';
import { SiteDatabase } from '../../electron/engine/storage/site-database';
import { loadSqlJs } from '../../electron/engine/storage/sqljs';
import { SampleCatalog } from '../../electron/engine/upstream/service/catalog';
import { CLASSIFICATIONS, DSS_AUTH_PATH, SERVER_SYNC_PATH, soapActionFor, type SyncOperation } from '../../electron/engine/upstream/soap/protocol-names';
import { requests, type SyncCookie } from '../../electron/engine/upstream/soap/envelope';
import type { UpdateIdentity } from '../../electron/engine/upstream/update-metadata';
import { child, parseXml, textAt } from '../../electron/engine/upstream/xml/element-tree';
import { fmt, printTable, ROOT, startUscProcess, timed } from './bench-kit';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' } } });
const updates = Number(values.updates);
const seed = Number(values.seed);
const EVERY_CLASSIFICATION = CLASSIFICATIONS.map((classification) => classification.name).join(',');

interface CommandResult {
  ms: number;
  maxRssMiB: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs `usc` as its own process; a preloaded module reports the process's peak RSS when it exits. */
function usc(args: string[]): Promise<CommandResult> {
  const report = join(tmpdir(), `usc-rss-${process.pid}-${Date.now()}.json`);
  const preload = join(tmpdir(), `usc-rss-preload-${process.pid}.cjs`);
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.resourceUsage())));`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', preload, join(ROOT, 'bin', 'usc.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      let maxRssMiB = Number.NaN;
      try {
        maxRssMiB = (JSON.parse(readFileSync(report, 'utf8')) as { maxRSS: number }).maxRSS / 1024;
        rmSync(report);
      } catch {
        // The process did not get to write its report.
      }
      resolve({ ms, maxRssMiB, stdout, stderr, code });
    });
  });
}

async function syncCommand(data: string, kind: 'full' | 'delta'): Promise<CommandResult & { summary: { outcome: string; counts: Record<string, number> } }> {
  const result = await usc(['sync', '--data', data, `--${kind}`, '--json']);
  const summary = JSON.parse(result.stdout) as { outcome: string; counts: Record<string, number>; error?: { message: string } };
  if (summary.outcome !== 'succeeded') throw new Error(`usc sync --${kind} ${summary.outcome}: ${summary.error?.message}`);
  return { ...result, summary };
}

/** A downstream server that only downloads: auth, the update list, then every blob's answer read to the end. */
async function fetchFloor(url: string): Promise<{ ms: number; bytes: number; requests: number }> {
  const base = new URL(url.endsWith('/') ? url : `${url}/`);
  const call = async (operation: SyncOperation | 'GetAuthorizationCookie', body: string) => {
    const response = await request(new URL((operation === 'GetAuthorizationCookie' ? DSS_AUTH_PATH : SERVER_SYNC_PATH).slice(1), base), {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapActionFor(operation)}"` },
      body,
    });
    return response.body.text();
  };
  const payload = (text: string) => child(parseXml(text), 'Body')!.children[0]!;
  await call('GetAuthConfig', requests.getAuthConfig());
  const authorization = textAt(
    payload(await call('GetAuthorizationCookie', requests.getAuthorizationCookie('bench.local', '00000000-0000-0000-0000-000000000000'))),
    'GetAuthorizationCookieResult',
    'CookieData',
  )!;
  const cookieResult = child(
    payload(await call('GetCookie', requests.getCookie({ plugInId: 'DssTargeting', cookieData: authorization }, undefined, '1.20'))),
    'GetCookieResult',
  )!;
  const cookie: SyncCookie = { expiration: textAt(cookieResult, 'Expiration')!, encryptedData: textAt(cookieResult, 'EncryptedData')! };
  const list = (getConfig: boolean) =>
    call('GetRevisionIdList', requests.getRevisionIdList(cookie, { getConfig })).then((text) =>
      [...text.matchAll(/<UpdateID>([^<]+)<\/UpdateID><RevisionNumber>(\d+)<\/RevisionNumber>/g)].map((match) => ({
        updateId: match[1]!,
        revision: Number(match[2]),
      })),
    );
  const ids: UpdateIdentity[] = [...(await list(true)), ...(await list(false))];
  const started = performance.now();
  const queue: UpdateIdentity[][] = [];
  for (let index = 0; index < ids.length; index += 100) queue.push(ids.slice(index, index + 100));
  let bytes = 0;
  let count = 0;
  const worker = async () => {
    for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
      const text = await call('GetUpdateData', requests.getUpdateData(cookie, batch));
      count++;
      bytes += text.length;
      // What a capped answer left out is asked for again (found by a scan, not a parse).
      const answered = new Set([...text.matchAll(/<Id><UpdateID>([^<]+)<\/UpdateID>/g)].map((match) => match[1]));
      const left = batch.filter((id) => !answered.has(id.updateId));
      if (left.length > 0) queue.unshift(left);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { ms: performance.now() - started, bytes, requests: count };
}

/** One saxes parse of every blob's XML (the same XML the upstream serves, generated here from the same seed, one at a time). */
function parseFloor(catalog: SampleCatalog): { ms: number; documents: number; megabytes: number } {
  const ids = [...catalog.listConfigRevisions(), ...catalog.updates.map((update) => ({ updateId: update.id, revision: update.revision }))];
  let ms = 0;
  let elements = 0;
  let characters = 0;
  for (const id of ids) {
    const text = catalog.metadataXml(id)!;
    characters += text.length;
    const started = performance.now();
    const parser = new SaxesParser({ xmlns: true });
    parser.on('opentag', () => elements++);
    parser.write(text).close();
    ms += performance.now() - started;
  }
  if (elements === 0) throw new Error('nothing was parsed');
  return { ms, documents: ids.length, megabytes: characters / 2 ** 20 };
}

/** One row per update and its product links, inserted into sql.js in one transaction, then exported. */
async function insertFloor(catalog: SampleCatalog): Promise<{ insertMs: number; exportMs: number; megabytes: number }> {
  const sql = await loadSqlJs();
  const db = new sql.Database();
  db.run(`CREATE TABLE software_update (update_key INTEGER PRIMARY KEY, update_id TEXT NOT NULL UNIQUE, revision INTEGER NOT NULL, title TEXT NOT NULL, kb TEXT,
            classification TEXT, deployable INTEGER NOT NULL);
          CREATE TABLE update_product (category_id TEXT NOT NULL, update_key INTEGER NOT NULL, PRIMARY KEY (category_id, update_key)) WITHOUT ROWID;`);
  const insertUpdate = db.prepare('INSERT INTO software_update VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertLink = db.prepare('INSERT INTO update_product VALUES (?, ?)');
  const started = performance.now();
  db.run('BEGIN');
  catalog.updates.forEach((update, index) => {
    insertUpdate.run([
      index + 1,
      update.id,
      update.revision,
      `Update for ${update.product.titleName} (KB${update.kb})`,
      String(update.kb),
      update.classificationName,
      update.parentId === undefined ? 1 : 0,
    ]);
    if (update.parentId === undefined) insertLink.run([update.product.id, index + 1]);
  });
  db.run('COMMIT');
  const insertMs = performance.now() - started;
  const exportStarted = performance.now();
  const bytes = db.export();
  const exportMs = performance.now() - exportStarted;
  insertUpdate.free();
  insertLink.free();
  db.close();
  return { insertMs, exportMs, megabytes: bytes.length / 2 ** 20 };
}

async function main(): Promise<void> {
  const upstream = startUscProcess(['upstream', '--port', '0', '--updates', String(updates), '--seed', String(seed), '--control']);
  const url = await upstream.firstLine;
  const data = mkdtempSync(join(tmpdir(), 'usc-bench-'));
  const rows: Array<[string, string]> = [];
  try {
    const catalog = SampleCatalog.generate({ updates, seed });
    const revisions = catalog.updates.length;

    const fetched = await fetchFloor(url);
    const parse = parseFloor(catalog);
    const insert = await insertFloor(catalog);
    const floor = fetched.ms + parse.ms + insert.insertMs + insert.exportMs;
    rows.push([
      'floor: fetch every blob (4 in flight)',
      `${fmt.ms(fetched.ms)} (${fmt.int(fetched.requests)} requests, ${(fetched.bytes / 2 ** 20).toFixed(0)} MiB of answers)`,
    ]);
    rows.push([
      'floor: parse every blob once (saxes)',
      `${fmt.ms(parse.ms)} (${fmt.int(parse.documents)} documents, ${parse.megabytes.toFixed(0)} MiB of XML)`,
    ]);
    rows.push(['floor: insert rows + product links, one transaction', fmt.ms(insert.insertMs)]);
    rows.push(['floor: export', `${fmt.ms(insert.exportMs)} (${insert.megabytes.toFixed(0)} MiB)`]);
    rows.push(['floor total (sequential)', fmt.ms(floor)]);

    const configured = await usc([
      'config',
      '--data',
      data,
      '--source',
      url,
      '--products',
      'Microsoft',
      '--classifications',
      EVERY_CLASSIFICATION,
      '--languages',
      'en',
    ]);
    if (configured.code !== 0) throw new Error(configured.stderr);
    const full = await syncCommand(data, 'full');
    rows.push([
      'usc sync --full (fresh)',
      `${fmt.ms(full.ms)} = ${(full.ms / floor).toFixed(2)} x the floor (goal <= 1.1), ${fmt.int(full.summary.counts.new!)} of ${fmt.int(revisions)} revisions, peak RSS ${fmt.mib(full.maxRssMiB)} (goal < ${updates > 100_000 ? 2048 : 1024})`,
    ]);
    const file = join(data, 'sites', 'CEN.sqlite');
    const blobs = join(data, 'sites', 'CEN.sqlite.blobs.1');
    rows.push(['site database / blob store on disk', `${fmt.mib(statSync(file).size / 2 ** 20)} / ${fmt.mib(statSync(blobs).size / 2 ** 20)}`]);

    const sql = await loadSqlJs();
    const opened = await timed(async () => SiteDatabase.open(sql, file));
    opened.value.close();
    rows.push(['open the site database', `${fmt.ms(opened.ms)} (goal < 300 ms)`]);

    const deltaNothing = await syncCommand(data, 'delta');
    rows.push(['usc sync --delta, nothing new (whole command)', `${fmt.ms(deltaNothing.ms)} (goal < 1 s), peak RSS ${fmt.mib(deltaNothing.maxRssMiB)}`]);
    const fullNothing = await syncCommand(data, 'full');
    rows.push(['usc sync --full, nothing new (whole command)', `${fmt.ms(fullNothing.ms)}, peak RSS ${fmt.mib(fullNothing.maxRssMiB)}`]);
    await fetch(`${url}/control/churn`, { method: 'POST', body: JSON.stringify({ add: 1000 }) });
    const deltaThousand = await syncCommand(data, 'delta');
    rows.push([
      'usc sync --delta after 1,000 new (whole command)',
      `${fmt.ms(deltaThousand.ms)} (new ${fmt.int(deltaThousand.summary.counts.new!)} incl. bundled)`,
    ]);

    // What an administrator's read-only commands cost once syncs have left the site as they leave it (a full sync,
    // deltas after it): each opens the engine and the site, replaying whatever journal the syncs left.
    const journal = join(data, 'sites', 'CEN.sqlite.journal');
    rows.push(['journal left by the syncs', existsSync(journal) ? `${fmt.int(statSync(journal).size)} bytes` : 'none (folded into the file)']);
    for (const args of [['sites'], ['history', '--site', 'CEN'], ['status', '--site', 'CEN']]) {
      const times: number[] = [];
      for (let run = 0; run < 5; run++) {
        const result = await usc([...args, '--data', data]);
        if (result.code !== 0) throw new Error(`usc ${args.join(' ')}: ${result.stderr}`);
        times.push(result.ms);
      }
      times.sort((a, b) => a - b);
      rows.push([`usc ${args.join(' ')} (whole command, median of 5)`, `${fmt.ms(times[2]!)} (goal < ${updates > 100_000 ? '1 s' : '0.5 s'})`]);
    }

    const engine = await Engine.open({ dataDir: data, resumeInterrupted: false });
    const base = { site: 'CEN', offset: 0, limit: 200, sort: 'title', direction: 'asc', includeBundled: false, includeRemoved: false } as const;
    for (const [label, extra] of [
      ['sorted by title', {}],
      ['sorted by article ID, descending', { sort: 'kb', direction: 'desc' }],
      ['Security Updates only', { classificationId: '0fa1201d-4330-4fa8-8ae9-b877473b6441' }],
      ['Windows 11 only', { productId: '72e7624a-5b00-45d2-b92f-e561c0a6a160' }],
      ['search "Cumulative 2024-05"', { search: 'Cumulative 2024-05' }],
    ] as const) {
      await engine.call('queryUpdates', { ...base, ...extra });
      const pages = await timed(async () => {
        for (let page = 0; page < 5; page++) await engine.call('queryUpdates', { ...base, ...extra, offset: 1000 * page });
      });
      rows.push([`repository page of 200: ${label}`, fmt.ms(pages.ms / 5)]);
    }
    await engine.close();
    printTable(
      `Sync benchmark: ${fmt.int(updates)} updates (${fmt.int(revisions)} revisions with bundled children), built-in upstream in its own process`,
      rows,
    );
  } finally {
    upstream.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
