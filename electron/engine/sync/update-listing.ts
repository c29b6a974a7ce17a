/**
 * Which revisions a sync fetches: the update list asked of the upstream (every revision for a full sync, those
 * after the anchor for a delta) for the products, classifications and languages chosen, planned against what the
 * site holds (sync-plan.ts), with what earlier syncs could not fetch added.
 */
import { resolveFilter } from '../settings/category-selection';
import type { EffectiveConfig } from '../settings/sup-config';
import type { SiteDatabase } from '../storage/site-database';
import { damagedUpdateRecords } from '../storage/integrity';
import { inTransaction } from '../storage/transaction';
import type { UpdateStore } from '../storage/update-store';
import type { RevisionList, ServerConfig, UpstreamClient } from '../upstream/client/upstream-client';
import type { SyncKind } from '../../../shared/domain';
import type { TraceLogWriter } from '../log/trace-log-writer';
import { beyondExport, importGaps } from './import-gaps';
import { SyncFailure } from './run-outcome';
import type { RunRecord } from './run-record';
import type { SyncRequest } from './sync-context';
import { addPending, planDeltaSync, planFullSync, type SyncPlan } from './sync-plan';
import type { SyncProgress } from './sync-progress';
import { languageFilter, protocolAtLeast } from './update-list-request';
import { countOf } from '../../../shared/count-text';

export interface ListingFacts {
  database: SiteDatabase;
  store: UpdateStore;
  record: RunRecord;
  log: TraceLogWriter;
  config: EffectiveConfig;
  request: SyncRequest;
  kind: SyncKind;
  anchorBefore: string | null;
  serverLanguages: ServerConfig['languages'];
  signal: AbortSignal;
  progress: SyncProgress;
  /** Asks the upstream (under the ServerChanged watch and the stall watchdog, whose signal the call follows). */
  ask: <T>(anchor: string | undefined, call: (client: UpstreamClient, signal: AbortSignal) => Promise<T>) => Promise<T>;
}

export async function listUpdates(facts: ListingFacts): Promise<{ list: RevisionList; plan: SyncPlan }> {
  const { database, store, record, config, kind } = facts;
  const filter = resolveFilter(database, config);
  for (const unknown of filter.unknown) record.warn(`The upstream server does not know the ${unknown} selected on the Software Update Point`);
  if (facts.request.import !== undefined) {
    for (const gap of importGaps(database, config, filter, facts.request.import.exportedWith)) record.warn(gap);
    if (facts.request.import.leftOut !== undefined) record.warn(facts.request.import.leftOut.replace(/\.$/, ''));
  }
  if (filter.classificationIds.length === 0 || filter.productIds.length === 0) {
    const missing = filter.classificationIds.length === 0 ? 'classifications' : 'products';
    throw new SyncFailure('EMPTY_FILTER', 'CWSyncMgr::DoSync', `Request filter does not contain any known ${missing}. Sync will do nothing`);
  }
  facts.progress.phase = 'list';
  facts.log.write('sync: WSUS synchronizing updates');
  const delta = kind === 'delta';
  const anchor = delta && facts.anchorBefore !== null ? facts.anchorBefore : undefined;
  const languages = languageFilter(config.languages, facts.serverLanguages, delta);
  const list = await facts.ask(anchor, (client, signal) =>
    client.getUpdateRevisions(
      {
        products: filter.productIds.map((id) => ({ id, delta })),
        classifications: filter.classificationIds.map((id) => ({ id, delta })),
        ...(anchor === undefined ? {} : { anchor }),
        ...(languages.length === 0 || !protocolAtLeast(client.protocolVersion, 1, 3) ? {} : { languages }),
      },
      signal,
    ),
  );
  const pending = store.pendingRevisions(false);
  let plan =
    kind === 'full'
      ? planFullSync(store.storedRevisions(), list.revisions)
      : planDeltaSync(store.storedRevisionsOf(list.revisions.map((identity) => identity.updateId)), list.revisions);
  // An export lists only what its site selected: what it could not hold (a product it was made without) is not
  // gone from the upstream, and an import never marks it removed. (A narrower export once marked 1,908 removed.)
  const leftOut = facts.request.import?.missing ?? [];
  if (leftOut.length > 0)
    record.warn(
      `The catalog export left out ${countOf(leftOut.length, 'record')} its site could not read (damaged metadata); what this site holds of them is kept`,
    );
  if (facts.request.import !== undefined && plan.remove.length > 0) {
    const beyond = beyondExport(database, facts.request.import.exportedWith, plan.remove);
    const notInFile = new Set(leftOut.map((id) => id.toLowerCase()));
    for (const id of plan.remove) if (notInFile.has(id.toLowerCase())) beyond.add(id);
    if (beyond.size > 0) {
      plan = { ...plan, remove: plan.remove.filter((id) => !beyond.has(id)) };
      facts.log.write(
        `${countOf(beyond.size, 'update')} outside what the export was made with ${beyond.size === 1 ? 'is' : 'are'} kept as ${beyond.size === 1 ? 'it is' : 'they are'}, not marked removed.`,
      );
    }
  }
  // What earlier syncs could not fetch is fetched now, whatever kind of sync this is.
  plan = addPending(plan, pending, list.revisions, kind === 'full');
  plan = withDamagedRecords(plan, damagedUpdateRecords(database, kind === 'full'), list.revisions, kind === 'full', facts.log);
  if (kind === 'full' && pending.size > 0) {
    const fetched = new Set(plan.fetch.map((entry) => entry.updateId));
    inTransaction(database, () => store.dropPending([...pending.keys()].filter((id) => !fetched.has(id))));
  }
  if (plan.pending > 0)
    facts.log.write(`${countOf(plan.pending, 'update')} a previous synchronization could not fetch ${plan.pending === 1 ? 'is' : 'are'} fetched again.`);
  record.counts.skipped = plan.skipped;
  return { list, plan };
}

/**
 * Updates whose stored metadata is damaged or missing (a blob file deleted, cut short, or a record that fails its
 * checksum: full syncs read every record) are fetched again, at the revision the upstream lists now, or the stored
 * one when a delta's list does not name them. Their rows stay until then; applying the same revision again changes
 * nothing the history counts.
 */
export function withDamagedRecords(
  plan: SyncPlan,
  damaged: ReadonlyArray<{ updateId: string; revision: number }>,
  listed: ReadonlyArray<{ updateId: string; revision: number }>,
  listIsComplete: boolean,
  log: TraceLogWriter,
  what: [one: string, many: string] = ['update', 'updates'],
): SyncPlan {
  if (damaged.length === 0) return plan;
  const fetching = new Set(plan.fetch.map((entry) => entry.updateId));
  // What a complete list leaves out is removed, not fetched; a partial (anchored) list says nothing of the rest.
  const removing = new Set(listIsComplete ? plan.remove : []);
  const listedNow = new Map(listed.map((entry) => [entry.updateId, entry.revision]));
  const again = damaged
    .filter((entry) => !fetching.has(entry.updateId) && !removing.has(entry.updateId) && (!listIsComplete || listedNow.has(entry.updateId)))
    .map((entry) => ({ updateId: entry.updateId, revision: listedNow.get(entry.updateId) ?? entry.revision }));
  if (again.length === 0) return plan;
  log.write(
    `WARNING: ${countOf(again.length, what[0], what[1])} whose stored metadata is damaged or missing ${again.length === 1 ? 'is' : 'are'} fetched again from the upstream server.`,
  );
  return { ...plan, fetch: [...plan.fetch, ...again] };
}
