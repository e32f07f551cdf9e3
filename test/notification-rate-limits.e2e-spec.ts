import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueName } from '../src/common/queue/queue.constants.js';
import { Clock } from '../src/notifications/clock.js';
import { NotificationDeliveryService } from '../src/notifications/notification-delivery.service.js';
import { NotificationService } from '../src/notifications/notification.service.js';
import { createOrganisation } from './support/fixtures.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';
import { createCampaign, createManyCollaborators, createPersonalTasks, startZnsPeer } from './notification-peers.js';

/**
 * Each channel's queue is held to NOTIFICATION_<CHANNEL>_PER_SECOND by BullMQ's queue rate limit,
 * so a big launch cannot exceed the provider's quota. Here Zalo is set to 1 per second.
 */
describe('notification rate limits', () => {
  let ctx: TestContext;
  let worker: INestApplicationContext;
  let zns: Awaited<ReturnType<typeof startZnsPeer>>;
  const now = new Date('2026-11-26T03:00:00Z'); // daytime in Hanoi

  beforeAll(async () => {
    zns = await startZnsPeer({ accessToken: 'access-1', refreshToken: 'refresh-1', appId: 'a', appSecret: 's' });
    ctx = await createTestContext({
      env: {
        ZALO_ZNS_BASE_URL: zns.url,
        ZALO_ZNS_ACCESS_TOKEN: 'access-1',
        ZALO_ZNS_TEMPLATES: JSON.stringify({ 'tasks.assigned': 'tpl-a' }),
        NOTIFICATION_ZALO_PER_SECOND: '1',
      },
    });
    worker = await ctx.startWorker();
    for (const c of [worker.get(Clock), ctx.app.get(Clock)]) c.now = () => now;
  });

  afterAll(async () => {
    await ctx?.close();
    await zns?.close();
  });

  it('sends Zalo messages no faster than the configured rate, and restores the limit if Redis lost it', async () => {
    const zalo = worker.get<Queue>(getQueueToken(QueueName.NotificationsZalo));
    expect(await zalo.getGlobalRateLimit()).toEqual({ max: 1, duration: 1000 });

    const unit = await createOrganisation(ctx.dataSource, { kind: 'grassroots_cell', name: 'Chi bộ Thôn 1' });
    const people = await createManyCollaborators(ctx.dataSource, unit.id, 4, 'RL');
    const deadline = new Date(now.getTime() + 3 * 86_400_000);
    const campaign = await createCampaign(ctx.dataSource, { title: 'Chiến dịch giới hạn tốc độ', deadline, items: 1 });
    await createPersonalTasks(ctx.dataSource, campaign.id, deadline, people);
    await ctx.dataSource.transaction((m) => ctx.app.get(NotificationService).enqueueForEvent(m, { type: 'tasks.assigned', campaignId: campaign.id }));

    await worker.get(NotificationDeliveryService).relay();
    const jobs = await waitFor(async () => {
      const done = await zalo.getJobs(['completed']);
      return done.length === 4 ? done : null;
    }, { timeoutMs: 30_000, what: 'four Zalo sends' });
    expect(zns.accepted).toHaveLength(4);
    const started = jobs.map((j) => j.processedOn!).sort((a, b) => a - b);
    // one per second: each send started a full rate window after the one before (small clock tolerance)
    for (let i = 1; i < started.length; i++) expect(started[i]! - started[i - 1]!).toBeGreaterThanOrEqual(900);

    // Redis lost the setting: the next relay run puts it back
    await zalo.removeGlobalRateLimit();
    expect(await zalo.getGlobalRateLimit()).toBeNull();
    await worker.get(NotificationDeliveryService).relay();
    expect(await zalo.getGlobalRateLimit()).toEqual({ max: 1, duration: 1000 });
  }, 60_000);
});
