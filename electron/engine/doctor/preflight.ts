/**
 * The pre-flight check (`usc doctor`, "Test connection"): every step between this site and its upstream, in the order
 * a sync takes them, each with pass or fail, the time it took, what was found, and what to do when it fails. No peer
 * checks the whole path before a sync; administrators find out from a failed sync's log, one step at a time.
 */
import { lookup } from 'node:dns/promises';
import { statfs } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect, isIP } from 'node:net';
import { connect as tlsConnect, rootCertificates, type PeerCertificate } from 'node:tls';
import { request, type Dispatcher } from 'undici';
import { httpDispatcher } from '../upstream/client/http-dispatcher';
import type { PreflightCheck } from '../../../shared/contract';
import type { SupConfig } from '../../../shared/domain';
import type { ProxySettings } from '../upstream/client/soap-transport';
import { certificateNames } from '../upstream/client/soap-transport';
import { SERVER_SYNC_PATH } from '../upstream/soap/protocol-names';
import { UpstreamClient, type ServerConfig } from '../upstream/client/upstream-client';
import { languageProblems, mergeLanguages } from '../sync/upstream-config';
import { UpstreamError } from '../upstream/client/upstream-error';
import { resolveFilterIn, type CategoryRow } from '../settings/category-selection';
import { offeredCategories } from '../settings/upstream-categories';

/** A clock further off than this from the upstream's makes time-limited cookies and certificates fail. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const STEP_TIMEOUT_MS = 10_000;

export interface UpstreamTarget {
  url: string;
  proxy?: ProxySettings;
  extraCaCertificates?: string[];
  /** The languages the site keeps: GetConfigData must offer each, enabled. */
  languages: string[];
  /** How this installation signs in (installation.ts). */
  account?: { accountName: string; accountGuid: string };
  /** The config anchor and languages the site kept from its last GetConfigData (sent, and merged with the answer). */
  kept?: { configAnchor: string; languages: ServerConfig['languages'] };
  /** The products and classifications the site selects, and the categories it already knows (fetched again only when new). */
  selection?: { products: string[]; classifications: string[]; unresolvedNames?: SupConfig['unresolvedNames']; known: CategoryRow[]; detectoids: string[] };
}

/** One step, timed; a thrown error is its failure (with the hint the step gives for it). */
export async function step(
  name: string,
  work: () => Promise<{ detail: string; ok?: boolean; hint?: string }>,
  hintFor: (error: unknown) => string,
): Promise<PreflightCheck> {
  const started = performance.now();
  try {
    const { detail, ok = true, hint } = await work();
    return { name, ok, ms: Math.round(performance.now() - started), detail, hint: ok ? null : (hint ?? null) };
  } catch (error) {
    return { name, ok: false, ms: Math.round(performance.now() - started), detail: messageOf(error), hint: hintFor(error) };
  }
}

export const skipped = (name: string, detail: string): PreflightCheck => ({ name, ok: true, ms: 0, detail: `Not checked: ${detail}`, hint: null });

