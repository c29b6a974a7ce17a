import { useState } from 'react';
import { errorsIn, lookUpError } from '../../shared/error-lookup';
import { parseTraceLine } from '../../shared/trace-log';

/** The selected entry in full (a CCM entry can span lines), its columns, and what each error code in it means. */
export function LogEntryDetails({ text }: { text: string }) {
  const entry = parseTraceLine(text);
  return (
    <section className="log-details" aria-label="Selected log entry">
      <pre className="log-details-text">{entry?.text ?? text}</pre>
      {entry !== undefined && (
        <p className="muted">
          {entry.component} · {entry.time} · thread {entry.thread} (0x{entry.thread.toString(16).toUpperCase()}) · {entry.severity}
        </p>
      )}
      {errorsIn(text).map((explained) => (
        <p key={explained.code} className="log-lookup">
          <strong>{explained.code}</strong>: {explained.meaning} <em>What to do:</em> {explained.check}
        </p>
      ))}
    </section>
  );
}

/** CMTrace's Error Lookup: a code typed in (HTTP status, socket error, HRESULT), explained. */
export function ErrorLookupBox() {
  const [lookup, setLookup] = useState('');
  const code = lookup.trim();
  const found = code === '' ? undefined : lookUpError(code);
  return (
    <div className="log-error-lookup">
      <label>
        Error Lookup{' '}
        <input
          type="search"
          value={lookup}
          placeholder="503, ECONNREFUSED, 0x80072EE2…"
          aria-label="Error code to look up"
          onChange={(event) => setLookup(event.target.value)}
        />
      </label>
      {code !== '' && (
        <span role="status">{found === undefined ? `No explanation for ${code}.` : `${found.code}: ${found.meaning} What to do: ${found.check}`}</span>
      )}
    </div>
  );
}
