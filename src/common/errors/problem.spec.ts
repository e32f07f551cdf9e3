import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { toProblem } from './problem.js';

const ctx = { lang: 'en' as const, path: '/api/v1/collaborators', requestId: 'r-1' };

describe('toProblem: the database going away mid-request', () => {
  it('answers 503 with Retry-After, not an unexpected 500, when the transaction lost its connection before COMMIT', () => {
    // Seen in the Postgres-restart fault test: TypeORM 1.x releases the runner on the connection
    // error, and commitTransaction then throws QueryRunnerAlreadyReleasedError.
    for (const error of [new QueryRunnerAlreadyReleasedError(), new QueryRunnerProviderAlreadyReleasedError(), new Error('Client has encountered a connection error and is not queryable')]) {
      const { problem, headers, unexpected } = toProblem(error, ctx);
      expect(problem.status).toBe(503);
      expect(headers['retry-after']).toBeDefined();
      expect(unexpected).toBeFalsy();
    }
  });

  it('still answers 500 for an error it does not know', () => {
    const { problem, unexpected } = toProblem(new Error('something else'), ctx);
    expect(problem.status).toBe(500);
    expect(unexpected).toBe(true);
  });
});
