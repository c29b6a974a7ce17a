/**
 * One SOAP exchange over HTTP(S) with undici: certificate checks on, optional proxy with credentials and extra CA
 * certificates, a timeout on every request, and the response streamed into the XML parser (large GetUpdateData
 * answers never sit in memory as one string).
 */
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import { httpDispatcher, type ProxySettings } from './http-dispatcher';
import { DSS_AUTH_PATH, NS_SOAP, SERVER_SYNC_PATH, soapActionFor, type SyncOperation } from '../soap/protocol-names';
import { child, textAt, XmlParseError, XmlTreeBuilder, type XmlElement } from '../xml/element-tree';
import type { BlobPrescan } from './blob-prescan';
import { UpstreamError } from './upstream-error';

export type { ProxySettings } from './http-dispatcher';

export interface TransportOptions {
  baseUrl: string;
  timeoutMs?: number;
  proxy?: ProxySettings;
  /** PEM certificates trusted in addition to Node's bundled roots (Microsoft's root is missing from many). */
  extraCaCertificates?: string[];
  /** Ask for gzip answers: `auto` (default) across a network or a proxy, not from loopback. */
  compression?: 'auto' | 'gzip' | 'none';
}

export interface SoapCall {
  operation: SyncOperation | 'GetAuthorizationCookie';
  body: string;
  signal?: AbortSignal;
  /** Streams these elements to onRecord instead of keeping them in the returned tree. */
  recordName?: string;
  onRecord?: (element: XmlElement) => void;
  /** Text of any one element past this many characters is cut and the element marked oversize. */
  maxTextLength?: number;
  /** Takes metadata blobs out of the answer before the parser sees it (see BlobPrescan). */
  prescan?: BlobPrescan;
}

/** No answer the protocol defines comes near this; more is a broken or hostile server. */
const MAX_RESPONSE_BYTES = 1024 * 1024 * 1024;

export class SoapTransport {
  private readonly dispatcher: Dispatcher;
  private readonly base: URL;
  private readonly proxied: boolean;
  /** Whether answers are asked for in gzip: across a network (or a proxy), not from this machine itself. */
  readonly acceptsGzip: boolean;
  readonly timeoutMs: number;

  constructor(options: TransportOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.proxied = options.proxy !== undefined;
    // On loopback (the built-in catalog, a parent site or an import on this machine) compression is all cost: a
    // 100,000-update sync took 138-150 s with gzip against 110-114 s without, the two processes sharing the cores.
    this.acceptsGzip = options.compression === 'gzip' || (options.compression !== 'none' && (this.proxied || !isLoopback(this.base.hostname)));
    this.dispatcher = httpDispatcher({
      ...(options.extraCaCertificates === undefined ? {} : { extraCaCertificates: options.extraCaCertificates }),
      ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
      keepAliveTimeoutMs: 30_000,
    });
  }

