import { Injectable } from '@nestjs/common';
import { Env } from '../../common/config/env.schema.js';
import type { DeliveryResult, NotificationChannel, NotificationMessage, Recipient } from '../notification.types.js';
import { ZaloTokenStore } from './zalo-token.store.js';

/**
 * Zalo ZNS error codes and what they mean for a delivery. Sources (checked 2026-11-26):
 * - zalo.cloud/zns/guidelines/handle-error-code ("Cách xử lý mã lỗi"): 0 success, -100 unknown
 *   error "try again later", -101…-107 application/method errors, -108 phone number invalid,
 *   -109 template ID invalid, -110 Zalo version unsupported, -111 template data empty, -112
 *   template data invalid.
 * - The rest of that table as reproduced, in the same order, by helpdesk.getfly.vn ("Questions
 *   about ZNS"): … template data invalid, button invalid, user inactive/refuses, out of quota,
 *   text invalid, OA or app has no permission to this template, Zalo account not existed, account
 *   cannot receive ZNS. -118 = "Zalo account not existed" is confirmed by a published ZNS answer
 *   (nxcloud-doc-en wiki, "Zalo webhook"); counting back from it along that order gives -117 no
 *   permission to the template (what an OA gets for a template not approved for it), -116 text
 *   invalid, -115 out of quota, and forward -119 account cannot receive. These are inferred, not
 *   read off Zalo's own page (the part of it available when checked stops at -112).
 * - -124 "Access token invalid" (the refresh path below) is likewise not in that part of Zalo's
 *   table; it is the number published ZNS clients handle as the expired-token answer.
 * Zalo has since renamed ZNS "ZBS Template Message" with its own table; re-check these numbers
 * against it before production. Unlisted non-zero codes are treated as permanent (retrying a
 * refused request only spends quota) and their answer is kept in the delivery log.
 */
export const ZNS_TOKEN_INVALID = -124;
const ZNS_RETRY_LATER = new Map<number, string>([
  [-100, 'unknown error, try again later'],
  [-115, 'out of quota (ZNS balance exhausted)'],
]);
const ZNS_PERMANENT = new Map<number, string>([
  [-108, 'invalid phone number'],
  [-109, 'invalid template id'],
  [-110, 'recipient’s Zalo version unsupported'],
  [-111, 'template data empty'],
  [-112, 'template data invalid'],
  [-117, 'template not approved for this OA (no permission to the template)'],
  [-118, 'no Zalo account for this phone number'],
  [-119, 'this account cannot receive ZNS'],
]);

export interface ZnsResponse {
  error: number;
  message?: string;
  data?: { msg_id?: string; sent_time?: string; quota?: { dailyQuota?: string; remainingQuota?: string } };
}

/** What a ZNS answer means for the delivery (after any token refresh has been tried). */
export function znsOutcome(body: ZnsResponse, status: number): DeliveryResult {
  if (body.error === 0) return { state: 'delivered', providerResponse: body };
  if (body.error === ZNS_TOKEN_INVALID) return { state: 'retry', error: 'ZNS access token still invalid after refresh', providerResponse: body };
  const retry = ZNS_RETRY_LATER.get(body.error);
  if (retry || status >= 500) return { state: 'retry', error: `ZNS ${body.error}: ${retry ?? body.message ?? 'server error'}`, providerResponse: body };
  return { state: 'failed', error: `ZNS ${body.error}: ${ZNS_PERMANENT.get(body.error) ?? body.message ?? 'refused'}`, providerResponse: body };
}

/** Vietnamese E.164 (+84…) → the 84… form ZNS expects. */
export const znsPhone = (e164: string) => e164.replace(/^\+/, '');

/**
 * Zalo Notification Service: template messages to a phone number.
 * POST {ZALO_ZNS_BASE_URL}/message/template, header `access_token`, JSON
 * `{phone, template_id, template_data, tracking_id}` → `{error, message, data: {msg_id, sent_time, quota}}`
 * (zalo.cloud/zns/api/gui-zns). An expired token (-124) is refreshed and the send retried once.
 */
@Injectable()
export class ZaloZnsChannel implements NotificationChannel {
  readonly name = 'zalo' as const;
  private readonly templates: Record<string, string>;

  constructor(
    private readonly env: Env,
    private readonly tokens: ZaloTokenStore,
  ) {
    this.templates = JSON.parse(env.ZALO_ZNS_TEMPLATES) as Record<string, string>;
  }

  enabled(): boolean {
    return Boolean(this.env.ZALO_ZNS_BASE_URL);
  }

  templateFor(event: string): string | undefined {
    return this.templates[event];
  }

  async send(message: NotificationMessage, recipient: Recipient): Promise<DeliveryResult> {
    const templateId = this.templateFor(message.event);
    if (!this.env.ZALO_ZNS_BASE_URL || !templateId) return { state: 'failed', error: `No ZNS template configured for ${message.event}` };
    let token = await this.tokens.accessToken();
    let answer = await this.post(templateId, message, recipient, token);
    if ('body' in answer && answer.body.error === ZNS_TOKEN_INVALID) {
      const refreshed = await this.tokens.refresh(token);
      if (!refreshed.token) return { state: 'retry', error: refreshed.error, providerResponse: { send: answer.body, refresh: refreshed.response ?? null } };
      token = refreshed.token;
      answer = await this.post(templateId, message, recipient, token);
    }
    if (!('body' in answer)) return { state: 'retry', error: answer.error };
    return znsOutcome(answer.body, answer.status);
  }

  private async post(templateId: string, message: NotificationMessage, recipient: Recipient, token: string | null): Promise<{ body: ZnsResponse; status: number } | { error: string }> {
    try {
      const response = await fetch(`${this.env.ZALO_ZNS_BASE_URL!.replace(/\/$/, '')}/message/template`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', access_token: token ?? '' },
        body: JSON.stringify({
          phone: znsPhone(recipient.address),
          template_id: templateId,
          // ZNS template parameters are declared when the template is approved; ours take these.
          template_data: {
            name: (recipient.fullName ?? '').slice(0, 30),
            title: message.title.slice(0, 100),
            count: String(message.data.count ?? ''),
            deadline: String(message.data.deadline ?? ''),
          },
          tracking_id: message.id,
        }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await response.json().catch(() => null)) as ZnsResponse | null;
      if (!body || typeof body.error !== 'number') return { error: `ZNS answered HTTP ${response.status} without a ZNS body` };
      return { body, status: response.status };
    } catch (error) {
      return { error: `ZNS unreachable: ${String(error)}` };
    }
  }
}
