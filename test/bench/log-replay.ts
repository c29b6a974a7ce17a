import { readFile } from 'node:fs/promises';
import type { ConsoleEvent, LogLine } from '../../shared/contract';
import { parseTraceLine, severityOf } from '../../shared/trace-log';
import type { HostConnection } from '../../electron/host/engine-endpoint';

/**
 * A host that also streams a recorded wsyncmgr.log as the engine's log events, from the console's first call on
 * (once its socket is attached), in batches of 2,000 lines as a live engine sends them. Benchmark-only: the product
 * shows the log its own engine writes.
 */
export function replayingHost(host: HostConnection, source: { file: string; site: string }): HostConnection {
  const listeners = new Set<(event: ConsoleEvent) => void>();
  let started = false;
  const replay = async (): Promise<void> => {
    const lines = (await readFile(source.file, 'utf8')).split(/\r?\n/).filter((line) => line !== '');
    for (let start = 0; start < lines.length; start += 2_000) {
      const batch: LogLine[] = lines.slice(start, start + 2_000).map((text) => {
        const parsed = parseTraceLine(text);
        return {
          text,
          component: parsed?.component ?? 'SMS_WSUS_SYNC_MANAGER',
          time: parsed?.time ?? '',
          thread: parsed?.thread ?? 0,
          severity: parsed?.severity ?? severityOf(text),
        };
      });
      for (const listener of listeners) listener({ name: 'log', payload: { site: source.site, file: 'wsyncmgr.log', lines: batch } });
      // Let the socket drain, as a live engine's batches would arrive.
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    dispatch: (method, params) => {
      if (!started) {
        started = true;
        void replay();
      }
      return host.dispatch(method, params);
    },
    onEvent(listener) {
      listeners.add(listener);
      const off = host.onEvent(listener);
      return () => {
        listeners.delete(listener);
        off();
      };
    },
  };
}
