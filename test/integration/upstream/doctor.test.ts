/** The pre-flight check against real servers on 127.0.0.1: all pass, a closed port, an unknown CA, a wrong clock. */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PreflightReport } from '../../../shared/contract';
import { makeCertificates } from '../../helpers/certificates';
import { classificationId, productId, RETIRED_CLASSIFICATION, RETIRED_PRODUCT, useSyncFixture } from '../../helpers/sync-fixture';
import { useProxies } from '../../helpers/proxy';
import { useUpstream } from '../../helpers/upstream';

const fixture = useSyncFixture();
const upstream = useUpstream();
const proxies = useProxies();

async function doctor(url: string, overrides: Parameters<typeof fixture.configure>[2] = {}): Promise<PreflightReport> {
  const engine = await fixture.engine(fixture.tempDir());
  await fixture.configure(engine, url, overrides);
  return await engine.call('runPreflight', { site: 'CEN' });
}

const byName = (report: PreflightReport, name: string) => report.checks.find((check) => check.name === name)!;

/** A port nobody listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the pre-flight check (usc doctor)', () => {
  let certificates: ReturnType<typeof makeCertificates>;
  beforeAll(() => {
    certificates = makeCertificates(fixture.tempDir());
  });

  it('passes every step against a live upstream, each timed and explained', async () => {
    const { url } = await upstream.start({ updates: 20 });
    const report = await doctor(url);
    expect(report.checks.map((check) => check.name)).toEqual([
      'Name resolution',
      'TCP connect',
      'TLS',
      'Clock',
      'Authorization',
      'GetConfigData',
      'Products and classifications',
      'Disk space',
      'Site database integrity',
    ]);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(byName(report, 'TLS').detail).toMatch(/^Not checked: http:\/\/ is plain HTTP/);
    expect(byName(report, 'GetConfigData').detail).toMatch(/^protocol [\d.]+, up to \d+ updates per request/);
    expect(byName(report, 'Site database integrity').detail).toMatch(/integrity_check: ok/);
    // A site that never synchronized learns the upstream's categories for the check, as its first sync would.
    expect(byName(report, 'Products and classifications').detail).toMatch(
      /^\d+ products and \d+ classifications selected, each offered upstream \(\d+ categories and detectoids offered, \d+ of them new to this site\)$/,
    );
    for (const check of report.checks) expect(check.ms).toBeGreaterThanOrEqual(0);
  });

  it('names the selected products and classifications the upstream does not offer, before any sync', async () => {
    const { url } = await upstream.start({ updates: 20 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url, {
      products: [productId('Windows 11'), RETIRED_PRODUCT],
      classifications: [classificationId('Security Updates'), RETIRED_CLASSIFICATION],
    });
    let report = await engine.call('runPreflight', { site: 'CEN' });
    expect(byName(report, 'Products and classifications')).toMatchObject({
      ok: false,
      detail: expect.stringContaining(`not offered upstream: product ${RETIRED_PRODUCT}, classification ${RETIRED_CLASSIFICATION}`),
      hint: expect.stringMatching(/^Choose them again on the Products and Classifications tabs/),
    });
    expect(report.ok).toBe(false);
    // After a sync the site knows the categories: nothing is fetched again, and a good selection passes.
    await fixture.configure(engine, url, { products: [productId('Windows 11')], classifications: [classificationId('Security Updates')] });
    await fixture.sync(engine, 'full');
    report = await engine.call('runPreflight', { site: 'CEN' });
    expect(byName(report, 'Products and classifications')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^1 product and 1 classification selected, each offered upstream \(\d+ categories and detectoids offered\)$/),
    });
  });

  it('skips the network for a child served by its parent in this engine, and starts serving nothing to check it', async () => {
    const { url } = await upstream.start({ updates: 10 });
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, url);
    await engine.call('addSite', { code: 'PR1', name: 'Primary 1', parent: 'CEN' });
    const report = await engine.call('runPreflight', { site: 'PR1' });
    expect(report.checks[0]).toMatchObject({ name: 'Upstream', ok: true, detail: 'Not checked: PR1 synchronizes from its parent site CEN inside this engine' });
    expect(engine.servedSites).toEqual([]);
    // What the check would have started, and what the list shows once something is served.
    await engine.call('serveSite', { site: 'CEN', port: 0 });
    expect(engine.servedSites).toEqual(['CEN']);
  });

  it('tests settings that are not applied yet (Test connection before Apply), leaving the saved ones and the sync source as they are', async () => {
    const { url } = await upstream.start({ updates: 10 });
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const engine = await fixture.engine(fixture.tempDir());
    await fixture.configure(engine, dead);
    const saved = await engine.call('getSupConfig', { site: 'CEN' });
    // The values in the dialog reach the live upstream; the saved ones do not.
    const proposed = await engine.call('runPreflight', { site: 'CEN', config: { ...saved, source: { kind: 'upstream', url } } });
    expect(byName(proposed, 'TCP connect').ok).toBe(true);
    expect(byName(proposed, 'GetConfigData').ok).toBe(true);
    expect(byName(await engine.call('runPreflight', { site: 'CEN' }), 'TCP connect').ok).toBe(false);
    // Nothing was saved by the test.
    expect(await engine.call('getSupConfig', { site: 'CEN' })).toEqual(saved);
    // And the other way round: a dead address typed over a live saved one fails, the saved one still passes.
    await fixture.configure(engine, url);
    const live = await engine.call('getSupConfig', { site: 'CEN' });
    expect(byName(await engine.call('runPreflight', { site: 'CEN', config: { ...live, source: { kind: 'upstream', url: dead } } }), 'TCP connect').ok).toBe(
      false,
    );
    expect(byName(await engine.call('runPreflight', { site: 'CEN' }), 'GetConfigData').ok).toBe(true);
    // A child site's settings are its top-level site's: there is nothing of its own to test before applying.
    await engine.call('addSite', { code: 'PR1', name: 'Primary 1', parent: 'CEN' });
    await expect(engine.call('runPreflight', { site: 'PR1', config: live })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
  });

  it('fails TCP connect on a closed port, says what to check, and does not pretend to reach the rest', async () => {
    const report = await doctor(`http://127.0.0.1:${await closedPort()}`);
    expect(report.ok).toBe(false);
    expect(byName(report, 'TCP connect')).toMatchObject({ ok: false, hint: expect.stringMatching(/Nothing listens on 127\.0\.0\.1:\d+\. Check the port/) });
    expect(byName(report, 'Authorization')).toMatchObject({ ok: false, detail: 'Not reached: no connection' });
    // What does not need the network is still checked.
    expect(byName(report, 'Site database integrity').ok).toBe(true);
  });

  it('fails TLS for a server signed by a CA this machine does not trust, with the fix; passes once the CA is added', async () => {
    const { url } = await upstream.start({ updates: 10, tls: { key: certificates.key, cert: certificates.cert } });
    const refused = await doctor(url);
    expect(byName(refused, 'TLS')).toMatchObject({ ok: false, hint: expect.stringMatching(/does not trust .*--ca-file/) });
    const trusted = await doctor(url, { extraCaCertificates: [certificates.ca] });
    expect(byName(trusted, 'TLS')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^certificate for 127\.0\.0\.1, issued by USC Test Root, valid until/),
    });
    expect(trusted.ok).toBe(true);
  });

  it('checks the proxy: reached, then a request with the saved credentials; a refused password fails with the fix', async () => {
    const { url } = await upstream.start({ updates: 10 });
    // Squid's stock rules: CONNECT to port 443 only. An http:// upstream goes through as plain HTTP, as Windows sends it.
    const proxy = await proxies('sup-account', 's3cret', { connectPorts: [443] });
    const through = await doctor(url, { proxy: { url: proxy.url, username: 'sup-account', password: 's3cret' } });
    expect(through.checks.map((check) => check.name).slice(0, 4)).toEqual(['Name resolution (proxy)', 'TCP connect (proxy)', 'Proxy authentication', 'TLS']);
    expect(byName(through, 'Proxy authentication')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/forwarded a plain HTTP request to 127\.0\.0\.1:\d+ \(as sup-account\)$/),
    });
    expect(through.ok).toBe(true);
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.refusedTunnels).toEqual([]);
    expect(proxy.forwarded.map((exchange) => exchange.requestHeaders.soapaction).filter(Boolean)).toEqual(
      expect.arrayContaining(['"http://www.microsoft.com/SoftwareDistribution/GetConfigData"']),
    );

    const refused = await doctor(url, { proxy: { url: proxy.url, username: 'sup-account', password: 'expired' } });
    expect(byName(refused, 'Proxy authentication')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/answered 407 Proxy Authentication Required \(as sup-account\)$/),
      hint: expect.stringMatching(/^The proxy refused the credentials of sup-account: check the user name and password/),
    });
    expect(byName(refused, 'Authorization')).toMatchObject({ ok: false, detail: 'Not reached: the proxy forwarded nothing' });
    const anonymous = await doctor(url, { proxy: { url: proxy.url } });
    expect(byName(anonymous, 'Proxy authentication').hint).toMatch(/^The proxy requires authentication: set the proxy user name and password/);
  });

  it('names the names a certificate holds when it is for another server (adding a CA cannot help)', async () => {
    const other = makeCertificates(fixture.tempDir(), 'DNS:wsus01.corp.example');
    const { url } = await upstream.start({ updates: 10, tls: { key: other.key, cert: other.cert } });
    const report = await doctor(url, { extraCaCertificates: [other.ca] });
    expect(byName(report, 'TLS')).toMatchObject({
      ok: false,
      hint: 'The certificate is not for 127.0.0.1: it names wsus01.corp.example. Use a name the certificate holds in the upstream URL, or have it reissued for 127.0.0.1.',
    });
  });

  it('does not count a language the upstream lists as not enabled as offered, and says how to enable it', async () => {
    const { service, url } = await upstream.start({ updates: 10, disabledLanguages: ['de'] });
    const report = await doctor(url, { languages: ['en', 'de'] });
    expect(byName(report, 'GetConfigData')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('The upstream server lists the language German (de) as not enabled'),
      hint: expect.stringMatching(/Update Files and Languages/),
    });
    service.configure({ disabledLanguages: [] });
    expect(byName(await doctor(url, { languages: ['en', 'de'] }), 'GetConfigData').ok).toBe(true);
  });

  it("fails the clock step when the upstream's clock is two hours off", async () => {
    const { url } = await upstream.start({ updates: 10, now: () => new Date(Date.now() - 2 * 3_600_000) });
    const report = await doctor(url);
    expect(byName(report, 'Clock')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^this machine is 2 h ahead of the server/),
      hint: expect.stringMatching(/Set the clock/),
    });
    expect(report.ok).toBe(false);
  });
});
