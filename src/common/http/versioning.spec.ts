import { HttpStatus } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain.error.js';
import { assertVersion, etagOf, expectedVersion } from './versioning.js';

describe('optimistic concurrency', () => {
  it('reads If-Match (weak or strong) as a 412 precondition and a body version as a 409 one', () => {
    expect(expectedVersion(undefined, etagOf(3), true)).toEqual({ version: 3, status: HttpStatus.PRECONDITION_FAILED });
    expect(expectedVersion(undefined, '"3"', true)).toEqual({ version: 3, status: HttpStatus.PRECONDITION_FAILED });
    expect(expectedVersion(4, undefined, true)).toEqual({ version: 4, status: HttpStatus.CONFLICT });
    expect(expectedVersion(undefined, '*', true).version).toBeNull();
  });

  it('requires a version when asked, and refuses a malformed or contradictory If-Match', () => {
    expect(() => expectedVersion(undefined, undefined, true)).toThrow(expect.objectContaining({ status: HttpStatus.PRECONDITION_REQUIRED }));
    expect(expectedVersion(undefined, undefined, false).version).toBeNull();
    expect(() => expectedVersion(undefined, 'W/3', true)).toThrow(DomainError);
    expect(() => expectedVersion(2, 'W/"3"', true)).toThrow(DomainError);
  });

  it('answers a stale version with the status its source asks for', () => {
    expect(() => assertVersion('Channel', { version: 1, status: HttpStatus.PRECONDITION_FAILED }, 2)).toThrow(
      expect.objectContaining({ code: 'VERSION_CONFLICT', status: 412 }),
    );
    expect(() => assertVersion('Channel', { version: 2, status: HttpStatus.CONFLICT }, 2)).not.toThrow();
  });
});
