import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CoreModule, type EnvOverrides } from '../common/core.module.js';
import { validateEnv } from '../common/config/env.schema.js';
import { configureWorkers, QUEUE_PROCESSORS } from '../common/queue/dispatching.processor.js';
import { JobRegistry } from '../common/queue/job-registry.service.js';
import { FEATURE_MODULES } from './feature-modules.js';

/** The worker front door: queue consumers over the same feature modules, no HTTP. */
@Module({})
export class WorkerModule {
  static register(overrides: EnvOverrides = {}): DynamicModule {
    const env = validateEnv({ ...process.env, ...overrides });
    configureWorkers({ concurrency: env.WORKER_CONCURRENCY, lockMs: env.QUEUE_LOCK_MS });
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot('worker', overrides), DiscoveryModule, ...FEATURE_MODULES],
      providers: [JobRegistry, ...QUEUE_PROCESSORS],
    };
  }
}
