import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ReportModule } from '../reports/report.module.js';
import { EmailChannel } from './channels/email.channel.js';
import { WebhookChannel } from './channels/webhook.channel.js';
import { ZaloTokenStore } from './channels/zalo-token.store.js';
import { ZaloZnsChannel } from './channels/zalo.channel.js';
import { Clock } from './clock.js';
import { NotificationOutboxRepository } from './notification-outbox.repository.js';
import { NotificationDeliveryService } from './notification-delivery.service.js';
import { NotificationInboxService } from './notification-inbox.service.js';
import { NotificationController } from './notification.controller.js';
import { NotificationService } from './notification.service.js';
import { NOTIFICATION_CHANNELS } from './notification.types.js';
import { WebhookController } from './webhook.controller.js';
import { WebhookService } from './webhook.service.js';
import { ScheduledReportExports } from './scheduled-report-exports.service.js';

/** Adding a channel: a class implementing NotificationChannel, listed here. */
const CHANNEL_CLASSES = [EmailChannel, ZaloZnsChannel, WebhookChannel];

@Module({
  imports: [AuditModule, ReportModule],
  controllers: [NotificationController, WebhookController],
  providers: [
    Clock,
    ZaloTokenStore,
    ...CHANNEL_CLASSES,
    { provide: NOTIFICATION_CHANNELS, useFactory: (...channels: unknown[]) => channels, inject: CHANNEL_CLASSES },
    NotificationOutboxRepository,
    NotificationService,
    NotificationDeliveryService,
    NotificationInboxService,
    WebhookService,
    ScheduledReportExports,
  ],
  exports: [NotificationService, NotificationDeliveryService, Clock],
})
export class NotificationsModule {}
