import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../clock.js';
import type { DeliveryResult, NotificationChannel, NotificationMessage, Recipient } from '../notification.types.js';
import { signWebhookBody } from './webhook-signature.util.js';

/** POSTs the event as JSON to an admin-registered URL, signed with the webhook's secret. */
@Injectable()
export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  enabled(): boolean {
    return true;
  }

  async send(message: NotificationMessage, recipient: Recipient): Promise<DeliveryResult> {
    const [hook] = await this.dataSource.query(`SELECT url, secret, active FROM webhook WHERE id = $1`, [recipient.webhookId]);
    if (!hook) return { state: 'failed', error: 'webhook deleted' };
    if (!hook.active) return { state: 'failed', error: 'webhook disabled' };
    const now = this.clock.now();
    const body = JSON.stringify({ id: message.id, event: message.event, createdAt: now.toISOString(), title: message.title, data: message.data });
    const unix = Math.floor(now.getTime() / 1000);
    try {
      const response = await fetch(hook.url as string, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'outreach-coordinator-webhooks/1',
          'x-outreach-event': message.event,
          'x-outreach-delivery': message.id,
          'x-outreach-signature': signWebhookBody(hook.secret as string, body, unix),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      const text = (await response.text().catch(() => '')).slice(0, 500);
      const providerResponse = { status: response.status, body: text };
      if (response.status >= 200 && response.status < 300) return { state: 'delivered', providerResponse };
      // 408/429/5xx may pass later; other 4xx mean the receiver refuses this message.
      const retry = response.status >= 500 || response.status === 408 || response.status === 429;
      return { state: retry ? 'retry' : 'failed', error: `HTTP ${response.status}`, providerResponse };
    } catch (error) {
      return { state: 'retry', error: `unreachable: ${(error as Error).message}` };
    }
  }
}
