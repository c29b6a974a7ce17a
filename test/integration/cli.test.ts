import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { builtPaths, ROOT, USC_BIN } from '../helpers/built';
import { useTempDirs } from '../helpers/temp-dir';
import { runCommand, runUsc } from '../helpers/usc-process';
import { LATEST_SCHEMA_VERSION } from '../../electron/engine/storage/migrations';

const tempDir = useTempDirs();
builtPaths();

describe('usc CLI', () => {
  it('lists CEN as JSON on first start, and reopens the same database on the second', async () => {
    const dataDir = tempDir();
    const first = await runUsc(['sites', '--json', '--data', dataDir]);
    expect(first.code).toBe(0);
    const [site] = JSON.parse(first.stdout) as Array<{ code: string; name: string; createdAt: string; databaseFile: string }>;
    expect(site).toMatchObject({ code: 'CEN', name: 'Central Site', databaseFile: join(dataDir, 'sites', 'CEN.sqlite') });
    const bytes = readFileSync(site!.databaseFile);

    const second = await runUsc(['sites', '--json', '--data', dataDir]);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
    expect(readFileSync(site!.databaseFile).equals(bytes)).toBe(true);
  });

  it('says when it upgrades a site database of an earlier schema, once, and the command goes on', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'sites'), { recursive: true });
    copyFileSync(join(ROOT, 'test', 'fixtures', 'site-db', 'schema2-CEN.sqlite'), join(dataDir, 'sites', 'CEN.sqlite'));
    const first = await runUsc(['sites', '--json', '--data', dataDir]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`Upgrading the site database CEN.sqlite from schema 2 to ${LATEST_SCHEMA_VERSION}: once, after an update of the console`);
    expect(JSON.parse(first.stdout)).toMatchObject([{ code: 'CEN' }]);
    const second = await runUsc(['sites', '--json', '--data', dataDir]);
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('Upgrading');
  });

  it('takes the data folder from USC_DATA_DIR when --data is not given', async () => {
    const dataDir = tempDir();
    const result = await runUsc(['sites', '--json'], { USC_DATA_DIR: dataDir });
    expect(JSON.parse(result.stdout)[0].databaseFile).toBe(join(dataDir, 'sites', 'CEN.sqlite'));
  });

  it('reports a truncated database clearly, exits non-zero and does not overwrite it', async () => {
    const dataDir = tempDir();
    await runUsc(['sites', '--data', dataDir]);
    const file = join(dataDir, 'sites', 'CEN.sqlite');
    truncateSync(file, statSync(file).size - 100);
    const damaged = readFileSync(file);

    const result = await runUsc(['sites', '--data', dataDir]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/CEN\s.*DAMAGED/);
    expect(result.stderr).toContain(`The site database ${file} cannot be opened: the file is truncated`);
    expect(result.stderr).toContain('left untouched');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readFileSync(file).equals(damaged)).toBe(true);
  });

  it('explains unknown commands and bad options in one line, without a stack trace', async () => {
    const unknown = await runUsc(['synchronise']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "synchronise"');
    const badPort = await runUsc(['web', '--port', 'eighty', '--data', tempDir()]);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr.trim()).toBe('usc: --port must be a number from 0 to 65535, not "eighty".');
  });

  it('runs the pre-flight check: JSON for scripts, exit 0 only when every check passes; --ca-file takes PEM only', async () => {
    const dataDir = tempDir();
    const passing = await runUsc(['doctor', '--site', 'CEN', '--json', '--data', dataDir]);
    expect(passing.code, passing.stderr).toBe(0);
    const report = JSON.parse(passing.stdout) as {
      site: string;
      ok: boolean;
      checks: Array<{ name: string; ok: boolean; ms: number; detail: string; hint: string | null }>;
    };
    expect(report).toMatchObject({ site: 'CEN', ok: true });
    expect(report.checks.length).toBeGreaterThan(5);
    // A source where nothing listens: the command fails, and the table names the step and what to check.
    expect((await runUsc(['config', '--site', 'CEN', '--source', 'http://127.0.0.1:9', '--data', dataDir])).code).toBe(0);
    const failing = await runUsc(['doctor', '--site', 'CEN', '--data', dataDir]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/TCP connect\s+FAIL/);
    expect(failing.stdout).toMatch(/^TCP connect: Nothing listens on 127\.0\.0\.1:9/m);
    // Synchronization Status of the folder: one row per site, never synchronized yet.
    const status = await runUsc(['status', '--all', '--json', '--data', dataDir]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({
        site: 'CEN',
        parent: null,
        state: 'never',
        lastSuccess: null,
        lastAttempt: null,
        source: 'Upstream update server http://127.0.0.1:9',
      }),
    ]);
    const notPem = join(dataDir, 'not-a-certificate.txt');
    writeFileSync(notPem, 'hello');
    const refused = await runUsc(['config', '--site', 'CEN', '--ca-file', notPem, '--data', dataDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('holds no PEM certificate');
  });

  it('prints help listing the commands', async () => {
    const help = await runUsc(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('sites [--json]');
    expect(help.stdout).toContain('web [--port N]');
  });
});

