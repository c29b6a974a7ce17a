/**
 * Messages between the engine and its metadata fetch worker: the worker runs the protocol client (HTTP, SOAP, cabinet
 * and update XML parsing, compression of the raw metadata), the engine applies what arrives. Everything here is
 * structured-cloneable; the encoded blob records travel as transferred buffers.
 */
import type { ProxySettings } from '../client/soap-transport';
import type { UpstreamErrorKind } from '../client/upstream-error';
import type { ClientSession, MetadataFailure, UpstreamNotice } from '../client/upstream-client';
import type { UpdateIdentity, UpdateMetadata } from '../update-metadata';

/** What the worker's protocol client is built from (numbers instead of the functions an in-thread client takes). */
export interface FetchClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  proxy?: ProxySettings;
  extraCaCertificates?: string[];
  concurrency?: number;
  maxRetries?: number;
  /** A fixed pause between retries (tests); exponential backoff without it. */
  retryDelayMs?: number;
  /** How this installation signs in, when it must (the session was refused or ran out). */
  accountName?: string;
  accountGuid?: string;
  /** The engine's sign-in: a sync signs in once, and its workers fetch on its cookie. */
  session?: ClientSession;
}

/** One arrived batch: what the engine applies, and each revision's blob record ready to be written as it is. */
export interface FetchedBatch {
  revisions: Array<{ metadata: UpdateMetadata; record: Uint8Array }>;
  failures: MetadataFailure[];
}

/** `stop`: start no new request, hand over what is on its way, then end; `cancel`: abandon everything now. */
export type EngineToFetcher = { type: 'fetch'; client: FetchClientOptions; ids: UpdateIdentity[] } | { type: 'ack' } | { type: 'stop' } | { type: 'cancel' };

export type FetcherToEngine =
  | { type: 'batch'; batch: FetchedBatch }
  | { type: 'notice'; notice: UpstreamNotice }
  | { type: 'done' }
  | { type: 'error'; error: { kind?: UpstreamErrorKind; operation?: string; faultCode?: string; status?: number; message: string } };

/** Batches the worker may run ahead of the engine before it waits for an acknowledgement (bounded memory). */
export const FETCH_AHEAD = 4;
