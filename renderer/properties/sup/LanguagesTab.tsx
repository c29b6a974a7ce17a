import type { SupConfig } from '../../../shared/domain';
import { UPDATE_LANGUAGES } from '../../../shared/languages';
import { FieldError } from '../../dialogs/FieldError';
import { InheritedNote } from './ScheduleTab';
import { toggle } from './use-sup-properties';

interface Props {
  config: SupConfig;
  onChange: (config: SupConfig) => void;
  readOnly: boolean;
  error: string | undefined;
}

/** The Languages tab: the languages of titles and descriptions the site database keeps. */
export function LanguagesTab({ config, onChange, readOnly, error }: Props) {
  return (
    <fieldset disabled={readOnly}>
      {readOnly && <InheritedNote />}
      <legend>Summary details languages</legend>
      <p className="muted">The languages of update titles and descriptions kept in the site database: every language Microsoft Update offers.</p>
      <div className="language-list">
        {UPDATE_LANGUAGES.map(({ code, name }) => (
          <label key={code} className="inline block">
            <input
              type="checkbox"
              checked={config.languages.some((chosen) => chosen.toLowerCase() === code)}
              onChange={(event) => onChange({ ...config, languages: toggle(config.languages, code, event.target.checked) })}
            />{' '}
            {name}
          </label>
        ))}
      </div>
      <FieldError message={error} />
    </fieldset>
  );
}
