/**
 * The built API and worker (`dist/src/main.js`, `dist/src/worker.js`) as real processes, as
 * `npm start` runs them: for scenarios about several processes sharing one Postgres and Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_NODE_FLAGS } from '../../src/cli/api-node-flags.js';
import type { EnvOverrides } from '../../src/common/core.module.js';
import { stopChild, trackChild } from './servers.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/ (this file is dist/bench/lib/processes.js when built). */
const DIST = here.includes(`${join('dist', 'bench')}`) ? join(here, '..', '..') : join(here, '..', '..', 'dist');

export interface AppProcess {
  role: 'api' | 'worker';
  index: number;
  pid: number;
  /** API only. */
  url?: string;
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls `check` until it is truthy or `timeoutMs` passes (then throws naming `what`). */
export async function waitUntil<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 120_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts `dist/src/main.js` (role api) or `dist/src/worker.js`; an API is returned once /health answers. */
export async function startProcess(role: 'api' | 'worker', index: number, env: EnvOverrides): Promise<AppProcess> {
  const script = join(DIST, 'src', role === 'api' ? 'main.js' : 'worker.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build`);
  const port = role === 'api' ? await freePort() : undefined;
  let output = '';
  const child = trackChild(
    spawn(process.execPath, [...(role === 'api' ? API_NODE_FLAGS : []), script], {
      env: { ...process.env, ...env, ...(port ? { PORT: String(port), HOST: '127.0.0.1' } : {}) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    }),
  );
  let ready = false;
  child.on('message', (m: { ready?: string }) => (ready ||= m?.ready === 'worker'));
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const proc: AppProcess = { role, index, pid: child.pid!, child, output: () => output, stop: () => stopChild(child, 20_000) };
  if (port) {
    proc.url = `http://127.0.0.1:${port}`;
    await waitUntil(async () => child.exitCode !== null || (await fetch(`${proc.url}/health`)).ok, `${role} ${index} on port ${port}`, 300_000).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw new Error(`${String(error)}\n${output.slice(-2000)}`);
    });
    if (child.exitCode !== null) throw new Error(`${role} ${index} exited (${child.exitCode}):\n${output.slice(-2000)}`);
  }
  // The worker says so over IPC once its queues are consumed (src/worker.ts).
  else {
    await waitUntil(async () => ready || child.exitCode !== null, `worker ${index} to be ready`, 300_000).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw new Error(`${String(error)}\n${output.slice(-2000)}`);
    });
    if (child.exitCode !== null) throw new Error(`worker ${index} exited (${child.exitCode}):\n${output.slice(-2000)}`);
  }
  return proc;
}
