import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Env } from '../common/config/env.schema.js';

export interface AccessTokenClaims {
  sub: string;
  /** The refresh-token family (the session) this access token was issued for. */
  sid?: string;
  typ: 'access';
}

/** Short-lived HS256 access tokens. Claims carry only ids: role and scope are read from the database. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly env: Env,
  ) {}

  get accessTtlSeconds(): number {
    return this.env.JWT_ACCESS_TTL_SECONDS;
  }

  signAccessToken(userId: string, sessionId?: string): string {
    const claims: AccessTokenClaims = { sub: userId, typ: 'access', ...(sessionId ? { sid: sessionId } : {}) };
    return this.jwt.sign(claims, { expiresIn: this.env.JWT_ACCESS_TTL_SECONDS, algorithm: 'HS256' });
  }
}
