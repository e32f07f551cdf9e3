import { SetMetadata } from '@nestjs/common';
import type { JobName } from './queue.constants.js';

export const ON_JOB = Symbol('ON_JOB');

/** Marks a provider method as the handler of one job. Each job has exactly one handler. */
export const OnJob = (name: JobName) => SetMetadata(ON_JOB, name);
