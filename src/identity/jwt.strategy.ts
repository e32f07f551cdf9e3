import { Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { DataSource } from 'typeorm';
import type { Actor, Role } from '../common/auth/actor.js';
import { Env } from '../common/config/env.schema.js';
import { batchSlots, MicroBatcher } from '../common/database/micro-batcher.js';
import { PreparedStatement } from '../common/database/prepared-statement.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import type { AccessTokenClaims } from './token.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** passport-jwt's reading of `Authorization: Bearer …`: what it verifies, and what VerifiedTokenCache is keyed by. */
const BEARER = ExtractJwt.fromAuthHeaderAsBearerToken();
const bearerToken = (request: FastifyRequest) => BEARER(request as unknown as Parameters<typeof BEARER>[0]);

/** What an access token says once its claims are checked: whose it is, which session, until when. */
interface CheckedClaims {
  userId: string;
  sessionId: string | null;
  exp?: number;
}

interface UserRow {
  ord: number;
  id: string;
  login: string;
  role: Role;
  organisation_id: string | null;
  collaborator_id: string | null;
}

/**
 * Verifies the bearer token (HS256 only: `alg: none` and others are refused), then loads the user:
 * a disabled or deleted account is refused at once, whatever its token says. A collaborator's
 * organisation is read from its person record, so moving the person moves its scope. A token
 * whose session (`sid`) was revoked — logout, refresh-token reuse, disabling — is refused too.
 * Every request still reads the user at the time it arrives; concurrent requests' reads go to the
 * database together as one statement (MicroBatcher), so authentication costs one round trip per
 * batch instead of one per request under load.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly users: MicroBatcher<{ userId: string; sessionId: string | null }, UserRow | undefined>;
  private readonly verified = new VerifiedTokenCache<CheckedClaims>();

  constructor(
    env: Env,
    dataSource: DataSource,
  ) {
    super({
      jwtFromRequest: BEARER,
      // A KeyObject, made once: given a string, jsonwebtoken first tries (and fails) to parse it as a
      // public key on every verification, which cost about a tenth of an authenticated request's CPU.
      // (passport-jwt's types say string | Buffer; it hands the value to jsonwebtoken, which takes a KeyObject.)
      secretOrKey: createSecretKey(Buffer.from(env.JWT_SECRET, 'utf8')) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
      passReqToCallback: true,
    });
    this.users = new MicroBatcher((lookups) => loadUsers(dataSource, lookups), {
      name: 'auth_user',
      maxBatch: 256,
      maxInFlight: batchSlots(env),
    });
  }

  /**
   * The actor of a request whose bearer token this process has verified before (signature and
   * claims; VerifiedTokenCache), loaded at once without going through passport; undefined when the
   * token is not one of those, and passport-jwt must verify it (then `validate` remembers it). The
   * account and session are read on every request either way.
   */
  verifiedActor(request: FastifyRequest): Promise<Actor | false> | undefined {
    const token = bearerToken(request);
    const checked = token ? this.verified.get(token) : undefined;
    return checked ? this.actorFor(request, checked) : undefined;
  }

  /** Called by passport-jwt with the claims of a token whose signature and expiry it verified. */
  async validate(request: FastifyRequest, claims: AccessTokenClaims & { exp?: number }): Promise<Actor | false> {
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return false;
    const sessionId = typeof claims.sid === 'string' && UUID.test(claims.sid) ? claims.sid : null;
    if (claims.sid !== undefined && !sessionId) return false;
    const checked: CheckedClaims = { userId: claims.sub, sessionId, exp: claims.exp };
    const token = bearerToken(request);
    if (token) this.verified.remember(token, checked);
    return this.actorFor(request, checked);
  }

  /** The actor of a checked token: its user as the database has it now (batched with concurrent requests). */
  private async actorFor(request: FastifyRequest, { userId, sessionId }: CheckedClaims): Promise<Actor | false> {
    const user = await this.users.submit({ userId, sessionId });
    if (!user) return false;
    return {
      userId: user.id,
      login: user.login,
      role: user.role,
      organisationId: user.organisation_id,
      collaboratorId: user.collaborator_id,
      ...(sessionId ? { sessionId } : {}),
      requestId: String(request.id),
      ip: request.ip,
    };
  }
}

/**
 * The users of a batch of tokens, one row per lookup that passes (by `ord`, its position). A
 * logged-out session (its refresh-token family revoked) ends its access tokens too: one indexed
 * probe on refresh_token(family_id) per lookup, in the same statement.
 */
const LOAD_USERS = new PreparedStatement<UserRow>(
  'auth_load_users',
  `SELECT x.ord::int AS ord, u.id, u.login, u.role,
          CASE WHEN u.role = 'collaborator' THEN c.organisation_id ELSE u.organisation_id END AS organisation_id,
          u.collaborator_id
     FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(user_id, session_id, ord)
     JOIN app_user u ON u.id = x.user_id AND u.disabled_at IS NULL
     LEFT JOIN collaborator c ON c.id = u.collaborator_id
    WHERE x.session_id IS NULL OR NOT EXISTS (SELECT 1 FROM refresh_token r WHERE r.family_id = x.session_id AND r.revoked_at IS NOT NULL)`,
);

async function loadUsers(dataSource: DataSource, lookups: Array<{ userId: string; sessionId: string | null }>): Promise<Array<UserRow | undefined>> {
  const rows = await LOAD_USERS.run(dataSource, [lookups.map((l) => l.userId), lookups.map((l) => l.sessionId)]);
  const found = new Array<UserRow | undefined>(lookups.length);
  for (const row of rows) found[row.ord - 1] = row;
  return found;
}
