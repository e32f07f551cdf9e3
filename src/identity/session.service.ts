import { HttpStatus, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Env } from '../common/config/env.schema.js';
import { DomainError } from '../common/errors/domain.error.js';

export interface IssuedRefreshToken {
  refreshToken: string;
  familyId: string;
  expiresAt: Date;
}

export interface RotatedRefreshToken extends IssuedRefreshToken {
  userId: string;
}

export interface ClientInfo {
  ip?: string | null;
  userAgent?: string | null;
}

/** TypeORM answers a raw UPDATE … RETURNING with `[rows, affectedCount]`. */
function updatedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function invalidRefreshToken(): DomainError {
  return new DomainError('INVALID_REFRESH_TOKEN', HttpStatus.UNAUTHORIZED, 'The refresh token is invalid, expired or already used; log in again');
}

/**
 * Refresh tokens: 256 random bits, stored only as their SHA-256, chained in a family (one login's
 * rotations). Using a token marks it used and issues the next one in the family; presenting a
 * used or revoked token again means it leaked, so the whole family is revoked.
 */
@Injectable()
export class SessionService {
  constructor(private readonly env: Env) {}

  /** Starts a new family (a login). */
  issue(manager: EntityManager, userId: string, client: ClientInfo): Promise<IssuedRefreshToken> {
    return this.insert(manager, userId, randomUUID(), client);
  }

  /**
   * Rotates a refresh token. The conditional UPDATE lets exactly one of several concurrent
   * requests with the same token win; the others see it used and revoke the family.
   * Returns null when the token was refused (the family is then revoked if it was a reuse).
   */
  async rotate(manager: EntityManager, token: string, client: ClientInfo): Promise<RotatedRefreshToken | { reused: true; familyId: string; userId: string } | null> {
    const hash = hashRefreshToken(token);
    const rows = updatedRows<{ user_id: string; family_id: string }>(
      await manager.query(
        `UPDATE refresh_token r SET used_at = now()
           FROM app_user u
          WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.revoked_at IS NULL AND r.expires_at > now()
            AND u.id = r.user_id AND u.disabled_at IS NULL
          RETURNING r.user_id, r.family_id`,
        [hash],
      ),
    );
    const won = rows[0];
    if (won) {
      const next = await this.insert(manager, won.user_id, won.family_id, client);
      return { ...next, userId: won.user_id };
    }
    const [known]: Array<{ user_id: string; family_id: string; used_at: Date | null; revoked_at: Date | null }> = await manager.query(
      `SELECT user_id, family_id, used_at, revoked_at FROM refresh_token WHERE token_hash = $1`,
      [hash],
    );
    if (known && (known.used_at || known.revoked_at)) {
      await this.revokeFamily(manager, known.family_id);
      return { reused: true, familyId: known.family_id, userId: known.user_id };
    }
    return null;
  }

  /** Revokes a family; returns how many live tokens it had. */
  async revokeFamily(manager: EntityManager, familyId: string): Promise<number> {
    const rows = updatedRows(
      await manager.query(`UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL RETURNING id`, [familyId]),
    );
    return rows.length;
  }

  /** The family of a refresh token, if it belongs to this user. */
  async familyOf(manager: EntityManager, userId: string, token: string): Promise<string | null> {
    const [row]: Array<{ family_id: string }> = await manager.query(
      `SELECT family_id FROM refresh_token WHERE token_hash = $1 AND user_id = $2`,
      [hashRefreshToken(token), userId],
    );
    return row?.family_id ?? null;
  }

  /** Ends every session of a user (disabled, password reset). */
  async revokeAllOfUser(manager: EntityManager, userId: string): Promise<number> {
    const rows = updatedRows(
      await manager.query(`UPDATE refresh_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`, [userId]),
    );
    return rows.length;
  }

  private async insert(manager: EntityManager, userId: string, familyId: string, client: ClientInfo): Promise<IssuedRefreshToken> {
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.env.JWT_REFRESH_TTL_SECONDS * 1000);
    await manager.query(
      `INSERT INTO refresh_token (user_id, family_id, token_hash, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)`,
      [userId, familyId, hashRefreshToken(refreshToken), expiresAt, client.ip ?? null, client.userAgent?.slice(0, 300) ?? null],
    );
    return { refreshToken, familyId, expiresAt };
  }
}
