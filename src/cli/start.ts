import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitOnConfigError } from '../common/config/exit-on-config-error.js';
import { loadDotEnv } from '../common/config/load-env.js';
import { API_NODE_FLAGS } from './api-node-flags.js';
import { prepareDatabase } from './prepare-database.js';

/**
 * Single-machine mode: migrate once, then run the API and one worker as two child processes.
 * A signal is passed to both; the command exits when both have, with the worse exit code.
 * In production run `start:api` and `start:worker` apart and scale them separately.
 */
async function main(): Promise<void> {
  loadDotEnv();
  await prepareDatabase({ log: (line) => process.stdout.write(`${line}\n`) });
  const here = dirname(fileURLToPath(import.meta.url));
  // Children must not migrate again: it is done.
  const env = { ...process.env, RUN_MIGRATIONS: 'false' };
  const children: ChildProcess[] = [
    fork(join(here, '..', 'main.js'), [], { env, stdio: 'inherit', execArgv: [...process.execArgv, ...API_NODE_FLAGS] }),
    fork(join(here, '..', 'worker.js'), [], { env, stdio: 'inherit' }),
  ];
  let worst = 0;
  let stopping = false;
  let alive = children.length;
  for (const child of children) {
    child.on('exit', (code, signal) => {
      alive -= 1;
      worst = Math.max(worst, code ?? (signal ? 1 : 0));
      // If one dies unexpectedly, stop the other so a supervisor restarts the whole.
      if (!stopping) stop('SIGTERM');
      if (alive === 0) process.exit(worst);
    });
  }
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch(exitOnConfigError);
