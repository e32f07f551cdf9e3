import { type Processor, Queue, type QueueOptions, Worker, type WorkerOptions } from 'bullmq';
import { redisOutages } from '../redis/redis-outage.js';

/**
 * The Queue and Worker classes `BullModule` instantiates (see CoreModule): the stock ones with their
 * connection errors reported to `redisOutages` from the moment they exist. BullMQ re-emits each
 * connection error on the Queue or Worker, and with no listener there it writes every failed
 * reconnection to stderr.
 */
export class WatchedQueue extends Queue {
  constructor(name: string, opts: QueueOptions) {
    super(name, opts);
    redisOutages.watch(`queue ${name}`, this, this.getBackend());
  }
}

export class WatchedWorker extends Worker {
  constructor(name: string, processor: string | URL | null | Processor | undefined, opts: WorkerOptions) {
    super(name, processor, opts);
    redisOutages.watch(`worker ${name}`, this, this.getBackend());
  }
}
