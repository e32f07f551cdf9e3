import type { INestApplicationContext } from '@nestjs/common';

/**
 * On SIGTERM/SIGINT: first stop taking work (`drain`: close the HTTP listener and let in-flight
 * requests finish, or let workers finish their active jobs), then close the application, which
 * releases Postgres and Redis. Nest's own shutdown hooks would close the database before the
 * listener, failing requests still in flight; hence this order, owned here. A deadline exits
 * anyway if something hangs.
 */
let draining = false;

/** True once a shutdown signal arrived: the HTTP layer then asks clients to close their connections. */
export function isDraining(): boolean {
  return draining;
}

export function handleShutdownSignals(app: INestApplicationContext, drain: () => Promise<void>, deadlineMs: number): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    draining = true;
    const timer = setTimeout(() => {
      process.stderr.write(`Shutdown took longer than ${deadlineMs} ms after ${signal}; exiting\n`);
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    let code = 0;
    try {
      await drain();
    } catch (error) {
      process.stderr.write(`Draining failed: ${String(error)}\n`);
      code = 1;
    }
    try {
      await app.close();
    } catch (error) {
      process.stderr.write(`Closing failed: ${String(error)}\n`);
      code = 1;
    }
    process.exit(code);
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));
}
