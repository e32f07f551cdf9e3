import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '../../common/config/env.schema.js';

const PROVIDER = 'zalo_zns';

/**
 * Zalo's OA access token lives about a day and its refresh token is single-use (every refresh
 * returns a new one), so tokens are kept in Postgres, seeded from the environment, and refreshed
 * under a row lock so two workers never spend the same refresh token.
 *
 * Refresh: POST {ZALO_OAUTH_BASE_URL}/v4/oa/access_token, header `secret_key: <app secret>`, form
 * `refresh_token`, `app_id`, `grant_type=refresh_token` → `{access_token, refresh_token, expires_in}`
 * (developers.zalo.me, "Official Account API — Lấy access token từ refresh token").
 */
@Injectable()
export class ZaloTokenStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly env: Env,
  ) {}

  async accessToken(): Promise<string | null> {
    const [row] = await this.dataSource.query(`SELECT access_token FROM provider_token WHERE provider = $1`, [PROVIDER]);
    return (row?.access_token as string | undefined) ?? this.env.ZALO_ZNS_ACCESS_TOKEN ?? null;
  }

  /** Replaces `expired` with a fresh token; if another worker already did, returns theirs. */
  async refresh(expired: string | null): Promise<{ token: string | null; error?: string; response?: unknown }> {
    return this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO provider_token (provider, access_token, refresh_token) VALUES ($1, $2, $3) ON CONFLICT (provider) DO NOTHING`,
        [PROVIDER, this.env.ZALO_ZNS_ACCESS_TOKEN ?? '', this.env.ZALO_ZNS_REFRESH_TOKEN ?? null],
      );
      const [row] = await m.query(`SELECT access_token, refresh_token FROM provider_token WHERE provider = $1 FOR UPDATE`, [PROVIDER]);
      if (row.access_token && row.access_token !== expired) return { token: row.access_token as string };
      if (!row.refresh_token || !this.env.ZALO_APP_ID || !this.env.ZALO_APP_SECRET) {
        return { token: null, error: 'Zalo access token expired and no refresh token / app credentials are configured' };
      }
      const response = await fetch(`${this.env.ZALO_OAUTH_BASE_URL.replace(/\/$/, '')}/v4/oa/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: this.env.ZALO_APP_SECRET },
        body: new URLSearchParams({ refresh_token: row.refresh_token, app_id: this.env.ZALO_APP_ID, grant_type: 'refresh_token' }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json().catch(() => null)) as { access_token?: string; refresh_token?: string } | null;
      if (!response.ok || !body?.access_token) {
        return { token: null, error: `Zalo token refresh failed (HTTP ${response.status})`, response: body };
      }
      await m.query(`UPDATE provider_token SET access_token = $2, refresh_token = coalesce($3, refresh_token), refreshed_at = now() WHERE provider = $1`, [
        PROVIDER,
        body.access_token,
        body.refresh_token ?? null,
      ]);
      return { token: body.access_token };
    });
  }
}
