import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { ALL_QUEUES } from '../common/queue/queue.constants.js';

export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';

/**
 * Bull Board at /admin/queues: every queue, failed jobs kept for inspection and retry.
 * Admin-only, enforced by `queueDashboardGate` (registered on the Fastify instance).
 */
@Module({
  imports: [
    BullBoardModule.forRoot({ route: QUEUE_DASHBOARD_ROUTE, adapter: FastifyAdapter, boardOptions: { uiConfig: { boardTitle: 'Outreach queues' } } }),
    BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullMQAdapter }))),
  ],
})
export class QueueDashboardModule {}
