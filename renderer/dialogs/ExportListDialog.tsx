import { useEffect, useState, type FormEvent } from 'react';
import { errorText } from '../../shared/errors';
import { useConsoleStore } from '../store/console-store';
import { FieldError } from './FieldError';
import { ModalDialog } from './ModalDialog';
import { TransferButtons } from './TransferButtons';

import type { ListExport } from '../context-menu/list-export';

const count = (value: number) => value.toLocaleString('en-US');
const FILE_NAMES: Record<ListExport['list'], string> = {
  updates: 'updates',
  changes: 'changes',
  history: 'history',
  status: 'status-messages',
  syncStatus: 'synchronization-status',
};

/**
 * Export List…: a list of the console (every row, as it is filtered, searched and sorted, not only the rows on
 * screen) to a CSV file Excel opens in any locale. Written by the engine on its machine, as a catalog export is, page
 * by page with progress; Cancel stops it and leaves nothing behind.
 */
export function ExportListDialog({ request }: { request: ListExport }) {
  const { site, list } = request;
  const api = useConsoleStore((state) => state.api);
  const close = useConsoleStore((state) => state.openDialog);
  const notify = useConsoleStore((state) => state.notify);
  const transfer = useConsoleStore((state) => state.transfers[site]);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [written, setWritten] = useState<{ file: string; rows: number; bytes: number } | undefined>();

  useEffect(() => {
    if (api === undefined) return;
    let live = true;
    void api.getCatalogTransferInfo({ site }).then(
      (info) => {
        if (!live) return;
        // The Exports folder of the data folder, beside the catalog exports; a name that says what and when.
        const folder = info.defaultExportPath.replace(/[^/\\]+$/, '');
        const stamp = /-(\d{8}-\d{4})\.[^.]+$/.exec(info.defaultExportPath)?.[1] ?? 'list';
        const run = request.runId === undefined ? '' : `-run${request.runId}`;
        setPath((current) => (current !== '' ? current : `${folder}${site}-${FILE_NAMES[list]}${run}-${stamp}.csv`));
      },
      (failure: unknown) => live && setError(errorText(failure)),
    );
    return () => {
      live = false;
    };
  }, [api, site, list, request.runId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (api === undefined || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.exportList({
        site,
        path,
        list,
        ...(request.query === undefined ? {} : { query: request.query }),
        ...(request.runId === undefined ? {} : { runId: request.runId }),
      });
      setWritten(result);
      notify('info', `Wrote ${count(result.rows)} rows of ${request.title} to ${result.file}.`);
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

  const shown = busy && transfer?.operation === 'csv' ? transfer : undefined;
  return (
    <ModalDialog className="wide" labelledBy="export-list-title" onEscape={cancel} onSubmit={(event) => void submit(event)}>
      <h2 id="export-list-title">{`Export List — ${request.title}`}</h2>
      <p>
        Writes every row of the list, as it is filtered, searched and sorted, to a CSV file (UTF-8, opens in Excel in any language). The file is written on the
        engine’s machine.
      </p>
      <label>
        Save as (a full path on the engine’s machine)
        <input
          value={path}
          onChange={(event) => setPath(event.target.value)}
          disabled={busy || written !== undefined}
          spellCheck={false}
          aria-invalid={error !== undefined}
        />
      </label>
      {busy && (
        <div className="transfer-progress">
          <progress max={100} value={shown?.percent ?? 0} aria-label="List export progress" />
          <span role="status">{`Writing: ${shown?.percent ?? 0}%${shown === undefined ? '' : ` (${count(shown.done)} of ${count(shown.total)} rows)`}`}</span>
        </div>
      )}
      <FieldError message={error} />
      {written !== undefined && (
        <div role="status" aria-label="Export result" className="transfer-result">
          <p>{`Wrote ${count(written.rows)} rows to ${written.file} (${count(written.bytes)} bytes).`}</p>
        </div>
      )}
      <TransferButtons done={written !== undefined} action="Export" disabled={busy || path.trim() === ''} onCancel={cancel} onClose={() => close(undefined)} />
    </ModalDialog>
  );
}
