import { describe, expect, it } from 'vitest';
import type { Progress } from '../../../shared/contract';
import { progressNote } from '../../../renderer/status/progress-note';

const base: Progress = { site: 'CEN', phase: 'metadata', done: 6_200, total: 17_803, percent: 34.8, etaMs: 9_000 };
const now = Date.parse('2026-11-29T14:05:00Z');
const clock = (at: Date) => at.toISOString().slice(11, 16);

describe('the status bar beside a running sync', () => {
  it('gives the ETA while batches arrive', () => {
    expect(progressNote(base, now)).toEqual({ text: 'ETA 9 s', waiting: false });
    expect(progressNote({ ...base, etaMs: null }, now).text).toBe('');
  });

  it('counts down to the retry of an upstream request instead of freezing the ETA', () => {
    const retry = { operation: 'GetUpdateData', attempt: 2, of: 5, at: new Date(now + 8_000).toISOString(), reason: 'HTTP 503' };
    expect(progressNote({ ...base, retry }, now)).toEqual({ text: 'Retrying GetUpdateData (2 of 5) in 8 s', waiting: true, title: 'HTTP 503' });
    expect(progressNote({ ...base, retry }, now + 9_000).text).toBe('Retrying GetUpdateData (2 of 5) now');
  });

  it('says since when a stalled sync made no progress, and that the watchdog is retrying', () => {
    const stalled = { ...base, stalledSince: '2026-11-29T14:02:00.000Z' };
    expect(progressNote(stalled, now, clock)).toEqual({ text: 'Stalled since 14:02, retrying', waiting: true });
  });
});
