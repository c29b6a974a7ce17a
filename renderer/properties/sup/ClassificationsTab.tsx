import { categoryName } from '../../../shared/categories';
import type { SupConfig } from '../../../shared/domain';
import type { Category } from '../ProductsTree';
import { TriStateBox } from '../TriStateBox';
import { InheritedNote } from './ScheduleTab';
import { toggle, withSelection } from './use-sup-properties';

interface Props {
  config: SupConfig;
  categories: Category[];
  onChange: (config: SupConfig) => void;
  readOnly: boolean;
}

/** The Classifications tab: which kinds of update (security, critical…) are synchronized, kept by ID. */
export function ClassificationsTab({ config, categories, onChange, readOnly }: Props) {
  const classifications = categories.filter((category) => category.type === 'UpdateClassification');
  const names = new Map(categories.map((category) => [category.id, category.name]));
  const unresolved = config.unresolvedNames?.classifications ?? [];
  const chosen = (category: Category) => config.classifications.includes(category.id);
  const choose = (ids: string[]) => onChange(withSelection(config, { classifications: ids }));
  return (
    <fieldset disabled={readOnly}>
      {readOnly && <InheritedNote />}
      <legend>Update classifications to synchronize</legend>
      {classifications.length === 0 && (
        <p className="muted">
          The classifications are listed after the first synchronization. Selected now: {config.classifications.map((id) => categoryName(id, names)).join(', ')}
        </p>
      )}
      {unresolved.length > 0 && (
        <p className="callout" role="note">
          Kept by name by an earlier version, and matching no classification exactly: {unresolved.map((name) => `“${name}”`).join(', ')}. They are not
          synchronized: tick the classifications you mean (this drops the names).
        </p>
      )}
      {classifications.length > 0 && (
        <label className="inline block all-choice">
          <TriStateBox
            chosen={classifications.filter(chosen).length}
            of={classifications.length}
            onChange={(on) => choose(on ? classifications.map((category) => category.id) : [])}
          />{' '}
          All classifications
        </label>
      )}
      {classifications.map((category) => (
        <label key={category.id} className="inline block">
          <input type="checkbox" checked={chosen(category)} onChange={(event) => choose(toggle(config.classifications, category.id, event.target.checked))} />{' '}
          {category.name}
        </label>
      ))}
    </fieldset>
  );
}
