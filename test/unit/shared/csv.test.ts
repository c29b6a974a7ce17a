import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvCell, csvLine } from '../../../shared/csv';

describe('CSV for Excel in every locale', () => {
  it('quotes as RFC 4180 says: a comma, a quote or a line break quoted, quotes doubled, CRLF line ends', () => {
    expect(csvLine(['plain', 'a, b', 'say "hi"', 'two\nlines', 'cr\rlf', null, 42, true, false])).toBe(
      'plain,"a, b","say ""hi""","two\nlines","cr\rlf",,42,Yes,No\r\n',
    );
    expect(CSV_BOM).toBe('\uFEFF');
  });

  it('keeps a cell a spreadsheet would run as a formula as text, and leaves numbers and dates alone', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1 update')).toBe("'+1 update");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-5')).toBe('-5');
    expect(csvCell('2026-12-07T08:00:00.000Z')).toBe('2026-12-07T08:00:00.000Z');
    expect(csvCell('Microsoft Server operating system-21H2')).toBe('Microsoft Server operating system-21H2');
    expect(csvCell('ナ 更新プログラム ä')).toBe('ナ 更新プログラム ä');
  });
});
