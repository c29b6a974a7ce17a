/** Every list to CSV: the repository with its filter, search and sort (all rows), What changed, history, status messages, Synchronization Status. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UPDATE_CSV } from '../../../shared/csv';
import type { UpdateRow } from '../../../shared/contract';
import { builtPaths } from '../../helpers/built';
import { parseCsv } from '../../helpers/csv-parse';
import { useSyncFixture } from '../../helpers/sync-fixture';
import { runUsc } from '../../helpers/usc-process';

const fixture = useSyncFixture();

function readCsv(file: string): string[][] {
  const bytes = readFileSync(file);
  // UTF-8 with a byte-order mark, so Excel reads it as UTF-8 in every locale.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parseCsv(bytes.toString('utf8').slice(1));
}

describe('lists to CSV', () => {
  it('writes the repository as the grid asks for it, every row in its order, and the other lists whole', async () => {
    const { url } = await fixture.service({ updates: 2_500, seed: 81 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    const run = await fixture.sync(engine, 'full');
    const dir = fixture.tempDir();
    const progress: number[] = [];
    engine.onEvent((event) => {
      if (event.name === 'transferProgress' && event.payload.operation === 'csv') progress.push(event.payload.percent);
    });

    // More rows than one page: sorted by article ID, descending, with a search.
    const query = { sort: 'kb' as const, direction: 'desc' as const, search: 'Cumulative' };
    const written = await engine.call('exportList', { site: 'CEN', path: join(dir, 'updates.csv'), list: 'updates', query });
    const expected: UpdateRow[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await engine.call('queryUpdates', { site: 'CEN', offset, limit: 1000, ...query });
      expected.push(...page.rows);
      if (offset + 1000 >= page.total) break;
    }
    expect(expected.length).toBeGreaterThan(1000);
    const rows = readCsv(join(dir, 'updates.csv'));
    expect(rows[0]).toEqual(UPDATE_CSV.header);
    expect(rows.slice(1).map((row) => row[11])).toEqual(expected.map((row) => row.updateId));
    expect(rows[1]![0]).toBe(expected[0]!.title);
    expect(written).toMatchObject({ rows: expected.length, file: join(dir, 'updates.csv') });
    expect(progress.at(-1)).toBe(100);
    expect(progress.length).toBeGreaterThan(1);

    const changes = readCsv((await engine.call('exportList', { site: 'CEN', path: join(dir, 'changes.csv'), list: 'changes', runId: run.runId })).file);
    expect(changes.length - 1).toBe((await engine.call('querySyncChanges', { site: 'CEN', runId: run.runId })).length);
    const history = readCsv((await engine.call('exportList', { site: 'CEN', path: join(dir, 'history.csv'), list: 'history' })).file);
    expect(history.slice(1).map((row) => row[0])).toEqual([String(run.runId)]);
    expect(history[1]![8]).toBe(String(run.counts.new));
    const status = readCsv((await engine.call('exportList', { site: 'CEN', path: join(dir, 'status.csv'), list: 'status' })).file);
    expect(status.slice(1).map((row) => row[1])).toEqual(
      (await engine.call('queryStatusMessages', { site: 'CEN', limit: 1000 })).map((message) => String(message.id)),
    );
    const syncStatus = readCsv((await engine.call('exportList', { site: 'CEN', path: join(dir, 'sites.csv'), list: 'syncStatus' })).file);
    expect(syncStatus.slice(1).map((row) => [row[0], row[4]])).toEqual([['CEN', 'synced']]);
    // Only whole files: no temp file left behind; a non-CSV file is never overwritten.
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
    await expect(engine.call('exportList', { site: 'CEN', path: join(dir), list: 'history' })).rejects.toMatchObject({ code: 'FILE_ERROR' });
  });

  it('usc updates|history|status --csv FILE write the same lists', async () => {
    builtPaths();
    const data = fixture.tempDir();
    expect((await runUsc(['sync', '--full', '--data', data])).code).toBe(0);
    const out = fixture.tempDir();
    const updates = await runUsc(['updates', '--csv', join(out, 'u.csv'), '--search', 'Windows 11', '--data', data]);
    expect(updates.code, updates.stderr).toBe(0);
    expect(updates.stdout).toMatch(/^Wrote [\d,]+ rows to .*u\.csv \([\d,]+ bytes, CSV, UTF-8\)\.\n$/);
    const json = JSON.parse((await runUsc(['updates', '--json', '--search', 'Windows 11', '--data', data])).stdout) as Array<{ updateId: string }>;
    expect(readCsv(join(out, 'u.csv')).length - 1).toBe(json.length);
    expect((await runUsc(['history', '--csv', join(out, 'h.csv'), '--data', data])).code).toBe(0);
    expect((await runUsc(['history', '--csv', join(out, 'c.csv'), '--run', '1', '--data', data])).code).toBe(0);
    expect((await runUsc(['status', '--csv', join(out, 's.csv'), '--data', data])).code).toBe(0);
    expect((await runUsc(['status', '--all', '--csv', join(out, 'a.csv'), '--data', data])).code).toBe(0);
    for (const name of ['h.csv', 'c.csv', 's.csv', 'a.csv']) expect(existsSync(join(out, name)), name).toBe(true);
    expect(readCsv(join(out, 'c.csv')).length).toBeGreaterThan(100);
  });
});
