/**
 * The sync digest of a site (shared/notify.ts) read from its database: the runs, and the new, revised, expired and
 * removed updates they brought (deployable ones, as the repository lists them), grouped by classification, then
 * product, each with its KB, severity, release date and what it supersedes; critical and important security
 * updates first. The same facts `usc history` and `usc updates` show, from the same rows.
 */
import { digestLine } from '../../../shared/digest-text';
import type { SiteCode, SyncRun } from '../../../shared/domain';
import { lookUpError } from '../../../shared/error-lookup';
import type { DigestRun, DigestUpdate, SyncDigest } from '../../../shared/notify';
import { changedUpdates, runsEndedBetween } from '../storage/digest-rows';
import { readRun } from '../storage/runs';
import type { SiteDatabase } from '../storage/site-database';

/** Classifications in the order an administrator reads them; the others follow by name. */
const CLASSIFICATION_ORDER = ['Security Updates', 'Critical Updates', 'Definition Updates', 'Update Rollups', 'Updates', 'Service Packs', 'Feature Packs'];

export interface DigestRequest {
  site: { code: SiteCode; name: string };
  event: SyncDigest['event'];
  id: string;
  now: Date;
  /** The runs to tell of: these (a run's notification), or every run that ended in the period. */
  runIds?: number[];
  since?: string;
  /** When the automatic retry of the site's last failed run is due. */
  retryAt?: string | null;
  /** List at most this many updates, the most important first (a notification); all without. */
  listLimit?: number;
}

export function buildDigest(database: SiteDatabase, request: DigestRequest): SyncDigest {
  const runIds = request.runIds ?? runsEndedBetween(database, request.since ?? '', request.now.toISOString(), true);
  const runs = runIds.map((runId) => readRun(database, request.site.code, runId));
  const last = runs.at(-1);
  const digestRuns = runs.map((run) => digestRun(run, run === last ? (request.retryAt ?? null) : null));
  const updates = changedUpdatesOf(database, runIds);
  const counts = { added: 0, revised: 0, expired: 0, removed: 0 };
  for (const update of updates) counts[update.change]++;
  // The most important first (the order the groups are read in), so a cut keeps critical security updates.
  const listed =
    request.listLimit === undefined || updates.length <= request.listLimit
      ? updates
      : [...updates]
          .sort((a, b) => classificationOrder(a.classification) - classificationOrder(b.classification) || a.rank - b.rank)
          .slice(0, request.listLimit);
  const body: Omit<SyncDigest, 'text'> = {
    schema: 'update-sync-console/sync-digest',
    version: 1,
    event: request.event,
    id: request.id,
    generatedAt: request.now.toISOString(),
    site: request.site,
    period: { from: request.since ?? runs[0]?.startedAt ?? null, to: request.now.toISOString() },
    runs: digestRuns,
    groups: grouped(listed),
    counts,
    omitted: updates.length - listed.length,
  };
  return { ...body, text: digestLine(body) };
}

function digestRun(run: SyncRun, retryAt: string | null): DigestRun {
  const explained = run.error === null ? undefined : lookUpError(run.error.code);
  const kept =
    run.outcome === 'failed' || run.outcome === 'cancelled' || run.outcome === 'interrupted'
      ? `${run.counts.new} new and ${run.counts.modified} revised revisions applied before it ended are kept; the next synchronization fetches the rest.`
      : null;
  return {
    runId: run.runId,
    kind: run.kind,
    trigger: run.trigger,
    outcome: run.outcome,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    counts: { new: run.counts.new, modified: run.counts.modified, expired: run.counts.expired, removed: run.counts.removed, failed: run.counts.failed },
    error:
      run.error === null ? null : { code: run.error.code, message: run.error.message, meaning: explained?.meaning ?? null, check: explained?.check ?? null },
    kept,
    retryAt: run.outcome === 'failed' ? retryAt : null,
  };
}

type ChangedUpdate = DigestUpdate & { classification: string; product: string; rank: number };

function changedUpdatesOf(database: SiteDatabase, runIds: number[]): ChangedUpdate[] {
  return changedUpdates(database, runIds).map((row) => ({
    updateId: row.updateId,
    title: row.title,
    kb: row.kb,
    severity: row.severity,
    releasedAt: row.releasedAt,
    change: row.change,
    supersedes: row.supersedes,
    classification: row.classification ?? 'Unclassified',
    product: row.products === null || row.products === '' ? 'No product' : row.products,
    rank: row.severityRank,
  }));
}

function classificationOrder(name: string): number {
  const index = CLASSIFICATION_ORDER.indexOf(name);
  return index < 0 ? CLASSIFICATION_ORDER.length : index;
}

function grouped(updates: ChangedUpdate[]): SyncDigest['groups'] {
  const byClassification = new Map<string, Map<string, ChangedUpdate[]>>();
  for (const update of updates) {
    const products = byClassification.get(update.classification) ?? new Map<string, ChangedUpdate[]>();
    byClassification.set(update.classification, products);
    products.set(update.product, [...(products.get(update.product) ?? []), update]);
  }
  // Within a classification, the product holding its most severe update comes first; within a product, the most
  // severe updates first (Critical, Important, …), then by title.
  const mostSevere = (list: ChangedUpdate[]) => Math.min(...list.map((update) => update.rank));
  return [...byClassification]
    .sort(([a], [b]) => classificationOrder(a) - classificationOrder(b) || a.localeCompare(b))
    .map(([classification, products]) => ({
      classification,
      products: [...products]
        .sort(([a, listA], [b, listB]) => mostSevere(listA) - mostSevere(listB) || a.localeCompare(b))
        .map(([product, list]) => ({
          product,
          updates: list
            .sort((a, b) => a.rank - b.rank || a.title.localeCompare(b.title))
            .map(({ updateId, title, kb, severity, releasedAt, change, supersedes }) => ({ updateId, title, kb, severity, releasedAt, change, supersedes })),
        })),
    }));
}
