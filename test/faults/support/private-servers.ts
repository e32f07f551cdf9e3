import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createDataSource, runMigrations } from '../../../src/common/database/data-source.js';
import { freePort } from '../../support/spawn-service.js';
import { waitFor } from '../../support/test-app.js';

const run = promisify(execFile);
const PG_BIN = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** initdb refuses to run as root: as root, the cluster runs as the `postgres` system user (runuser). */
const asRoot = process.getuid?.() === 0;
const pgCommand = (bin: string, args: string[]): [string, string[]] =>
  asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]] : [join(PG_BIN, bin), args];

/**
 * A throwaway PostgreSQL cluster in a temp dir on a random loopback port, so a test may restart
 * it, exhaust its connections or lock its tables without touching the shared server.
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly options: string[],
  ) {}

  static async start(settings: { maxConnections?: number } = {}): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'outreach-faults-pg-'));
    if (asRoot) chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
    const port = await freePort();
    const data = join(dir, 'data');
    await run(...pgCommand('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']));
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses='127.0.0.1'",
      `-c max_connections=${settings.maxConnections ?? 40}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c shared_buffers=32MB',
    ];
    const server = new PrivatePostgres(dir, port, options);
    await server.ctl('start');
    return server;
  }

  get serverUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  url(database = 'outreach'): string {
    return `${this.serverUrl}/${database}`;
  }

  async ctl(action: 'start' | 'stop' | 'restart', mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const data = join(this.dir, 'data');
    const args =
      action === 'stop'
        ? ['-D', data, '-m', mode, '-w', 'stop']
        : action === 'restart'
          ? ['-D', data, '-m', mode, '-w', '-l', join(this.dir, 'log'), '-o', this.options.join(' '), 'restart']
          : ['-D', data, '-w', '-l', join(this.dir, 'log'), '-o', this.options.join(' '), 'start'];
    await run(...pgCommand('pg_ctl', args));
  }

  /** A migrated database, as the service expects it. */
  async createDatabase(name = 'outreach'): Promise<string> {
    await this.query(`CREATE DATABASE "${name}"`, 'postgres');
    const ds = createDataSource({ url: this.url(name), poolSize: 2, statementTimeoutMs: 0 });
    await ds.initialize();
    try {
      await runMigrations(ds);
    } finally {
      await ds.destroy();
    }
    return this.url(name);
  }

  async query<T = Record<string, unknown>>(sql: string, database = 'outreach', params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    await this.ctl('stop', 'immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A throwaway redis-server on a random loopback port: FLUSHALL, restart and outages stay private. */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const server = new PrivateRedis(mkdtempSync(join(tmpdir(), 'outreach-faults-redis-')), await freePort());
    await server.startProcess();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async startProcess(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: 'ignore' });
    await waitFor(async () => (await this.command((r) => r.ping())) === 'PONG', { timeoutMs: 15_000, what: `redis-server on ${this.port}` });
  }

  /** One command on a short-lived connection that gives up at once if the server is away. */
  async command<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    const r = new Redis({ port: this.port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
    // A refused connection rejects connect(); without a listener ioredis would also print it as unhandled.
    r.on('error', () => undefined);
    try {
      await r.connect();
      return await fn(r);
    } finally {
      r.disconnect();
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.startProcess();
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers — a network partition. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async destroy(): Promise<void> {
    this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
