/**
 * What a WSUS upstream sees of this console, recorded on the wire by a proxy that refuses CONNECT to ports other than
 * 443 (Squid's stock rule): the per-installation accountGuid and the host name, the config anchor sent after the first
 * GetConfigData, the site's languages in the filter, gzip asked for and served (by the built-in upstream and by a
 * served site), one sign-in per sync although two fetch workers share it, the restart from GetAuthConfig on
 * InvalidCookie, and every request as plain HTTP through the proxy. The transcript is written to
 * test-results/recorded-exchange.md for a person to read.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import { accountNameOf } from '../../../electron/engine/installation';
import { OUT_DIR, ROOT } from '../../helpers/built';
import { useProxies, type ForwardedExchange } from '../../helpers/proxy';
import { useSyncFixture } from '../../helpers/sync-fixture';

const fixture = useSyncFixture();
const proxies = useProxies();
const fetchWorkerPath = join(OUT_DIR, 'engine', 'fetch-worker.js');

const operationOf = (exchange: ForwardedExchange) =>
  String(exchange.requestHeaders.soapaction ?? '')
    .replace(/"/g, '')
    .split('/')
    .at(-1) ?? '';
const requestText = (exchange: ForwardedExchange) => exchange.requestBody.toString('utf8');
const responseText = (exchange: ForwardedExchange) =>
  (exchange.responseHeaders['content-encoding'] === 'gzip' ? gunzipSync(exchange.responseBody) : exchange.responseBody).toString('utf8');
const between = (text: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];

function transcript(title: string, exchanges: ForwardedExchange[]): string {
  const lines = [`## ${title}`, ''];
  for (const exchange of exchanges) {
    const body = requestText(exchange)
      .replace(/<(CookieData|EncryptedData)>[^<]{24,}<\/\1>/g, '<$1>…</$1>')
      .replace(/^<\?xml[^>]*>/, '');
    lines.push(
      `- ${exchange.method} ${exchange.url} ${operationOf(exchange)} (Accept-Encoding: ${exchange.requestHeaders['accept-encoding'] ?? '-'}) → ` +
        `${exchange.status}, Content-Encoding: ${exchange.responseHeaders['content-encoding'] ?? 'identity'}, ${exchange.responseBody.length} bytes on the wire`,
      `  request: ${body.length > 600 ? `${body.slice(0, 600)}…` : body}`,
    );
    const fault = between(responseText(exchange), 'ErrorCode');
    if (fault !== undefined) lines.push(`  fault: ${fault}`);
  }
  return `${lines.join('\n')}\n`;
}

async function syncThrough(engine: Engine, kind: 'full' | 'delta') {
  return fixture.sync(engine, kind);
}

describe('a downstream server as a WSUS upstream sees it, on the wire', () => {
  it('names its installation, sends the config anchor and its languages, asks for gzip, signs in once per sync and restarts on InvalidCookie, all as plain HTTP through a proxy', async () => {
    const { service, url } = await fixture.service({ updates: 2_400, seed: 51 });
    const proxy = await proxies('sup-account', 's3cret', { connectPorts: [443] });
    const data = fixture.tempDir();
    const engine = await fixture.engine(data, { fetchWorkerPath, fetchWorkers: 2 });
    const proxySettings = { url: proxy.url, username: 'sup-account', password: 's3cret' };
    await fixture.configure(engine, url, { languages: ['en', 'de'], proxy: proxySettings });

    // The first sync: one sign-in, shared by the engine and its two fetch workers.
    expect(await syncThrough(engine, 'full')).toMatchObject({ outcome: 'succeeded' });
    const first = proxy.forwarded.splice(0);
    const count = (exchanges: ForwardedExchange[], operation: string) => exchanges.filter((exchange) => operationOf(exchange) === operation).length;
    expect(count(first, 'GetAuthConfig')).toBe(1);
    expect(count(first, 'GetAuthorizationCookie')).toBe(1);
    expect(count(first, 'GetCookie')).toBe(1);
    expect(count(first, 'GetUpdateData')).toBeGreaterThan(10);

    // Who it is: the installation's own GUID (kept in the data folder, never the nil GUID) and the host name.
    const { accountGuid } = JSON.parse(readFileSync(join(data, 'installation.json'), 'utf8')) as { accountGuid: string };
    const signIn = requestText(first.find((exchange) => operationOf(exchange) === 'GetAuthorizationCookie')!);
    expect(between(signIn, 'accountGuid')).toBe(accountGuid);
    expect(accountGuid).not.toBe('00000000-0000-0000-0000-000000000000');
    expect(between(signIn, 'accountName')).toBe(accountNameOf());

    // The first GetConfigData has no anchor; the answer's anchor goes with the next.
    const firstConfig = first.find((exchange) => operationOf(exchange) === 'GetConfigData')!;
    expect(requestText(firstConfig)).not.toContain('<configAnchor>');
    const issued = between(responseText(firstConfig), 'NewConfigAnchor')!;
    expect(issued).toBeTruthy();

    // The filter names the site's languages by LCID (English 1033, German 1031), with the delta flag.
    const list = first.find((exchange) => operationOf(exchange) === 'GetRevisionIdList' && requestText(exchange).includes('<GetConfig>false</GetConfig>'))!;
    expect(requestText(list)).toContain(
      '<Languages><LanguageAndDelta><Id>1033</Id><Delta>false</Delta></LanguageAndDelta><LanguageAndDelta><Id>1031</Id><Delta>false</Delta></LanguageAndDelta></Languages>',
    );

    // gzip asked for on every request, and the answers that are worth it come back compressed.
    expect(first.every((exchange) => exchange.requestHeaders['accept-encoding'] === 'gzip')).toBe(true);
    const metadata = first.filter((exchange) => operationOf(exchange) === 'GetUpdateData');
    expect(metadata.every((exchange) => exchange.responseHeaders['content-encoding'] === 'gzip')).toBe(true);
    const onTheWire = metadata.reduce((sum, exchange) => sum + exchange.responseBody.length, 0);
    const inflated = metadata.reduce((sum, exchange) => sum + gunzipSync(exchange.responseBody).length, 0);
    expect(onTheWire).toBeLessThan(inflated * 0.8);

    // Plain HTTP through the proxy to the upstream's port: no tunnel asked, none refused.
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.refusedTunnels).toEqual([]);
    expect(first.every((exchange) => exchange.url.startsWith(`${url}/`))).toBe(true);

    // The next sync sends the anchor it was given; the upstream refuses a cookie mid-sync: the client starts over from
    // GetAuthConfig, as [MS-WSUSSS] §2.2.9.3 says, and the sync completes.
    service.churn({ add: 30 });
    service.injectFault({ kind: 'invalidCookie', operation: 'GetUpdateData', times: 1 });
    expect(await syncThrough(engine, 'delta')).toMatchObject({ outcome: 'succeeded' });
    const second = proxy.forwarded.splice(0);
    const secondConfig = second.find((exchange) => operationOf(exchange) === 'GetConfigData')!;
    expect(between(requestText(secondConfig), 'configAnchor')).toBe(issued);
    const refused = second.findIndex((exchange) => between(responseText(exchange), 'ErrorCode') === 'InvalidCookie');
    expect(refused).toBeGreaterThan(0);
    expect(second.slice(refused + 1, refused + 4).map(operationOf)).toEqual(['GetAuthConfig', 'GetAuthorizationCookie', 'GetCookie']);
    expect(count(second, 'GetAuthorizationCookie')).toBe(2);

    // Served by this site to a child elsewhere, through the same proxy: the served site answers in gzip too.
    const { url: served } = await engine.call('serveSite', { site: 'CEN', port: 0, bind: '127.0.0.1' });
    const childData = fixture.tempDir();
    const child = await fixture.engine(childData);
    await fixture.configure(child, served, { languages: ['en', 'de'], proxy: proxySettings });
    expect(await syncThrough(child, 'full')).toMatchObject({ outcome: 'succeeded' });
    const third = proxy.forwarded.splice(0);
    expect(
      third.filter((exchange) => operationOf(exchange) === 'GetUpdateData').every((exchange) => exchange.responseHeaders['content-encoding'] === 'gzip'),
    ).toBe(true);
    // Another installation, another downstream server.
    const childGuid = between(requestText(third.find((exchange) => operationOf(exchange) === 'GetAuthorizationCookie')!), 'accountGuid');
    expect(childGuid).toBe((JSON.parse(readFileSync(join(childData, 'installation.json'), 'utf8')) as { accountGuid: string }).accountGuid);
    expect(childGuid).not.toBe(accountGuid);

    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(
      join(ROOT, 'test-results', 'recorded-exchange.md'),
      `# Recorded exchange (test/integration/upstream/recorded-exchange.test.ts)\n\nProxy ${proxy.url}: CONNECT allowed to port 443 only; upstream ${url}.\n\n` +
        transcript('First sync (full, two fetch workers)', first.filter((exchange) => operationOf(exchange) !== 'GetUpdateData').concat(metadata.slice(0, 2))) +
        '\n' +
        transcript('Second sync (delta; InvalidCookie injected on one GetUpdateData)', second.slice(0, Math.max(refused + 5, 8))) +
        '\n' +
        transcript('A child syncing from the served site', third.slice(0, 8)),
    );
  });
});
