import { useState } from 'react';
import { TriStateBox } from './TriStateBox';

export type Category = { id: string; name: string; type: string; parentId: string | null };

/**
 * The Products page: Company → Family → Product with tri-state check boxes and a search box. A selection stored
 * as a company or family name covers every product below it; a change is saved as product names, and names that
 * match no known category (chosen before the first synchronization listed them) are kept as they are.
 */
export function ProductsTree({
  categories,
  products,
  onChange,
  disabled,
}: {
  categories: Category[];
  products: string[];
  onChange(products: string[]): void;
  disabled: boolean;
}) {
  const [search, setSearch] = useState('');
  const byParent = (id: string) => categories.filter((category) => category.parentId === id && category.type !== 'UpdateClassification');
  const productsUnder = (node: Category): Category[] => (node.type === 'Product' ? [node] : byParent(node.id).flatMap(productsUnder));
  const named = (node: Category) => products.some((item) => item.toLowerCase() === node.name.toLowerCase() || item.toLowerCase() === node.id);
  const byId = new Map(categories.map((category) => [category.id, category]));
  const isChosen = (product: Category): boolean => {
    for (let node: Category | undefined = product; node !== undefined; node = node.parentId === null ? undefined : byId.get(node.parentId))
      if (named(node)) return true;
    return false;
  };
  const chosen = new Set(categories.filter((category) => category.type === 'Product' && isChosen(category)).map((category) => category.id));
  const known = new Set(categories.map((category) => category.name.toLowerCase()).concat(categories.map((category) => category.id)));
  const unknownNames = products.filter((item) => !known.has(item.toLowerCase()));

  const set = (targets: Category[], on: boolean) => {
    const next = new Set(chosen);
    for (const product of targets) {
      if (on) next.add(product.id);
      else next.delete(product.id);
    }
    onChange([...unknownNames, ...categories.filter((category) => next.has(category.id)).map((category) => category.name)]);
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
        <p className="muted">The products are listed after the first synchronization. Selected now: {products.join(', ')}</p>
      )}
      {unknownNames.length > 0 && companies.length > 0 && <p className="muted">Also selected, not in the last category list: {unknownNames.join(', ')}</p>}
      <div className="products-tree">{[...companies.map((company) => row(company, 0, false)), ...orphans.map((family) => row(family, 0, false))]}</div>
    </fieldset>
  );
}
