import { useEffect, useState } from 'react';
import type { ApiResult } from '../../shared/contract';
import type { SupConfig } from '../../shared/domain';
import { errorText } from '../../shared/errors';
import { useConsoleStore } from '../store/console-store';

/** "never" and no rule at all are the same rule; the months matter only for "after". */
const ruleKey = (rule: SupConfig['supersedence']) =>
  rule === undefined || rule.expire === 'never' ? 'never' : rule.expire === 'immediately' ? 'now' : `after ${rule.months}`;
const sameItems = (a: string[], b: string[]) => a.length === b.length && a.every((item) => b.some((other) => other.toLowerCase() === item.toLowerCase()));

/**
 * Before products or classifications change: how many updates of the repository the new scope keeps, drops (marked
 * removed by the next full synchronization) and brings back, from the site database. Updates of newly selected
 * products exist only upstream; they are named, not counted.
 */
export function ScopeChange({ site, saved, proposed }: { site: string; saved: SupConfig | undefined; proposed: SupConfig }) {
  const api = useConsoleStore((state) => state.api);
  const [preview, setPreview] = useState<ApiResult<'previewSupScope'> | { error: string } | undefined>();
  const changed =
    saved !== undefined &&
    (!sameItems(saved.products, proposed.products) ||
      !sameItems(saved.classifications, proposed.classifications) ||
      ruleKey(saved.supersedence) !== ruleKey(proposed.supersedence));

  useEffect(() => {
    if (!changed || api === undefined) {
      setPreview(undefined);
      return;
    }
    let current = true;
    // Counting walks the repository: wait until the administrator pauses between clicks.
    const timer = setTimeout(() => {
      api.previewSupScope({ site, config: proposed }).then(
        (result) => current && setPreview(result),
        (error: unknown) => current && setPreview({ error: errorText(error) }),
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, site, proposed, changed]);

  if (!changed) return null;
  const n = (count: number) => count.toLocaleString();
  return (
    <div className="callout scope-change" role="status" aria-label="Scope change">
      {preview === undefined ? (
        'Counting the updates this change affects…'
      ) : 'error' in preview ? (
        `Could not count the updates this change affects: ${preview.error}`
      ) : (
        <>
          <strong>This change of scope:</strong> of the {n(preview.current)} updates in the repository, {n(preview.kept)} stay and{' '}
          <strong>{n(preview.dropped)} would be dropped</strong> (marked removed by the next full synchronization)
          {preview.returning > 0 ? (
            <>
              ; <strong>{n(preview.returning)} removed earlier would be added back</strong>
            </>
          ) : (
            ''
          )}
          .
          {preview.newlySelected.length > 0 &&
            ` Newly selected: ${preview.newlySelected.join(', ')} — their updates are added by the next full synchronization (the upstream server counts them).`}
          {preview.unknown.length > 0 && ` Not in the last category list: ${preview.unknown.join(', ')}.`}
          {preview.expiring > 0 && (
            <>
              {' '}
              <strong>{n(preview.expiring)} superseded updates would be expired</strong> by the supersedence rule at the next full synchronization.
            </>
          )}
        </>
      )}
    </div>
  );
}
