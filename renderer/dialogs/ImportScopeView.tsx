import type { ConsoleApi } from '../../shared/contract';
import { countOf } from '../../shared/count-text';
import { scopeSentence } from '../../shared/import-scope-text';

export type ImportPreview = Awaited<ReturnType<ConsoleApi['previewCatalogImport']>>;

const n = (value: number) => value.toLocaleString('en-US');

/**
 * Import Catalog… before it starts: the file that passed its checks, and per product of the file how many of its
 * updates the site keeps, so a product left out is seen before the import, not after.
 */
export function ImportScopeView({ site, preview }: { site: string; preview: ImportPreview }) {
  const { export: file, scope } = preview;
  return (
    <section className="import-scope" role="status" aria-label="Import scope">
      <p>{`The file passed its checks: the catalog of ${file.site} - ${file.siteName}, exported ${new Date(file.exportedAt).toLocaleString()}, ${countOf(file.updates, 'update')}.`}</p>
      <p>
        <strong>{scopeSentence(scope, site)}</strong>
        {scope.leftOut > 0 && ' To keep more, choose their products and classifications in Software Update Point Properties first.'}
      </p>
      <table className="list-view" aria-label="Updates of the file by product">
        <thead>
          <tr>
            <th>Product</th>
            <th>Updates in the file</th>
            <th>Kept</th>
            <th>Left out</th>
          </tr>
        </thead>
        <tbody>
          {scope.products.map((product) => (
            <tr key={product.id} className={product.kept < product.updates ? 'row-muted' : undefined}>
              <td>{product.selected ? product.name : `${product.name} (not selected)`}</td>
              <td className="number">{n(product.updates)}</td>
              <td className="number">{n(product.kept)}</td>
              <td className="number">{n(product.updates - product.kept)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
