/**
 * The end of a synchronization that listed, fetched and applied: removals (full syncs), supersedence, the
 * supersedence rule (full syncs), and, when nothing failed, the new anchor and content version and the run marked
 * succeeded, all in one transaction. A run with failed revisions keeps its anchor where it was: what was missed is
 * listed again, and fetched first, by the next sync.
 */
import { randomUUID } from 'node:crypto';
import type { SyncKind } from '../../../shared/domain';
import type { TraceLogWriter } from '../log/trace-log-writer';
import { readSetting, writeSetting } from '../storage/settings';
import type { SiteDatabase } from '../storage/site-database';
import { inTransaction } from '../storage/transaction';
import type { UpdateStore } from '../storage/update-store';
import { configFingerprint, type EffectiveConfig } from '../settings/sup-config';
import { completedOutcome } from './run-outcome';
import type { RunRecord } from './run-record';
import { SYNC_KEYS } from './sync-keys';
import type { SyncPlan } from './sync-plan';
import { successLines } from './wsyncmgr-wording';
import { countOf } from '../../../shared/count-text';

export interface FinishFacts {
  database: SiteDatabase;
  store: UpdateStore;
  run: RunRecord;
  log: TraceLogWriter;
  kind: SyncKind;
  config: EffectiveConfig;
  /** The anchor the update list was given at. */
  anchor: string;
  plan: SyncPlan;
  /** Whether any revision was applied (supersedence only changes when updates arrive or leave). */
  appliedAny: boolean;
  now: () => Date;
  startedAt: Date;
  site: string;
  serverName: string;
  /** The parent site that asked for this sync. */
  parent: string | undefined;
  /** A child site's: the parent's content version it now holds (ConfigMgr shows that, not a counter of its own). */
  parentVersion: number | undefined;
}

/** Ends the run succeeded (6702, and ConfigMgr's lines), or throws its failure when revisions failed. */
export function finishRun(facts: FinishFacts): void {
  const { database, store, run, log, config } = facts;
  const outcome = completedOutcome(run.failures, facts.plan.fetch.length);
  const ownVersion = readSetting<number>(database, SYNC_KEYS.contentVersion) ?? 0;
  const contentVersion = outcome.outcome !== 'succeeded' ? ownVersion : (facts.parentVersion ?? ownVersion + 1);
  const now = facts.now();
  const nowIso = now.toISOString();
  let ruleExpired = 0;
  inTransaction(database, () => {
    if (facts.kind === 'full') {
      const removed = store.markRemovedUpdates(facts.plan.remove, run.runId, nowIso);
      run.counts.removed = removed.revisions;
      run.listed.removed = removed.listed;
    }
    // Recomputing supersedence reads every update: most of the cost of a delta with nothing new at catalog scale.
    if (facts.appliedAny || run.counts.removed > 0) store.refreshSupersededFlags();
    // The supersedence rule belongs to full syncs, as in MECM; the updates it expires are this run's changes.
    if (facts.kind === 'full' && config.supersedence !== undefined) {
      ruleExpired = store.applySupersedenceRule(config.supersedence, run.runId, now);
      run.counts.expired += ruleExpired;
      run.listed.expired += ruleExpired;
    }
    run.saveCounts();
    run.saveWarnings();
    if (outcome.outcome !== 'succeeded') return;
    writeSetting(database, SYNC_KEYS.updateAnchor, facts.anchor);
    writeSetting(database, SYNC_KEYS.fingerprint, configFingerprint(config));
    writeSetting(database, SYNC_KEYS.contentVersion, contentVersion);
    run.succeeded(nowIso, facts.anchor);
  });
  if (ruleExpired > 0) {
    const rule = config.supersedence!;
    log.write(
      `${ruleExpired} superseded updates expired by the supersedence rule (${rule.expire === 'immediately' ? 'expire at once' : `expire after ${rule.months} months`}).`,
    );
  }
  if (run.counts.removed > 0) {
    log.write(
      `${countOf(run.counts.removed, 'update is', 'updates are')} no longer offered by the upstream server for the configured products and classifications; marked removed.`,
    );
  }
  if (outcome.outcome === 'failed') throw outcome.failure;
  const { counts } = run;
  const lines = successLines({
    serverName: facts.serverName,
    updateSourceId: updateSourceIdOf(database),
    site: facts.site,
    contentVersion,
    changed: counts.new + counts.modified + counts.expired + counts.removed,
    parent: facts.parent,
    elapsedMs: facts.now().getTime() - facts.startedAt.getTime(),
  });
  for (const line of lines.before6702) log.write(line);
  run.status(6702);
  for (const line of lines.after6702) log.write(line);
}

/** The GUID of the site's update source, as ConfigMgr names it in its content version line (made once). */
export function updateSourceIdOf(database: SiteDatabase): string {
  const id = readSetting<string>(database, SYNC_KEYS.updateSourceId);
  if (id !== undefined) return id;
  const made = randomUUID().toUpperCase();
  inTransaction(database, () => writeSetting(database, SYNC_KEYS.updateSourceId, made));
  return made;
}
