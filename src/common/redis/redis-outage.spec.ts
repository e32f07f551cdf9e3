import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isRedisOutageError, MAX_REMEMBERED_MESSAGES, RedisOutageLog } from './redis-outage.js';

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', syscall: 'connect' });
}

function recorder() {
  const lines: Array<[level: string, message: string]> = [];
  const at = (level: string) => (_obj: unknown, message?: unknown) => lines.push([level, String(message)]);
  return { lines, logger: { warn: at('warn'), log: at('log'), error: at('error') } };
}

describe('RedisOutageLog', () => {
  it('logs one warning per outage whatever the number of connections and retries, and the recovery once', () => {
    const { lines, logger } = recorder();
    const log = new RedisOutageLog(logger);
    const client = log.watch('client', new EventEmitter());
    const queueBackend = new EventEmitter();
    const queue = log.watch('queue campaigns', new EventEmitter(), queueBackend);
    for (let i = 0; i < 50; i++) {
      client.emit('error', refused());
      queue.emit('error', refused());
    }
    expect(log.down).toBe(true);
    queueBackend.emit('ready');
    client.emit('ready');
    expect(lines.map(([level]) => level)).toEqual(['warn', 'log']);
    expect(lines[0]![1]).toMatch(/^Redis unreachable \(client: connect ECONNREFUSED/);
    expect(lines[1]![1]).toMatch(/^Redis reachable again \(queue campaigns\) after \d+ ms; 99 more connection error/);

    // A second outage is a new warning.
    queue.emit('error', new Error('Connection is closed.'));
    expect(lines.map(([level]) => level)).toEqual(['warn', 'log', 'warn']);
  });

  it('logs other errors at error level, the same one at most once a minute', () => {
    const { lines, logger } = recorder();
    const log = new RedisOutageLog(logger);
    const worker = log.watch('worker reports', new EventEmitter());
    for (let i = 0; i < 5; i++) worker.emit('error', new Error('ERR Error running script'));
    worker.emit('error', new Error('Missing lock for job 12'));
    expect(lines.map(([level]) => level)).toEqual(['error', 'error']);
    expect(log.down).toBe(false);
  });

  it('remembers a bounded number of messages: one carrying ids does not grow it for ever', () => {
    const { lines, logger } = recorder();
    const log = new RedisOutageLog(logger);
    const worker = log.watch('worker reports', new EventEmitter());
    for (let i = 0; i <= MAX_REMEMBERED_MESSAGES; i++) worker.emit('error', new Error(`Missing lock for job ${i}`));
    expect(lines).toHaveLength(MAX_REMEMBERED_MESSAGES + 1);
    // The latest are still held back; the first, logged longest ago, was forgotten to make room.
    worker.emit('error', new Error(`Missing lock for job ${MAX_REMEMBERED_MESSAGES}`));
    expect(lines).toHaveLength(MAX_REMEMBERED_MESSAGES + 1);
    worker.emit('error', new Error('Missing lock for job 0'));
    expect(lines).toHaveLength(MAX_REMEMBERED_MESSAGES + 2);
  });

  it('tells outage errors from others', () => {
    expect(isRedisOutageError(refused())).toBe(true);
    expect(isRedisOutageError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRedisOutageError(new Error('Command timed out'))).toBe(true);
    expect(isRedisOutageError(new Error('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(isRedisOutageError(new Error('ERR unknown command'))).toBe(false);
    expect(isRedisOutageError('ECONNREFUSED')).toBe(false);
  });
});
