import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../../renderer/log-pane/log-buffer';
import { AllLines, logViewOf, MatchingLines, selectedText } from '../../../renderer/log-pane/log-view';

const lines = (from: number, count: number) =>
  Array.from({ length: count }, (_, n) => ({ text: `${(from + n) % 3 === 0 ? 'WARNING ' : ''}line ${from + n}`, severity: 'info' as const }));

describe('log pane views', () => {
  it('names each line by a sequence number that survives the ring dropping its oldest lines', () => {
    const buffer = new LogBuffer(5, 'CEN');
    buffer.push(lines(0, 4));
    expect([buffer.firstSeq, buffer.endSeq]).toEqual([0, 4]);
    buffer.push(lines(4, 3));
    expect([buffer.firstSeq, buffer.endSeq, buffer.length]).toEqual([2, 7, 5]);
    expect(buffer.atSeq(2)).toEqual({ site: 'CEN', text: 'line 2', severity: 'info' });
    expect(buffer.atSeq(1)).toBeUndefined();
    const all = new AllLines(buffer);
    expect(all.seqAt(0)).toBe(2);
    expect(all.indexOfSeq(4)).toBe(2);
    expect(all.indexOfSeq(0)).toBe(0);
  });

  it('filters incrementally: matches of new lines are added, matches the ring dropped are gone', () => {
    const buffer = new LogBuffer(10, 'CEN');
    buffer.push(lines(0, 10));
    const warnings = new MatchingLines(buffer, (text) => text.startsWith('WARNING'));
    expect(Array.from({ length: warnings.length }, (_, n) => warnings.seqAt(n))).toEqual([0, 3, 6, 9]);
    const stop = warnings.follow();
    buffer.push(lines(10, 5));
    expect(Array.from({ length: warnings.length }, (_, n) => warnings.seqAt(n))).toEqual([6, 9, 12]);
    expect(warnings.indexOfSeq(7)).toBe(1);
    expect(warnings.indexOfSeq(13)).toBe(3);
    // Once it stops following, a pushed batch costs it nothing (the pane made a view for another filter).
    stop();
    buffer.push(lines(15, 5));
    expect(warnings.length).toBe(3);
  });

  it('keeps a filter over a million lines up to date at the cost of each batch', () => {
    const buffer = new LogBuffer(1_000_000, 'CEN');
    const view = logViewOf(buffer, 'warning');
    view.follow();
    for (let start = 0; start < 1_200_000; start += 2_000) buffer.push(lines(start, 2_000));
    // Multiples of 3 among the kept lines 200,000–1,199,999.
    expect(view.length).toBe(333_333);
    expect(view.seqAt(0) % 3).toBe(0);
    expect(view.seqAt(0)).toBeGreaterThanOrEqual(200_000);
  });

  it('copies the selected lines still in the view, in order, up to a limit', () => {
    const buffer = new LogBuffer(100, 'CEN');
    buffer.push(lines(0, 20));
    const warnings = logViewOf(buffer, 'WARNING');
    expect(selectedText(warnings, buffer, { anchor: 10, focus: 2 }, 100)).toEqual({
      text: 'WARNING line 3\nWARNING line 6\nWARNING line 9',
      lines: 3,
      truncated: false,
    });
    expect(selectedText(logViewOf(buffer, ''), buffer, { anchor: 4, focus: 7 }, 2)).toEqual({ text: 'line 4\nline 5', lines: 2, truncated: true });
  });
});
