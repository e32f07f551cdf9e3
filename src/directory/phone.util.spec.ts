import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseVietnamesePhone } from './phone.util.js';

describe('normaliseVietnamesePhone', () => {
  it.each([
    '0905 123 456',
    '0905.123.456',
    '0905-123-456',
    '(0905) 123-456',
    '0905123456',
    '+84905123456',
    '+84 905 123 456',
    '84-905-123-456',
    '84905123456',
    '+84 (0) 905 123 456',
    '+84 0905 123 456',
    '0084905123456',
    '0084 905 123 456',
    '  0905 123 456  ',
    '0905\u00a0123\u00a0456',
  ])('accepts %j as +84905123456', (input) => {
    expect(normaliseVietnamesePhone(input)).toBe('+84905123456');
  });

  it.each([
    ['0362 345 678', '+84362345678'],
    ['0523 456 789', '+84523456789'],
    ['0703 456 789', '+84703456789'],
    ['0812 345 678', '+84812345678'],
    ['0988 765 432', '+84988765432'],
  ])('accepts the mobile prefix of %j', (input, expected) => {
    expect(normaliseVietnamesePhone(input)).toBe(expected);
  });

  it.each([
    ['0236 3822 123', '+842363822123'],
    ['(0257) 3842 123', '+842573842123'],
    ['024 3825 1234', '+842438251234'],
    ['028.3829.1234', '+842838291234'],
    ['+84 257 3842 123', '+842573842123'],
    ['+84 (0) 257 3842 123', '+842573842123'],
  ])('accepts the landline %j', (input, expected) => {
    expect(normaliseVietnamesePhone(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['letters', '0905 123 45a'],
    ['letter O for zero', '09O5123456'],
    ['extension', '0905123456 ext 12'],
    ['hash', '0905123456#'],
    ['plus in the middle', '0905+123456'],
    ['two pluses', '++84905123456'],
    ['mobile one digit short', '090512345'],
    ['mobile one digit long', '09051234567'],
    ['landline one digit short', '023638221'],
    ['landline one digit long', '023638221234'],
    ['bare national number without trunk 0', '905123456'],
    ['old 11-digit mobile (pre-2018 prefixes)', '01645123456'],
    ['mobile prefix 1', '0105123456'],
    ['mobile prefix 4', '0405123456'],
    ['mobile prefix 6', '0605123456'],
    ['trunk zero twice after country code', '+8400905123456'],
    ['double trunk zero nationally', '00905123456'],
    ['US number', '+1 202 555 0143'],
    ['Lao number', '+856 20 5512 3456'],
    ['other country via 00', '0085620551234'],
    ['country code only', '+84'],
    ['only separators', '(--) ..'],
    ['too long input', `0905 ${' '.repeat(40)} 123 456`],
  ])('rejects %s (%j)', (_label, input) => {
    expect(normaliseVietnamesePhone(input)).toBeNull();
  });

  const mobileNsn = fc
    .tuple(fc.constantFrom('3', '5', '7', '8', '9'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }))
    .map(([first, rest]) => first + rest.join(''));
  const landlineNsn = fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 })
    .map((rest) => '2' + rest.join(''));
  const nsn = fc.oneof(mobileNsn, landlineNsn);
  const separator = fc.constantFrom('', ' ', '.', '-', '  ');

  /** Splits digits into groups joined by a random separator, like people type them. */
  const grouped = (digits: string) =>
    fc.tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 12 }), separator).map(([sizes, sep]) => {
      const parts: string[] = [];
      let i = 0;
      for (const size of sizes) {
        if (i >= digits.length) break;
        parts.push(digits.slice(i, i + size));
        i += size;
      }
      if (i < digits.length) parts.push(digits.slice(i));
      return parts.join(sep);
    });

  it('every typed form of a valid number normalises to the same E.164 value', () => {
    fc.assert(
      fc.property(
        nsn.chain((n) =>
          fc.tuple(
            fc.constant(n),
            grouped(n),
            fc.constantFrom('0', '+84 ', '+84', '84 ', '0084 ', '+84 (0) ', '+84 0', '(0'),
          ),
        ),
        ([n, body, prefix]) => {
          const typed = prefix === '(0' ? `(0${body.replace(/^(\d+)/, '$1)')}` : prefix + body;
          expect(normaliseVietnamesePhone(typed)).toBe(`+84${n}`);
        },
      ),
    );
  });

  it('is idempotent: a normalised number normalises to itself', () => {
    fc.assert(
      fc.property(nsn, (n) => {
        const once = normaliseVietnamesePhone(`0${n}`);
        expect(once).toBe(`+84${n}`);
        expect(normaliseVietnamesePhone(once!)).toBe(once);
      }),
    );
  });

  it('always returns null or a well-formed +84 number, never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^\+?[0-9 ().-]{0,20}$/)), (s) => {
        const result = normaliseVietnamesePhone(s);
        if (result !== null) expect(result).toMatch(/^\+84(?:[35789]\d{8}|2\d{9})$/);
      }),
    );
  });

  it('rejects any number whose national significant number has the wrong length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('3', '5', '7', '8', '9'),
        fc.integer({ min: 1, max: 12 }).filter((len) => len !== 9),
        (first, len) => {
          const n = (first + '1234567890123').slice(0, len);
          expect(normaliseVietnamesePhone(`0${n}`)).toBeNull();
          expect(normaliseVietnamesePhone(`+84${n}`)).toBeNull();
        },
      ),
    );
  });
});
