import { Injectable } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { DataSource } from 'typeorm';
import type { Actor, Role } from '../common/auth/actor.js';
import { Env } from '../common/config/env.schema.js';
import type { AccessTokenClaims } from './token.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface UserRow {
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
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    env: Env,
    private readonly dataSource: DataSource,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, made once: given a string, jsonwebtoken first tries (and fails) to parse it as a
      // public key on every verification, which cost about a tenth of an authenticated request's CPU.
      // (passport-jwt's types say string | Buffer; it hands the value to jsonwebtoken, which takes a KeyObject.)
      secretOrKey: createSecretKey(Buffer.from(env.JWT_SECRET, 'utf8')) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  async validate(request: FastifyRequest, claims: AccessTokenClaims): Promise<Actor | false> {
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return false;
    const sessionId = typeof claims.sid === 'string' && UUID.test(claims.sid) ? claims.sid : null;
    if (claims.sid !== undefined && !sessionId) return false;
    // A logged-out session (its refresh-token family revoked) ends its access tokens too; one
    // indexed probe on refresh_token(family_id) in the same query.
    const rows: UserRow[] = await this.dataSource.query(
      `SELECT u.id, u.login, u.role,
              CASE WHEN u.role = 'collaborator' THEN c.organisation_id ELSE u.organisation_id END AS organisation_id,
              u.collaborator_id
         FROM app_user u
         LEFT JOIN collaborator c ON c.id = u.collaborator_id
        WHERE u.id = $1 AND u.disabled_at IS NULL
          AND ($2::uuid IS NULL OR NOT EXISTS (SELECT 1 FROM refresh_token r WHERE r.family_id = $2::uuid AND r.revoked_at IS NOT NULL))`,
      [claims.sub, sessionId],
    );
    const user = rows[0];
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
