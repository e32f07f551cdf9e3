/**
 * Servers under test run in child processes (bench/servers/bench-server.ts) while the parent
 * generates load: on 2 cores, autocannon and the server in one process share one event loop and
 * the figure measures both (see bench/README.md, "Why a separate process").
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_NODE_FLAGS } from '../../src/cli/api-node-flags.js';
import type { EnvOverrides } from '../../src/common/core.module.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled child script; from sources (tests) it is the build's copy (`npm test` builds first). */
const SERVER_SCRIPT = existsSync(join(here, '..', 'servers', 'bench-server.js'))
  ? join(here, '..', 'servers', 'bench-server.js')
  : join(here, '..', '..', 'dist', 'bench', 'servers', 'bench-server.js');

/**
 * Every child a bench run starts, killed if the run itself ends first (an error, Ctrl-C). An
 * orphaned worker would otherwise keep consuming the bench's queues and steal the next run's jobs.
 */
const live = new Set<ChildProcess>();
let reaperInstalled = false;
export function trackChild(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!reaperInstalled) {
    reaperInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  }
  return child;
}

export interface BenchServer {
  mode: 'app' | 'noop' | 'update';
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Environment for the child (DATABASE_URL, REDIS_PREFIX, …), merged over process.env. */
  env?: EnvOverrides;
  /** pg pool size of the `update` baseline (match the app's DATABASE_POOL_SIZE). */
  poolSize?: number;
  startTimeoutMs?: number;
}

export function startServer(mode: BenchServer['mode'], options: ServerOptions = {}): Promise<BenchServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...options.env };
  if (options.poolSize) env.BENCH_POOL_SIZE = String(options.poolSize);
  else env.BENCH_POOL_SIZE = env.DATABASE_POOL_SIZE ?? '20';
  // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  // BENCH_SERVER_NODE_ARGS="--max-old-space-size=160 …": extra Node flags for the servers under test only.
  const execArgv = [
    // The API runs with the flags it is deployed with (src/cli/api-node-flags.ts).
    ...(mode === 'app' ? API_NODE_FLAGS : []),
    ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  ];
  const child = trackChild(fork(SERVER_SCRIPT, [mode], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv }));
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench server "${mode}" did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench server "${mode}" exited with code ${code} before listening`));
    });
    child.on('message', (message: { port?: number }) => {
      if (typeof message?.port !== 'number') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ mode, url: `http://127.0.0.1:${message.port}`, pid: child.pid!, child, stop: () => stopChild(child) });
    });
  });
}

/** The same-run baselines: a bare NestJS 12 app on the Fastify adapter, `GET|POST /noop` or `/update`. */
export function startBaselineServer(kind: 'noop' | 'update', options: ServerOptions = {}): Promise<BenchServer> {
  return startServer(kind, options);
}

/** The real API in a child process, on the bench's database and Redis prefix. */
export function startAppServer(options: ServerOptions = {}): Promise<BenchServer> {
  return startServer('app', options);
}

export function stopChild(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
