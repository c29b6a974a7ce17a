/** How an import's scope is told: the same words in the dialog, the toast, the run's outcome and wsyncmgr.log. */
import { countOf } from './count-text';
import type { ImportScope } from './domain';

const n = (value: number) => value.toLocaleString('en-US');

/** What the site's products and classifications keep of the file and leave out, in one sentence. */
export function scopeSentence(scope: ImportScope, site: string): string {
  const head = `The products and classifications of ${site} keep ${n(scope.kept)} of the file's ${countOf(scope.updates, 'update')}`;
  return scope.leftOut === 0 ? `${head}.` : `${head} and leave out ${n(scope.leftOut)}.`;
}

/** The sentence with the products whose updates are left out named, and why. */
export function describeImportScope(scope: ImportScope, site: string): string {
  const sentence = scopeSentence(scope, site);
  if (scope.leftOut === 0) return sentence;
  const left = scope.products.filter((product) => product.kept < product.updates);
  return `${sentence.replace(/\.$/, '')}: ${left
    .map((product) => `${product.name} ${n(product.updates - product.kept)}${product.selected ? ' (other classifications)' : ' (not selected)'}`)
    .join(', ')}.`;
}
