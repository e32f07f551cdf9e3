import 'reflect-metadata';
import { createApi } from './app/create-api.js';
import { prepareDatabase } from './cli/prepare-database.js';
import { Env } from './common/config/env.schema.js';
import { exitOnConfigError } from './common/config/exit-on-config-error.js';
import { loadDotEnv } from './common/config/load-env.js';
import { handleShutdownSignals } from './common/lifecycle/graceful-shutdown.js';

async function bootstrap(): Promise<void> {
  loadDotEnv();
  await prepareDatabase();
  const app = await createApi();
  const env = app.get(Env);
  // Fastify's close stops accepting connections and resolves once in-flight requests are answered.
  handleShutdownSignals(app, () => app.getHttpAdapter().getInstance().close(), env.SHUTDOWN_TIMEOUT_MS);
  await app.listen({ port: env.PORT, host: env.HOST });
  process.send?.({ ready: 'api' });
}

bootstrap().catch(exitOnConfigError);
