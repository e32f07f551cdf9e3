import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './app/worker.module.js';
import { prepareDatabase } from './cli/prepare-database.js';
import { Env } from './common/config/env.schema.js';
import { exitOnConfigError } from './common/config/exit-on-config-error.js';
import { loadDotEnv } from './common/config/load-env.js';
import { handleShutdownSignals } from './common/lifecycle/graceful-shutdown.js';
import { QUEUE_PROCESSORS } from './common/queue/dispatching.processor.js';

async function bootstrap(): Promise<void> {
  loadDotEnv();
  await prepareDatabase();
  const app = await NestFactory.createApplicationContext(WorkerModule.register(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Worker.close() waits for the jobs it is running, then stops taking new ones.
  handleShutdownSignals(
    app,
    async () => void (await Promise.all(QUEUE_PROCESSORS.map((processor) => app.get(processor).worker.close()))),
    app.get(Env).SHUTDOWN_TIMEOUT_MS,
  );
  process.send?.({ ready: 'worker' });
}

bootstrap().catch(exitOnConfigError);
