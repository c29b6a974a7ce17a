/**
 * One wording for what a synchronization changed, used by the toast, the CLI and the history: counted as the Update
 * Repository lists updates, with the revisions written (bundled updates included) said beside, so the numbers a
 * person compares always agree.
 */
import type { RunError, SyncRun } from './domain';
import { errorsIn } from './error-lookup';
import { atAndIn } from './time-text';

const n = (value: number) => value.toLocaleString('en-US');

export const SKIPPED_MEANING = 'revised or expired updates a delta sync leaves for the next full sync';
export const FAILED_MEANING = 'revisions that could not be fetched or read; the next sync fetches them first';

/** Revisions the run wrote: updates, bundled updates and their new revisions. */
export function revisionsOf(run: Pick<SyncRun, 'counts'>): number {
  const c = run.counts;
  return c.new + c.modified + c.expired + c.removed;
}

export function describeChanges(run: Pick<SyncRun, 'counts' | 'listed'>): string {
  const { counts: c, listed: l } = run;
  const revisions = revisionsOf(run);
  const listedTotal = l.new + l.modified + l.expired + l.removed;
  const parts = [`${n(l.new)} new`, `${n(l.modified)} modified`, `${n(l.expired)} expired`, `${n(l.removed)} removed`];
  let text = `${parts.join(', ')} update${listedTotal === 1 ? '' : 's'}`;
  if (revisions !== listedTotal) text += ` (${n(revisions)} revisions written, bundled updates included)`;
  if (c.skipped > 0) text += `; ${n(c.skipped)} skipped (${SKIPPED_MEANING})`;
  if (c.failed > 0) text += `; ${n(c.failed)} failed (${FAILED_MEANING})`;
  return text;
}

/**
 * A failed run for people: what failed, what to check, that the batches applied before it are kept, and when the
 * automatic retry runs.
 */
export function describeFailure(run: Pick<SyncRun, 'counts' | 'listed' | 'error' | 'nextRetry'>, now: number): string {
  const error = run.error ?? { code: 'UNKNOWN', message: 'unknown error', update: null, again: false };
  const parts = [`${error.message.replace(/\.$/, '')} (${error.code}).`];
  const [explained] = errorsIn(`${error.code} ${error.message}`);
  if (explained !== undefined) parts.push(explained.check);
  const applied = run.listed.new + run.listed.modified + run.listed.expired + run.listed.removed;
  // Failing the same way as the sync before, the next one will too: it is not told it will fetch the rest.
  if (error.again) parts.push(`${recurrence(error)} It will fail again until the cause is fixed.`);
  else if (applied > 0)
    parts.push(`The ${n(applied)} update${applied === 1 ? '' : 's'} applied before it ${applied === 1 ? 'is' : 'are'} kept; the next sync fetches the rest.`);
  if (run.nextRetry !== null) parts.push(`Will retry ${atAndIn(run.nextRetry, now)}.`);
  return parts.join(' ');
}

/** That a failure is the same as the last one's, naming the update it failed on again. */
export function recurrence(error: RunError): string {
  if (error.update === null) return 'It failed the same way last time.';
  const { id, revision, title } = error.update;
  return `It failed on the same update last time: ${title === null ? `update ${id}` : `"${title}" (${id})`}, revision ${revision}.`;
}
