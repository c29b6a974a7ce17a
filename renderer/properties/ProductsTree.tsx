import { useState } from 'react';

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

  const set = (node: Category, on: boolean) => {
    const next = new Set(chosen);
    for (const product of productsUnder(node)) {
      if (on) next.add(product.id);
      else next.delete(product.id);
    }
    onChange([...unknownNames, ...categories.filter((category) => next.has(category.id)).map((category) => category.name)]);
  };

  const needle = search.trim().toLowerCase();
  const matches = (node: Category): boolean => needle === '' || node.name.toLowerCase().includes(needle) || byParent(node.id).some(matches);

  const row = (node: Category, depth: number) => {
    if (!matches(node)) return null;
    const leaves = productsUnder(node);
    const count = leaves.filter((leaf) => chosen.has(leaf.id)).length;
    const all = leaves.length > 0 && count === leaves.length;
    return (
      <div key={node.id} className={node.type === 'Product' ? undefined : 'product-family'}>
        <label className="inline block" style={{ paddingLeft: depth * 18 }}>
          <input
            type="checkbox"
            checked={all}
            aria-checked={all ? 'true' : count > 0 ? 'mixed' : 'false'}
            ref={(element) => {
              if (element !== null) element.indeterminate = !all && count > 0;
            }}
            onChange={(event) => set(node, event.target.checked)}
          />
          {node.name}
          {node.type !== 'Product' && <span className="muted">{` (${count} of ${leaves.length})`}</span>}
        </label>
        {node.type !== 'Product' && byParent(node.id).map((child) => row(child, depth + 1))}
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
      <div className="products-tree">{[...companies.map((company) => row(company, 0)), ...orphans.map((family) => row(family, 0))]}</div>
    </fieldset>
  );
}
