import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/domain.error.js';
import { decodeCursor, encodeCursor } from './opaque-cursor.js';

describe('opaque cursors', () => {
  it('round-trips a sort key', () => {
    expect(decodeCursor(encodeCursor(['bt.soyte', 42]), 2)).toEqual(['bt.soyte', 42]);
  });
  it('treats an absent cursor as the first page', () => {
    expect(decodeCursor(undefined, 1)).toBeNull();
    expect(decodeCursor('', 1)).toBeNull();
  });
  it.each(['%%%', Buffer.from('{"a":1}').toString('base64url'), encodeCursor(['a', 'b']), encodeCursor([{ nested: true }])])(
    'refuses %s as a 400 validation problem',
    (cursor) => {
      expect(() => decodeCursor(cursor, 1)).toThrow(ValidationError);
    },
  );
});
