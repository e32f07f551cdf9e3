import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createApi } from '../../../src/app/create-api.js';
import type { EnvOverrides } from '../../../src/common/core.module.js';
import type { MatrixWorld } from '../../authz/route-matrix.types.js';
import { createTwoUnitWorld } from '../../support/fixtures.js';
import { dropDatabase } from '../../support/postgres.js';
import { type SpawnedService, spawnService } from '../../support/spawn-service.js';
import { clearRedisPrefix, createTestDatabase, type TestContext, testEnv, waitFor } from '../../support/test-app.js';

/**
 * A test database of its own, an in-process API (for tokens and fixtures) and workers run as real
 * processes (`dist/src/worker.js`) that a test may SIGKILL and start again.
 */
export class FaultWorld {
  readonly workers: SpawnedService[] = [];
  private constructor(
    readonly app: NestFastifyApplication,
    readonly env: EnvOverrides,
    readonly dbName: string,
    readonly storageDir: string,
    readonly world: MatrixWorld,
  ) {}

  static async create(extra: EnvOverrides = {}): Promise<FaultWorld> {
    const dbName = await createTestDatabase();
    const storageDir = mkdtempSync(join(tmpdir(), 'outreach-faults-storage-'));
    const env = testEnv(dbName, { STORAGE_DIR: storageDir, OUTBOX_POLL_MS: '200', OUTBOX_RECONCILE_MS: '1000', LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'silent', ...extra });
    const app = await createApi({ env });
    const world = await createTwoUnitWorld({ app, dataSource: app.get(DataSource) } as TestContext);
    return new FaultWorld(app, env, dbName, storageDir, world);
  }

  get ds(): DataSource {
    return this.app.get(DataSource);
  }

  async startWorker(extra: EnvOverrides = {}): Promise<SpawnedService> {
    const worker = await spawnService('worker', { ...this.env, ...extra });
    this.workers.push(worker);
    return worker;
  }

  /** SIGKILL: no shutdown hooks, no draining — a crash or an OOM kill. */
  async kill(service: SpawnedService): Promise<void> {
    if (service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
  }

  exportFiles(): string[] {
    try {
      return readdirSync(join(this.storageDir, 'exports'));
    } catch {
      return [];
    }
  }

  async waitFor<T>(probe: () => Promise<T> | T, what: string, timeoutMs = 120_000): Promise<NonNullable<T>> {
    return waitFor(probe, { timeoutMs, intervalMs: 200, what });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => this.kill(w)));
    await this.app.close().catch(() => undefined);
    await clearRedisPrefix(String(this.env.REDIS_PREFIX), String(this.env.REDIS_URL)).catch(() => undefined);
    await dropDatabase(this.dbName);
    rmSync(this.storageDir, { recursive: true, force: true });
  }
}
