import { describe, expect, it } from 'vitest';
import { rowWindow, scrollTopAfterResize, scrollTopFor } from '../../../renderer/virtual/fixed-row-window';

describe('fixed-height row windows', () => {
  it('renders the rows on screen plus the overscan, whatever the number of rows', () => {
    expect(rowWindow(0, 180, 1_000_000, 18, 5)).toEqual({ first: 0, last: 15, totalHeight: 18_000_000 });
    expect(rowWindow(18 * 500_000 + 9, 180, 1_000_000, 18, 5)).toEqual({ first: 499_995, last: 500_016, totalHeight: 18_000_000 });
    expect(rowWindow(17_999_820, 180, 1_000_000, 18, 5).last).toBe(999_999);
  });

  it('has nothing to render in an empty list, and clamps a scroll position beyond the end', () => {
    expect(rowWindow(0, 300, 0, 22, 8)).toEqual({ first: 0, last: -1, totalHeight: 0 });
    expect(rowWindow(50_000, 220, 20, 22, 0)).toEqual({ first: 20, last: 19, totalHeight: 440 });
  });

  it('scrolls as little as possible to show a row, or puts it at an edge when asked', () => {
    expect(scrollTopFor(5, 'nearest', 0, 220, 22)).toBe(0);
    expect(scrollTopFor(20, 'nearest', 0, 220, 22)).toBe(22 * 21 - 220);
    expect(scrollTopFor(2, 'nearest', 440, 220, 22)).toBe(44);
    expect(scrollTopFor(100, 'start', 0, 220, 22)).toBe(2200);
    expect(scrollTopFor(100, 'end', 0, 220, 22)).toBe(2222 - 220);
  });

  it('keeps a row that was on screen on screen when the viewport shrinks, and leaves the scroll alone otherwise', () => {
    // The last of 1,000 rows at the bottom of a 440 px viewport; a details pane takes 200 px.
    const top = 22_000 - 440;
    expect(scrollTopAfterResize(999, top, 440, 240, 22)).toBe(22_000 - 240);
    // A row scrolled away from is not pulled back, and a viewport that grows keeps its scroll position.
    expect(scrollTopAfterResize(10, top, 440, 240, 22)).toBe(top);
    expect(scrollTopAfterResize(999, top, 440, 640, 22)).toBe(top);
    expect(scrollTopAfterResize(undefined, top, 440, 240, 22)).toBe(top);
    expect(scrollTopAfterResize(999, top, 440, 440, 22)).toBe(top);
  });
});
