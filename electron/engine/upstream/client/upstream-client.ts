/**
 * The downstream (client) side of the server-server sync protocol: authorization and cookie upkeep,
 * configuration, revision lists, and metadata in batches with bounded concurrency. Transient failures are
 * retried with backoff; an expired or refused cookie re-runs the authorization flow.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CabinetError } from '../cab/cab-error';
import { BLOB_REFERENCE, BlobPrescan } from './blob-prescan';
import { requests, type AuthorizationCookie, type IdAndDelta, type SyncCookie } from '../soap/envelope';
import type { SyncOperation } from '../soap/protocol-names';
import { MAX_BLOB_TEXT_CHARS, MAX_METADATA_CHARS, readCompressedBlob } from '../update-blob';
import type { FileUrl, RevisionPayload, UpdateIdentity, UpdateMetadata } from '../update-metadata';
import { child, children, textAt, type XmlElement } from '../xml/element-tree';
import { parseUpdateXml, UpdateXmlError } from '../xml/update-xml';
import { SoapTransport, type SoapCall, type TransportOptions } from './soap-transport';
import { UpstreamError } from './upstream-error';
import { REQUEST_RETRIES, requestRetryDelayMs } from '../../retry/retry-policy';

/**
 * A client given no installation GUID (a test, the pre-flight check of a folder not yet opened) is one downstream
 * server for as long as the process runs; never the nil GUID every installation would share.
 */
const INSTALLATION_UNKNOWN = randomUUID();

/** A request failed and will be sent again after delayMs: attempt is the number of the coming attempt, of the most there will be. */
export interface RetryNotice {
  operation: string;
  attempt: number;
  of: number;
  delayMs: number;
  reason: string;
}

export interface UpstreamNotice {
  message: string;
  retry?: RetryNotice;
}

/**
 * What one sign-in gives a client: its cookies and the server's configuration. A sync signs in once and hands this to
 * its fetch workers, so a WSUS upstream sees one downstream server, not three.
 */
export interface ClientSession {
  authCookie: AuthorizationCookie;
  cookie: SyncCookie;
  config: ServerConfig;
}

export interface UpstreamClientOptions extends TransportOptions {
  /** This downstream server's name (its host name) and its installation's GUID: a WSUS keys its downstream servers by it. */
  accountName?: string;
  accountGuid?: string;
  /** A session signed in elsewhere (the engine's, given to a fetch worker): used until it expires or is refused. */
  session?: ClientSession;
  protocolVersion?: string;
  /** Retries of a transient failure before giving up (default: the retry policy's REQUEST_RETRIES). */
  maxRetries?: number;
  retryDelayMs?: (attempt: number) => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => Date;
  /** Renew the access cookie when less than this is left (default 2 minutes). */
  renewBeforeMs?: number;
  /** GetUpdateData requests in flight at once (default 4). */
  concurrency?: number;
  /** Something the administrator should see in the log (a retry, a re-authorization), as it happens. */
  onNotice?: (notice: UpstreamNotice) => void;
  /**
   * Whether parsed metadata keeps slices of each answer's text (false: copied out, so an id kept for the rest of a
   * sync does not keep the answer alive). The fetch worker posts each batch at once, and that copies every string.
   */
  sharesAnswerText?: boolean;
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
  /** Where it failed, as wsyncmgr.log names it (default: the upstream's GetUpdateData). */
  source?: string;
}

/** A revision that arrived: what the engine reads from it, and what it keeps to serve it again unchanged. */
export interface ReceivedRevision extends RevisionPayload {
  metadata: UpdateMetadata;
}

export interface MetadataBatch {
  revisions: ReceivedRevision[];
  failures: MetadataFailure[];
  /** Bytes of metadata XML received (after decompression), for throughput figures. */
  xmlBytes: number;
  compressed: number;
}

/** One GetUpdateData exchange: what arrived, what failed for its own reason, and what the answer left out. */
export interface UpdateDataAnswer {
  batch: MetadataBatch;
  leftOut: UpdateIdentity[];
}

export interface ClientStats {
  requests: number;
  retries: number;
  authentications: number;
  cookieRenewals: number;
  /** Identities asked for again because an answer left them out. */
  reasked: number;
}

function emptyBatch(): MetadataBatch {
  return { revisions: [], failures: [], xmlBytes: 0, compressed: 0 };
}

/**
 * A pause between retries that a cancel ends early. Its abort listener is removed when the pause ends: the sync's
 * signal lives for the whole sync, and one listener left per retry made Node warn (MaxListenersExceededWarning).
 */
