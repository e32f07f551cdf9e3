import { SetMetadata } from '@nestjs/common';
import type { JobName } from './queue.constants.js';

export const ON_JOB = Symbol('ON_JOB');
export const ON_JOB_GIVEN_UP = Symbol('ON_JOB_GIVEN_UP');

/** Marks a provider method as the handler of one job. Each job has exactly one handler. */
export const OnJob = (name: JobName) => SetMetadata(ON_JOB, name);

/**
 * Marks a provider method as what to do when BullMQ fails a job of this name WITHOUT running its
 * handler: the job stalled more often than allowed (the worker running it died or froze each time,
 * see QUEUE_LOCK_MS), so its own final-failure path never ran. Called with the job's payload and
 * BullMQ's reason; at most one per job name; optional.
 */
export const OnJobGivenUp = (name: JobName) => SetMetadata(ON_JOB_GIVEN_UP, name);
