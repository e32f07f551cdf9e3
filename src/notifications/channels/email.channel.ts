import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { Env } from '../../common/config/env.schema.js';
import type { DeliveryResult, NotificationChannel, NotificationMessage, Recipient } from '../notification.types.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** E-mail over SMTP. Subjects go out as RFC 2047 encoded words (nodemailer), so Vietnamese survives. */
@Injectable()
export class EmailChannel implements NotificationChannel, OnModuleDestroy {
  readonly name = 'email' as const;
  private transporter?: Transporter;

  constructor(private readonly env: Env) {}

  enabled(): boolean {
    return Boolean(this.env.SMTP_URL);
  }

  async send(message: NotificationMessage, recipient: Recipient): Promise<DeliveryResult> {
    if (!this.env.SMTP_URL) return { state: 'failed', error: 'E-mail is not configured (SMTP_URL unset)' };
    this.transporter ??= nodemailer.createTransport(this.env.SMTP_URL);
    const html = `<p>${escapeHtml(message.body).replace(/\n/g, '<br>')}</p>`;
    try {
      const info = await this.transporter.sendMail({
        from: this.env.MAIL_FROM,
        to: recipient.fullName ? { name: recipient.fullName, address: recipient.address } : recipient.address,
        subject: message.title,
        text: message.body,
        html: `<!doctype html><html><body><h3>${escapeHtml(message.title)}</h3>${html}</body></html>`,
        headers: { 'X-Outreach-Notification': message.id },
        // One Message-ID per outbox row: should a send ever be repeated (worker died after the
        // server accepted it), receiving systems can recognise the duplicate.
        messageId: `<${message.id}@outreach-coordinator.notifications>`,
        attachments: message.attachments?.map((a) => ({ filename: a.filename, path: a.path, contentType: a.contentType })),
      });
      return { state: 'delivered', providerResponse: { messageId: info.messageId, response: info.response, accepted: info.accepted } };
    } catch (error) {
      const e = error as { responseCode?: number; message?: string; code?: string };
      // 5xx from the server = permanent (bad mailbox); connection problems and 4xx = try later.
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      return { state: permanent ? 'failed' : 'retry', error: e.message ?? String(error), providerResponse: { responseCode: e.responseCode ?? null, code: e.code ?? null } };
    }
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }
}
