import { useEffect, useState, type FormEvent } from 'react';
import type { ExportSummary, ImportedExport } from '../../shared/contract';
import { ImportScopeView, type ImportPreview } from './ImportScopeView';
import { scopeSentence } from '../../shared/import-scope-text';
import { errorText } from '../../shared/errors';
import { useConsoleStore } from '../store/console-store';
import { ModalDialog } from './ModalDialog';
import { TransferButtons } from './TransferButtons';
import { FieldError } from './FieldError';
import { countOf } from '../../shared/count-text';

const count = (value: number) => value.toLocaleString('en-US');
const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;

/**
 * Software Update Point → Export Catalog… / Import Catalog…: a site's catalog to one file, and a file applied as a
 * full synchronization, for sites that cannot reach an upstream server (WsusUtil export/import's job). Paths are on
 * the machine that runs the engine, as with WsusUtil. The work shows its progress here and can be cancelled; an
 * import's synchronization then shows in the status bar and the log like any other.
 */
export function CatalogTransferDialog({ site, mode }: { site: string; mode: 'export' | 'import' }) {
  const api = useConsoleStore((state) => state.api);
  const close = useConsoleStore((state) => state.openDialog);
  const notify = useConsoleStore((state) => state.notify);
  const transfer = useConsoleStore((state) => state.transfers[site]);
  const [path, setPath] = useState('');
  const [found, setFound] = useState<Array<{ file: string; bytes: number; modifiedAt: string }>>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [exported, setExported] = useState<ExportSummary | undefined>();
  /** Import: the file checked and what the site's selection keeps of it, shown before anything is changed. */
  const [preview, setPreview] = useState<ImportPreview | undefined>();
  const title = mode === 'export' ? `Export Catalog — ${site}` : `Import Catalog — ${site}`;

  useEffect(() => {
    if (api === undefined) return;
    let live = true;
    void api.getCatalogTransferInfo({ site }).then(
      (info) => {
        if (!live) return;
        setFound(info.exports);
        setPath((current) => (current !== '' ? current : mode === 'export' ? info.defaultExportPath : (info.exports[0]?.file ?? '')));
      },
      (failure: unknown) => live && setError(errorText(failure)),
    );
    return () => {
      live = false;
    };
  }, [api, site, mode]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (api === undefined || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      if (mode === 'export') {
        const summary = await api.exportCatalog({ site, path });
        setExported(summary);
        notify('info', `Exported the catalog of ${site} to ${summary.file}.`);
      } else if (preview === undefined) {
        setPreview(await api.previewCatalogImport({ site, path }));
      } else {
        const result = await api.importCatalog({ site, path });
        notify('info', `${importStarted(site, result.export)} ${scopeSentence(result.scope, site)}`);
        close(undefined);
      }
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  const cancel = () => {
    if (busy && api !== undefined) void api.cancelCatalogTransfer({ site });
    else close(undefined);
  };

  const shown = busy && transfer !== undefined && transfer.operation === (mode === 'export' ? 'export' : 'verify') ? transfer : undefined;
  return (
    <ModalDialog className="wide" labelledBy="transfer-title" onEscape={cancel} onSubmit={(event) => void submit(event)}>
      <h2 id="transfer-title">{title}</h2>
      <p>
        {mode === 'export'
          ? `Writes the catalog of ${site} (categories, detectoids, updates with their metadata, file URLs and digests, its content version and settings) to one checksummed file, to import on a site that cannot reach an upstream server.`
          : `Applies a catalog export as a full synchronization of ${site}: new, changed and removed updates, with its history entry, status messages and log lines. A file that is not a complete, unchanged export is refused and changes nothing.`}
      </p>
      <label>
        {mode === 'export' ? 'Export to (a full path on the engine’s machine)' : 'Export file to import (a full path on the engine’s machine)'}
        <input
          value={path}
          list={mode === 'import' ? 'found-exports' : undefined}
          onChange={(event) => {
            setPath(event.target.value);
            setPreview(undefined);
          }}
          disabled={busy || exported !== undefined}
          spellCheck={false}
          aria-invalid={error !== undefined}
        />
      </label>
      {mode === 'import' && (
        <datalist id="found-exports">
          {found.map((entry) => (
            <option key={entry.file} value={entry.file}>{`${mebibytes(entry.bytes)}, ${new Date(entry.modifiedAt).toLocaleString()}`}</option>
          ))}
        </datalist>
      )}
      {busy && (
        <div className="transfer-progress">
          <progress max={100} value={shown?.percent ?? 0} aria-label={mode === 'export' ? 'Export progress' : 'File check progress'} />
          <span role="status">
            {mode === 'export'
              ? `Exporting: ${shown?.percent ?? 0}%${shown === undefined ? '' : ` (${count(shown.done)} of ${count(shown.total)} records)`}`
              : `Checking the file: ${shown?.percent ?? 0}%`}
          </span>
        </div>
      )}
      <FieldError message={error} />
      {preview !== undefined && <ImportScopeView site={site} preview={preview} />}
      {exported !== undefined && (
        <div role="status" aria-label="Export result" className="transfer-result">
          <p>{`Exported ${countOf(exported.updates, 'update')} and ${countOf(exported.categories, 'category', 'categories')} and detectoids (${mebibytes(exported.bytes)}) to ${exported.file}.`}</p>
          <p className="muted">{`SHA-256 ${exported.sha256}`}</p>
        </div>
      )}
      <TransferButtons
        done={exported !== undefined}
        action={mode === 'export' ? 'Export' : preview === undefined ? 'Check file' : 'Import'}
        disabled={busy || path.trim() === ''}
        onCancel={cancel}
        onClose={() => close(undefined)}
      />
    </ModalDialog>
  );
}

function importStarted(site: string, imported: ImportedExport): string {
  return `Importing the catalog of ${imported.site} - ${imported.siteName} (exported ${new Date(imported.exportedAt).toLocaleString()}, ${countOf(imported.updates, 'update')}) into ${site}: its synchronization shows in the status bar.`;
}
