import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain.error.js';
import { MAX_INPUT_DEPTH, normalizeInput } from './normalize-input.js';

const NFD = 'Nguyễn Văn Ánh'.normalize('NFD');

function refusal(value: unknown): { code: string; field: string } {
  try {
    normalizeInput(value);
  } catch (error) {
    const detail = (error as DomainError).errors[0]!;
    return { code: detail.code, field: detail.field };
  }
  throw new Error('accepted');
}

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('normalizeInput', () => {
  it('hands clean input on as it is (ASCII, composed Vietnamese, emoji, numbers, nulls, arrays)', () => {
    const body = { proofUrl: 'https://www.facebook.com/p/1', note: 'Đã chia sẻ 👍', n: 3, none: null, tags: ['a', 'ý'] };
    expect(normalizeInput(body)).toBe(body);
  });

  it('composes decomposed text, in values and keys, at any depth, without changing the original', () => {
    const body = { note: NFD, list: [{ [NFD]: NFD }] };
    const out = normalizeInput(body) as { note: string; list: Array<Record<string, string>> };
    expect(out).not.toBe(body);
    expect(out.note).toBe(NFD.normalize('NFC'));
    expect(out.list[0]![NFD.normalize('NFC')]).toBe(NFD.normalize('NFC'));
    expect(body.note).toBe(NFD);
  });

  it('keeps a query object without a prototype as one', () => {
    const query = Object.assign(Object.create(null) as Record<string, string>, { q: NFD });
    expect(Object.getPrototypeOf(normalizeInput(query))).toBeNull();
  });

  it('refuses NUL, a lone surrogate and nesting too deep, naming the field', () => {
    expect(refusal({ items: [{ note: 'a\u0000b' }] })).toEqual({ code: 'NUL_CHARACTER', field: 'items.0.note' });
    expect(refusal({ reason: 'x\ud800' })).toEqual({ code: 'INVALID_UNICODE', field: 'reason' });
    expect(refusal({ ['k\u0000']: 1 })).toEqual({ code: 'NUL_CHARACTER', field: '(body)' });
    expect(refusal(nested(MAX_INPUT_DEPTH + 1)).code).toBe('TOO_DEEP');
    expect(() => normalizeInput(nested(MAX_INPUT_DEPTH - 1))).not.toThrow();
  });
});
