/**
 * The upstream side of the server-server sync protocol over HTTP: the built-in sample catalog's server (the
 * embedded default sync source, the test peer, the benchmark load). Binds 127.0.0.1 unless told otherwise.
 * A control interface (JSON under /control/, loopback only, off unless asked for) applies churn steps and injects
 * faults: for tests, benchmarks and `usc upstream --control`, never for a site that serves its children.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { constants, gzip } from 'node:zlib';
import { ALL_LANGUAGES_ENTRY, updateLanguage } from '../../../../shared/languages';
import { writeCabinet } from '../cab/cabinet';
import { envelope, faultEnvelope } from '../soap/envelope';
import { DSS_AUTH_PATH, NS_DSS_AUTH, NS_SYNC, SERVER_SYNC_PATH, SERVER_SYNC_OPERATIONS, type FaultCode } from '../soap/protocol-names';
import type { UpdateIdentity } from '../update-metadata';
import { child, children, escapeXml, parseXml, textAt, type XmlElement } from '../xml/element-tree';
import type { ChurnResult, ChurnStep } from './catalog';
import { hostileCabinet, hostileXml } from './hostile-input';
import { AnchorMismatchError, RevisionUnavailableError, type RevisionData, type UpstreamCatalog } from './upstream-catalog';

export type InjectedFaultKind =
  | 'http500'
  | 'serverBusy'
  | 'internalServerError'
  | 'hang'
  | 'closeMidBody'
  | 'malformedBlob'
  | 'brokenCabinet'
  | 'invalidCookie'
  | 'serverChanged'
  | 'withhold'
  | 'cabinetBomb'
  | 'deepXml';

export const INJECTED_FAULT_KINDS: readonly InjectedFaultKind[] = [
  'http500',
  'serverBusy',
  'internalServerError',
  'hang',
  'closeMidBody',
  'malformedBlob',
  'brokenCabinet',
  'invalidCookie',
  'serverChanged',
  'withhold',
  'cabinetBomb',
  'deepXml',
];

export interface InjectedFault {
  kind: InjectedFaultKind;
  /** Operation it applies to (any when absent). */
  operation?: string;
  /** How many requests it affects (default 1). */
  times?: number;
  /** How many matching requests are answered normally before it starts (default 0): an outage in the middle of a sync. */
  after?: number;
  /** withhold: the update every GetUpdateData answer leaves out (as if it never fitted), `times` answers long. */
  updateId?: string;
}

/** The answers a Windows upstream shapes, changeable while the service runs (tests, `/control/settings`). */
export interface ServiceSettings {
  maxUpdatesPerRequest: number;
  /** Uncompressed metadata above this many bytes is sent as XmlUpdateBlobCompressed (Windows uses 5,120). */
  compressAbove: number;
  /** A GetUpdateData answer holds at most this many bytes of records; identities that do not fit are left out (Windows: 2,000,000). */
  maxResponseBytes: number;
  /** Languages GetConfigData lists with Enabled false (not downloaded by that WSUS server). */
  disabledLanguages: string[];
}

export { type UpstreamCatalog } from './upstream-catalog';

/** A catalog the control interface can churn, or whose identity it can change (the sample catalog). */
interface ChangeableCatalog extends UpstreamCatalog {
  churn?(step: ChurnStep): ChurnResult;
  changeIdentity?(): void;
}

export interface UpstreamServiceOptions extends Partial<ServiceSettings> {
  catalog: ChangeableCatalog;
  port?: number;
  host?: string;
  cookieLifetimeMs?: number;
  now?: () => Date;
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  tls?: { key: string; cert: string };
  /** Told about a revision that could not be served (its stored data is damaged); the answer goes on without it. */
  onServeProblem?: (message: string) => void;
  /** Serve the control interface under /control/ (default off: a site serving its children changes only by syncing). */
  control?: boolean;
}

export interface UpstreamServiceStats {
  requests: Record<string, number>;
  updatesServed: number;
  compressedBlobs: number;
  /** Identities GetUpdateData answers left out because they did not fit under maxResponseBytes. */
  leftOutByCap: number;
}

