import { HttpStatus } from '@nestjs/common';
import { DomainError, StaleVersionError } from '../errors/domain.error.js';

/** The version a write expects the row to have, and how a mismatch is answered. */
export interface ExpectedVersion {
  version: number | null;
  /** 409 for a stale body `version`, 412 for a failed `If-Match`. */
  status: HttpStatus.CONFLICT | HttpStatus.PRECONDITION_FAILED;
}

export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * Optimistic concurrency: an update must say which version it edits, in the body or as
 * `If-Match: W/"<version>"`, so nothing is silently overwritten. `If-Match: *` means any version.
 */
export function expectedVersion(bodyVersion: number | undefined, ifMatch: string | undefined, required: boolean): ExpectedVersion {
  if (ifMatch !== undefined && ifMatch.trim() !== '') {
    const value = ifMatch.trim();
    if (value === '*') return { version: null, status: HttpStatus.PRECONDITION_FAILED };
    const match = /^(?:W\/)?"(\d{1,9})"$/.exec(value);
    if (!match) throw new DomainError('INVALID_IF_MATCH', HttpStatus.BAD_REQUEST, 'If-Match must be an ETag this API issued, e.g. W/"3"');
    const version = Number(match[1]);
    if (bodyVersion !== undefined && bodyVersion !== version) {
      throw new DomainError('INVALID_IF_MATCH', HttpStatus.BAD_REQUEST, 'If-Match and the body version disagree');
    }
    return { version, status: HttpStatus.PRECONDITION_FAILED };
  }
  if (bodyVersion !== undefined) return { version: bodyVersion, status: HttpStatus.CONFLICT };
  if (required) {
    throw new DomainError('VERSION_REQUIRED', HttpStatus.PRECONDITION_REQUIRED, 'Send the version you edited: `version` in the body or If-Match: W/"<version>"');
  }
  return { version: null, status: HttpStatus.CONFLICT };
}

/** Throws when the row moved on since the client read it. */
export function assertVersion(entity: string, expected: ExpectedVersion, actual: number): void {
  if (expected.version !== null && expected.version !== actual) throw new StaleVersionError(entity, expected.version, actual, expected.status);
}
