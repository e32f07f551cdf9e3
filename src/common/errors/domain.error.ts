import { HttpStatus } from '@nestjs/common';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `targets.organisationIds.0`. */
  field: string;
  message: string;
  /** Stable machine-readable reason, e.g. `isUuid`, `unknownField`. */
  code: string;
}

/**
 * A failure the caller can act on. `code` is a stable string (clients and tests match on it);
 * the filter turns it into an RFC 9457 problem response.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: HttpStatus,
    detail: string,
    readonly extras: Record<string, unknown> = {},
    readonly errors: FieldProblem[] = [],
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id?: string | number) {
    super('NOT_FOUND', HttpStatus.NOT_FOUND, id === undefined ? `${entity} not found` : `${entity} ${id} not found`, { entity });
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, detail: string, extras: Record<string, unknown> = {}) {
    super(code, HttpStatus.CONFLICT, detail, extras);
  }
}

export class UnprocessableError extends DomainError {
  constructor(code: string, detail: string, extras: Record<string, unknown> = {}, errors: FieldProblem[] = []) {
    super(code, HttpStatus.UNPROCESSABLE_ENTITY, detail, extras, errors);
  }
}

export class ValidationError extends DomainError {
  constructor(errors: FieldProblem[], detail = 'The request has invalid fields; see errors[]') {
    super('VALIDATION_FAILED', HttpStatus.BAD_REQUEST, detail, {}, errors);
  }
}

/** Optimistic concurrency: the client edited a stale copy. */
export class StaleVersionError extends DomainError {
  constructor(entity: string, expected: number, actual: number, status: HttpStatus = HttpStatus.CONFLICT) {
    super('VERSION_CONFLICT', status, `${entity} was changed by someone else (your version ${expected}, current ${actual}); reload and retry`, {
      currentVersion: actual,
    });
  }
}
