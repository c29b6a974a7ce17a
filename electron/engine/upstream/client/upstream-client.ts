/**
 * The downstream (client) side of the server-server sync protocol: authorization and cookie upkeep,
 * configuration, revision lists, and metadata in batches with bounded concurrency. Transient failures are
 * retried with backoff; an expired or refused cookie re-runs the authorization flow.
 */
import { CabinetError } from '../cab/cab-error';
import { requests, type AuthorizationCookie, type IdAndDelta, type SyncCookie } from '../soap/envelope';
import type { SyncOperation } from '../soap/protocol-names';
import { decodeCompressedBlob } from '../update-blob';
import type { UpdateIdentity, UpdateMetadata } from '../update-metadata';
import { child, children, textAt, type XmlElement } from '../xml/element-tree';
import { parseUpdateXml, UpdateXmlError } from '../xml/update-xml';
import { SoapTransport, type TransportOptions } from './soap-transport';
import { UpstreamError } from './upstream-error';

export interface UpstreamClientOptions extends TransportOptions {
  accountName?: string;
  accountGuid?: string;
  protocolVersion?: string;
  /** Retries of a transient failure before giving up (default 4). */
  maxRetries?: number;
  retryDelayMs?: (attempt: number) => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => Date;
  /** Renew the access cookie when less than this is left (default 2 minutes). */
  renewBeforeMs?: number;
  /** GetUpdateData requests in flight at once (default 4). */
  concurrency?: number;
  onNotice?: (message: string) => void;
}

export interface ServerConfig {
  maxUpdatesPerRequest: number;
  protocolVersion: string;
  configAnchor: string;
  catalogOnly: boolean;
  languages: Array<{ id: number; shortName: string; longName: string; enabled: boolean }>;
}

export interface RevisionList {
  anchor: string;
  revisions: UpdateIdentity[];
}

export interface UpdateFilter {
  anchor?: string;
  products: IdAndDelta[];
  classifications: IdAndDelta[];
  languages?: Array<{ id: number; delta: boolean }>;
}

export interface MetadataFailure {
  updateId: string;
  revision: number;
  message: string;
}

export interface MetadataBatch {
  updates: UpdateMetadata[];
  failures: MetadataFailure[];
  /** Bytes of metadata XML received (after decompression), for throughput figures. */
  xmlBytes: number;
  compressed: number;
  /** The raw XML of each update, kept so a parent site can serve it to its children. */
  rawXml: Map<string, string>;
}

export interface ClientStats {
  requests: number;
  retries: number;
  authentications: number;
  cookieRenewals: number;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new UpstreamError('cancelled', 'wait', 'Cancelled'));
    }, { once: true });
  });

export class UpstreamClient {
  private readonly transport: SoapTransport;
  private authCookie: AuthorizationCookie | undefined;
  private cookie: SyncCookie | undefined;
  private config: ServerConfig | undefined;
  readonly stats: ClientStats = { requests: 0, retries: 0, authentications: 0, cookieRenewals: 0 };

