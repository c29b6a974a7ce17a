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
  severity: 'u.severity_rank',
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
    // One range of the (category_id, visible, update_id) index, not a probe per row.
    where.push(`u.update_id IN (SELECT c.update_id FROM update_category c WHERE c.category_id = ?${query.includeBundled || query.includeRemoved ? '' : ' AND c.visible = 1'})`);
    params.push(query.productId.toLowerCase());
  }
  const words = (query.search ?? '').trim().split(/\s+/).filter(Boolean).map((word) => word.replace(/^KB(?=\d)/i, ''));
  const tokens = words.flatMap((word) => word.split(/[^\p{L}\p{N}]+/u)).filter(Boolean);
  if (tokens.length > 0) {
    // Every word, as a word prefix, in the title, article ID or bulletin ID (full-text index).
    where.push('u.rowid IN (SELECT docid FROM update_search WHERE update_search MATCH ?)');
    params.push(tokens.map((token) => `${token.replace(/"/g, '')}*`).join(' '));
  }
  const whereSql = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  // A product folder alone is counted from its index range (visible mirrors the default filters).
  const productOnly = query.productId !== undefined && query.classificationId === undefined && tokens.length === 0 && !query.includeBundled && !query.includeRemoved;
  const total = productOnly
    ? Number(db.exec('SELECT count(*) FROM update_category WHERE category_id = ? AND visible = 1', [query.productId!.toLowerCase()])[0]?.values[0]?.[0] ?? 0)
    : Number(db.exec(`SELECT count(*) FROM software_update u ${whereSql}`, params)[0]?.values[0]?.[0] ?? 0);
  const direction = query.direction === 'desc' ? 'DESC' : 'ASC';
  const columns = 'u.update_id, u.revision, u.title, u.kb, u.bulletin, u.classification_name, u.product_names, u.severity, u.released_at, u.revised_at, u.state, u.superseded';
  const rows =
    productOnly && query.sort === 'title'
      ? // The product folder's default view: read in title order straight from the link index.
        selectRows(
          db,
          `SELECT ${columns} FROM update_category c JOIN software_update u ON u.update_id = c.update_id
           WHERE c.category_id = ? AND c.visible = 1 ORDER BY c.title ${direction}, c.update_id ${direction} LIMIT ? OFFSET ?`,
          [query.productId!.toLowerCase(), query.limit, query.offset],
        )
      : selectRows(
          db,
          `SELECT ${columns} FROM software_update u ${whereSql} ORDER BY ${SORT_SQL[query.sort]} ${direction}, u.rowid ${direction} LIMIT ? OFFSET ?`,
          [...params, query.limit, query.offset],
        );
  return {
    total,
    rows: rows.map(toRow),
  };
}

const toRow = (row: Record<string, SqlValue>): UpdateRow => ({
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
});

/** Everything the details pane shows about one update. */
export function updateDetails(db: Database, updateId: string) {
  const id = updateId.toLowerCase();
  const [row] = selectRows(db, 'SELECT * FROM software_update WHERE update_id = ?', [id]);
  if (row === undefined) return undefined;
  const related = (sql: string) => selectRows(db, sql, [id]).map((item) => ({ updateId: String(item.id), title: item.title === null ? null : String(item.title) }));
  return {
    update: toRow(row),
    texts: selectRows(db, 'SELECT language, title, description FROM update_text WHERE update_id = ? ORDER BY language', [id]).map((text) => ({
      language: String(text.language),
      title: String(text.title),
      description: text.description === null ? null : String(text.description),
    })),
    products: selectRows(db, "SELECT c.name FROM update_category l JOIN category c ON c.category_id = l.category_id WHERE l.update_id = ? AND c.category_type = 'Product' ORDER BY c.name", [id]).map((item) => String(item.name)),
    supersedes: related('SELECT s.superseded_id AS id, u.title FROM supersedence s LEFT JOIN software_update u ON u.update_id = s.superseded_id WHERE s.update_id = ?'),
    supersededBy: related('SELECT s.update_id AS id, u.title FROM supersedence s LEFT JOIN software_update u ON u.update_id = s.update_id WHERE s.superseded_id = ?'),
    bundled: related('SELECT b.child_id AS id, u.title FROM bundle b LEFT JOIN software_update u ON u.update_id = b.child_id WHERE b.parent_id = ?'),
  };
}

export function repositoryFolders(db: Database) {
  const count = (rows: Record<string, SqlValue>[]) => rows.map((item) => ({ id: String(item.id), name: String(item.name), count: Number(item.count) }));
  return {
    classifications: count(
      selectRows(db, "SELECT c.category_id AS id, c.name, count(u.update_id) AS count FROM category c LEFT JOIN software_update u ON u.classification_id = c.category_id AND u.deployable = 1 AND u.state <> 'removed' WHERE c.category_type = 'UpdateClassification' GROUP BY c.category_id HAVING count(u.update_id) > 0 ORDER BY c.name"),
    ),
    products: count(
      selectRows(db, "SELECT c.category_id AS id, c.name, count(u.update_id) AS count FROM category c JOIN update_category l ON l.category_id = c.category_id JOIN software_update u ON u.update_id = l.update_id AND u.deployable = 1 AND u.state <> 'removed' WHERE c.category_type = 'Product' GROUP BY c.category_id ORDER BY c.name"),
    ),
  };
}
