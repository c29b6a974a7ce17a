/**
 * Defect 1 of the reliability audit, with its repro as written: `truncate -s -100 sites/CEN.sqlite.journal; usc
 * sites; usc sync --site CEN --delta; usc sites`. Before, the cut was ignored, the next append joined the fragment,
 * and the site was "damaged" at the next open with nothing to do about it. Now a cut that loses confirmed saves is
 * reported with the saves lost, and the site opens without them when asked; a tear a crash leaves (a save never
 * confirmed) is cut off and logged, and the site goes on.
 */
import { appendFileSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtPaths } from '../helpers/built';
import { useTempDirs } from '../helpers/temp-dir';
import { runUsc } from '../helpers/usc-process';

const tempDir = useTempDirs();

async function siteWithJournal(): Promise<{ data: string; journal: string }> {
  builtPaths();
  const data = tempDir();
  expect((await runUsc(['sync', '--full', '--data', data])).code).toBe(0);
  for (const minutes of ['61', '62', '63']) expect((await runUsc(['config', '--site', 'CEN', '--retry-minutes', minutes, '--data', data])).code).toBe(0);
  return { data, journal: join(data, 'sites', 'CEN.sqlite.journal') };
}

describe('fault 1: a journal cut short', () => {
  it('truncate -s -100: reported with the saves lost (exit 3), opened without them when asked, then syncs', async () => {
    const { data, journal } = await siteWithJournal();
    truncateSync(journal, statSync(journal).size - 100);

    const sites = await runUsc(['sites', '--data', data]);
    expect(sites.code).toBe(3);
    expect(sites.stderr).toMatch(/it ends at save \d+, but \d+ saves were written: saves? [\d to]+ (is|are) missing/);
    expect(sites.stderr).toMatch(/opens it without the journal's unreadable tail/);
    expect((await runUsc(['sync', '--site', 'CEN', '--delta', '--data', data])).code).toBe(3);

    expect((await runUsc(['site', 'restore', '--site', 'CEN', '--yes', '--data', data])).code).toBe(0);
    const delta = await runUsc(['sync', '--site', 'CEN', '--delta', '--data', data]);
    expect(delta.code, delta.stderr).toBe(0);
    expect((await runUsc(['sites', '--data', data])).code).toBe(0);
  });

  it('a tear a crash leaves (an append never confirmed) is cut off and logged; the next saves and syncs go on', async () => {
    const { data, journal } = await siteWithJournal();
    appendFileSync(journal, '0badc0de {"generation":');

    const sites = await runUsc(['sites', '--data', data]);
    expect(sites.code, sites.stderr).toBe(0);
    expect(readFileSync(journal, 'utf8').endsWith('\n')).toBe(true);
    const delta = await runUsc(['sync', '--site', 'CEN', '--delta', '--data', data]);
    expect(delta.code, delta.stderr).toBe(0);
    expect((await runUsc(['sites', '--data', data])).code).toBe(0);
    expect(readFileSync(join(data, 'Logs', 'CEN', 'wsyncmgr.log'), 'utf8')).toMatch(/Cut a torn last entry \(\d+ bytes\) off the journal/);
  });
});