const PROTOCOL_VERSION = '1.20';
/** Windows caps one GetUpdateData answer at this many bytes ([MS-WSUSSS] §3.1.4.6, product behaviour note 37). */
export const WINDOWS_MAX_RESPONSE_BYTES = 2_000_000;

export class UpstreamService {
  readonly catalog: ChangeableCatalog;
  private server: Server | undefined;
  private readonly secret = randomBytes(32);
  private readonly faults: Array<InjectedFault & { remaining: number; after: number }> = [];
  private readonly sockets = new Set<Socket>();
  readonly stats: UpstreamServiceStats = { requests: {}, updatesServed: 0, compressedBlobs: 0, leftOutByCap: 0 };
  readonly settings: ServiceSettings;
  private readonly options: { cookieLifetimeMs: number; now: () => Date };
  private readonly tls: UpstreamServiceOptions['tls'];
  private readonly onServeProblem: ((message: string) => void) | undefined;
  private readonly control: boolean;
  /** Counts changes of the languages (their Enabled flags): part of each config anchor issued. */
  private languageVersion = 0;

  constructor(options: UpstreamServiceOptions) {
    this.catalog = options.catalog;
    this.tls = options.tls;
    this.onServeProblem = options.onServeProblem;
    this.control = options.control ?? false;
    this.settings = {
      maxUpdatesPerRequest: options.maxUpdatesPerRequest ?? 100,
      compressAbove: options.compressAbove ?? 5_120,
      maxResponseBytes: options.maxResponseBytes ?? WINDOWS_MAX_RESPONSE_BYTES,
      disabledLanguages: options.disabledLanguages ?? [],
    };
    this.options = { cookieLifetimeMs: options.cookieLifetimeMs ?? 240 * 60_000, now: options.now ?? (() => new Date()) };
  }

  /** Starts listening; resolves with the base URL (e.g. http://127.0.0.1:41234). */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const handler = (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response, host);
    const server: Server = this.tls === undefined ? createServer(handler) : createHttpsServer(this.tls, handler);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const scheme = this.tls === undefined ? 'http' : 'https';
    return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  injectFault(fault: InjectedFault): void {
    if (fault.kind === 'serverChanged' && this.catalog.changeIdentity !== undefined) {
      // A real identity change: every anchor issued before is unknown from now on, so anchored lists get ServerChanged.
      this.catalog.changeIdentity();
      return;
    }
    this.faults.push({ ...fault, remaining: fault.times ?? 1, after: fault.after ?? 0 });
  }

