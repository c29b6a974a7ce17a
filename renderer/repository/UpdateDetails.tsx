import { useEffect, useState } from 'react';
import type { ApiResult } from '../../shared/contract';
import { useConsoleStore } from '../store/console-store';

const longDate = (text: string) => new Date(text).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The details of the selected update: description, supersedence, products, languages, bundled updates. */
export function UpdateDetails({ site, updateId, onClose }: { site: string; updateId: string; onClose(): void }) {
  const api = useConsoleStore((state) => state.api);
  const [details, setDetails] = useState<ApiResult<'getUpdateDetails'> | undefined>();
  useEffect(() => {
    if (api !== undefined) void api.getUpdateDetails({ site, updateId }).then(setDetails, () => setDetails(undefined));
  }, [api, site, updateId]);
  if (details === undefined) return null;
  const { update } = details;
  const english = details.texts.find((text) => text.language === 'en') ?? details.texts[0];
  const list = (items: Array<{ updateId: string; title: string | null }>) =>
    items.length === 0 ? (
      <span className="muted">none</span>
    ) : (
      <ul>
        {items.map((item) => (
          <li key={item.updateId}>{item.title ?? `${item.updateId} (not in this site database)`}</li>
        ))}
      </ul>
    );
  return (
    <section className="update-details" aria-label="Update details" tabIndex={-1}>
      <header>
        <h3>{update.title}</h3>
        <button type="button" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </header>
      {details.metadataProblem !== null && (
        <p className="metadata-problem" role="alert">
          {details.metadataProblem}
        </p>
      )}
      <p>{english?.description ?? ''}</p>
      <dl className="details">
        <dt>Update ID / revision</dt>
        <dd className="mono">{`${update.updateId} / ${update.revision}`}</dd>
        <dt>Article ID / bulletin ID</dt>
        <dd>{`${update.kb === null ? 'none' : `KB${update.kb}`} / ${update.bulletin ?? 'none'}`}</dd>
        <dt>Classification / severity</dt>
        <dd>{`${update.classification ?? 'none'} / ${update.severity ?? 'none'}`}</dd>
        <dt>Date released / revised</dt>
        <dd>{`${update.releasedAt === null ? 'unknown' : longDate(update.releasedAt)} / ${longDate(update.revisedAt)}`}</dd>
        <dt>More information</dt>
        <dd>{details.moreInfoUrl === null ? <span className="muted">none</span> : <a href={details.moreInfoUrl}>{details.moreInfoUrl}</a>}</dd>
        <dt>State</dt>
        <dd>
          {update.state === 'expired' ? 'Expired' : update.state === 'removed' ? 'Removed from the upstream' : 'Published'}
          {update.superseded ? ', superseded' : ''}
          {update.state === 'expired' && (
            <div className="muted">{update.expiredBy ?? 'Expired by Microsoft (the upstream server published it as expired).'}</div>
          )}
        </dd>
        <dt>Products</dt>
        <dd>{details.products.join(', ') || 'none'}</dd>
        <dt>Languages</dt>
        <dd>{details.texts.map((text) => text.language).join(', ')}</dd>
        <dt>Supersedes</dt>
        <dd>{list(details.supersedes)}</dd>
        <dt>Superseded by</dt>
        <dd>{list(details.supersededBy)}</dd>
        <dt>Bundled updates</dt>
        <dd>{list(details.bundled)}</dd>
        <dt>Files</dt>
        <dd>
          {details.files.length === 0 ? (
            <span className="muted">none (the bundled updates carry the files)</span>
          ) : (
            <ul>
              {details.files.map((file) => (
                <li key={file.digest}>
                  {file.url === null ? file.fileName : <a href={file.url}>{file.fileName}</a>} ({Math.round(file.size / 1024).toLocaleString('en-US')} KB)
                  <div className="mono muted">SHA-1 (base64) {file.digest}</div>
                  {file.url !== null && <div className="mono muted">{file.url}</div>}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}
