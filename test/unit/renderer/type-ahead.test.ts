import { describe, expect, it } from 'vitest';
import { createTypeAhead, findByPrefix, isTypeAheadKey } from '../../../renderer/console-tree/type-ahead';

describe('type-ahead', () => {
  const texts = ['Site Database', 'Site Management', 'Software Updates', 'Update Repository', 'System Status', 'Monitoring'];

  it('goes to the next item starting with the letter, wrapping, and a letter typed again cycles', () => {
    expect(findByPrefix(texts, 0, 's')).toBe(1);
    expect(findByPrefix(texts, 1, 's')).toBe(2);
    expect(findByPrefix(texts, 4, 's')).toBe(0);
    expect(findByPrefix(texts, 0, 'x')).toBe(-1);
  });

  it('keeps a longer prefix on the current item while it still matches, and joins letters typed in quick succession', () => {
    const typed = createTypeAhead(800);
    expect(typed('s', 1_000)).toBe('s');
    expect(typed('y', 1_200)).toBe('sy');
    expect(findByPrefix(texts, 4, 'sy')).toBe(4);
    expect(findByPrefix(texts, 1, 'sy')).toBe(4);
    // After a pause, a new prefix; the same letter again and again stays that letter (it cycles); a reset starts anew.
    expect(typed('m', 2_500)).toBe('m');
    expect(typed('m', 2_600)).toBe('m');
    typed.reset();
    expect(typed('o', 2_700)).toBe('o');
    expect(isTypeAheadKey({ key: 'm', ctrlKey: false, metaKey: false, altKey: false })).toBe(true);
    expect(isTypeAheadKey({ key: 'c', ctrlKey: true, metaKey: false, altKey: false })).toBe(false);
    expect(isTypeAheadKey({ key: ' ', ctrlKey: false, metaKey: false, altKey: false })).toBe(false);
    expect(isTypeAheadKey({ key: 'ArrowDown', ctrlKey: false, metaKey: false, altKey: false })).toBe(false);
  });
});
