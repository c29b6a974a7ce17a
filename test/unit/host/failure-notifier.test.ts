import { describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../../shared/contract';
import type { SyncRun } from '../../../shared/domain';
import { notifyFailedSyncs, type FailureNotice } from '../../../electron/host/failure-notifier';
import { finishedRun } from '../../helpers/sync-run';

const run = (outcome: SyncRun['outcome'], error: SyncRun['error'] = null): SyncRun => finishedRun({ outcome, error });

describe('desktop notifications from the shell', () => {
  it('notifies a failed synchronization with its site, kind, trigger and reason, and nothing else', () => {
    const listeners: Array<(event: ConsoleEvent) => void> = [];
    const shown: FailureNotice[] = [];
    const stop = notifyFailedSyncs({ onEvent: (listener) => (listeners.push(listener), () => listeners.splice(listeners.indexOf(listener), 1)) }, (notice) =>
      shown.push(notice),
    );
    const emit = (event: ConsoleEvent) => listeners.forEach((listener) => listener(event));
    emit({ name: 'syncFinished', payload: run('succeeded') });
    emit({ name: 'syncFinished', payload: run('cancelled') });
    emit({ name: 'progress', payload: { site: 'PR1', phase: 'metadata', done: 1, total: 2, percent: 50, etaMs: null } });
    emit({
      name: 'syncFinished',
      payload: run('failed', { code: 'UPSTREAM_UNREACHABLE', message: 'The upstream server did not answer.', update: null, again: false }),
    });
    expect(shown).toEqual([
      { title: 'Synchronization of PR1 failed', body: 'Full synchronization (schedule): The upstream server did not answer (UPSTREAM_UNREACHABLE).' },
    ]);
    stop();
    expect(listeners).toHaveLength(0);
  });
});
