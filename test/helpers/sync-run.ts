import type { SyncRun } from '../../shared/domain';

/** A finished run as the engine reports it, for tests of what the hosts and the console make of one. */
export function finishedRun(overrides: Partial<SyncRun> = {}): SyncRun {
  return {
    runId: 7,
    site: 'PR1',
    kind: 'full',
    trigger: 'schedule',
    outcome: 'succeeded',
    scheduledFor: null,
    startedAt: '2026-11-23T02:00:00Z',
    endedAt: '2026-11-23T02:01:00Z',
    durationMs: 60_000,
    counts: { new: 0, modified: 0, expired: 0, removed: 0, skipped: 0, failed: 0 },
    listed: { new: 0, modified: 0, expired: 0, removed: 0 },
    nextRetry: null,
    anchorBefore: null,
    anchorAfter: null,
    fullReason: null,
    warnings: [],
    error: null,
    ...overrides,
  };
}
