/**
 * What the status bar says beside a running sync's progress bar: that the watchdog found it stalled and is retrying,
 * that it waits to retry an upstream request (counting down), or its ETA. Never a frozen ETA while it waits.
 */
import type { Progress } from '../../shared/contract';
import { durationText } from '../../shared/time-text';

export interface ProgressNote {
  text: string;
  /** A warning the administrator should notice (stalled, retrying), not a plain estimate. */
  waiting: boolean;
  /** The reason behind a retry, for the tooltip. */
  title?: string;
}

export function progressNote(progress: Progress, now: number, timeText: (at: Date) => string = (at) => at.toLocaleTimeString()): ProgressNote {
  if (progress.stalledSince !== undefined) return { text: `Stalled since ${timeText(new Date(progress.stalledSince))}, retrying`, waiting: true };
  const { retry } = progress;
  if (retry !== undefined) {
    const left = Date.parse(retry.at) - now;
    return {
      text: `Retrying ${retry.operation} (${retry.attempt} of ${retry.of}) ${left > 0 ? `in ${durationText(left)}` : 'now'}`,
      waiting: true,
      title: retry.reason,
    };
  }
  return { text: progress.etaMs !== null && progress.etaMs > 0 ? `ETA ${durationText(progress.etaMs)}` : '', waiting: false };
}
