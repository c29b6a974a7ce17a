/** How the charts and their table count and word a run. */
import { durationText } from '../../../shared/time-text';

export const CHANGE_KEYS = ['new', 'modified', 'expired', 'removed'] as const;
export type ChangeKey = (typeof CHANGE_KEYS)[number];
export const CHANGE_LABELS: Record<ChangeKey, string> = { new: 'New', modified: 'Modified', expired: 'Expired', removed: 'Removed' };
export const OUTCOME_KEYS = ['succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export const OUTCOME_LABELS: Record<(typeof OUTCOME_KEYS)[number], string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

export const n = (value: number) => value.toLocaleString('en-US');
/** Tenths of a second for short runs (most of them), whole minutes for long ones. */
export const took = (ms: number | null) => ((ms ?? 0) < 60_000 ? `${((ms ?? 0) / 1000).toFixed(1)} s` : durationText(ms ?? 0));
/** Seconds on an axis: "0.5 s", "10 s", "1,000 s". */
export const secondsText = (seconds: number) => `${seconds < 10 ? Number(seconds.toFixed(1)) : n(Math.round(seconds))} s`;
