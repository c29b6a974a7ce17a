import { useRef, type ChangeEvent } from 'react';
import { parseTraceLine, severityOf, splitTraceEntries } from '../../shared/trace-log';
import { LogBuffer } from './log-buffer';

interface Props {
  /** Whether a file is shown instead of the live log. */
  showingFile: boolean;
  onOpened: (file: { name: string; buffer: LogBuffer }) => void;
  onBack: () => void;
}

/** Open log file… (any CMTrace-format log, either format) and Back to live log. */
export function LogFileButtons({ showingFile, onOpened, onBack }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const open = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file === undefined) return;
    const text = await file.text();
    // Both formats, CCM entries that span lines kept whole: the columns come from each entry as it is.
    const lines = splitTraceEntries(text).map((raw) => ({ text: raw, severity: parseTraceLine(raw)?.severity ?? severityOf(raw) }));
    const buffer = new LogBuffer(Math.max(1, lines.length), file.name);
    buffer.push(lines);
    onOpened({ name: file.name, buffer });
    event.target.value = '';
  };
  return (
    <>
      <button type="button" onClick={() => input.current?.click()}>
        Open log file…
      </button>
      {showingFile && (
        <button type="button" onClick={onBack}>
          Back to live log
        </button>
      )}
      <input ref={input} type="file" accept=".log,.lo_,.txt" hidden onChange={(event) => void open(event)} />
    </>
  );
}
