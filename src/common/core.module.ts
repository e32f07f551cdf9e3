import { BullModule } from '@nestjs/bullmq';
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { Env, validateEnv } from './config/env.schema.js';
import { dataSourceOptions } from './database/data-source.js';
import { loggerOptions } from './logging/logger.options.js';
import { ALL_QUEUES, DEFAULT_JOB_OPTIONS } from './queue/queue.constants.js';
import { WatchedQueue, WatchedWorker } from './queue/watched-queue.js';
import { redisOptionsFromUrl } from './redis/redis-options.js';
import { RedisModule } from './redis/redis.module.js';

// Every queue and worker BullModule creates reports its Redis connection errors (one warning per outage).
BullModule.queueClass = WatchedQueue;
BullModule.workerClass = WatchedWorker;

export type EnvOverrides = Record<string, string | undefined>;
export type ProcessRole = 'api' | 'worker';
/** Which front door this process is; lets a shared provider do worker-only start-up work. */
export const PROCESS_ROLE = Symbol('PROCESS_ROLE');

/**
 * What both front doors (HTTP and worker) need: validated configuration, logging, Postgres,
 * Redis and the queues. `overrides` let tests point one app at its own database and Redis prefix.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(role: ProcessRole, overrides: EnvOverrides = {}): DynamicModule {
    let env: Env | undefined;
    const resolveEnv = (): Env => (env ??= validateEnv({ ...process.env, ...overrides }));
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          // Entry points load `.env` into process.env first (see load-env.ts).
          ignoreEnvFile: true,
          validate: (raw) => (env = validateEnv({ ...raw, ...overrides })),
        }),
        LoggerModule.forRootAsync({ useFactory: () => loggerOptions(resolveEnv(), role) }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions({
              url: resolveEnv().DATABASE_URL,
              poolSize: resolveEnv().DATABASE_POOL_SIZE,
              statementTimeoutMs: resolveEnv().DATABASE_STATEMENT_TIMEOUT_MS,
              applicationName: `outreach-${role}`,
            }),
            migrationsRun: false,
            // Keep the app up when Postgres is briefly away at start; readiness reports it.
            retryAttempts: 10,
            retryDelay: 1_000,
          }),
        }),
        BullModule.forRootAsync({
          useFactory: () => ({
            connection: redisOptionsFromUrl(resolveEnv().REDIS_URL, { maxRetriesPerRequest: null }) as BullRedisOptions,
            prefix: resolveEnv().REDIS_PREFIX,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
        RedisModule,
      ],
      providers: [{ provide: Env, useFactory: resolveEnv }, { provide: PROCESS_ROLE, useValue: role }],
      exports: [Env, PROCESS_ROLE, BullModule],
    };
  }
}