  /** Sends one call; resolves with the operation's response element, or throws an UpstreamError. */
  async call(call: SoapCall): Promise<XmlElement> {
    const path = call.operation === 'GetAuthorizationCookie' ? DSS_AUTH_PATH : SERVER_SYNC_PATH;
    const url = new URL(path.slice(1), this.base);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = call.signal === undefined ? timeout : AbortSignal.any([call.signal, timeout]);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: `"${soapActionFor(call.operation)}"`,
          'user-agent': 'UpdateSyncConsole/1.0',
          // Metadata answers are text and shrink to a fifth or less; the answer is inflated as it streams in.
          'accept-encoding': this.acceptsGzip ? 'gzip' : 'identity',
        },
        body: call.body,
      });
    } catch (error) {
      throw this.describe(error, call, signal);
    }
    const builder = new XmlTreeBuilder({
      ...(call.recordName === undefined ? {} : { recordName: call.recordName }),
      ...(call.onRecord === undefined ? {} : { onRecord: call.onRecord }),
      ...(call.maxTextLength === undefined ? {} : { maxTextLength: call.maxTextLength }),
    });
    const decoder = new TextDecoder('utf-8');
    if (response.statusCode === 407 && this.proxied) {
      // A plain HTTP request through the proxy (an http:// upstream) hears the proxy's refusal as an answer.
      await response.body.dump().catch(() => undefined);
      throw new UpstreamError(
        'http',
        call.operation,
        `Could not reach the upstream server for ${call.operation}: the proxy refused the proxy credentials (HTTP 407)`,
        {
          status: 407,
        },
      );
    }
    const contentType = String(response.headers['content-type'] ?? '');
    if (!contentType.includes('xml')) {
      const text = (await response.body.text().catch(() => '')).slice(0, 200);
      throw new UpstreamError(
        'http',
        call.operation,
        `The upstream server answered ${call.operation} with HTTP ${response.statusCode}${text ? `: ${text.trim()}` : ''}`,
        {
          status: response.statusCode,
        },
      );
    }
    let root: XmlElement;
    try {
      let received = 0;
      const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding !== 'identity' && encoding !== 'gzip')
        throw new UpstreamError(
          'malformed',
          call.operation,
          `The upstream server answered ${call.operation} in the ${encoding} encoding, which was not asked for`,
        );
      const body = encoding === 'gzip' ? inflated(response.body) : response.body;
      // The limit counts what the parser is given (after inflation): a small gzip body must not expand without end.
      for await (const chunk of body) {
        received += (chunk as Buffer).length;
        if (received > MAX_RESPONSE_BYTES) {
          response.body.destroy();
          body.destroy();
          throw new UpstreamError(
            'malformed',
            call.operation,
            `The upstream server's answer to ${call.operation} is larger than ${MAX_RESPONSE_BYTES / (1024 * 1024)} MiB; refusing it`,
          );
        }
        const text = decoder.decode(chunk as Buffer, { stream: true });
        builder.write(call.prescan === undefined ? text : call.prescan.feed(text));
      }
      const rest = decoder.decode();
      builder.write(call.prescan === undefined ? rest : call.prescan.feed(rest) + call.prescan.end());
      root = builder.close();
    } catch (error) {
      if ((error as { code?: string }).code === 'Z_DATA_ERROR' || (error as { code?: string }).code === 'Z_BUF_ERROR')
        throw new UpstreamError(
          'malformed',
          call.operation,
          `The upstream server's gzip-compressed answer to ${call.operation} is damaged (${(error as Error).message})`,
        );
      if (error instanceof XmlParseError) {
        throw new UpstreamError('malformed', call.operation, `The upstream server's answer to ${call.operation} is not valid XML (${error.message})`, {
          cause: error,
        });
      }
      throw this.describe(error, call, signal);
    }
    const body = root.name === 'Envelope' && root.ns === NS_SOAP ? child(root, 'Body') : undefined;
    const payload = body?.children[0];
    if (payload === undefined) throw new UpstreamError('malformed', call.operation, `The upstream server's answer to ${call.operation} is not a SOAP envelope`);
    if (payload.name === 'Fault') {
      const code = textAt(payload, 'detail', 'ErrorCode');
      const message = textAt(payload, 'detail', 'Message') ?? textAt(payload, 'faultstring') ?? 'no message';
      throw new UpstreamError('fault', call.operation, `The upstream server refused ${call.operation}: ${code ?? 'SOAP fault'} (${message})`, {
        ...(code === undefined ? {} : { faultCode: code }),
        status: response.statusCode,
      });
    }
    if (response.statusCode >= 400) {
      throw new UpstreamError('http', call.operation, `The upstream server answered ${call.operation} with HTTP ${response.statusCode}`, {
        status: response.statusCode,
      });
    }
    return payload;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private describe(error: unknown, call: SoapCall, signal: AbortSignal): UpstreamError {
    if (error instanceof UpstreamError) return error;
    if (call.signal?.aborted) return new UpstreamError('cancelled', call.operation, `${call.operation} was cancelled`, { cause: error });
    const code = (error as { code?: string }).code ?? '';
    const name = (error as { name?: string }).name ?? '';
    if (signal.aborted || name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new UpstreamError(
        'timeout',
        call.operation,
        `The upstream server did not answer ${call.operation} within ${Math.round(this.timeoutMs / 1000)} s`,
        { cause: error },
      );
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      // Adding a CA cannot help here: the certificate is trusted, it is for other names.
      return new UpstreamError(
        'tls',
        call.operation,
        `The upstream server's certificate is not for ${this.base.hostname}: it names ${certificateNames(error)}. Use a name the certificate holds in the upstream URL, or have the certificate reissued for ${this.base.hostname}`,
        { cause: error },
      );
    }
    if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
      return new UpstreamError('tls', call.operation, `The upstream server's certificate is not trusted (${code}); add its root CA to the sync settings`, {
        cause: error,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    // A tunnel refused ("Proxy response (407)"), or a plain request refused ("Proxy Authentication Required (407)").
    const proxyStatus =
      /Proxy response \((\d+)\)/.exec(message)?.[1] ?? (this.proxied ? /Proxy Authentication Required \((407)\)/.exec(message)?.[1] : undefined);
    if (proxyStatus !== undefined) {
      const status = Number(proxyStatus);
      const reason = status === 407 ? 'the proxy refused the proxy credentials (HTTP 407)' : `the proxy answered HTTP ${status}`;
      return new UpstreamError('http', call.operation, `Could not reach the upstream server for ${call.operation}: ${reason}`, { status, cause: error });
    }
    return new UpstreamError(
      'network',
      call.operation,
      `Could not reach the upstream server for ${call.operation}: ${code ? `${code} (${message})` : message}`,
      { cause: error },
    );
  }
}

/** The names a certificate holds (its subject alternative names, else its common name), from a TLS name mismatch. */
export function certificateNames(error: unknown): string {
  const cert = (error as { cert?: { subjectaltname?: string; subject?: { CN?: string } } }).cert;
  const names = cert?.subjectaltname
    ?.split(',')
    .map((name) => name.trim().replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  if (names !== undefined && names.length > 0) return names.join(', ');
  return cert?.subject?.CN ?? 'other names (it does not say which)';
}

/** A gzip body inflated as it streams; a failure of the body (a timeout, a dropped connection) fails the inflation too. */
function inflated(body: Dispatcher.ResponseData['body']): Readable {
  const gunzip = createGunzip();
  body.on('error', (error) => gunzip.destroy(error));
  return body.pipe(gunzip);
}

/** A host on this machine: 127.0.0.0/8, ::1, localhost. */
function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '::ffff:127.0.0.1';
}
