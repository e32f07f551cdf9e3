import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CoreModule, type EnvOverrides } from '../common/core.module.js';
import { ProblemFilter } from '../common/errors/problem.filter.js';
import { MetricsController } from '../common/metrics/metrics.controller.js';
import { MetricsService } from '../common/metrics/metrics.service.js';
import { HealthModule } from '../health/health.module.js';
import { AccessGuard } from '../identity/access.guard.js';
import { QueueDashboardModule } from '../queue-dashboard/queue-dashboard.module.js';
import { FEATURE_MODULES } from './feature-modules.js';

/** The HTTP front door: controllers, guards and filters over the shared feature modules. */
@Module({})
export class ApiModule {
  static register(overrides: EnvOverrides = {}, extraModules: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: ApiModule,
      imports: [CoreModule.forRoot('api', overrides), HealthModule, ...FEATURE_MODULES, QueueDashboardModule, ...extraModules],
      controllers: [MetricsController],
      providers: [MetricsService, { provide: APP_FILTER, useClass: ProblemFilter }, { provide: APP_GUARD, useClass: AccessGuard }],
    };
  }
}