  /** Changes how answers are shaped (batch size, compression threshold, answer byte cap). */
  configure(settings: Partial<ServiceSettings>): ServiceSettings {
    for (const [key, value] of Object.entries(settings) as Array<[keyof ServiceSettings, unknown]>) {
      if (!(key in this.settings)) throw new RangeError(`Unknown setting ${key}; the settings are ${Object.keys(this.settings).join(', ')}`);
      if (key === 'disabledLanguages') {
        if (!Array.isArray(value) || !value.every((code) => typeof code === 'string'))
          throw new RangeError('disabledLanguages must be a list of language codes');
        this.settings.disabledLanguages = value.map((code: string) => code.toLowerCase());
        // A downstream server that holds an older config anchor is told of the languages again.
        this.languageVersion++;
        continue;
      }
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new RangeError(`${key} must be a whole number of at least 1`);
      this.settings[key] = value;
    }
    return { ...this.settings, disabledLanguages: [...this.settings.disabledLanguages] };
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  churn(step: ChurnStep) {
    if (this.catalog.churn === undefined) throw new Error('This upstream serves a site database; it cannot be churned.');
    return this.catalog.churn(step);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private takeFault(operation: string, kinds: InjectedFaultKind[]): InjectedFaultKind | undefined {
    return this.takeFaultEntry(operation, kinds)?.kind;
  }

  private takeFaultEntry(operation: string, kinds: InjectedFaultKind[], accept: (fault: InjectedFault) => boolean = () => true): InjectedFault | undefined {
    const index = this.faults.findIndex(
      (fault) => kinds.includes(fault.kind) && (fault.operation === undefined || fault.operation === operation) && accept(fault),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    if (fault.after > 0) {
      fault.after--;
      return undefined;
    }
    if (--fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private async handle(request: IncomingMessage, response: ServerResponse, host: string): Promise<void> {
    // The Date header follows the service's clock, so a test can give it one that is off (the doctor's clock step).
    response.setHeader('Date', this.options.now().toUTCString());
    const path = (request.url ?? '/').replace(/^\/+/, '/').split('?')[0]!;
    if (/\bgzip\b/i.test(String(request.headers['accept-encoding'] ?? ''))) acceptsGzip.add(response);
    try {
      if (path.startsWith('/control/')) {
        if (!this.control) return plain(response, 404, 'No such web service.');
        return await this.handleControl(request, response, path, host);
      }
      if (request.method !== 'POST') return plain(response, 405, 'POST SOAP requests to the sync web services.');
      const body = await readBody(request);
      const lower = path.toLowerCase();
      if (lower === DSS_AUTH_PATH.toLowerCase()) return this.handleAuth(response, body);
      if (lower === SERVER_SYNC_PATH.toLowerCase()) return await this.handleSync(request, response, body);
      return plain(response, 404, 'No such web service.');
    } catch (error) {
      if (!response.headersSent) plain(response, 500, `Internal error: ${(error as Error).message}`);
    }
  }

  private handleAuth(response: ServerResponse, body: string): void {
    const call = operationOf(body);
    this.count('GetAuthorizationCookie');
    if (call?.name !== 'GetAuthorizationCookie') return this.fault(response, 'InvalidParameters', 'Expected GetAuthorizationCookie', 'GetAuthorizationCookie');
    const account = textAt(call, 'accountName') ?? '';
    if (account === '' || !/^[A-Za-z0-9.-]+$/.test(account)) {
      return this.fault(response, 'InvalidParameters', 'accountName must be the downstream server name', 'GetAuthorizationCookie');
    }
    const cookieData = this.sign({ kind: 'auth', account, exp: this.options.now().getTime() + 24 * 3600_000 });
    soap(
      response,
      `<GetAuthorizationCookieResponse xmlns="${NS_DSS_AUTH}"><GetAuthorizationCookieResult><PlugInId>DssTargeting</PlugInId><CookieData>${cookieData}</CookieData></GetAuthorizationCookieResult></GetAuthorizationCookieResponse>`,
    );
  }

  private async handleSync(request: IncomingMessage, response: ServerResponse, body: string): Promise<void> {
    const action = String(request.headers.soapaction ?? '').replace(/"/g, '');
    const actionOperation = action.startsWith(`${NS_SYNC}/`) ? action.slice(NS_SYNC.length + 1) : undefined;
    if (actionOperation === undefined || !(SERVER_SYNC_OPERATIONS as readonly string[]).includes(actionOperation)) {
      // What an ASMX service answers for a SOAPAction it does not know, with the protocol's detail.
      this.count('unknown');
      return send(
        response,
        500,
        faultEnvelope('InvalidParameters', `Server did not recognize the value of HTTP Header SOAPAction: ${action}.`, 'SOAPAction', 'soap:Client'),
      );
    }
    const call = operationOf(body);
    const operation = call?.name ?? actionOperation;
    this.count(operation);
    const injected = this.takeFault(operation, ['http500', 'serverBusy', 'internalServerError', 'hang', 'closeMidBody', 'invalidCookie', 'serverChanged']);
    if (injected === 'hang') return; // never answers: the client's timeout must end the wait
    if (injected === 'http500') return plain(response, 500, 'Service Unavailable (injected)');
    if (injected === 'serverBusy') return this.fault(response, 'ServerBusy', 'The server is busy (injected)', operation);
    if (injected === 'internalServerError') return this.fault(response, 'InternalServerError', 'Internal error (injected)', operation);
    if (injected === 'invalidCookie') return this.fault(response, 'InvalidCookie', 'The cookie is not valid (injected)', operation);
    if (injected === 'serverChanged') return this.fault(response, 'ServerChanged', 'The server was reset (injected)', operation);
    if (call === undefined) return this.fault(response, 'InvalidParameters', 'The request has no SOAP body', operation);
    if (operation !== actionOperation)
      return this.fault(response, 'InvalidParameters', `The SOAP body holds ${operation}, but the SOAPAction names ${actionOperation}`, operation);

    let result: string;
    switch (operation) {
      case 'GetAuthConfig':
        result = `<GetAuthConfigResponse xmlns="${NS_SYNC}"><GetAuthConfigResult><LastChange>2026-01-01T00:00:00Z</LastChange><AuthInfo><AuthPlugInInfo><PlugInID>DssTargeting</PlugInID><ServiceUrl>DssAuthWebService/DssAuthWebService.asmx</ServiceUrl></AuthPlugInInfo></AuthInfo></GetAuthConfigResult></GetAuthConfigResponse>`;
        break;
      case 'GetCookie': {
        const auth = child(child(call, 'authCookies'), 'AuthorizationCookie');
        if (this.verify(textAt(auth, 'CookieData') ?? '', 'auth') === undefined) {
          return this.fault(response, 'InvalidAuthorizationCookie', 'The authorization cookie is not valid or has expired', operation);
        }
        const version = textAt(call, 'protocolVersion') ?? '';
        if (!/^1\.\d+$/.test(version)) return this.fault(response, 'IncompatibleProtocolVersion', `Protocol version ${version} is not supported`, operation);
        const expires = new Date(this.options.now().getTime() + this.options.cookieLifetimeMs);
        result = `<GetCookieResponse xmlns="${NS_SYNC}"><GetCookieResult><Expiration>${expires.toISOString()}</Expiration><EncryptedData>${this.sign({ kind: 'cookie', exp: expires.getTime() })}</EncryptedData></GetCookieResult></GetCookieResponse>`;
        break;
      }
      default: {
        const cookie = this.verify(textAt(call, 'cookie', 'EncryptedData') ?? '', 'cookie');
        if (cookie === undefined) return this.fault(response, 'InvalidCookie', 'The cookie is missing, invalid or has expired', operation);
        const answered = this.answer(operation, call);
        if ('fault' in answered) return this.fault(response, answered.fault, answered.message, operation);
        result = answered.body;
      }
    }
    const text = envelope(result);
    if (injected === 'closeMidBody') {
      response.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      response.write(text.slice(0, Math.floor(text.length / 2)));
      setImmediate(() => response.socket?.destroy());
      return;
    }
    send(response, 200, text);
  }

  private answer(operation: string, call: XmlElement): { body: string } | { fault: FaultCode; message: string } {
    switch (operation) {
      case 'GetConfigData': {
        // With a config anchor it issued, a server lists only the languages changed since ([MS-WSUSSS] §3.1.4.4).
        const configAnchor = textAt(call, 'configAnchor') ?? '';
        const [catalogAnchor = '', languageVersion] = configAnchor.split(';languages=');
        let current = false;
        try {
          current = configAnchor !== '' && Number(languageVersion) === this.languageVersion && this.catalog.counterOf(catalogAnchor) > 0;
        } catch (error) {
          if (!(error instanceof AnchorMismatchError)) throw error;
        }
        const offered = [ALL_LANGUAGES_ENTRY, ...this.catalog.languages.map((code) => updateLanguage(code) ?? { code, lcid: 0, name: code })];
        const disabled = new Set(this.settings.disabledLanguages);
        const languages = (current ? [] : offered)
          .map(
            (language) =>
              `<ServerSyncLanguageData><LanguageID>${language.lcid}</LanguageID><ShortLanguage>${language.code}</ShortLanguage><LongLanguage>${escapeXml(language.name)}</LongLanguage><Enabled>${!disabled.has(language.code)}</Enabled></ServerSyncLanguageData>`,
          )
          .join('');
        return {
          body:
            `<GetConfigDataResponse xmlns="${NS_SYNC}"><GetConfigDataResult><CatalogOnlySync>true</CatalogOnlySync><LazySync>true</LazySync><ServerHostsPsfFiles>false</ServerHostsPsfFiles>` +
            `<MaxNumberOfUpdatesPerRequest>${this.settings.maxUpdatesPerRequest}</MaxNumberOfUpdatesPerRequest><MaxNumberOfDriverSetsPerRequest>100</MaxNumberOfDriverSetsPerRequest>` +
            `<MaxNumberOfComputerIdsInRequest>200</MaxNumberOfComputerIdsInRequest><MaxNumberOfPnpHardwareIdsInRequest>450</MaxNumberOfPnpHardwareIdsInRequest>` +
            `<NewConfigAnchor>${this.catalog.anchor()};languages=${this.languageVersion}</NewConfigAnchor><ProtocolVersion>${PROTOCOL_VERSION}</ProtocolVersion><LanguageUpdateList>${languages}</LanguageUpdateList>` +
            `<MaxUpdatesPerRequestInGetUpdateDecryptionData>500</MaxUpdatesPerRequestInGetUpdateDecryptionData></GetConfigDataResult></GetConfigDataResponse>`,
        };
      }
      case 'GetRevisionIdList': {
        const filter = child(call, 'filter');
        const anchorText = textAt(filter, 'Anchor');
        let since: number | undefined;
        if (anchorText !== undefined && anchorText !== '') {
          try {
            since = this.catalog.counterOf(anchorText);
          } catch (error) {
            if (error instanceof AnchorMismatchError) return { fault: 'ServerChanged', message: error.message };
            throw error;
          }
        }
        const idAndDelta = (name: string) =>
          children(child(filter, name), 'IdAndDelta').map((item) => ({ id: textAt(item, 'Id') ?? '', delta: textAt(item, 'Delta') === 'true' }));
        let revisions: UpdateIdentity[];
        if (textAt(filter, 'GetConfig') === 'true') {
          revisions = this.catalog.listConfigRevisions(since);
        } else {
          const categories = idAndDelta('Categories');
          const classifications = idAndDelta('Classifications');
          if ((categories.length === 0) !== (classifications.length === 0)) {
            return { fault: 'InvalidParameters', message: 'Categories and Classifications must both be given, or neither' };
          }
          revisions = this.catalog.listUpdates({ categories, classifications, ...(since === undefined ? {} : { sinceCounter: since }) });
        }
        const items = revisions
          .map((id) => `<UpdateIdentity><UpdateID>${id.updateId}</UpdateID><RevisionNumber>${id.revision}</RevisionNumber></UpdateIdentity>`)
          .join('');
        return {
          body: `<GetRevisionIdListResponse xmlns="${NS_SYNC}"><GetRevisionIdListResult><Anchor>${this.catalog.anchor()}</Anchor><NewRevisions>${items}</NewRevisions></GetRevisionIdListResult></GetRevisionIdListResponse>`,
        };
      }
      case 'GetUpdateData': {
        const ids = children(child(call, 'updateIds'), 'UpdateIdentity').map((item) => ({
          updateId: (textAt(item, 'UpdateID') ?? '').toLowerCase(),
          revision: Number(textAt(item, 'RevisionNumber')),
        }));
        if (ids.length === 0 || ids.length > this.settings.maxUpdatesPerRequest) {
          return { fault: 'InvalidParameters', message: `updateIds must hold 1 to ${this.settings.maxUpdatesPerRequest} identities, not ${ids.length}` };
        }
        return { body: this.updateDataAnswer(ids) };
      }
      default:
        return { fault: 'InvalidParameters', message: `The operation ${operation} is not implemented by this server` };
    }
  }

  /**
   * The GetUpdateData answer: one ServerSyncUpdateData per revision found, elements in the schema's order (Id,
   * XmlUpdateBlob, FileDigestList, XmlUpdateBlobCompressed), then the fileUrls. Like Windows, records stop being
   * added once the answer would pass maxResponseBytes: the identities left out must be asked for again.
   */
  private updateDataAnswer(ids: UpdateIdentity[]): string {
    const faulted = (kind: InjectedFaultKind) => this.takeFault('GetUpdateData', [kind]) !== undefined;
    const malformed = faulted('malformedBlob');
    const brokenCab = faulted('brokenCabinet');
    const bomb = faulted('cabinetBomb');
    const deep = faulted('deepXml');
    const records: string[] = [];
    const urls: string[] = [];
    let bytes = 0;
    ids.forEach((id, index) => {
      if (this.takeFaultEntry('GetUpdateData', ['withhold'], (fault) => fault.updateId?.toLowerCase() === id.updateId) !== undefined) return;
      let data: RevisionData | undefined;
      try {
        data = this.catalog.revisionData(id);
      } catch (error) {
        // A stored revision that cannot be read is left out; the client asks again and reports it.
        if (error instanceof RevisionUnavailableError) {
          this.onServeProblem?.(`Could not serve update ${id.updateId} revision ${id.revision} to a downstream server: ${error.message}`);
          return;
        }
        throw error;
      }
      if (data === undefined) return;
      const first = index === 0;
      let xml = data.xml;
      if (malformed && first) xml = xml.slice(0, Math.floor(xml.length / 2));
      if (deep && first) xml = hostileXml(200_000);
      let blob: string;
      if (bomb && first) {
        blob = `<XmlUpdateBlobCompressed>${hostileCabinet(500 * 1024 * 1024).toString('base64')}</XmlUpdateBlobCompressed>`;
      } else if (data.cabinet !== undefined && xml === data.xml && !(brokenCab && first)) {
        // A served site passes on the cabinet its upstream sent, as Windows passes on what it stored.
        blob = `<XmlUpdateBlobCompressed>${Buffer.from(data.cabinet).toString('base64')}</XmlUpdateBlobCompressed>`;
        this.stats.compressedBlobs++;
      } else if (Buffer.byteLength(xml) > this.settings.compressAbove || (brokenCab && first)) {
        const cab = writeCabinet('blob.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
        if (brokenCab && first) cab[cab.length - 3]! ^= 0x5a;
        blob = `<XmlUpdateBlobCompressed>${Buffer.from(cab).toString('base64')}</XmlUpdateBlobCompressed>`;
        this.stats.compressedBlobs++;
      } else {
        blob = `<XmlUpdateBlob>${escapeXml(xml)}</XmlUpdateBlob>`;
      }
      const digestList =
        data.fileDigests.length === 0
          ? ''
          : `<FileDigestList>${data.fileDigests.map((digest) => `<base64Binary>${digest}</base64Binary>`).join('')}</FileDigestList>`;
      const compressed = blob.startsWith('<XmlUpdateBlobCompressed>');
      const record = `<ServerSyncUpdateData><Id><UpdateID>${id.updateId}</UpdateID><RevisionNumber>${id.revision}</RevisionNumber></Id>${compressed ? '' : blob}${digestList}${compressed ? blob : ''}</ServerSyncUpdateData>`;
      const recordUrls = data.fileUrls.map(
        (url) =>
          `<ServerSyncUrlData><FileDigest>${url.digest}</FileDigest><MUUrl>${escapeXml(url.muUrl)}</MUUrl>${url.ussUrl === undefined ? '' : `<UssUrl>${escapeXml(url.ussUrl)}</UssUrl>`}</ServerSyncUrlData>`,
      );
      const size = record.length + recordUrls.reduce((sum, url) => sum + url.length, 0);
      // The first record always goes: a revision larger than the cap alone could never be synchronized otherwise.
      if (records.length > 0 && bytes + size > this.settings.maxResponseBytes) {
        this.stats.leftOutByCap++;
        return;
      }
      bytes += size;
      records.push(record);
      urls.push(...recordUrls);
      this.stats.updatesServed++;
    });
    return `<GetUpdateDataResponse xmlns="${NS_SYNC}"><GetUpdateDataResult><updates>${records.join('')}</updates><fileUrls>${urls.join('')}</fileUrls></GetUpdateDataResult></GetUpdateDataResponse>`;
  }

  private async handleControl(request: IncomingMessage, response: ServerResponse, path: string, host: string): Promise<void> {
    if (!isLoopback(host) || !isLoopback(request.socket.remoteAddress ?? ''))
      return plain(response, 403, 'The control interface answers loopback clients only.');
    const body = request.method === 'POST' ? await readBody(request) : '';
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = body === '' ? {} : JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the body must be a JSON object');
      input = parsed as Record<string, unknown>;
    } catch (error) {
      return plain(response, 400, `Bad control request: ${(error as Error).message}`);
    }
    try {
      switch (`${request.method} ${path}`) {
        case 'GET /control/state':
          return json(response, { anchor: this.catalog.anchor(), updates: this.catalog.updateCount(), settings: this.settings, stats: this.stats });
        case 'POST /control/churn':
          return json(response, this.churn(input));
        case 'POST /control/faults': {
          if (!INJECTED_FAULT_KINDS.includes(input.kind as InjectedFaultKind)) throw new RangeError(`kind must be one of ${INJECTED_FAULT_KINDS.join(', ')}`);
          for (const count of ['times', 'after'] as const) {
            const value = input[count];
            if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0))
              throw new RangeError(`${count} must be a whole number`);
          }
          this.injectFault(input as unknown as InjectedFault);
          return json(response, { injected: input });
        }
        case 'POST /control/faults/clear':
          this.clearFaults();
          return json(response, { cleared: true });
        case 'POST /control/settings':
          return json(response, this.configure(input));
        default:
          return plain(
            response,
            404,
            'Control endpoints: GET /control/state, POST /control/churn, POST /control/faults, POST /control/faults/clear, POST /control/settings',
          );
      }
    } catch (error) {
      if (error instanceof RangeError || (error instanceof Error && /cannot be churned/.test(error.message))) return plain(response, 400, error.message);
      throw error;
    }
  }

  private count(operation: string): void {
    this.stats.requests[operation] = (this.stats.requests[operation] ?? 0) + 1;
  }

  private fault(response: ServerResponse, code: FaultCode, message: string, method: string): void {
    send(response, 500, faultEnvelope(code, message, method));
  }

  private sign(payload: { kind: string; exp: number; account?: string }): string {
    const data = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const mac = createHmac('sha256', this.secret).update(data).digest('base64url');
    return Buffer.from(`${data}.${mac}`).toString('base64');
  }

  private verify(token: string, kind: string): { exp: number } | undefined {
    const [data, mac] = Buffer.from(token, 'base64').toString().split('.');
    if (data === undefined || mac === undefined) return undefined;
    const expected = createHmac('sha256', this.secret).update(data).digest('base64url');
    if (mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return undefined;
    const payload = JSON.parse(Buffer.from(data, 'base64url').toString()) as { kind: string; exp: number };
    if (payload.kind !== kind || payload.exp <= this.options.now().getTime()) return undefined;
    return payload;
  }
}

function operationOf(body: string): XmlElement | undefined {
  try {
    return child(parseXml(body), 'Body')?.children[0];
  } catch {
    return undefined;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 16 * 1024 * 1024) {
        reject(new Error('Request too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Responses whose request accepts gzip (set as each request arrives). */
const acceptsGzip = new WeakSet<ServerResponse>();
/** Smaller answers go as they are: compressing them costs more than it saves. */
const GZIP_FROM_BYTES = 1_024;

/**
 * A SOAP answer, gzip-compressed when the client asked for it (a metadata answer shrinks to a fifth or less; its
 * cabinets, already compressed, by a quarter). Fastest level: on loopback it is all cost, on a WAN link most of the gain.
 */
function send(response: ServerResponse, status: number, xml: string): void {
  const bytes = Buffer.from(xml, 'utf8');
  if (!acceptsGzip.has(response) || bytes.length < GZIP_FROM_BYTES) {
    response.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': bytes.length });
    response.end(bytes);
    return;
  }
  gzip(bytes, { level: constants.Z_BEST_SPEED }, (error, zipped) => {
    if (error !== null) {
      response.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': bytes.length });
      response.end(bytes);
      return;
    }
    response.writeHead(status, {
      'Content-Type': 'text/xml; charset=utf-8',
      'Content-Encoding': 'gzip',
      'Content-Length': zipped.length,
      Vary: 'Accept-Encoding',
    });
    response.end(zipped);
  });
}

function soap(response: ServerResponse, body: string): void {
  send(response, 200, envelope(body));
}

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}

function json(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(value));
}

function isLoopback(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || address === 'localhost';
}
