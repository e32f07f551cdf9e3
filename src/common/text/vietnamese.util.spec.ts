import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeLike, foldVietnamese, toNfc } from './vietnamese.util.js';

describe('foldVietnamese', () => {
  it.each([
    ['Nguyễn Văn An', 'nguyen van an'],
    ['Sở Y tế', 'so y te'],
    ['ĐÀ NẴNG', 'da nang'],
    ['đường Đống Đa', 'duong dong da'],
    ['Phạm Thị Hương', 'pham thi huong'],
    ['Huỳnh Ngọc Thủy', 'huynh ngoc thuy'],
    ['Bùi Quốc Việt', 'bui quoc viet'],
    ['Ủy ban Kiểm tra', 'uy ban kiem tra'],
    ['Sở GD&ĐT', 'so gd&dt'],
    ['ABC xyz 123', 'abc xyz 123'],
    ['', ''],
  ])('folds %j to %j', (input, expected) => {
    expect(foldVietnamese(input)).toBe(expected);
  });

  it('collapses whitespace runs (tabs, newlines, no-break spaces) and trims', () => {
    expect(foldVietnamese('  Nguyễn \t\n Văn\u00a0\u00a0An  ')).toBe('nguyen van an');
    expect(foldVietnamese(' \t ')).toBe('');
  });

  it('folds decomposed (NFD) input exactly like precomposed (NFC) input', () => {
    const nfc = 'Trần Thị Ánh Tuyết Đặng';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    expect(foldVietnamese(nfd)).toBe('tran thi anh tuyet dang');
    expect(foldVietnamese(nfd)).toBe(foldVietnamese(nfc));
  });

  it('folds every Vietnamese vowel with every tone to its base letter', () => {
    const vowels: Record<string, string> = {
      a: 'aáàảãạăắằẳẵặâấầẩẫậ',
      e: 'eéèẻẽẹêếềểễệ',
      i: 'iíìỉĩị',
      o: 'oóòỏõọôốồổỗộơớờởỡợ',
      u: 'uúùủũụưứừửữự',
      y: 'yýỳỷỹỵ',
    };
    for (const [base, forms] of Object.entries(vowels)) {
      for (const ch of forms) {
        expect(foldVietnamese(ch)).toBe(base);
        expect(foldVietnamese(ch.toUpperCase())).toBe(base);
      }
    }
  });

  it('output is idempotent, lowercase, ASCII-only for Vietnamese letters and has no double spaces', () => {
    const vietnameseChar = fc.constantFrom(
      ...'aáàảãạăắằẳẵặâấầẩẫậđeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵ bcghklmnpqrstvx \t'.split(''),
    );
    const word = fc
      .array(vietnameseChar, { maxLength: 40 })
      .chain((chars) => fc.boolean().map((upper) => (upper ? chars.join('').toUpperCase() : chars.join(''))));
    fc.assert(
      fc.property(word, (s) => {
        const folded = foldVietnamese(s);
        expect(foldVietnamese(folded)).toBe(folded);
        expect(folded).toMatch(/^[a-z ]*$/);
        expect(folded).not.toMatch(/ {2}|^ | $/);
      }),
    );
  });

  it('never leaves combining marks or đ in arbitrary Unicode input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const folded = foldVietnamese(s);
        expect(folded).not.toMatch(/[\u0300-\u036fđĐ]/);
        expect(foldVietnamese(folded)).toBe(folded);
      }),
    );
  });
});

describe('toNfc', () => {
  it('composes decomposed Vietnamese text', () => {
    const nfd = 'Nguyễn Văn Đức'.normalize('NFD');
    expect(nfd.length).toBeGreaterThan('Nguyễn Văn Đức'.length);
    expect(toNfc(nfd)).toBe('Nguyễn Văn Đức');
    expect(toNfc(nfd).length).toBe('Nguyễn Văn Đức'.length);
  });

  it('keeps case and spacing (it is for stored text, not search keys)', () => {
    expect(toNfc('  Sở  Y TẾ ')).toBe('  Sở  Y TẾ ');
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => toNfc(toNfc(s)) === toNfc(s)));
  });
});

describe('escapeLike', () => {
  it.each([
    ['100%', '100\\%'],
    ['a_b', 'a\\_b'],
    ['C:\\temp', 'C:\\\\temp'],
    ['\\%_', '\\\\\\%\\_'],
    ['Sở Y tế', 'Sở Y tế'],
    ['', ''],
  ])('escapes %j as %j', (input, expected) => {
    expect(escapeLike(input)).toBe(expected);
  });

  /** Reference LIKE matcher (ESCAPE '\\') to check the escaped pattern matches only the literal. */
  function likeToRegExp(pattern: string): RegExp {
    let re = '';
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i]!;
      if (ch === '\\' && i + 1 < pattern.length) {
        re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      } else if (ch === '%') re += '[\\s\\S]*';
      else if (ch === '_') re += '[\\s\\S]';
      else re += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
    return new RegExp(`^${re}$`, 'u');
  }

  it('an escaped pattern matches exactly the original string and nothing it would otherwise wildcard', () => {
    const chars = fc.constantFrom('a', 'b', '%', '_', '\\', 'ế');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 12 }).map((a) => a.join('')), fc.string({ maxLength: 12 }), (s, other) => {
        const re = likeToRegExp(escapeLike(s));
        expect(re.test(s)).toBe(true);
        if (other !== s) expect(re.test(other)).toBe(false);
      }),
    );
  });

  it('lets a pattern be wrapped for a contains-search without the input adding wildcards', () => {
    const re = likeToRegExp(`%${escapeLike('50%_off')}%`);
    expect(re.test('sale 50%_off today')).toBe(true);
    expect(re.test('sale 50 percent off')).toBe(false);
    expect(re.test('sale 50%xoff')).toBe(false);
  });
});
