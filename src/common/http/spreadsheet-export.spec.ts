import { describe, expect, it } from 'vitest';
import { neutraliseCell } from './spreadsheet-export.js';

describe(neutraliseCell.name, () => {
  it('prefixes text a spreadsheet would read as a formula', () => {
    for (const danger of ['=HYPERLINK("http://x","y")', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx', '+84 905']) {
      expect(neutraliseCell(danger)).toBe(`'${danger}`);
    }
  });

  it('leaves ordinary text, numbers, E.164 phones and empties alone', () => {
    expect(neutraliseCell('Nguyễn Văn An')).toBe('Nguyễn Văn An');
    expect(neutraliseCell('+84905123456')).toBe('+84905123456');
    expect(neutraliseCell(-5)).toBe(-5);
    expect(neutraliseCell(null)).toBeNull();
    expect(neutraliseCell(undefined)).toBeNull();
  });
});
