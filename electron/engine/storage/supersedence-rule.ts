/**
 * The supersedence rule's one definition (MECM's Supersedence Rules): which listed, published updates it expires at a
 * given time. "Superseded since" is the release of the first present update that supersedes one. Used by the full
 * sync that applies the rule and by the scope preview that counts what it would do.
 */
import type { SqlValue } from 'sql.js';
import type { SupersedenceRule } from '../../../shared/domain';
import { selectValue } from './rows';
import type { SiteDatabase } from './site-database';

/** SQL for an update row's "superseded since" (inside a statement on software_update). */
export const SUPERSEDED_SINCE = `(SELECT min(coalesce(newer.released_at, newer.revised_at)) FROM supersedence s JOIN software_update newer
   ON newer.update_key = s.update_key AND newer.state <> 'removed' WHERE s.superseded_id = software_update.update_id)`;

/** The WHERE condition (on software_update) of the updates the rule expires now, or undefined for "never". */
export function ruleCondition(rule: SupersedenceRule | undefined, now: Date): { sql: string; params: SqlValue[] } | undefined {
  if (rule === undefined || rule.expire === 'never') return undefined;
  const base = "deployable = 1 AND state = 'published' AND superseded = 1";
  if (rule.expire === 'immediately') return { sql: base, params: [] };
  const cutoff = new Date(now.getTime());
  cutoff.setUTCMonth(cutoff.getUTCMonth() - rule.months);
  return { sql: `${base} AND ${SUPERSEDED_SINCE} <= ?`, params: [cutoff.toISOString()] };
}

/** Why the rule expired an update, as the repository shows it (SQL text expression). */
export function ruleReason(rule: SupersedenceRule): string {
  return rule.expire === 'immediately'
    ? `'Expired by the supersedence rule: superseded updates expire at once (superseded since ' || substr(${SUPERSEDED_SINCE}, 1, 10) || ')'`
    : `'Expired by the supersedence rule: superseded since ' || substr(${SUPERSEDED_SINCE}, 1, 10) || ', more than ${rule.months} month${rule.months === 1 ? '' : 's'} before this sync'`;
}

/** How many published updates the rule would expire now (the scope preview's count; nothing is written). */
export function countExpiring(site: SiteDatabase, rule: SupersedenceRule | undefined, now: Date): number {
  const condition = ruleCondition(rule, now);
  return condition === undefined ? 0 : Number(selectValue(site.db, `SELECT count(*) FROM software_update WHERE ${condition.sql}`, condition.params) ?? 0);
}
