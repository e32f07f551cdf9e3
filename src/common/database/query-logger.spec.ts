import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueryLogger } from './query-logger.js';

describe('QueryLogger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs a refusal the code answers itself (unique violation, deadlock) at debug, anything else at error, never the parameters', () => {
    const debug = vi.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const logger = new QueryLogger();
    const unique = Object.assign(new Error('duplicate key value violates unique constraint "share_task_proof_url_key"'), { code: '23505' });
    logger.logQueryError(unique, 'UPDATE share_task SET proof_url = $1', ['https://facebook.com/secret-post']);
    logger.logQueryError(Object.assign(new Error('deadlock detected'), { code: '40P01' }), 'UPDATE x');
    expect(debug).toHaveBeenCalledTimes(2);
    expect(error).not.toHaveBeenCalled();

    logger.logQueryError(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }), `SELECT ${'x'.repeat(2000)}`, ['p@ss']);
    expect(error).toHaveBeenCalledTimes(1);
    const [fields] = error.mock.calls[0]! as [{ code: string; query: string }];
    expect(fields.code).toBe('57014');
    expect(fields.query.length).toBeLessThan(600);
    expect(JSON.stringify([...debug.mock.calls, ...error.mock.calls])).not.toMatch(/secret-post|p@ss/);
  });
});
