import { describe, expect, it } from 'vitest';
import { RowCache } from '../../../renderer/repository/row-cache';

describe('repository row cache', () => {
  it('asks only for the pages a window of rows needs and that are neither held nor being fetched', () => {
    const cache = new RowCache<number>(200, 3);
    expect(cache.missingPages(150, 450)).toEqual([0, 1, 2]);
    cache.markPending(1);
    cache.put(
      0,
      Array.from({ length: 200 }, (_, n) => n),
    );
    expect(cache.missingPages(150, 450)).toEqual([2]);
    expect(cache.rowAt(199)).toBe(199);
    expect(cache.rowAt(200)).toBeUndefined();
    expect(cache.missingPages(10, 5)).toEqual([]);
  });

  it('lets a failed page be asked for again', () => {
    const cache = new RowCache<number>(10, 3);
    cache.markPending(4);
    expect(cache.missingPages(40, 49)).toEqual([]);
    cache.forget(4);
    expect(cache.missingPages(40, 49)).toEqual([4]);
  });

  it('keeps at most its number of pages, dropping the one stored longest ago', () => {
    const cache = new RowCache<string>(2, 2);
    cache.put(0, ['a', 'b']);
    cache.put(1, ['c', 'd']);
    cache.put(0, ['a', 'b']);
    cache.put(2, ['e', 'f']);
    expect(cache.pageCount).toBe(2);
    expect(cache.rowAt(2)).toBeUndefined();
    expect(cache.rowAt(0)).toBe('a');
    expect(cache.rowAt(5)).toBe('f');
  });
});
