import { describe, expect, it } from 'vitest';
import type { UpdateRow } from '../../../shared/contract';
import { rowMenuItems, rowsAsTsv, selectedRange } from '../../../renderer/repository/row-actions';

const row = (overrides: Partial<UpdateRow> = {}): UpdateRow => ({
  updateId: '00000000-0000-0000-0000-000000000001',
  revision: 3,
  title: 'Cumulative Update for Windows 11 (KB5000001)',
  kb: '5000001',
  bulletin: null,
  classification: 'Security Updates',
  products: 'Windows 11',
  severity: 'Critical',
  releasedAt: '2026-11-10T17:00:00.000Z',
  revisedAt: '2026-11-12T08:30:00.000Z',
  state: 'published',
  superseded: true,
  expiredBy: null,
  ...overrides,
});

describe('repository row actions', () => {
  it('copies rows as tab-separated text with a header line, a tab or line break in a value kept in its cell', () => {
    const text = rowsAsTsv([row(), row({ title: 'Two\tcells\nand a line', kb: null, state: 'expired', superseded: false })]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => line.split('\t').length)).toEqual([11, 11, 11]);
    expect(lines[1]).toBe(
      'Cumulative Update for Windows 11 (KB5000001)\t5000001\t\tSecurity Updates\tWindows 11\tCritical\t2026-11-10\t2026-11-12\tNo\tYes\t00000000-0000-0000-0000-000000000001',
    );
    expect(lines[2]!.startsWith('Two cells and a line\t\t')).toBe(true);
  });

  it('selects from the anchor to the focus either way, and offers Copy Article ID only with an article ID', () => {
    expect(selectedRange({ anchor: 9, index: 4, updateId: undefined })).toEqual({ from: 4, to: 9 });
    const noop = { properties: () => undefined, copy: () => undefined, copyArticleId: () => undefined };
    expect(rowMenuItems(row(), 3, noop).map((item) => [item.label, item.disabled ?? false])).toEqual([
      ['Properties', false],
      ['Copy 3 rows', false],
      ['Copy Article ID (KB5000001)', false],
    ]);
    expect(rowMenuItems(row({ kb: null }), 1, noop).map((item) => [item.label, item.disabled ?? false])).toEqual([
      ['Properties', false],
      ['Copy', false],
      ['Copy Article ID', true],
    ]);
  });
});