  constructor(private readonly options: UpstreamClientOptions) {
    this.transport = new SoapTransport(options);
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** GetConfigData, authenticating first when needed. */
  async getConfigData(configAnchor?: string, signal?: AbortSignal): Promise<ServerConfig> {
    const result = await this.authorizedCall('GetConfigData', (cookie) => requests.getConfigData(cookie, configAnchor), signal);
    const data = child(result, 'GetConfigDataResult');
    const max = Number(textAt(data, 'MaxNumberOfUpdatesPerRequest'));
    this.config = {
      maxUpdatesPerRequest: Number.isInteger(max) && max > 0 ? max : 100,
      protocolVersion: textAt(data, 'ProtocolVersion') ?? '',
      configAnchor: textAt(data, 'NewConfigAnchor') ?? '',
      catalogOnly: textAt(data, 'CatalogOnlySync') === 'true',
      languages: children(child(data, 'LanguageUpdateList'), 'ServerSyncLanguageData').map((language) => ({
        id: Number(textAt(language, 'LanguageID')),
        shortName: textAt(language, 'ShortLanguage') ?? '',
        longName: textAt(language, 'LongLanguage') ?? '',
        enabled: textAt(language, 'Enabled') === 'true',
      })),
    };
    return this.config;
  }

  /** Categories, classifications and detectoids (GetConfig = true), changed since the anchor if one is given. */
  getCategoryRevisions(anchor?: string, signal?: AbortSignal): Promise<RevisionList> {
    return this.revisionList({ getConfig: true, ...(anchor === undefined ? {} : { anchor }) }, signal);
  }

  /** Updates of the given products AND classifications, with per-item delta flags against the anchor. */
  getUpdateRevisions(filter: UpdateFilter, signal?: AbortSignal): Promise<RevisionList> {
    return this.revisionList(
      {
        getConfig: false,
        categories: filter.products,
        classifications: filter.classifications,
        ...(filter.anchor === undefined ? {} : { anchor: filter.anchor }),
        ...(filter.languages === undefined ? {} : { languages: filter.languages }),
      },
      signal,
    );
  }

  /**
   * Fetches and parses metadata for the given revisions, in requests of at most MaxNumberOfUpdatesPerRequest,
   * with at most `concurrency` in flight. Each finished batch goes to onBatch (in completion order). An update
   * whose metadata is malformed is reported in the batch's failures; it does not fail the others.
   */
  async fetchMetadata(ids: UpdateIdentity[], onBatch: (batch: MetadataBatch) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    const config = this.config ?? (await this.getConfigData(undefined, signal));
    const size = config.maxUpdatesPerRequest;
    const batches: UpdateIdentity[][] = [];
    for (let start = 0; start < ids.length; start += size) batches.push(ids.slice(start, start + size));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        signal?.throwIfAborted();
        const batch = batches[next++]!;
        await onBatch(await this.getUpdateData(batch, signal));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 4, batches.length) }, worker));
  }

  /** One GetUpdateData call, parsed. */
  async getUpdateData(ids: UpdateIdentity[], signal?: AbortSignal): Promise<MetadataBatch> {
    const batch: MetadataBatch = { updates: [], failures: [], xmlBytes: 0, compressed: 0, rawXml: new Map() };
    const wanted = new Map(ids.map((id) => [id.updateId.toLowerCase(), id]));
    const onRecord = (record: XmlElement) => {
      const updateId = (textAt(record, 'Id', 'UpdateID') ?? '').toLowerCase();
      const revision = Number(textAt(record, 'Id', 'RevisionNumber'));
      try {
        const compressed = textAt(record, 'XmlUpdateBlobCompressed');
        const xml = compressed !== undefined ? decodeCompressedBlob(compressed) : child(record, 'XmlUpdateBlob')?.text;
        if (xml === undefined) throw new UpdateXmlError(updateId, 'the server sent no metadata blob');
        if (compressed !== undefined) batch.compressed++;
        batch.xmlBytes += xml.length;
        const update = parseUpdateXml(xml, { updateId, revision });
        batch.updates.push(update);
        batch.rawXml.set(updateId, xml);
        wanted.delete(updateId);
      } catch (error) {
        const message =
          error instanceof CabinetError
            ? `Update ${updateId}: its compressed metadata cannot be read (${error.message})`
            : error instanceof Error
              ? error.message
              : String(error);
        batch.failures.push({ updateId, revision, message });
        wanted.delete(updateId);
      }
    };
    // A retried call must not keep the records of a failed attempt.
    await this.authorizedCall('GetUpdateData', (cookie) => requests.getUpdateData(cookie, ids), signal, {
      recordName: 'ServerSyncUpdateData',
      onRecord,
      reset: () => {
        batch.updates = [];
        batch.failures = [];
        batch.xmlBytes = 0;
        batch.compressed = 0;
        batch.rawXml.clear();
        for (const id of ids) wanted.set(id.updateId.toLowerCase(), id);
      },
    });
    for (const missing of wanted.values()) {
      batch.failures.push({ ...missing, message: `Update ${missing.updateId}: the server returned no metadata for revision ${missing.revision}` });
    }
    return batch;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private async revisionList(filter: Parameters<typeof requests.getRevisionIdList>[1], signal?: AbortSignal): Promise<RevisionList> {
    const revisions: UpdateIdentity[] = [];
    const result = await this.authorizedCall('GetRevisionIdList', (cookie) => requests.getRevisionIdList(cookie, filter), signal, {
      recordName: 'UpdateIdentity',
      onRecord: (identity) => {
        revisions.push({ updateId: (textAt(identity, 'UpdateID') ?? '').toLowerCase(), revision: Number(textAt(identity, 'RevisionNumber')) });
      },
      reset: () => {
        revisions.length = 0;
      },
    });
    const anchor = textAt(result, 'GetRevisionIdListResult', 'Anchor');
    if (anchor === undefined) throw new UpstreamError('malformed', 'GetRevisionIdList', 'The upstream server returned a revision list without an anchor');
    return { anchor, revisions };
  }

  /** A Server Sync call that needs a valid cookie, with retries and re-authorization. */
  private async authorizedCall(
    operation: SyncOperation,
    build: (cookie: SyncCookie) => string,
    signal: AbortSignal | undefined,
    stream: { recordName?: string; onRecord?: (element: XmlElement) => void; reset?: () => void } = {},
  ): Promise<XmlElement> {
    let reauthorized = false;
    for (let attempt = 0; ; attempt++) {
      // Authorization has its own retries; its failure is final here.
      const cookie = await this.ensureCookie(signal);
      try {
        stream.reset?.();
        this.stats.requests++;
        return await this.transport.call({
          operation,
          body: build(cookie),
          ...(signal === undefined ? {} : { signal }),
          ...(stream.recordName === undefined ? {} : { recordName: stream.recordName }),
          ...(stream.onRecord === undefined ? {} : { onRecord: stream.onRecord }),
        });
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        if ((error.faultCode === 'InvalidCookie' || error.faultCode === 'InvalidAuthorizationCookie') && !reauthorized) {
          reauthorized = true;
          this.cookie = undefined;
          if (error.faultCode === 'InvalidAuthorizationCookie') this.authCookie = undefined;
          this.notice(`The upstream server refused the cookie (${error.faultCode}); authorizing again.`);
          attempt--;
          continue;
        }
        await this.backoffOrThrow(error, attempt, signal);
      }
    }
  }

  private async backoffOrThrow(error: UpstreamError, attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const max = this.options.maxRetries ?? 4;
    if (!error.retryable || attempt >= max) {
      if (error.retryable) {
        throw new UpstreamError(error.kind, error.operation, `${error.message}; gave up after ${attempt + 1} attempts`, error.details);
      }
      throw error;
    }
    this.stats.retries++;
    const delay = this.options.retryDelayMs?.(attempt + 1) ?? Math.min(1_000 * 2 ** attempt, 30_000);
    this.notice(`${error.message}. Retrying in ${Math.round(delay / 100) / 10} s (attempt ${attempt + 2} of ${max + 1}).`);
    await (this.options.sleep ?? defaultSleep)(delay, signal);
  }

  private async ensureCookie(signal?: AbortSignal): Promise<SyncCookie> {
    const now = (this.options.now ?? (() => new Date()))().getTime();
    const renewBefore = this.options.renewBeforeMs ?? 2 * 60_000;
    if (this.cookie !== undefined && Date.parse(this.cookie.expiration) - now > renewBefore) return this.cookie;
    if (this.authCookie === undefined) await this.authorize(signal);
    try {
      this.cookie = await this.getCookie(signal);
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.faultCode !== 'InvalidAuthorizationCookie') throw error;
      await this.authorize(signal);
      this.cookie = await this.getCookie(signal);
    }
    return this.cookie;
  }

  private async authorize(signal?: AbortSignal): Promise<void> {
    this.stats.authentications++;
    const config = await this.retrying(() => this.transport.call({ operation: 'GetAuthConfig', body: requests.getAuthConfig(), ...(signal ? { signal } : {}) }), signal);
    const plugIns = children(child(child(config, 'GetAuthConfigResult'), 'AuthInfo'), 'AuthPlugInInfo').map((info) => textAt(info, 'PlugInID'));
    if (!plugIns.includes('DssTargeting')) {
      throw new UpstreamError('malformed', 'GetAuthConfig', `The upstream server offers no DssTargeting authorization (it offers: ${plugIns.join(', ') || 'nothing'})`);
    }
    const account = this.options.accountName ?? 'update-sync-console.local';
    const guid = this.options.accountGuid ?? '00000000-0000-0000-0000-000000000000';
    const answer = await this.retrying(() =>
      this.transport.call({ operation: 'GetAuthorizationCookie', body: requests.getAuthorizationCookie(account, guid), ...(signal ? { signal } : {}) }), signal);
    const result = child(answer, 'GetAuthorizationCookieResult');
    const cookieData = textAt(result, 'CookieData');
    if (cookieData === undefined) throw new UpstreamError('malformed', 'GetAuthorizationCookie', 'The upstream server returned no authorization cookie');
    this.authCookie = { plugInId: textAt(result, 'PlugInId') ?? 'DssTargeting', cookieData };
  }

  private async getCookie(signal?: AbortSignal): Promise<SyncCookie> {
    if (this.cookie !== undefined) this.stats.cookieRenewals++;
    const answer = await this.retrying(() =>
      this.transport.call({ operation: 'GetCookie', body: requests.getCookie(this.authCookie!, this.cookie, this.options.protocolVersion ?? '1.20'), ...(signal ? { signal } : {}) }), signal);
    const result = child(answer, 'GetCookieResult');
    const expiration = textAt(result, 'Expiration');
    const encryptedData = textAt(result, 'EncryptedData');
    if (expiration === undefined || encryptedData === undefined || Number.isNaN(Date.parse(expiration))) {
      throw new UpstreamError('malformed', 'GetCookie', 'The upstream server returned an incomplete cookie');
    }
    return { expiration, encryptedData };
  }

  private async retrying<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.stats.requests++;
        return await work();
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        await this.backoffOrThrow(error, attempt, signal);
      }
    }
  }

  private notice(message: string): void {
    this.options.onNotice?.(message);
  }
}