describe('a site database deleted while its backup is there', () => {
  it('is reported damaged with the way out (exit 3), never recreated empty, and usc site restore puts the backup back', async () => {
    builtPaths();
    const data = tempDir();
    const sites = join(data, 'sites');
    expect((await runUsc(['site', 'add', '--data', data, '--code', 'PR1', '--name', 'Primary 1', '--parent', 'CEN'])).code).toBe(0);
    // The previous version a whole-file save keeps, and a later change that only reached the journal.
    copyFileSync(join(sites, 'CEN.sqlite'), join(sites, 'CEN.sqlite.bak'));
    expect((await runUsc(['site', 'edit', '--data', data, '--site', 'CEN', '--name', 'Central Site HQ'])).code).toBe(0);
    expect(existsSync(join(sites, 'CEN.sqlite.journal'))).toBe(true);
    const backup = readFileSync(join(sites, 'CEN.sqlite.bak'));
    rmSync(join(sites, 'CEN.sqlite'));

    const listed = await runUsc(['sites', '--data', data, '--json']);
    expect(listed.code).toBe(3);
    const cen = (JSON.parse(listed.stdout) as Array<{ code: string; health: { state: string; message?: string } }>).find((site) => site.code === 'CEN')!;
    expect(cen.health).toEqual({
      state: 'damaged',
      message: expect.stringMatching(
        new RegExp(
          `^The site database ${join(sites, 'CEN.sqlite').replace(/[.\\/]/g, '\\$&')} cannot be opened: the database file is missing\\. Its previous version .*CEN\\.sqlite\\.bak \\(saved \\d{4}-\\d\\d-\\d\\dT[^)]+\\) is there: "usc site restore --site CEN" shows what it holds, and restores it with --yes\\.$`,
        ),
      ),
    });
    expect(existsSync(join(sites, 'CEN.sqlite'))).toBe(false);
    expect(readFileSync(join(sites, 'CEN.sqlite.bak')).equals(backup)).toBe(true);
    const refused = await runUsc(['history', '--data', data, '--site', 'CEN']);
    expect(refused.code).toBe(3);

    // First what it would do: the backup's date and content, what is set aside; nothing changes without --yes.
    const asked = await runUsc(['site', 'restore', '--data', data, '--site', 'CEN']);
    expect(asked.code).toBe(2);
    expect(asked.stdout).toMatch(new RegExp(`^Restoring CEN would put back ${join(sites, 'CEN.sqlite').replace(/[.\\/]/g, '\\$&')}\\.bak, saved \\d{4}-`));
    expect(asked.stdout).toContain('updates, last synchronization no synchronization.');
    expect(asked.stdout).toContain(`It would set aside (never delete): ${join(sites, 'CEN.sqlite')}.journal.`);
    expect(asked.stdout).toContain('Nothing was changed. Run again with --yes to restore it.');
    expect(existsSync(join(sites, 'CEN.sqlite'))).toBe(false);
    const restored = await runUsc(['site', 'restore', '--data', data, '--site', 'CEN', '--yes']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(
      `Restored the site database of CEN from ${join(sites, 'CEN.sqlite')}.bak; kept aside: ${join(sites, 'CEN.sqlite')}.journal.damaged-`,
    );
    const after = JSON.parse((await runUsc(['sites', '--data', data, '--json'])).stdout) as Array<{ code: string; name: string; health: { state: string } }>;
    expect(after.map((site) => [site.code, site.health.state])).toEqual([
      ['CEN', 'ok'],
      ['PR1', 'ok'],
    ]);
    expect(after[0]!.name).toBe('Central Site');
  });

  // Before, journal damage offered only the backup: the intact database and every save before the damage went aside.
  it("offers first to open a site without its journal's unreadable tail, keeping the database and the saves before the damage", async () => {
    const data = tempDir();
    const sites = join(data, 'sites');
    expect((await runUsc(['sync', '--full', '--data', data])).code).toBe(0);
    for (const minutes of ['61', '62', '63']) expect((await runUsc(['config', '--site', 'CEN', '--retry-minutes', minutes, '--data', data])).code).toBe(0);
    const journal = join(sites, 'CEN.sqlite.journal');
    const lines = readFileSync(journal, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    // A byte changed in the save before the last: the two last saves are unreadable, those before are whole.
    const target = lines.length - 3;
    lines[target] = lines[target]!.replace(/63|62/, (found) => (found === '62' ? '82' : '83'));
    writeFileSync(journal, lines.join('\n'));
    const kept = lines.length - 3; // complete lines before the damaged one

    const listed = await runUsc(['sites', '--data', data]);
    expect(listed.code).toBe(3);
    expect(listed.stderr).toMatch(
      new RegExp(
        `fails its checksum.*The database file itself is whole: "usc site restore --site CEN --yes" opens it without the journal's unreadable tail, keeping the ${kept} saves before the damage`,
      ),
    );
    const asked = await runUsc(['site', 'restore', '--site', 'CEN', '--data', data]);
    expect(asked.code).toBe(2);
    expect(asked.stdout).toContain(
      `CEN's database file is whole; the damage is in its journal. Restoring would open it without the journal's unreadable tail:`,
    );
    expect(asked.stdout).toContain(`it keeps the database file and the ${kept} saves journaled before the damage`);
    expect(asked.stdout).toContain('Nothing was changed. Run again with --yes to open it so.');
    const restored = await runUsc(['site', 'restore', '--site', 'CEN', '--yes', '--data', data]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(
      new RegExp(`Restored the site database of CEN from the journal's first ${kept} saves; kept aside: .*CEN\\.sqlite\\.journal\\.damaged-`),
    );
    // The sync and the first change are there; the journal as it was is kept aside, byte for byte.
    const config = JSON.parse((await runUsc(['config', '--site', 'CEN', '--json', '--data', data])).stdout) as { retryMinutes: number };
    expect(config.retryMinutes).toBe(61);
    expect((await runUsc(['history', '--site', 'CEN', '--data', data])).code).toBe(0);
    const aside = readdirSync(sites).find((name) => name.startsWith('CEN.sqlite.journal.damaged-') && !name.endsWith('-seq'))!;
    expect(readFileSync(join(sites, aside), 'utf8')).toBe(lines.join('\n'));
    expect((await runUsc(['sites', '--data', data])).code).toBe(0);
  });
});

describe('npm start where the Electron runtime is missing', () => {
  it('says so in one line and starts the browser console, printing its URL first', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--no-build', '--data', tempDir(), '--port', '0'], {
      env: { ...process.env, USC_ELECTRON: 'none', USC_NO_BROWSER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`npm start ended (${code}) before printing a URL: ${stderr}`)));
      });
      expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const page = await fetch(firstLine);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      expect(stderr.split('\n')[0]).toBe(
        'The Electron runtime is not installed on this machine (its installer downloads it from outside the npm registry): starting the browser console instead.',
      );
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});

