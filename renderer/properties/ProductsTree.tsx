import { useState } from 'react';
import { categoryName } from '../../shared/categories';
import { TriStateBox } from './TriStateBox';

export type Category = { id: string; name: string; type: string; parentId: string | null };

/**
 * The Products page: Company → Family → Product with tri-state check boxes and a search box. The selection is kept
 * by category ID: a family or company chosen as a whole (by usc config) stays chosen as a whole while every product
 * below it is ticked, so a product Microsoft adds to it later is synchronized too; otherwise the ticked products are
 * kept. IDs the site's categories do not list (chosen before the first synchronization) are kept as they are.
 */
export function ProductsTree({
  categories,
  products,
  unresolvedNames,
  onChange,
  disabled,
}: {
  categories: Category[];
  products: string[];
  /** Names an earlier release kept that match no category exactly: shown, and dropped by the next choice here. */
  unresolvedNames: string[];
  onChange(products: string[]): void;
  disabled: boolean;
}) {
  const [search, setSearch] = useState('');
  const byParent = (id: string) => categories.filter((category) => category.parentId === id && category.type !== 'UpdateClassification');
  const productsUnder = (node: Category): Category[] => (node.type === 'Product' ? [node] : byParent(node.id).flatMap(productsUnder));
  const selectedIds = new Set(products.map((id) => id.toLowerCase()));
  const byId = new Map(categories.map((category) => [category.id, category]));
  const isChosen = (product: Category): boolean => {
    for (let node: Category | undefined = product; node !== undefined; node = node.parentId === null ? undefined : byId.get(node.parentId))
      if (selectedIds.has(node.id)) return true;
    return false;
  };
  const chosen = new Set(categories.filter((category) => category.type === 'Product' && isChosen(category)).map((category) => category.id));
  const unlisted = products.filter((id) => !byId.has(id.toLowerCase()));
  const names = new Map(categories.map((category) => [category.id, category.name]));

  const set = (targets: Category[], on: boolean) => {
    const next = new Set(chosen);
    for (const product of targets) {
      if (on) next.add(product.id);
      else next.delete(product.id);
    }
    // A family or company chosen as a whole stays so while all of it is ticked; the rest is kept product by product.
    const wholes = products
      .map((id) => byId.get(id.toLowerCase()))
      .filter((node): node is Category => node !== undefined && node.type !== 'Product' && productsUnder(node).every((leaf) => next.has(leaf.id)));
    const covered = new Set(wholes.flatMap((node) => productsUnder(node).map((leaf) => leaf.id)));
    onChange([
      ...unlisted,
      ...wholes.map((node) => node.id),
      ...categories.filter((category) => next.has(category.id) && !covered.has(category.id)).map((category) => category.id),
    ]);
  };

  const needle = search.trim().toLowerCase();
  const selfMatches = (node: Category) => needle === '' || node.name.toLowerCase().includes(needle);
  const matches = (node: Category): boolean => selfMatches(node) || byParent(node.id).some(matches);
  /** The products a row shows under a search: those matching, and every product below a matching family or company. */
  const visibleLeaves = (node: Category, ancestorMatched: boolean): Category[] => {
    const shown = ancestorMatched || selfMatches(node);
    if (node.type === 'Product') return shown ? [node] : [];
    return byParent(node.id).flatMap((child) => visibleLeaves(child, shown));
  };

  const row = (node: Category, depth: number, ancestorMatched: boolean) => {
    if (!ancestorMatched && !matches(node)) return null;
    const shown = ancestorMatched || selfMatches(node);
    const leaves = productsUnder(node);
    // Under a search, a family's box ticks and shows only the products listed below it, never the hidden ones.
    const targets = needle === '' ? leaves : visibleLeaves(node, ancestorMatched);
    const count = leaves.filter((leaf) => chosen.has(leaf.id)).length;
    const targetCount = targets.filter((leaf) => chosen.has(leaf.id)).length;
    return (
      <div key={node.id} className={node.type === 'Product' ? undefined : 'product-family'}>
        <label className="inline block" style={{ paddingLeft: depth * 18 }}>
          <TriStateBox chosen={targetCount} of={targets.length} onChange={(on) => set(targets, on)} />
          <span className="product-name">{node.name}</span>
          {node.type !== 'Product' && (
            <span className="muted">{` (${count} of ${leaves.length}${targets.length === leaves.length ? '' : `; ${targets.length} shown`})`}</span>
          )}
        </label>
        {node.type !== 'Product' && byParent(node.id).map((child) => row(child, depth + 1, shown))}
      </div>
    );
  };

  const companies = categories.filter((category) => category.type === 'Company');
  // Families whose company was not listed still need a place in the tree.
  const orphans = categories.filter((category) => category.type === 'ProductFamily' && (category.parentId === null || !byId.has(category.parentId)));
  return (
    <fieldset disabled={disabled}>
      <legend>Products</legend>
      <input
        type="search"
        className="products-search"
        placeholder="Search products"
        aria-label="Search products"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      {companies.length + orphans.length === 0 && (
        <p className="muted">
          The products are listed after the first synchronization. Selected now: {products.map((id) => categoryName(id, names)).join(', ')}
        </p>
      )}
      {unlisted.length > 0 && companies.length > 0 && (
        <p className="muted">Also selected, not in the last category list: {unlisted.map((id) => `${categoryName(id, names)} (${id})`).join(', ')}</p>
      )}
      {unresolvedNames.length > 0 && (
        <p className="callout" role="note">
          Kept by name by an earlier version, and matching no product exactly: {unresolvedNames.map((name) => `“${name}”`).join(', ')}. They are not
          synchronized: tick the products you mean (this drops the names).
        </p>
      )}
      <div className="products-tree">{[...companies.map((company) => row(company, 0, false)), ...orphans.map((family) => row(family, 0, false))]}</div>
    </fieldset>
  );
}
