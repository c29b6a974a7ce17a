/**
 * Desktop notifications for failed synchronizations, shown by the desktop shell itself: a failure during an
 * unattended scheduled sync must reach the administrator even when the console window is minimized or hidden.
 */
import type { ConsoleEvent } from '../../shared/contract';
import { describeFailure } from '../../shared/sync-counts';
import { hostNow } from './injected-clock';

export interface FailureNotice {
  title: string;
  body: string;
}

export function notifyFailedSyncs(host: { onEvent(listener: (event: ConsoleEvent) => void): () => void }, show: (notice: FailureNotice) => void): () => void {
  return host.onEvent((event) => {
    if (event.name !== 'syncFinished' || event.payload.outcome !== 'failed') return;
    const run = event.payload;
    show({
      title: `Synchronization of ${run.site} failed`,
      body: `${run.kind === 'full' ? 'Full' : 'Delta'} synchronization (${run.trigger}): ${describeFailure(run, hostNow())}`,
    });
  });
}
