/**
 * A site database filled with synthetic updates straight through SQL (no sync): the repository and list benchmarks
 * measure queries and exports alone. Categories are the built-in catalog's products and classifications.
 */
import { SiteDatabase } from '../../electron/engine/storage/site-database';
import { inTransaction } from '../../electron/engine/storage/transaction';
import { CLASSIFICATIONS } from '../../electron/engine/upstream/soap/protocol-names';
import { PRODUCTS } from '../../electron/engine/upstream/service/catalog-data';
import { SeededRandom } from '../../electron/engine/upstream/service/random';

/** Adds `total` updates (`deployableShare` of them deployable, 60 % unless said; 5 % expired) and saves the whole file. */
export function fillRepository(site: SiteDatabase, total: number, deployableShare = 0.6): void {
  const db = site.db;
  const random = new SeededRandom(7);
  const categoryKeys = new Map<string, number>();
  inTransaction(site, () => {
    for (const [id, name, type] of [...PRODUCTS.map((p) => [p.id, p.name, 'Product']), ...CLASSIFICATIONS.map((c) => [c.id, c.name, 'UpdateClassification'])]) {
      db.run('INSERT INTO category (category_id, revision, category_type, name) VALUES (?, 100, ?, ?)', [id!, type!, name!]);
      categoryKeys.set(id!, Number(db.exec('SELECT last_insert_rowid()')[0]!.values[0]![0]));
    }
  });
  const insert = db.prepare(
    `INSERT INTO software_update (update_key, update_id, revision, title, kb, kb_number, bulletin, severity, severity_rank, classification_key, classification_name, product_names, product_keys,
       released_at, revised_at, state, deployable, superseded)
     VALUES (?, ?, 200, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const link = db.prepare('INSERT INTO update_product (category_key, visible, title, update_key) VALUES (?, ?, ?, ?)');
  inTransaction(site, () => {
    for (let i = 0; i < total; i++) {
      const id = random.guid();
      const classification = random.pick(CLASSIFICATIONS);
      const product = random.pick(PRODUCTS);
      const kb = 5_000_000 + i;
      const severity = random.pick(['Critical', 'Important', 'Moderate', 'Low', null]);
      const deployable = random.next() < deployableShare ? 1 : 0;
      const date = new Date(Date.UTC(2016, 0, 1) + Math.floor(random.next() * 3_900) * 86_400_000).toISOString();
      const title = `${date.slice(0, 7)} Cumulative Update for ${product.titleName} for x64-based Systems (KB${kb})`;
      const productKey = categoryKeys.get(product.id)!;
      insert.run([
        i + 1,
        id,
        title,
        String(kb),
        kb,
        i % 7 === 0 ? `MS16-${String(i % 160).padStart(3, '0')}` : null,
        severity,
        { Critical: 1, Important: 2, Moderate: 3, Low: 4 }[severity ?? ''] ?? 5,
        categoryKeys.get(classification.id)!,
        classification.name,
        product.name,
        String(productKey),
        date,
        date,
        random.next() < 0.05 ? 'expired' : 'published',
        deployable,
        random.next() < 0.6 ? 1 : 0,
      ]);
      link.run([productKey, deployable, title, i + 1]);
    }
    db.run("INSERT INTO update_search (update_search) VALUES ('rebuild')");
  });
  insert.free();
  link.free();
  // Into the file, so the journal holds nothing of the build.
  site.saveWhole();
}