export const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new UpstreamError('cancelled', 'wait', 'Cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class UpstreamClient {
  private readonly transport: SoapTransport;
  private authCookie: AuthorizationCookie | undefined;
  private cookie: SyncCookie | undefined;
  private config: ServerConfig | undefined;
  readonly stats: ClientStats = { requests: 0, retries: 0, authentications: 0, cookieRenewals: 0, reasked: 0 };
  /** Calls waiting for their answer, by operation. */
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly options: UpstreamClientOptions) {
    this.transport = new SoapTransport(options);
    if (options.session !== undefined) {
      this.authCookie = options.session.authCookie;
      this.cookie = options.session.cookie;
      this.config = options.session.config;
    }
  }

  /** The cookies and server configuration this client holds, for another client of the same sync (undefined before sign-in). */
  session(): ClientSession | undefined {
    return this.authCookie === undefined || this.cookie === undefined || this.config === undefined
      ? undefined
      : { authCookie: this.authCookie, cookie: this.cookie, config: this.config };
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** The operation waiting for its answer (or its retry), if any: what a stalled sync names. */
  get operationInFlight(): string | undefined {
    return this.inFlight.keys().next().value;
  }

  /** The protocol version the server gave in GetConfigData (undefined before it was asked). */
  get protocolVersion(): string | undefined {
    return this.config?.protocolVersion;
  }

  /** GetConfigData, authenticating first when needed. */
  /** Authorizes and gets the access cookie, nothing else: the pre-flight check's authorization step. */
  async authorizeOnly(signal?: AbortSignal): Promise<void> {
    await this.ensureCookie(signal);
  }

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
   * with at most `concurrency` in flight. Each answer goes to onBatch (in completion order) as it arrives.
   *
   * Every revision ends up either in a batch's revisions or in its failures, never silently missing: identities an
   * answer left out (a Windows upstream caps an answer at 2,000,000 bytes) are asked for again, and when an answer
   * brings none of them, in halves; an answer that cannot be read at all is split the same way, so a bad record
   * fails only its own update. An identity that alone still brings nothing has failed for a reason of its own.
   *
   * Once `stop` is aborted no new request starts, and answers on their way are still handed over: the fetch ends
   * early without an error (the caller stopped it, and knows that what was not asked for is missing).
   */
  async fetchMetadata(ids: UpdateIdentity[], onBatch: (batch: MetadataBatch) => void | Promise<void>, signal?: AbortSignal, stop?: AbortSignal): Promise<void> {
    const config = this.config ?? (await this.getConfigData(undefined, signal));
    const size = config.maxUpdatesPerRequest;
    const queue: UpdateIdentity[][] = [];
    for (let start = 0; start < ids.length; start += size) queue.push(ids.slice(start, start + size));
    let inFlight = 0;
    let stopped = false;
    /** The first failure: of a request (answers on their way are still handed over) or of onBatch (nothing more is). */
    let failure: { error: unknown; applying: boolean } | undefined;
    let wake: Array<() => void> = [];
    const notify = () => {
      const waiting = wake;
      wake = [];
      for (const resume of waiting) resume();
    };
    const stopNow = () => {
      stopped = true;
      notify();
    };
    if (stop?.aborted) stopped = true;
    stop?.addEventListener('abort', stopNow, { once: true });
    const split = (chunk: UpdateIdentity[]) => {
      const half = Math.ceil(chunk.length / 2);
      queue.unshift(chunk.slice(0, half), chunk.slice(half));
    };
    const worker = async (): Promise<void> => {
      while (!stopped) {
        signal?.throwIfAborted();
        const chunk = queue.shift();
        if (chunk === undefined) {
          if (inFlight === 0) return;
          await new Promise<void>((resume) => wake.push(resume));
          continue;
        }
        inFlight++;
        try {
          let answer: UpdateDataAnswer;
          try {
            answer = await this.getUpdateData(chunk, signal);
          } catch (error) {
            if (!(error instanceof UpstreamError) || error.kind !== 'malformed') throw error;
            if (chunk.length > 1) {
              this.notice({ message: `The answer for ${chunk.length} updates could not be read (${error.message}); asking for them in smaller batches.` });
              split(chunk);
              continue;
            }
            answer = { batch: emptyBatch(), leftOut: [] };
            answer.batch.failures.push({ ...chunk[0]!, message: `Update ${chunk[0]!.updateId}: ${error.message}` });
          }
          const { batch, leftOut } = answer;
          if (leftOut.length > 0) {
            if (leftOut.length < chunk.length) {
              queue.unshift(leftOut);
            } else if (chunk.length > 1) {
              split(chunk);
            } else {
              batch.failures.push({
                ...chunk[0]!,
                message: `Update ${chunk[0]!.updateId}: the upstream server returned no metadata for revision ${chunk[0]!.revision}, even when asked for it alone`,
              });
            }
            this.stats.reasked += leftOut.length;
          }
          // After a failure of the caller's own (it could not apply a batch), nothing more is handed to it.
          if ((batch.revisions.length > 0 || batch.failures.length > 0) && failure?.applying !== true) {
            try {
              await onBatch(batch);
            } catch (error) {
              failure ??= { error, applying: true };
              throw error;
            }
          }
        } catch (error) {
          // No new request starts; answers already on their way from the upstream are still handed over (what
          // arrived is kept, whichever request failed first), and the first failure is reported once they settled.
          stopped = true;
          failure ??= { error, applying: false };
        } finally {
          inFlight--;
          notify();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, Math.min(this.options.concurrency ?? 4, queue.length)) }, worker));
    } finally {
      stop?.removeEventListener('abort', stopNow);
    }
    if (failure !== undefined) throw failure.error;
  }

  /** One GetUpdateData call, parsed record by record as it streams in. */
  async getUpdateData(ids: UpdateIdentity[], signal?: AbortSignal): Promise<UpdateDataAnswer> {
    const batch = emptyBatch();
    const wanted = new Map(ids.map((id) => [id.updateId.toLowerCase(), id]));
    const received = new Map<string, { revision: ReceivedRevision | undefined }>();
    const prescan = new BlobPrescan(MAX_BLOB_TEXT_CHARS);
    /** A blob's text: taken out of the answer by the prescan, or (when it could not be) as the parser read it. */
    const blobText = (element: XmlElement | undefined) => {
      if (element === undefined) return undefined;
      const reference = element.attributes[BLOB_REFERENCE];
      return reference === undefined ? element.text : prescan.take(reference);
    };
    const onRecord = (record: XmlElement) => {
      const updateId = (textAt(record, 'Id', 'UpdateID') ?? '').toLowerCase();
      const asked = wanted.get(updateId);
      if (asked === undefined || received.has(updateId)) return;
      try {
        const compressedElement = child(record, 'XmlUpdateBlobCompressed');
        const plainElement = child(record, 'XmlUpdateBlob');
        const oversize = (element: XmlElement | undefined) => element?.oversize === true || element?.attributes[BLOB_REFERENCE] === 'oversize';
        if (oversize(compressedElement) || oversize(plainElement)) {
          throw new UpdateXmlError(updateId, `its metadata is larger than the limit of ${MAX_METADATA_CHARS / (1024 * 1024)} MiB; refusing it`);
        }
        const compressedText = blobText(compressedElement);
        const compressed = compressedText === undefined ? undefined : readCompressedBlob(compressedText);
        const xml = compressed !== undefined ? compressed.xml : blobText(plainElement);
        if (xml === undefined) throw new UpdateXmlError(updateId, 'the server sent no metadata blob');
        if (xml.length > MAX_METADATA_CHARS)
          throw new UpdateXmlError(updateId, `its metadata is larger than the limit of ${MAX_METADATA_CHARS / (1024 * 1024)} MiB; refusing it`);
        if (compressedElement !== undefined) batch.compressed++;
        batch.xmlBytes += xml.length;
        const metadata = parseUpdateXml(xml, asked, { detach: this.options.sharesAnswerText !== true });
        const fileDigests = children(child(record, 'FileDigestList'), 'base64Binary').map((digest) => digest.text.trim());
        const revision: ReceivedRevision = { metadata, xml, fileDigests, fileUrls: [], ...(compressed === undefined ? {} : { cabinet: compressed.cabinet }) };
        batch.revisions.push(revision);
        received.set(updateId, { revision });
      } catch (error) {
        const message =
          error instanceof CabinetError
            ? `Update ${updateId}: its compressed metadata cannot be read (${error.message})`
            : error instanceof Error
              ? error.message
              : String(error);
        batch.failures.push({ ...asked, message });
        received.set(updateId, { revision: undefined });
      }
    };
    // A retried call must not keep the records of a failed attempt.
    const result = await this.authorizedCall('GetUpdateData', (cookie) => requests.getUpdateData(cookie, ids), signal, {
      recordName: 'ServerSyncUpdateData',
      onRecord,
      maxTextLength: MAX_BLOB_TEXT_CHARS,
      prescan,
      reset: () => {
        Object.assign(batch, emptyBatch());
        received.clear();
        prescan.reset();
      },
    });
    // fileUrls follow the records: each revision keeps the URLs of the files its FileDigestList names.
    const urls = new Map<string, FileUrl>();
    for (const entry of children(child(child(result, 'GetUpdateDataResult'), 'fileUrls'), 'ServerSyncUrlData')) {
      const digest = textAt(entry, 'FileDigest');
      const muUrl = textAt(entry, 'MUUrl');
      const ussUrl = textAt(entry, 'UssUrl');
      if (digest !== undefined && muUrl !== undefined && !urls.has(digest))
        urls.set(digest, { digest, muUrl, ...(ussUrl === undefined || ussUrl === '' ? {} : { ussUrl }) });
    }
    for (const revision of batch.revisions) {
      revision.fileUrls = revision.fileDigests.flatMap((digest) => {
        const url = urls.get(digest);
        return url === undefined ? [] : [url];
      });
    }
    return { batch, leftOut: ids.filter((id) => !received.has(id.updateId.toLowerCase())) };
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
    stream: { recordName?: string; onRecord?: (element: XmlElement) => void; maxTextLength?: number; prescan?: BlobPrescan; reset?: () => void } = {},
  ): Promise<XmlElement> {
    let reauthorized = false;
    for (let attempt = 0; ; attempt++) {
      // Authorization has its own retries; its failure is final here.
      const cookie = await this.ensureCookie(signal);
      try {
        stream.reset?.();
        this.stats.requests++;
        return await this.send({
          operation,
          body: build(cookie),
          ...(signal === undefined ? {} : { signal }),
          ...(stream.recordName === undefined ? {} : { recordName: stream.recordName }),
          ...(stream.onRecord === undefined ? {} : { onRecord: stream.onRecord }),
          ...(stream.maxTextLength === undefined ? {} : { maxTextLength: stream.maxTextLength }),
          ...(stream.prescan === undefined ? {} : { prescan: stream.prescan }),
        });
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        if ((error.faultCode === 'InvalidCookie' || error.faultCode === 'InvalidAuthorizationCookie') && !reauthorized) {
          // [MS-WSUSSS] §2.2.9.3: the protocol starts again from GetAuthConfig, not only from GetCookie.
          reauthorized = true;
          this.cookie = undefined;
          this.authCookie = undefined;
          this.notice({ message: `The upstream server refused the cookie (${error.faultCode}); signing in again from GetAuthConfig.` });
          attempt--;
          continue;
        }
        await this.backoffOrThrow(error, attempt, signal);
      }
    }
  }

  private async backoffOrThrow(error: UpstreamError, attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const max = this.options.maxRetries ?? REQUEST_RETRIES;
    if (!error.retryable || attempt >= max) {
      if (error.retryable) {
        throw new UpstreamError(error.kind, error.operation, `${error.message}; gave up after ${attempt + 1} attempts`, error.details);
      }
      throw error;
    }
    this.stats.retries++;
    const delay = this.options.retryDelayMs?.(attempt + 1) ?? requestRetryDelayMs(attempt + 1);
    this.notice({
      message: `${error.message}. Retrying in ${Math.round(delay / 100) / 10} s (attempt ${attempt + 2} of ${max + 1}).`,
      retry: { operation: error.operation, attempt: attempt + 2, of: max + 1, delayMs: delay, reason: error.message },
    });
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
    const config = await this.retrying(() => this.send({ operation: 'GetAuthConfig', body: requests.getAuthConfig(), ...(signal ? { signal } : {}) }), signal);
    const plugIns = children(child(child(config, 'GetAuthConfigResult'), 'AuthInfo'), 'AuthPlugInInfo').map((info) => textAt(info, 'PlugInID'));
    if (!plugIns.includes('DssTargeting')) {
      throw new UpstreamError(
        'malformed',
        'GetAuthConfig',
        `The upstream server offers no DssTargeting authorization (it offers: ${plugIns.join(', ') || 'nothing'})`,
      );
    }
    const account = this.options.accountName ?? hostname();
    const guid = this.options.accountGuid ?? INSTALLATION_UNKNOWN;
    const answer = await this.retrying(
      () => this.send({ operation: 'GetAuthorizationCookie', body: requests.getAuthorizationCookie(account, guid), ...(signal ? { signal } : {}) }),
      signal,
    );
    const result = child(answer, 'GetAuthorizationCookieResult');
    const cookieData = textAt(result, 'CookieData');
    if (cookieData === undefined) throw new UpstreamError('malformed', 'GetAuthorizationCookie', 'The upstream server returned no authorization cookie');
    this.authCookie = { plugInId: textAt(result, 'PlugInId') ?? 'DssTargeting', cookieData };
  }

  private async getCookie(signal?: AbortSignal): Promise<SyncCookie> {
    if (this.cookie !== undefined) this.stats.cookieRenewals++;
    const answer = await this.retrying(
      () =>
        this.send({
          operation: 'GetCookie',
          body: requests.getCookie(this.authCookie!, this.cookie, this.options.protocolVersion ?? '1.20'),
          ...(signal ? { signal } : {}),
        }),
      signal,
    );
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

  private async send(call: SoapCall): Promise<XmlElement> {
    this.inFlight.set(call.operation, (this.inFlight.get(call.operation) ?? 0) + 1);
    try {
      return await this.transport.call(call);
    } finally {
      const left = (this.inFlight.get(call.operation) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(call.operation);
      else this.inFlight.set(call.operation, left);
    }
  }

  private notice(notice: UpstreamNotice): void {
    this.options.onNotice?.(notice);
  }
}
