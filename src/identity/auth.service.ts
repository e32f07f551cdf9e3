import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor, Role } from '../common/auth/actor.js';
import { DomainError } from '../common/errors/domain.error.js';
import { requestRef } from '../common/logging/request-logging.js';
import { PasswordService } from './password.service.js';
import { type ClientInfo, invalidRefreshToken, SessionService } from './session.service.js';
import { TokenService } from './token.service.js';
import { UserService } from './user.service.js';
import type { TokenPairView } from './user.view.js';

/** What the local strategy hands to the login route once the password checked out. */
export interface AuthenticatedUser {
  id: string;
  login: string;
  role: Role;
}

export function invalidCredentials(): DomainError {
  // One text for an unknown login, a wrong password and a disabled account: nothing is revealed.
  return new DomainError('INVALID_CREDENTIALS', HttpStatus.UNAUTHORIZED, 'The login or password is incorrect');
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly tokens: TokenService,
    private readonly users: UserService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Checks a login and password. An unknown or disabled login still costs one argon2 verification
   * (against a dummy hash), so the answer's timing does not reveal which logins exist.
   */
  async verifyCredentials(login: string, password: string): Promise<AuthenticatedUser | null> {
    const [row]: Array<{ id: string; login: string; role: Role; password_hash: string; disabled_at: Date | null }> = await this.dataSource.query(
      `SELECT id, login, role, password_hash, disabled_at FROM app_user WHERE lower(login) = lower($1)`,
      [login.trim()],
    );
    if (!row || row.disabled_at) {
      await this.passwords.verifyDummy(password);
      return null;
    }
    if (!(await this.passwords.verify(row.password_hash, password))) return null;
    return { id: row.id, login: row.login, role: row.role };
  }

  async login(user: AuthenticatedUser, client: ClientInfo & { requestId?: string }): Promise<TokenPairView> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`UPDATE app_user SET last_login_at = now() WHERE id = $1`, [user.id]);
      const issued = await this.sessions.issue(m, user.id, client);
      await this.audit.record(m, this.actorOf(user, client, issued.familyId), {
        action: 'auth.login',
        entity: 'session',
        entityId: issued.familyId,
        after: { userId: user.id, userAgent: client.userAgent?.slice(0, 300) ?? null },
      });
      return {
        accessToken: this.tokens.signAccessToken(user.id, issued.familyId),
        refreshToken: issued.refreshToken,
        expiresIn: this.tokens.accessTtlSeconds,
        refreshExpiresAt: issued.expiresAt,
        user: await this.users.get(user.id, m),
      };
    });
  }

  /** Rotates a refresh token. A reuse revokes the family (committed) and answers 401 like any invalid token. */
  async refresh(refreshToken: string, client: ClientInfo & { requestId?: string }): Promise<TokenPairView> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const rotated = await this.sessions.rotate(m, refreshToken, client);
      if (!rotated) return null;
      const [user]: AuthenticatedUser[] = await m.query(`SELECT id, login, role FROM app_user WHERE id = $1`, [rotated.userId]);
      const actor = this.actorOf(user!, client, rotated.familyId);
      if ('reused' in rotated) {
        this.logger.warn({ ...requestRef(client.requestId), userId: rotated.userId, familyId: rotated.familyId, ip: client.ip }, 'Refresh token reused: session family revoked');
        await this.audit.record(m, actor, { action: 'auth.refresh_reuse', entity: 'session', entityId: rotated.familyId, after: { revoked: true } });
        return null;
      }
      await this.audit.record(m, actor, { action: 'auth.refresh', entity: 'session', entityId: rotated.familyId });
      return {
        accessToken: this.tokens.signAccessToken(rotated.userId, rotated.familyId),
        refreshToken: rotated.refreshToken,
        expiresIn: this.tokens.accessTtlSeconds,
        refreshExpiresAt: rotated.expiresAt,
        user: await this.users.get(rotated.userId, m),
      };
    });
    if (!outcome) throw invalidRefreshToken();
    return outcome;
  }

  /** Ends a session: the family of the given refresh token (if it is the caller's), else the access token's own session. */
  async logout(actor: Actor, refreshToken: string | undefined): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const familyId = refreshToken ? await this.sessions.familyOf(m, actor.userId, refreshToken) : (actor.sessionId ?? null);
      const revoked = familyId ? await this.sessions.revokeFamily(m, familyId) : 0;
      await this.audit.record(m, actor, { action: 'auth.logout', entity: 'session', entityId: familyId, after: { tokensRevoked: revoked } });
    });
  }

  private actorOf(user: AuthenticatedUser, client: ClientInfo & { requestId?: string }, sessionId: string): Actor {
    return {
      userId: user.id,
      login: user.login,
      role: user.role,
      organisationId: null,
      collaboratorId: null,
      sessionId,
      requestId: client.requestId,
      ip: client.ip ?? undefined,
    };
  }
}
