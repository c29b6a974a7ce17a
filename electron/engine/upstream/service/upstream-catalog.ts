/**
 * What an upstream update server serves, whatever holds it: the built-in sample catalog, or a site database
 * serving its child sites. The protocol service (upstream-service.ts) answers SOAP calls from these methods only.
 */
import type { FileUrl, RevisionPayload, UpdateIdentity } from '../update-metadata';

export interface RevisionFilter {
  /** Changes after this counter only, per category/classification unless its delta flag is false. */
  sinceCounter?: number;
  /** Both empty means no filter: every update ([MS-WSUSSS] lists everything without Categories and Classifications). */
  categories: Array<{ id: string; delta: boolean }>;
  classifications: Array<{ id: string; delta: boolean }>;
}

/** One revision as a GetUpdateData answer carries it: the metadata XML, its FileDigestList and its fileUrls. */
export type RevisionData = RevisionPayload;
export type { FileUrl };

/** The anchor was not issued by this server (its identity changed): the client must answer ServerChanged's way. */
export class AnchorMismatchError extends Error {}

/** A served revision whose stored data cannot be read (a damaged record): that update fails, the answer goes on. */
export class RevisionUnavailableError extends Error {}

export interface UpstreamCatalog {
  /** Languages with localized text, as short codes (en, de, …). */
  readonly languages: readonly string[];
  anchor(): string;
  /** The change counter an anchor stands for; AnchorMismatchError when this catalog never issued it. */
  counterOf(anchor: string): number;
  /** Categories, classifications and detectoids (GetConfig = true), changed after the counter when one is given. */
  listConfigRevisions(sinceCounter?: number): UpdateIdentity[];
  listUpdates(filter: RevisionFilter): UpdateIdentity[];
  /** undefined when the revision is not (or no longer) served; RevisionUnavailableError when it cannot be read. */
  revisionData(id: UpdateIdentity): RevisionData | undefined;
  updateCount(): number;
}
