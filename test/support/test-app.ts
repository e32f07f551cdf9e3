import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { createApi } from '../../src/app/create-api.js';
import { WorkerModule } from '../../src/app/worker.module.js';
import type { EnvOverrides } from '../../src/common/core.module.js';
import { databaseUrl, dropDatabase, withAdmin } from './postgres.js';

export interface TestContext {
  app: NestFastifyApplication;
  env: EnvOverrides;
  dbName: string;
  dataSource: DataSource;
  /** Starts a worker process-equivalent (its own Nest context) on the same database and Redis prefix. */
  startWorker(): Promise<INestApplicationContext>;
  close(): Promise<void>;
}

export interface TestContextOptions {
  env?: EnvOverrides;
  extraModules?: Array<Type | DynamicModule>;
}

/** A fresh database cloned from the migrated template, and a Redis prefix of its own. */
export async function createTestDatabase(): Promise<string> {
  const template = process.env.TEST_TEMPLATE_DB;
  if (!template) throw new Error('TEST_TEMPLATE_DB is not set: run tests through vitest (global setup)');
  // The pid lets a later run drop databases of a test process that was killed.
  const name = `outreach_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      return name;
    } catch (error) {
      // Another file cloning the template at this instant; try again shortly.
      if (attempt > 20 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
    }
  }
}

export function testEnv(dbName: string, extra: EnvOverrides = {}): EnvOverrides {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(dbName),
    DATABASE_POOL_SIZE: '6',
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `otest:${dbName}`,
    RUN_MIGRATIONS: 'false',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

export async function createTestContext(options: TestContextOptions = {}): Promise<TestContext> {
  const dbName = await createTestDatabase();
  const env = testEnv(dbName, options.env);
  const app = await createApi({ env, extraModules: options.extraModules });
  const workers: INestApplicationContext[] = [];
  return {
    app,
    env,
    dbName,
    dataSource: app.get(DataSource),
    async startWorker() {
      const worker = await NestFactory.createApplicationContext(WorkerModule.register(env), { logger: false });
      await worker.init();
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.allSettled(workers.map((w) => w.close()));
      await app.close();
      await clearRedisPrefix(String(env.REDIS_PREFIX));
      await dropDatabase(dbName);
    },
  };
}

export async function clearRedisPrefix(prefix: string, url = 'redis://127.0.0.1:6379'): Promise<void> {
  // Errors reach the commands below; the listener keeps ioredis from printing them as unhandled too.
  const redis = new Redis(url, { maxRetriesPerRequest: 1 }).on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls `probe` until it returns a truthy value or the deadline passes (no fixed sleeps in tests). */
export async function waitFor<T>(probe: () => Promise<T> | T, { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}
