import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Job } from 'bullmq';
import { ON_JOB, ON_JOB_GIVEN_UP } from './on-job.decorator.js';
import { JobName } from './queue.constants.js';

type Handler = (payload: unknown, job: Job) => Promise<unknown>;
type GivenUpHandler = (payload: unknown, reason: string) => Promise<unknown>;

/**
 * Finds every `@OnJob` method in the worker's providers. Start-up fails when a job has no
 * handler or two, so a missing processor is found at boot, not when its first job is lost.
 */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, Handler>();
  private readonly givenUpHandlers = new Map<string, GivenUpHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const found = new Map<string, string[]>();
    const givenUp = new Map<string, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const owner = `${prototype.constructor.name}.${method}`;
        const abandoned = this.reflector.get<JobName | undefined>(ON_JOB_GIVEN_UP, fn as () => unknown);
        if (abandoned) {
          givenUp.set(abandoned, [...(givenUp.get(abandoned) ?? []), owner]);
          this.givenUpHandlers.set(abandoned, (fn as GivenUpHandler).bind(instance));
        }
        const name = this.reflector.get<JobName | undefined>(ON_JOB, fn as () => unknown);
        if (!name) continue;
        found.set(name, [...(found.get(name) ?? []), owner]);
        this.handlers.set(name, (fn as Handler).bind(instance));
      }
    }
    const problems: string[] = [];
    for (const name of Object.values(JobName)) {
      const owners = found.get(name) ?? [];
      if (owners.length === 0) problems.push(`job "${name}" has no handler`);
      if (owners.length > 1) problems.push(`job "${name}" has ${owners.length} handlers: ${owners.join(', ')}`);
      const fallbacks = givenUp.get(name) ?? [];
      if (fallbacks.length > 1) problems.push(`job "${name}" has ${fallbacks.length} given-up handlers: ${fallbacks.join(', ')}`);
    }
    if (problems.length > 0) throw new Error(`Job registry is inconsistent: ${problems.join('; ')}`);
  }

  async dispatch(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    // An unknown name is a job from a newer or older release; failing it keeps it inspectable.
    if (!handler) throw new Error(`No handler for job "${job.name}"`);
    return handler(job.data, job);
  }

  /**
   * BullMQ failed `job` without running its handler (it stalled more often than allowed): runs the
   * job's `@OnJobGivenUp` method if it has one, so what the job was doing is not left `running`.
   */
  async givenUp(job: Pick<Job, 'name' | 'data'>, reason: string): Promise<boolean> {
    const handler = this.givenUpHandlers.get(job.name);
    if (!handler) return false;
    await handler(job.data, reason);
    return true;
  }
}
