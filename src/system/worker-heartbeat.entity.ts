import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Last time each worker process ran a job: lets an operator see which workers are alive. */
@Entity('worker_heartbeat')
export class WorkerHeartbeat {
  @PrimaryColumn({ type: 'text' })
  workerId: string;

  @Column({ type: 'text' })
  hostname: string;

  @Column({ type: 'int' })
  pid: number;

  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'timestamptz' })
  seenAt: Date;

  @Column({ type: 'bigint', default: 0 })
  beats: string;
}
