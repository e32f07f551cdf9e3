import { Controller, Get, HttpStatus, Inject, Logger } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/public.decorator.js';
import { DomainError } from '../common/errors/domain.error.js';
import { REDIS } from '../common/redis/redis.module.js';
import { withTimeout } from '../common/util/with-timeout.util.js';

const CHECK_TIMEOUT_MS = 1_500;

@ApiTags('operations')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Readiness');
  /** What failed at the last probe ('' when ready): a change is logged, not every probe. */
  private lastFailing = '';

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up (does not touch Postgres or Redis)' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Postgres and Redis answer and every migration is applied' })
  @ApiOkResponse({ schema: { example: { status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' }, migrations: { status: 'up' } } } } })
  @ApiServiceUnavailableResponse({ description: 'Problem details naming the failing dependency in `checks`' })
  async ready(): Promise<unknown> {
    try {
      const result = await this.health.check([() => this.postgres(), () => this.redisPing(), () => this.migrations()]);
      if (this.lastFailing) this.logger.log(`Ready again (${this.lastFailing} answered)`);
      this.lastFailing = '';
      return result;
    } catch (error) {
      const checks = (error as { response?: { error?: Record<string, unknown>; details?: unknown } }).response;
      const failing = Object.keys(checks?.error ?? {});
      const now = failing.join(', ') || 'unknown';
      if (now !== this.lastFailing) this.logger.warn({ checks: checks?.error }, `Not ready: ${now} unavailable`);
      this.lastFailing = now;
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        HttpStatus.SERVICE_UNAVAILABLE,
        failing.length ? `Not ready: ${failing.join(', ')} unavailable` : 'Not ready',
        { checks: checks?.details ?? {} },
      );
    }
  }

  private async postgres(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('postgres');
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), CHECK_TIMEOUT_MS, 'postgres');
      return check.up();
    } catch (error) {
      return check.down({ message: describe(error) });
    }
  }

  private async redisPing(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('redis');
    try {
      await withTimeout(this.redis.ping(), CHECK_TIMEOUT_MS, 'redis');
      return check.up();
    } catch (error) {
      return check.down({ message: describe(error) });
    }
  }

  private async migrations(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('migrations');
    try {
      const pending = await withTimeout(this.dataSource.showMigrations(), CHECK_TIMEOUT_MS, 'migrations');
      return pending ? check.down({ message: 'migrations are pending; run `npm run migration:run`' }) : check.up();
    } catch (error) {
      return check.down({ message: describe(error) });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'unavailable';
}
