/** What the sync digest (notify/digest.ts) reads of a site: the runs of a period, and the updates runs changed. */
import { selectRows } from './rows';
import type { SiteDatabase } from './site-database';

/** The runs that ended in a period (`from` included or not), in order. */
export function runsEndedBetween(site: SiteDatabase, from: string, to: string, includeFrom: boolean): number[] {
  return selectRows(
    site.db,
    `SELECT run_id FROM sync_run WHERE outcome != 'running' AND coalesce(ended_at, started_at) ${includeFrom ? '>=' : '>'} ? AND coalesce(ended_at, started_at) <= ? ORDER BY run_id`,
    [from, to],
  ).map((row) => Number(row.run_id));
}

export interface ChangedUpdateRow {
  updateId: string;
  title: string;
  kb: string | null;
  severity: string | null;
  /** 1 Critical … 4 Low, 5 none. */
  severityRank: number;
  releasedAt: string | null;
  classification: string | null;
  products: string | null;
  change: 'added' | 'revised' | 'expired' | 'removed';
  supersedes: Array<{ updateId: string; title: string | null; kb: string | null }>;
}

/** The deployable updates the runs changed, each once, as the latest of them changed it, with what each supersedes. */
export function changedUpdates(site: SiteDatabase, runIds: readonly number[]): ChangedUpdateRow[] {
  if (runIds.length === 0) return [];
  const rows = selectRows(
    site.db,
    `SELECT u.update_key, u.update_id, u.title, u.kb, u.severity, u.severity_rank, u.released_at, u.classification_name, u.product_names, c.change
     FROM sync_change c JOIN software_update u ON u.update_key = c.update_key
     WHERE c.run_id IN (SELECT value FROM json_each(?)) AND u.deployable = 1
     ORDER BY c.run_id`,
    [JSON.stringify(runIds)],
  );
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) latest.set(String(row.update_id), row);
  const superseded = site.db.prepare(
    `SELECT s.superseded_id, o.title, o.kb FROM supersedence s LEFT JOIN software_update o ON o.update_id = s.superseded_id
     WHERE s.update_key = ? ORDER BY o.kb, s.superseded_id`,
  );
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  try {
    return [...latest.values()].map((row) => {
      const supersedes: ChangedUpdateRow['supersedes'] = [];
      superseded.bind([Number(row.update_key)]);
      while (superseded.step()) {
        const [id, title, kb] = superseded.get();
        supersedes.push({ updateId: String(id), title: text(title), kb: text(kb) });
      }
      superseded.reset();
      return {
        updateId: String(row.update_id),
        title: String(row.title),
        kb: text(row.kb),
        severity: text(row.severity),
        severityRank: row.severity_rank === null ? 5 : Number(row.severity_rank),
        releasedAt: text(row.released_at),
        classification: text(row.classification_name),
        products: text(row.product_names),
        change: String(row.change) as ChangedUpdateRow['change'],
        supersedes,
      };
    });
  } finally {
    superseded.free();
  }
}
