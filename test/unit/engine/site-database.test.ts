import { existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../electron/engine/engine';
import { LATEST_SCHEMA_VERSION } from '../../../electron/engine/storage/migrations';
import { SiteDatabase, SiteDatabaseDamagedError } from '../../../electron/engine/storage/site-database';
import { loadSqlJs } from '../../../electron/engine/storage/sqljs';
import { ApiError } from '../../../shared/errors';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const fixedNow = () => new Date('2026-11-23T08:00:00.000Z');

describe('site databases', () => {
  it('creates the top-level site CEN - Central Site on first start', async () => {
    const dataDir = tempDir();
    const engine = await Engine.open({ dataDir, now: fixedNow });
    const sites = await engine.call('listSites', {});
    await engine.close();
    expect(sites).toEqual([
      {
        code: 'CEN',
        name: 'Central Site',
        parentCode: null,
        databaseFile: join(dataDir, 'sites', 'CEN.sqlite'),
        schemaVersion: LATEST_SCHEMA_VERSION,
        createdAt: '2026-11-23T08:00:00.000Z',
        health: { state: 'ok' },
      },
    ]);
    expect(existsSync(join(dataDir, 'sites', 'CEN.sqlite'))).toBe(true);
  });

  it('reopens the same database on a second start instead of creating a new one', async () => {
    const dataDir = tempDir();
    const first = await Engine.open({ dataDir, now: fixedNow });
    await first.close();
    const bytesBefore = readFileSync(join(dataDir, 'sites', 'CEN.sqlite'));
    const second = await Engine.open({ dataDir, now: () => new Date('2030-01-01T00:00:00.000Z') });
    const site = await second.call('getSite', { site: 'CEN' });
    await second.close();
    expect(site).toMatchObject({ code: 'CEN', createdAt: '2026-11-23T08:00:00.000Z' });
    expect(readFileSync(join(dataDir, 'sites', 'CEN.sqlite')).equals(bytesBefore)).toBe(true);
  });

  it('saves atomically: no temp file is left and the previous version is kept as .bak', async () => {
    const dataDir = tempDir();
    const sql = await loadSqlJs();
    const file = join(dataDir, 'PR1.sqlite');
    const site = SiteDatabase.create(sql, file, { code: 'PR1', name: 'Primary 1', parentCode: 'CEN', createdAt: 'now' });
    const firstVersion = readFileSync(file);
    site.db.run("INSERT INTO setting (key, value) VALUES ('source', 'sample')");
    site.saveWhole();
    site.close();
    expect(readdirSync(dataDir).sort()).toEqual(['PR1.sqlite', 'PR1.sqlite.bak', 'PR1.sqlite.bak.sum', 'PR1.sqlite.blobs.1', 'PR1.sqlite.sum']);
    expect(readFileSync(`${file}.bak`).equals(firstVersion)).toBe(true);
    const reopened = SiteDatabase.open(sql, file);
    expect(reopened.db.exec("SELECT value FROM setting WHERE key = 'source'")[0]?.values).toEqual([['sample']]);
    reopened.close();
  });

  it('refuses to create over an existing file', async () => {
    const dataDir = tempDir();
    const sql = await loadSqlJs();
    const file = join(dataDir, 'CEN.sqlite');
    writeFileSync(file, 'precious');
    expect(() => SiteDatabase.create(sql, file, { code: 'CEN', name: 'x', parentCode: null, createdAt: 'now' })).toThrow(/already exists/);
    expect(readFileSync(file, 'utf8')).toBe('precious');
  });

  it.each([
    ['truncated', (file: string) => truncateSync(file, statSync(file).size - 1000), /truncated/],
    ['truncated to whole pages', (file: string) => truncateSync(file, 4096), /truncated|malformed|SQLite reports|changed on disk/],
    ['empty', (file: string) => truncateSync(file, 0), /empty/],
    ['not SQLite', (file: string) => writeFileSync(file, Buffer.alloc(8192, 0x41)), /not a site database/],
  ])('reports a %s database clearly and leaves the file untouched', async (_label, damage, reason) => {
    const dataDir = tempDir();
    await (await Engine.open({ dataDir, now: fixedNow })).close();
    const file = join(dataDir, 'sites', 'CEN.sqlite');
    damage(file);
    const damagedBytes = readFileSync(file);

    const engine = await Engine.open({ dataDir, now: fixedNow });
    const [site] = await engine.call('listSites', {});
    expect(site?.code).toBe('CEN');
    expect(site?.health.state).toBe('damaged');
    const message = site?.health.state === 'damaged' ? site.health.message : '';
    expect(message).toMatch(reason);
    expect(message).toContain(file);
    expect(message).toContain('left untouched');
    await engine.close();

    expect(readFileSync(file).equals(damagedBytes)).toBe(true);
    expect(readdirSync(join(dataDir, 'sites')).sort()).toEqual(['CEN.sqlite', 'CEN.sqlite.blobs.1', 'CEN.sqlite.sum']);
  });

  it('finds a byte changed anywhere in the file before serving any of it, and never writes it back', async () => {
    const dataDir = tempDir();
    const sql = await loadSqlJs();
    const file = join(dataDir, 'CEN.sqlite');
    const site = SiteDatabase.create(sql, file, { code: 'CEN', name: 'Central Site', parentCode: null, createdAt: 'now' });
    for (let index = 0; index < 300; index++) site.db.run('INSERT INTO setting (key, value) VALUES (?, ?)', [`key ${index}`, `Windows version ${index}`]);
    site.saveWhole();
    site.close();
    const saved = readFileSync(file);
    // Every page, each kind of page: the header, the schema, tables' and indexes' pages, the last page.
    const pageSize = saved.readUInt16BE(16);
    const offsets = [20, 100, ...Array.from({ length: saved.length / pageSize }, (_, page) => page * pageSize + 200), saved.length - 1];
    for (const offset of offsets) {
      const flipped = Buffer.from(saved);
      flipped[offset] = flipped[offset]! ^ 0x20;
      writeFileSync(file, flipped);
      expect(() => SiteDatabase.open(sql, file), `byte ${offset}`).toThrow(/changed on disk after it was saved|not a site database|truncated|SQLite reports/);
      expect(readFileSync(file).equals(flipped)).toBe(true);
    }
    writeFileSync(file, saved);
    SiteDatabase.open(sql, file).close();
  });

  it('checks a database an earlier release saved (no checksum yet) with SQLite once, then records its checksum', async () => {
    const dataDir = tempDir();
    const sql = await loadSqlJs();
    const file = join(dataDir, 'CEN.sqlite');
    SiteDatabase.create(sql, file, { code: 'CEN', name: 'Central Site', parentCode: null, createdAt: 'now' }).close();
    rmSync(`${file}.sum`);
    SiteDatabase.open(sql, file).close();
    expect(readFileSync(`${file}.sum`, 'utf8')).toMatch(/^[0-9a-f]{8}\n$/);
  });

  it('opens whichever file a crash during a whole save left: the one before or the one after', async () => {
    const dataDir = tempDir();
    const sql = await loadSqlJs();
    const file = join(dataDir, 'CEN.sqlite');
    const site = SiteDatabase.create(sql, file, { code: 'CEN', name: 'Central Site', parentCode: null, createdAt: 'now' });
    const before = readFileSync(file);
    const [oldSum] = readFileSync(`${file}.sum`, 'utf8').trim().split(' ');
    site.db.run("INSERT INTO setting (key, value) VALUES ('k', 'v')");
    site.saveWhole();
    site.close();
    const [newSum] = readFileSync(`${file}.sum`, 'utf8').trim().split(' ');
    // The crash came after the checksums were written for both, before the new file was renamed in.
    writeFileSync(`${file}.sum`, `${oldSum} ${newSum}\n`);
    writeFileSync(file, before);
    SiteDatabase.open(sql, file).close();
  });

  it('points to the backup when a damaged database has one', async () => {
    const dataDir = tempDir();
    const sql = await loadSqlJs();
    await (await Engine.open({ dataDir, now: fixedNow })).close();
    const file = join(dataDir, 'sites', 'CEN.sqlite');
    const site = SiteDatabase.open(sql, file);
    site.saveWhole();
    site.close();
    truncateSync(file, 5000);
    const engine = await Engine.open({ dataDir });
    await expect(engine.call('getSite', { site: 'CEN' })).resolves.toMatchObject({
      health: { state: 'damaged', message: expect.stringContaining('CEN.sqlite.bak') },
    });
    await engine.close();
  });

  it('refuses a database written by a newer schema', async () => {
    const dataDir = tempDir();
    const sql = await loadSqlJs();
    const file = join(dataDir, 'CEN.sqlite');
    const site = SiteDatabase.create(sql, file, { code: 'CEN', name: 'Central Site', parentCode: null, createdAt: 'now' });
    site.db.run(`PRAGMA user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    site.save();
    site.close();
    expect(() => SiteDatabase.open(sql, file)).toThrow(SiteDatabaseDamagedError);
    expect(() => SiteDatabase.open(sql, file)).toThrow(/newer version/);
  });

  it('answers an unknown site with NOT_FOUND', async () => {
    const engine = await Engine.open({ dataDir: tempDir() });
    await expect(engine.call('getSite', { site: 'PR9' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await engine.close();
  });

  it('keeps one engine per data folder', async () => {
    const dataDir = tempDir();
    const engine = await Engine.open({ dataDir });
    const lock = join(dataDir, 'engine.lock');
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    // A lock held by another live process (our parent, for the test) is respected.
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), since: 'x' }));
    await expect(Engine.open({ dataDir })).rejects.toBeInstanceOf(ApiError);
    await expect(Engine.open({ dataDir })).rejects.toMatchObject({ code: 'DATA_FOLDER_IN_USE' });
    // A lock left by a process that has ended is taken over.
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 17, host: (await import('node:os')).hostname(), since: 'x' }));
    const second = await Engine.open({ dataDir });
    await second.close();
    await engine.close();
    expect(existsSync(lock)).toBe(false);
  });
});
