/** The Update Repository list: filtered, sorted and paged in SQL so the console only ever holds one page. */
import type { Database, SqlValue } from 'sql.js';
import type { z } from 'zod';
import type { UpdateQuerySchema, UpdateRow } from '../../../shared/contract';
import { selectRows } from './sync-queries';

type UpdateQuery = z.output<typeof UpdateQuerySchema>;

const SORT_SQL: Record<UpdateQuery['sort'], string> = {
  title: 'u.title',
  kb: 'u.kb_number',
  bulletin: 'u.bulletin',
  classification: 'u.classification_name',
  products: 'u.product_names',
  severity: "CASE u.severity WHEN 'Critical' THEN 1 WHEN 'Important' THEN 2 WHEN 'Moderate' THEN 3 WHEN 'Low' THEN 4 ELSE 5 END",
  releasedAt: 'u.released_at',
  revisedAt: 'u.revised_at',
  state: 'u.state',
  superseded: 'u.superseded',
};

export function queryUpdates(db: Database, query: UpdateQuery): { total: number; rows: UpdateRow[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (!query.includeBundled) where.push('u.deployable = 1');
  if (!query.includeRemoved) where.push("u.state <> 'removed'");
  if (query.classificationId !== undefined) {
    where.push('u.classification_id = ?');
    params.push(query.classificationId.toLowerCase());
  }
  if (query.productId !== undefined) {
    where.push('EXISTS (SELECT 1 FROM update_category c WHERE c.update_id = u.update_id AND c.category_id = ?)');
    params.push(query.productId.toLowerCase());
  }
  for (const word of (query.search ?? '').trim().split(/\s+/).filter(Boolean)) {
    const bare = word.replace(/^KB/i, '');
    where.push("(u.title LIKE ? ESCAPE '\\' OR u.kb = ? OR u.bulletin LIKE ? ESCAPE '\\')");
    const like = `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    params.push(like, bare, like);
  }
  const whereSql = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const total = Number(db.exec(`SELECT count(*) FROM software_update u ${whereSql}`, params)[0]?.values[0]?.[0] ?? 0);
  const direction = query.direction === 'desc' ? 'DESC' : 'ASC';
  const rows = selectRows(
    db,
    `SELECT u.update_id, u.revision, u.title, u.kb, u.bulletin, u.classification_name, u.product_names, u.severity, u.released_at, u.revised_at, u.state, u.superseded
     FROM software_update u ${whereSql} ORDER BY ${SORT_SQL[query.sort]} ${direction}, u.title ${direction}, u.update_id LIMIT ? OFFSET ?`,
    [...params, query.limit, query.offset],
  );
  return {
    total,
    rows: rows.map((row) => ({
      updateId: String(row.update_id),
      revision: Number(row.revision),
      title: String(row.title),
      kb: row.kb === null ? null : String(row.kb),
      bulletin: row.bulletin === null ? null : String(row.bulletin),
      classification: row.classification_name === null ? null : String(row.classification_name),
      products: row.product_names === null ? null : String(row.product_names),
      severity: row.severity === null ? null : String(row.severity),
      releasedAt: row.released_at === null ? null : String(row.released_at),
      revisedAt: String(row.revised_at),
      state: String(row.state) as UpdateRow['state'],
      superseded: Number(row.superseded) === 1,
    })),
  };
}