describe('a data folder that cannot be created', () => {
  it('fails every kind of command at once, naming the path and the reason', async () => {
    const data = join(tempDir(), 'a-file');
    writeFileSync(data, 'not a folder');
    for (const args of [['sites'], ['sync', '--full'], ['service'], ['web', '--port', '0']]) {
      // A command that spun or served forever (as usc web once did here) would end this test by its timeout.
      const result = await runUsc([...args, '--data', join(data, 'usc')]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(`usc: Could not mkdir ${join(data, 'usc')}: a part of the path is a file, not a folder (ENOTDIR).`);
    }
    // A path that can never be made: Node's own recursive mkdir spun there at full CPU, forever.
    for (const args of [['sites'], ['service'], ['web', '--port', '0']]) {
      const result = await runUsc([...args, '--data', '/proc/nope/usc']);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain('usc: Could not mkdir /proc/nope: a part of the path does not exist (ENOENT).');
    }
  });

  it('ends quietly when its reader stops reading (usc … | head), without an EPIPE stack trace', async () => {
    const dataDir = tempDir();
    expect((await runUsc(['sites', '--data', dataDir])).code).toBe(0);
    const piped = await runCommand('sh', ['-c', `"${process.execPath}" "${USC_BIN}" help | head -n 1`]);
    expect(piped.code).toBe(0);
    expect(piped.stdout.trim()).toMatch(/^Update Sync Console /);
    expect(piped.stderr).toBe('');
  });

  it("keeps the data folder's files to their user: folders 0700, files 0600, and tightens what an earlier release left open", async () => {
    const dataDir = join(tempDir(), 'usc');
    expect((await runUsc(['sites', '--data', dataDir])).code).toBe(0);
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'sites'))).toBe(0o700);
    expect(mode(join(dataDir, 'sites', 'CEN.sqlite'))).toBe(0o600);
    expect(mode(join(dataDir, 'sites', 'CEN.sqlite.blobs.1'))).toBe(0o600);
    // As an earlier release left them: readable by every local user.
    chmodSync(join(dataDir, 'sites'), 0o755);
    chmodSync(join(dataDir, 'sites', 'CEN.sqlite'), 0o644);
    expect((await runUsc(['sync', '--full', '--data', dataDir])).code).toBe(0);
    expect(mode(join(dataDir, 'sites'))).toBe(0o700);
    for (const file of readdirSync(join(dataDir, 'sites'))) expect(mode(join(dataDir, 'sites', file)), file).toBe(0o600);
    for (const file of readdirSync(join(dataDir, 'Logs', 'CEN'))) expect(mode(join(dataDir, 'Logs', 'CEN', file)), file).toBe(0o600);
  });

  it('shows damaged stored metadata as a state of the site (exit 3), exports the rest only when asked, and a delta sync mends it', async () => {
    const dataDir = join(tempDir(), 'usc');
    expect((await runUsc(['sync', '--full', '--data', dataDir])).code).toBe(0);
    // The last records of the blob store cut off, as by a full disk or a copy that stopped early.
    const blobs = join(dataDir, 'sites', 'CEN.sqlite.blobs.1');
    truncateSync(blobs, statSync(blobs).size - 20_000);

    const sites = await runUsc(['sites', '--data', dataDir]);
    expect(sites.code).toBe(3);
    expect(sites.stdout).toMatch(/METADATA DAMAGED \(\d+\)/);
    expect(sites.stderr).toMatch(/^CEN: The stored metadata of \d+ updates? (is|are) damaged or missing, in: .+ until the next synchronization fetches/m);
    const out = join(tempDir(), 'CEN.uscexport');
    const refused = await runUsc(['export', '--site', 'CEN', '--out', out, '--data', dataDir]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/Nothing was exported: the stored metadata of [0-9a-f-]{36} is damaged .*--skip-damaged/);
    expect(existsSync(out)).toBe(false);
    const partial = await runUsc(['export', '--site', 'CEN', '--out', out, '--skip-damaged', '--data', dataDir]);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toMatch(/WARNING: \d+ records? (was|were) left out, their stored metadata damaged/);
    expect(partial.stdout).toMatch(/^ {2}[0-9a-f-]{36}: The stored metadata of update/m);
    expect(existsSync(out)).toBe(true);

    expect((await runUsc(['sync', '--delta', '--data', dataDir])).code).toBe(0);
    const mended = await runUsc(['sites', '--data', dataDir]);
    expect(mended.code).toBe(0);
    expect(mended.stdout).not.toMatch(/DAMAGED/);
  });
});
