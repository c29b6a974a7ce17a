/** HTTPS with certificate checks, extra CA certificates, and an authenticating proxy, all on 127.0.0.1. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../electron/engine/engine';
import { writeSupConfig } from '../../../electron/engine/settings/sup-config';
import { useTempDirs } from '../../helpers/temp-dir';
import { useUpstream } from '../../helpers/upstream';
import { makeCertificates } from '../../helpers/certificates';
import { startProxy, type TestProxy } from '../../helpers/proxy';

const upstream = useUpstream();
const tempDir = useTempDirs();

describe('transport security', () => {
  let certificates: ReturnType<typeof makeCertificates>;
  let proxy: TestProxy;
  beforeAll(async () => {
    certificates = makeCertificates(tempDir());
    proxy = await startProxy('sup-account', 's3cret');
  });
  afterAll(() => proxy.close());

  it('refuses a server whose certificate is not trusted, without retrying', async () => {
    const { url } = await upstream.start({ tls: { key: certificates.key, cert: certificates.cert } });
    expect(url.startsWith('https://127.0.0.1:')).toBe(true);
    const client = upstream.client(url);
    await expect(client.getConfigData()).rejects.toMatchObject({ kind: 'tls', message: expect.stringMatching(/certificate is not trusted/) });
    expect(client.stats.retries).toBe(0);
  });

  it('says a certificate for other names is for other names (not an unknown root), and which names it holds', async () => {
    const other = makeCertificates(tempDir(), 'DNS:wsus01.corp.example,DNS:wsus01');
    const { url } = await upstream.start({ tls: { key: other.key, cert: other.cert } });
    const client = upstream.client(url, { extraCaCertificates: [other.ca] });
    const error = await client.getConfigData().then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error).toMatchObject({ kind: 'tls' });
    expect(error!.message).toBe(
      "The upstream server's certificate is not for 127.0.0.1: it names wsus01.corp.example, wsus01. Use a name the certificate holds in the upstream URL, or have the certificate reissued for 127.0.0.1",
    );
    expect(error!.message).not.toMatch(/root CA|not trusted/);
    expect(client.stats.retries).toBe(0);
  });

  it('trusts a server signed by an extra CA certificate', async () => {
    const { url } = await upstream.start({ tls: { key: certificates.key, cert: certificates.cert } });
    const config = await upstream.client(url, { extraCaCertificates: [certificates.ca] }).getConfigData();
    expect(config.maxUpdatesPerRequest).toBe(100);
  });

  it('goes through an authenticating proxy, over TLS', async () => {
    const { url } = await upstream.start({ tls: { key: certificates.key, cert: certificates.cert } });
    const client = upstream.client(url, { extraCaCertificates: [certificates.ca], proxy: { url: proxy.url, username: 'sup-account', password: 's3cret' } });
    await client.getCategoryRevisions();
    expect(proxy.tunnels).toContain(new URL(url).host);
  });

  it('reports proxy credentials the proxy refuses', async () => {
    const { url } = await upstream.start();
    const client = upstream.client(url, { maxRetries: 0, proxy: { url: proxy.url, username: 'sup-account', password: 'wrong' } });
    await expect(client.getConfigData()).rejects.toMatchObject({ message: expect.stringMatching(/proxy refused the proxy credentials \(HTTP 407\)/) });
  });

  it('keeps a proxy password out of the site database and away from the console (owner-only file), and syncs with it', async () => {
    const { url } = await upstream.start({ updates: 30, tls: { key: certificates.key, cert: certificates.cert } });
    const dataDir = tempDir();
    let engine = await Engine.open({ dataDir, retryDelayMs: 0, upstreamTimeoutMs: 5_000, resumeInterrupted: false });
    try {
      const config = {
        source: { kind: 'upstream' as const, url },
        // The Windows family (every product under it) and Security Updates, by category ID.
        products: ['6964aab4-c5b5-43bd-a17d-ffb4346a8e1d'],
        classifications: ['0fa1201d-4330-4fa8-8ae9-b877473b6441'],
        languages: ['en'],
        retryMinutes: 60,
        extraCaCertificates: [certificates.ca],
        proxy: { url: proxy.url, username: 'sup-account', password: 's3cret' },
      };
      const saved = await engine.call('setSupConfig', { site: 'CEN', config });
      expect(saved.proxy).toEqual({ url: proxy.url, username: 'sup-account', passwordSaved: true });
      expect(await engine.call('getSupConfig', { site: 'CEN' })).toMatchObject({ proxy: { passwordSaved: true } });
      expect(JSON.stringify(await engine.call('getSupConfig', { site: 'CEN' }))).not.toContain('s3cret');
      const credentials = join(dataDir, 'credentials.json');
      expect(statSync(credentials).mode & 0o777).toBe(0o600);
      expect(readFileSync(credentials, 'utf8')).toContain('s3cret');
      // Nowhere in the site's files: database, backup, journal, blob store.
      for (const file of readdirSync(join(dataDir, 'sites'))) expect(readFileSync(join(dataDir, 'sites', file)).includes('s3cret'), file).toBe(false);

      // The console sends back what it got (no password): the saved one is kept and used.
      await engine.call('setSupConfig', { site: 'CEN', config: { ...saved, retryMinutes: 30 } });
      const run = await engine.call('runSynchronization', { site: 'CEN', kind: 'full', trigger: 'manual', wait: true });
      expect(run.run?.outcome).toBe('succeeded');
      expect(proxy.tunnels).toContain(new URL(url).host);

      // A password an earlier version stored inside the database moves to the credential store when the engine opens.
      const database = engine.siteDatabase('CEN');
      writeSupConfig(database, { ...config, proxy: { url: proxy.url, username: 'sup-account', password: 'older-s3cret' } });
      database.save();
      await engine.close();
      engine = await Engine.open({ dataDir, retryDelayMs: 0, resumeInterrupted: false });
      expect(readFileSync(credentials, 'utf8')).toContain('older-s3cret');
      expect(readFileSync(join(dataDir, 'sites', 'CEN.sqlite')).includes('older-s3cret')).toBe(false);

      // Credentials an earlier release accepted inside the proxy URL: split into their fields, the password out.
      const inside = new URL(proxy.url);
      inside.username = 'url-account';
      inside.password = 'url-s3cret';
      writeSupConfig(engine.siteDatabase('CEN'), { ...config, proxy: { url: inside.toString() } });
      engine.siteDatabase('CEN').save();
      await engine.close();
      engine = await Engine.open({ dataDir, retryDelayMs: 0, resumeInterrupted: false });
      expect((await engine.call('getSupConfig', { site: 'CEN' })).proxy).toEqual({ url: `${proxy.url}/`, username: 'url-account', passwordSaved: true });
      expect(readFileSync(credentials, 'utf8')).toContain('url-s3cret');
      for (const file of readdirSync(join(dataDir, 'sites'))) expect(readFileSync(join(dataDir, 'sites', file)).includes('url-s3cret'), file).toBe(false);
      // And never accepted again, nor a proxy the sync could not speak to.
      const current = await engine.call('getSupConfig', { site: 'CEN' });
      await expect(engine.call('setSupConfig', { site: 'CEN', config: { ...current, proxy: { url: inside.toString() } } })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('Give the proxy user name and password in their own fields'),
      });
      await expect(engine.call('setSupConfig', { site: 'CEN', config: { ...current, proxy: { url: 'ftp://proxy.corp.example' } } })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('The proxy server URL must start with http:// or https://'),
      });
    } finally {
      await engine.close();
    }
  });
});