/** The network steps to an upstream server; a step that fails skips the ones that need it. */
export async function checkUpstream(target: UpstreamTarget, now: () => Date): Promise<PreflightCheck[]> {
  const url = new URL(target.url);
  const https = url.protocol === 'https:';
  const port = Number(url.port || (https ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // Through a proxy, this machine resolves and reaches the proxy; the proxy reaches the server.
  const via = target.proxy === undefined ? undefined : new URL(target.proxy.url);
  const reachHost = via === undefined ? host : via.hostname;
  const reachPort = via === undefined ? port : Number(via.port || (via.protocol === 'https:' ? 443 : 80));
  const checks: PreflightCheck[] = [];
  const add = (check: PreflightCheck) => (checks.push(check), check.ok);
  // The steps after a failed one are listed as not reached, so a report always names every step.
  const unreached = (names: string[], reason: string) =>
    notReached([...names, ...(target.selection === undefined ? [] : ['Products and classifications'])], reason);

  const resolved = await step(
    via === undefined ? 'Name resolution' : 'Name resolution (proxy)',
    async () => {
      if (isIP(reachHost) !== 0) return { detail: `${reachHost} is an IP address` };
      const addresses = await withTimeout(lookup(reachHost, { all: true }), `resolving ${reachHost}`);
      return { detail: `${reachHost} is ${addresses.map((entry) => entry.address).join(', ')}` };
    },
    () => `Check the name ${reachHost} (a typing error?) and this machine's DNS servers; try the server's IP address to tell a DNS problem from others.`,
  );
  if (!add(resolved)) return [...checks, ...unreached(['TCP connect', 'TLS', 'Clock', 'Authorization', 'GetConfigData'], 'the name did not resolve')];

  const connected = await step(
    via === undefined ? 'TCP connect' : 'TCP connect (proxy)',
    () =>
      new Promise((resolve, reject) => {
        const socket = tcpConnect({ host: reachHost, port: reachPort, timeout: STEP_TIMEOUT_MS });
        socket.once('connect', () => {
          socket.destroy();
          resolve({ detail: `${reachHost}:${reachPort} accepted a connection` });
        });
        socket.once('timeout', () => {
          socket.destroy();
          reject(Object.assign(new Error(`${reachHost}:${reachPort} did not answer within ${STEP_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' }));
        });
        socket.once('error', reject);
      }),
    (error) =>
      codeOf(error) === 'ECONNREFUSED'
        ? `Nothing listens on ${reachHost}:${reachPort}. Check the port in the URL (WSUS: 8530 for HTTP, 8531 for HTTPS) and that the WSUS service and IIS are running.`
        : `Check that a firewall between this machine and ${reachHost} allows port ${reachPort}, and that the server is up.`,
  );
  if (!add(connected)) return [...checks, ...unreached(['TLS', 'Clock', 'Authorization', 'GetConfigData'], 'no connection')];

  if (target.proxy !== undefined && via !== undefined) {
    // As a sync goes through it: a CONNECT tunnel for https://, a plain HTTP request for http:// (as Windows does).
    const tunnel = await step(
      'Proxy authentication',
      () => (https ? openTunnel(target.proxy!, via, `${host}:${port}`) : forwardThrough(target.proxy!, via, url)),
      () =>
        https
          ? `The proxy ${via.host} did not answer a tunnel request: check that it is an HTTP proxy and that it allows CONNECT to port ${port}.`
          : `The proxy ${via.host} did not answer an HTTP request for ${url.host}: check that it is an HTTP proxy.`,
    );
    if (!add(tunnel))
      return [
        ...checks,
        ...unreached(['TLS', 'Clock', 'Authorization', 'GetConfigData'], https ? 'the proxy opened no tunnel' : 'the proxy forwarded nothing'),
      ];
  }

  if (!https) checks.push(skipped('TLS', `${url.protocol}// is plain HTTP (Microsoft recommends HTTPS, port 8531)`));
  else if (via !== undefined) checks.push(skipped('TLS', 'the proxy tunnels it; the authorization step checks the certificate through the proxy'));
  else if (!add(await checkTls(host, port, target.extraCaCertificates, now))) {
    return [...checks, ...unreached(['Clock', 'Authorization', 'GetConfigData'], 'the TLS handshake failed')];
  }

  const dispatcher = dispatcherFor(target);
  try {
    add(
      await step(
        'Clock',
        async () => {
          const response = await request(target.url, { method: 'GET', dispatcher, headersTimeout: STEP_TIMEOUT_MS, bodyTimeout: STEP_TIMEOUT_MS });
          await response.body.dump();
          const header = response.headers.date;
          const date = Date.parse(Array.isArray(header) ? header[0]! : (header ?? ''));
          if (Number.isNaN(date)) return { detail: 'The server sent no Date header to compare with' };
          const skew = now().getTime() - date;
          const text = `this machine is ${formatSkew(skew)} the server (server time ${new Date(date).toISOString()})`;
          return Math.abs(skew) <= MAX_CLOCK_SKEW_MS
            ? { detail: text }
            : {
                ok: false,
                detail: text,
                hint: `Set the clock of this machine or of the server (both should follow a time server): past ${MAX_CLOCK_SKEW_MS / 60_000} minutes, time-limited cookies and certificates fail.`,
              };
        },
        () => 'The server did not answer a plain HTTP request; the next steps tell more.',
      ),
    );
    const client = new UpstreamClient({
      ...target.account,
      baseUrl: target.url,
      maxRetries: 0,
      timeoutMs: STEP_TIMEOUT_MS,
      ...(target.proxy === undefined ? {} : { proxy: target.proxy }),
      ...(target.extraCaCertificates === undefined ? {} : { extraCaCertificates: target.extraCaCertificates }),
    });
    try {
      const authorized = await step(
        'Authorization',
        async () => {
          await client.authorizeOnly();
          return { detail: 'GetAuthConfig, GetAuthorizationCookie and GetCookie answered: the server gave this site a cookie' };
        },
        (error) => hintForUpstream(error, target),
      );
      if (!add(authorized)) return [...checks, ...unreached(['GetConfigData'], 'authorization failed')];
      add(
        await step(
          'GetConfigData',
          async () => {
            const config = await client.getConfigData(target.kept?.configAnchor);
            const languages = mergeLanguages(target.kept?.languages, config.languages);
            // A language listed with Enabled false is not offered: that server does not download it.
            const enabled = languages.filter((language) => language.enabled && language.shortName.toLowerCase() !== 'all').length;
            const problems = languageProblems(languages, target.languages);
            const detail = `protocol ${config.protocolVersion}, up to ${config.maxUpdatesPerRequest} updates per request, ${enabled} languages offered`;
            return problems.length === 0
              ? { detail }
              : {
                  ok: false,
                  detail: `${detail}; ${problems.join('; ')}`,
                  hint: 'Choose languages the upstream server offers and has enabled (WSUS Options → Update Files and Languages), or enable them there.',
                };
          },
          (error) => hintForUpstream(error, target),
        ),
      );
      if (target.selection !== undefined) {
        const selection = target.selection;
        add(
          await step(
            'Products and classifications',
            () => checkSelection(client, selection),
            (error) => hintForUpstream(error, target),
          ),
        );
      }
    } finally {
      await client.close();
    }
  } finally {
    await dispatcher.close();
  }
  return checks;
}

/**
 * The selected products and classifications against what the upstream offers now: its category list (GetRevisionIdList
 * with GetConfig), named from the site's own categories, and from the upstream's metadata for categories it does not
 * know yet (a site that never synchronized fetches them all, as its first sync would).
 */
async function checkSelection(client: UpstreamClient, selection: NonNullable<UpstreamTarget['selection']>) {
  const { rows, offered, fetched } = await offeredCategories(client, selection.known, selection.detectoids);
  const resolved = resolveFilterIn(rows, selection);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const chosen = `${plural(selection.products.length, 'product')} and ${plural(selection.classifications.length, 'classification')} selected`;
  const counted = `${offered} categories and detectoids offered${fetched === 0 ? '' : `, ${fetched} of them new to this site`}`;
  return resolved.unknown.length === 0
    ? { detail: `${chosen}, each offered upstream (${counted})` }
    : {
        ok: false,
        detail: `${chosen}; not offered upstream: ${resolved.unknown.join(', ')} (${counted})`,
        hint: 'Choose them again on the Products and Classifications tabs: the upstream server does not offer them (renamed, retired, or not enabled on that WSUS server). A sync leaves them out with a warning.',
      };
}

async function checkTls(host: string, port: number, extra: string[] | undefined, now: () => Date): Promise<PreflightCheck> {
  return step(
    'TLS',
    () =>
      new Promise((resolve, reject) => {
        const socket = tlsConnect({
          host,
          port,
          servername: isIP(host) === 0 ? host : undefined,
          ...(extra?.length ? { ca: [...rootCertificates, ...extra] } : {}),
          timeout: STEP_TIMEOUT_MS,
        });
        socket.once('secureConnect', () => {
          const certificate: PeerCertificate = socket.getPeerCertificate();
          socket.destroy();
          const left = Date.parse(certificate.valid_to) - now().getTime();
          const detail = `certificate for ${certificate.subject?.CN ?? host}, issued by ${certificate.issuer?.CN ?? 'unknown'}, valid until ${certificate.valid_to}`;
          resolve(
            left < 14 * 86_400_000
              ? { ok: true, detail: `${detail} (expires in ${Math.max(0, Math.floor(left / 86_400_000))} days: renew it soon)` }
              : { detail },
          );
        });
        socket.once('timeout', () => {
          socket.destroy();
          reject(new Error(`No TLS handshake within ${STEP_TIMEOUT_MS / 1000} s`));
        });
        socket.once('error', reject);
      }),
    (error) => hintForTls(codeOf(error), host, error),
  );
}

export function hintForTls(code: string | undefined, host: string, error?: unknown): string {
  switch (code) {
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return "The server's certificate chains to a root this machine does not trust (an internal CA?). Add that root CA's certificate: usc config --site <site> --ca-file root.pem.";
    case 'CERT_HAS_EXPIRED':
      return "The server's certificate has expired: renew it on the server (IIS, the WSUS site's HTTPS binding).";
    case 'CERT_NOT_YET_VALID':
      return "The server's certificate is not valid yet: check the clocks of this machine and of the server.";
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      // Trusting another CA cannot help: the certificate is trusted, it is for other names.
      return `The certificate is not for ${host}${error === undefined ? '' : `: it names ${certificateNames(error)}`}. Use a name the certificate holds in the upstream URL, or have it reissued for ${host}.`;
    default:
      return 'Check that the server speaks HTTPS on this port (WSUS: 8531) and that its certificate is valid.';
  }
}

function hintForUpstream(error: unknown, target: UpstreamTarget): string {
  if (error instanceof UpstreamError) {
    const status = error.details.status;
    if (error.kind === 'tls')
      return hintForTls(codeOf(error.details.cause) ?? /\(([A-Z_]+)\)/.exec(error.message)?.[1], new URL(target.url).hostname, error.details.cause);
    if (status === 407) return 'The proxy requires authentication: set the proxy user name and password (usc config --proxy-user, --proxy-password).';
    if (status === 404)
      return 'The address does not lead to the WSUS web services: the URL ends at the server (https://wsus.corp.example:8531), not at a page.';
    if (status === 401 || status === 403) return 'The upstream server refused this machine: check that it allows downstream servers (and IIS authentication).';
    if (error.faultCode !== undefined)
      return `The upstream server answered with the SOAP fault ${error.faultCode}: see Error Lookup in the log pane for what it means.`;
  }
  return 'Check the upstream URL and that the WSUS web services answer there.';
}

/** Free space against what the site's files need to be rewritten once (a save or a compaction writes a copy). */
export async function checkDiskSpace(dataDir: string, siteBytes: number): Promise<PreflightCheck> {
  return step(
    'Disk space',
    async () => {
      const stats = await statfs(dataDir);
      const free = stats.bavail * stats.bsize;
      const needed = siteBytes * 2 + 256 * 1024 * 1024;
      const detail = `${formatBytes(free)} free in ${dataDir}; the site's files take ${formatBytes(siteBytes)}, a sync may need ${formatBytes(needed)}`;
      return free >= needed
        ? { detail }
        : { ok: false, detail, hint: 'Free space in the data folder, or move it to a larger disk (--data DIR): a save that cannot be written fails the sync.' };
    },
    () => 'The free space of the data folder could not be read.',
  );
}

/** Asks the proxy for a tunnel to the upstream as a sync does (CONNECT, with the saved credentials), and says how it answered. */
/** What the proxy answered about credentials, the same for a tunnel and for a forwarded request. */
function proxyRefusal(proxy: ProxySettings, via: URL, status: number, what: string): { detail: string; ok: false; hint: string } | undefined {
  const as = proxy.username === undefined ? 'without credentials' : `as ${proxy.username}`;
  if (status === 407)
    return {
      ok: false,
      detail: `${via.host} answered 407 Proxy Authentication Required (${as})`,
      hint:
        proxy.username === undefined
          ? 'The proxy requires authentication: set the proxy user name and password (Sync Settings, or usc config --proxy-user, --proxy-password).'
          : `The proxy refused the credentials of ${proxy.username}: check the user name and password (a changed or expired password?) and that the account may use the proxy.`,
    };
  if (status === 502 || status === 503 || status === 504 || status === 403)
    return {
      ok: false,
      detail: `${via.host} answered HTTP ${status} to ${what}`,
      hint: `The proxy does not let this machine reach the upstream server: ask its administrator to allow the upstream server and port.`,
    };
  return undefined;
}

/** A request to the proxy itself, with the saved credentials, timed out after a step's time. */
function askProxy(proxy: ProxySettings, via: URL, method: 'GET' | 'CONNECT', path: string, host: string) {
  const send = via.protocol === 'https:' ? httpsRequest : httpRequest;
  const credentials = proxy.username === undefined ? undefined : `Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64')}`;
  const asking = send({
    host: via.hostname,
    port: Number(via.port || (via.protocol === 'https:' ? 443 : 80)),
    method,
    path,
    timeout: STEP_TIMEOUT_MS,
    headers: { host, ...(credentials === undefined ? {} : { 'proxy-authorization': credentials }) },
  });
  asking.once('timeout', () => asking.destroy(new Error(`${via.host} did not answer within ${STEP_TIMEOUT_MS / 1000} s`)));
  return asking;
}

/** A plain HTTP request for an http:// upstream, through the proxy, as a sync sends its requests. */
function forwardThrough(proxy: ProxySettings, via: URL, target: URL): Promise<{ detail: string; ok?: boolean; hint?: string }> {
  const address = new URL(target.pathname.replace(/\/?$/, '/') + SERVER_SYNC_PATH.slice(1), target).href;
  return new Promise((resolve, reject) => {
    const asking = askProxy(proxy, via, 'GET', address, target.host);
    asking.once('response', (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      const as = proxy.username === undefined ? 'without credentials' : `as ${proxy.username}`;
      resolve(
        proxyRefusal(proxy, via, status, `a request for ${target.host}`) ?? { detail: `${via.host} forwarded a plain HTTP request to ${target.host} (${as})` },
      );
    });
    asking.once('error', reject);
    asking.end();
  });
}

function openTunnel(proxy: ProxySettings, via: URL, authority: string): Promise<{ detail: string; ok?: boolean; hint?: string }> {
  return new Promise((resolve, reject) => {
    const asking = askProxy(proxy, via, 'CONNECT', authority, authority);
    const answered = (status: number, socket?: { destroy(): void }) => {
      socket?.destroy();
      const as = proxy.username === undefined ? 'without credentials' : `as ${proxy.username}`;
      if (status === 200) resolve({ detail: `${via.host} opened a tunnel to ${authority} (${as})` });
      else if (status === 407) {
        resolve(proxyRefusal(proxy, via, status, `a tunnel to ${authority}`)!);
      } else {
        resolve({
          ok: false,
          detail: `${via.host} answered HTTP ${status} to a tunnel to ${authority}`,
          hint: `The proxy does not let this machine reach ${authority}: ask its administrator to allow the upstream server and port.`,
        });
      }
    };
    asking.once('connect', (response, socket) => answered(response.statusCode ?? 0, socket));
    // A proxy that closes the tunnel request with a plain answer (some send 407 so) is heard here.
    asking.once('response', (response) => {
      response.resume();
      answered(response.statusCode ?? 0);
    });
    asking.once('error', reject);
    asking.end();
  });
}

function dispatcherFor(target: UpstreamTarget): Dispatcher {
  return httpDispatcher({
    ...(target.extraCaCertificates === undefined ? {} : { extraCaCertificates: target.extraCaCertificates }),
    ...(target.proxy === undefined ? {} : { proxy: target.proxy }),
  });
}

function notReached(names: string[], reason: string): PreflightCheck[] {
  return names.map((name) => ({ name, ok: false, ms: 0, detail: `Not reached: ${reason}`, hint: null }));
}

async function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`No answer ${what} within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatSkew(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const amount = seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
  // The Date header counts whole seconds: a second either way is in step.
  return seconds <= 1 ? 'in step with' : `${amount} ${ms > 0 ? 'ahead of' : 'behind'}`;
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
