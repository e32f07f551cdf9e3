import { HttpException, HttpStatus } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { DomainError, type FieldProblem } from './domain.error.js';
import { codeToSlug, type Language, problemTitle } from './problem-titles.js';

/** RFC 9457 problem details, plus our stable `code` and the request id. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export interface ProblemContext {
  lang: Language;
  path?: string;
  requestId?: string;
}

/** What the client is told, and whether the error was ours (logged as an error) or theirs. */
export interface ProblemOutcome {
  problem: ProblemDetails;
  headers: Record<string, string>;
  unexpected: boolean;
}

// Socket errors, class 08 (connection exception), 57P01–57P03 (shutdown, crash, cannot connect now), 53300 (too many connections).
const PG_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN', '08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300']);

/** Maps any thrown value to the one error format. Unknown errors reveal nothing but the request id. */
export function toProblem(error: unknown, ctx: ProblemContext): ProblemOutcome {
  const build = (
    status: number,
    code: string,
    detail: string,
    extras: Record<string, unknown> = {},
    errors?: FieldProblem[],
  ): ProblemDetails => ({
    // Extensions first: a domain extra can never overwrite a standard member such as `status`.
    ...extras,
    type: `/problems/${codeToSlug(code)}`,
    title: problemTitle(code, status, ctx.lang),
    status,
    detail,
    ...(ctx.path ? { instance: ctx.path } : {}),
    code,
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  });
  const expected = (problem: ProblemDetails, headers: Record<string, string> = {}): ProblemOutcome => ({
    problem,
    headers,
    unexpected: false,
  });

  if (error instanceof DomainError) {
    return expected(build(error.status, error.code, error.message, error.extras, error.errors));
  }
  if (error instanceof ThrottlerException) {
    return expected(build(429, 'TOO_MANY_REQUESTS', 'Too many attempts; wait before trying again'));
  }
  if (error instanceof HttpException) {
    // Nest wraps Fastify's own errors (body parsing, size limits); read the original.
    const cause = (error as { cause?: { code?: unknown } }).cause;
    if (typeof cause?.code === 'string' && cause.code.startsWith('FST_')) return toProblem(cause, ctx);
    const status = error.getStatus();
    const code = httpStatusCode(status);
    const response = error.getResponse();
    const detail =
      status === 404 && /^Cannot /.test(error.message)
        ? 'No route matches this method and path'
        : typeof response === 'object' && response && 'message' in response && typeof response.message === 'string'
          ? response.message
          : error.message;
    return expected(build(status, status === 404 && /^Cannot /.test(error.message) ? 'ROUTE_NOT_FOUND' : code, detail));
  }
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  if (typeof fastifyError?.code === 'string' && fastifyError.code.startsWith('FST_')) {
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return expected(build(400, 'MALFORMED_JSON', 'The body is not valid JSON'));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
      case 'FST_REQ_FILE_TOO_LARGE':
      case 'FST_FILES_LIMIT':
        return expected(build(413, 'PAYLOAD_TOO_LARGE', 'The request body exceeds the size limit'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return expected(build(415, 'UNSUPPORTED_MEDIA_TYPE', 'This route does not accept that Content-Type'));
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return expected(build(fastifyError.statusCode, httpStatusCode(fastifyError.statusCode), 'The request could not be read'));
    }
  }
  // Busboy's errors for a multipart body that does not parse (wrong boundary, truncated, bad headers).
  if (error instanceof Error && /multipart|boundary|part header/i.test(error.message) && !(error instanceof QueryFailedError)) {
    return expected(build(400, 'MALFORMED_MULTIPART', 'The multipart body could not be read'));
  }
  if (error instanceof SyntaxError && /JSON/.test(error.message)) {
    return expected(build(400, 'MALFORMED_JSON', 'The body is not valid JSON'));
  }
  if (error instanceof QueryFailedError) {
    const pgCode = (error.driverError as { code?: string } | undefined)?.code;
    if (pgCode === '57014') {
      return expected(build(503, 'SERVICE_UNAVAILABLE', 'The database took too long to answer; try again'), { 'retry-after': '5' });
    }
    if (pgCode && PG_CONNECTION_CODES.has(pgCode)) {
      return expected(build(503, 'SERVICE_UNAVAILABLE', 'The database is unavailable; try again shortly'), { 'retry-after': '5' });
    }
  }
  const code = (error as { code?: string } | undefined)?.code;
  if (code && PG_CONNECTION_CODES.has(code)) {
    return expected(build(503, 'SERVICE_UNAVAILABLE', 'A backing service is unavailable; try again shortly'), { 'retry-after': '5' });
  }
  // Redis away (ioredis: command timeout, no connection and no offline queue, retries exhausted).
  if (error instanceof Error && (error.name === 'MaxRetriesPerRequestError' || /^Command timed out$|Connection is closed|Stream isn't writeable|enableOfflineQueue/.test(error.message))) {
    return expected(build(503, 'SERVICE_UNAVAILABLE', 'A backing service is unavailable; try again shortly'), { 'retry-after': '5' });
  }
  // A connection lost inside a transaction: TypeORM releases the runner, and the COMMIT or ROLLBACK
  // then fails with "query runner already released" (QueryRunnerAlreadyReleasedError in TypeORM 1.x,
  // QueryRunnerProviderAlreadyReleasedError before) instead of the original connection error.
  if (error instanceof QueryRunnerAlreadyReleasedError || error instanceof QueryRunnerProviderAlreadyReleasedError || (error instanceof Error && /not queryable|Client was closed/i.test(error.message))) {
    return expected(build(503, 'SERVICE_UNAVAILABLE', 'The database connection was lost; try again shortly'), { 'retry-after': '2' });
  }
  if (error instanceof Error && /timeout exceeded when trying to connect|Connection terminated/i.test(error.message)) {
    return expected(build(503, 'SERVICE_UNAVAILABLE', 'The database is busy; try again shortly'), { 'retry-after': '2' });
  }
  return {
    problem: build(500, 'INTERNAL_ERROR', 'Something went wrong on our side; quote the request id when reporting it'),
    headers: {},
    unexpected: true,
  };
}

function httpStatusCode(status: number): string {
  const name = HttpStatus[status];
  return typeof name === 'string' ? name : status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
}
