import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { DataSource } from 'typeorm';

/**
 * Protocol peers for the notification tests, on loopback: an SMTP server, an HTTP server that
 * answers as Zalo's ZNS API and OAuth server do, and a webhook receiver. Plus SQL fixtures for
 * campaigns and share tasks (the campaigns feature is built elsewhere).
 */

/** Receives and parses mail; an address put in `deferOnce` is refused once with 451 (try again later). */
export async function startSmtpPeer(): Promise<{ url: string; mails: ParsedMail[]; deferOnce: Set<string>; close(): Promise<void> }> {
  const mails: ParsedMail[] = [];
  const deferOnce = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (deferOnce.delete(address.address)) {
        const error = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 });
        return callback(error);
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, deferOnce, close: () => new Promise((r) => server.close(() => r())) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface ZnsCall {
  token: string;
  phone: string;
  template_id: string;
  template_data: Record<string, string>;
  tracking_id: string;
}

/**
 * Answers like ZNS (`{error, message, data}`, codes as in src/notifications/channels/zalo.channel.ts):
 * -124 for a token other than the current one, -108 for phones in `invalidPhones`, -118 (no Zalo
 * account) for `noZaloPhones`, -115 (out of quota) for `quotaPhones`, -117 (no permission to the
 * template) for templates in `unapprovedTemplates`; and like Zalo OAuth for refresh
 * (`/v4/oa/access_token`), rotating the single-use refresh token. `expireToken()` makes the current
 * access token invalid, as its 25-hour lifetime ending would.
 */
export async function startZnsPeer(initial: { accessToken: string; refreshToken: string; appId: string; appSecret: string }) {
  const state = { validToken: initial.accessToken, refreshToken: initial.refreshToken, refreshes: 0 };
  const calls: ZnsCall[] = [];
  const accepted: ZnsCall[] = [];
  const invalidPhones = new Set<string>();
  const noZaloPhones = new Set<string>();
  const quotaPhones = new Set<string>();
  const unapprovedTemplates = new Set<string>();
  const expireToken = () => {
    state.validToken = `expired-${state.validToken}`;
  };
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/v4/oa/access_token') {
        const form = new URLSearchParams(raw);
        if (req.headers.secret_key !== initial.appSecret || form.get('app_id') !== initial.appId || form.get('grant_type') !== 'refresh_token') {
          return send(200, { error: -14014, error_name: 'Invalid app', error_description: 'bad app credentials' });
        }
        if (form.get('refresh_token') !== state.refreshToken) return send(200, { error: -14020, error_name: 'Invalid refresh token' });
        state.refreshes++;
        state.validToken = `access-${state.refreshes + 1}`;
        state.refreshToken = `refresh-${state.refreshes + 1}`;
        return send(200, { access_token: state.validToken, refresh_token: state.refreshToken, expires_in: '90000' });
      }
      if (req.method === 'POST' && req.url === '/message/template') {
        const body = JSON.parse(raw) as Omit<ZnsCall, 'token'>;
        const call = { ...body, token: String(req.headers.access_token ?? '') };
        calls.push(call);
        if (call.token !== state.validToken) return send(200, { error: -124, message: 'Access token is invalid' });
        if (unapprovedTemplates.has(body.template_id)) return send(200, { error: -117, message: 'OA or App does not have permission to access this template' });
        if (invalidPhones.has(body.phone)) return send(200, { error: -108, message: 'Phone number invalid' });
        if (noZaloPhones.has(body.phone)) return send(200, { error: -118, message: 'Zalo account not existed' });
        if (quotaPhones.has(body.phone)) return send(200, { error: -115, message: 'Out of quota' });
        accepted.push(call);
        return send(200, {
          error: 0,
          message: 'Success',
          data: { msg_id: `msg-${accepted.length}`, sent_time: String(Date.now()), quota: { dailyQuota: '500000', remainingQuota: String(500000 - accepted.length) } },
        });
      }
      send(404, { error: -106, message: 'Method unsupported' });
    })();
  });
  const url = await listen(server);
  return { url, state, calls, accepted, invalidPhones, noZaloPhones, quotaPhones, unapprovedTemplates, expireToken, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface WebhookHit {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver answering `status()` (200 unless changed). */
export async function startWebhookPeer() {
  const hits: WebhookHit[] = [];
  const control = { status: 200 };
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      hits.push({ headers: req.headers, body });
      res.writeHead(control.status, { 'content-type': 'text/plain' });
      res.end(control.status < 300 ? 'ok' : 'receiver broken');
    });
  });
  const url = await listen(server);
  return { url, hits, control, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A campaign (status active) with `items` content items; returns ids. */
export async function createCampaign(ds: DataSource, input: { title?: string; deadline: Date; items?: number; status?: string }) {
  const [campaign] = await ds.query(
    `INSERT INTO campaign (title, status, deadline, launched_at, starts_at) VALUES ($1, $2, $3, now(), now()) RETURNING id`,
    [input.title ?? 'Lan tỏa gương người tốt việc tốt', input.status ?? 'active', input.deadline],
  );
  const items: Array<{ id: string }> = await ds.query(
    `INSERT INTO content_item (campaign_id, position, url, title)
     SELECT $1, g, 'https://baophuyen.vn/bai-' || g, 'Bài viết số ' || g FROM generate_series(1, $2::int) g RETURNING id`,
    [campaign.id, input.items ?? 2],
  );
  return { id: campaign.id as string, itemIds: items.map((i) => i.id) };
}

/** Personal share tasks: every item × every collaborator given. */
export async function createPersonalTasks(ds: DataSource, campaignId: string, deadline: Date, collaboratorIds: string[]) {
  await ds.query(
    `INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, collaborator_id, deadline)
     SELECT ci.campaign_id, ci.id, c.organisation_id, 'facebook_page', c.id, $3
       FROM content_item ci CROSS JOIN collaborator c
      WHERE ci.campaign_id = $1 AND c.id = ANY($2::uuid[])`,
    [campaignId, collaboratorIds, deadline],
  );
}

/** Channel share tasks: every item × every channel given. */
export async function createChannelTasks(ds: DataSource, campaignId: string, deadline: Date, channelIds: string[]) {
  await ds.query(
    `INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, channel_id, deadline)
     SELECT ci.campaign_id, ci.id, ch.organisation_id, ch.platform, ch.id, $3
       FROM content_item ci CROSS JOIN channel ch
      WHERE ci.campaign_id = $1 AND ch.id = ANY($2::uuid[])`,
    [campaignId, channelIds, deadline],
  );
}

/** `count` collaborators in one organisation, set-based; phones +849100xxxxx, e-mails ctv<n>@example.org. */
export async function createManyCollaborators(ds: DataSource, organisationId: string, count: number, prefix: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await ds.query(
    `INSERT INTO collaborator (code, organisation_id, full_name, phone, email)
     SELECT $3 || '-' || g, $1, 'Cộng tác viên ' || g, '+849100' || lpad(g::text, 5, '0'), $3 || g || '@example.org'
       FROM generate_series(1, $2::int) g RETURNING id`,
    [organisationId, count, prefix],
  );
  return rows.map((r) => r.id);
}
