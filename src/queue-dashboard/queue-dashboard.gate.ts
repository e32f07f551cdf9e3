import { HttpStatus } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain.error.js';
import type { AccessTokenClaims } from '../identity/token.service.js';

const COOKIE = 'oc_access';

/**
 * The dashboard is a Fastify plugin outside Nest's guards, so it gets its own gate: an admin's
 * access token as a bearer header or, for a browser, in the `oc_access` cookie. The role is read
 * from the database, as for every other route.
 */
export function queueDashboardGate(jwt: JwtService, dataSource: DataSource) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearer(request) ?? cookie(request, COOKIE);
    let claims: AccessTokenClaims | undefined;
    try {
      claims = token ? jwt.verify<AccessTokenClaims>(token, { algorithms: ['HS256'] }) : undefined;
    } catch {
      claims = undefined;
    }
    if (!claims || claims.typ !== 'access') {
      throw new DomainError('UNAUTHENTICATED', HttpStatus.UNAUTHORIZED, 'Sign in as an administrator to see the queues');
    }
    const rows: { role: string }[] = await dataSource.query('SELECT role FROM app_user WHERE id = $1 AND disabled_at IS NULL', [claims.sub]);
    if (rows[0]?.role !== 'admin') {
      throw new DomainError('FORBIDDEN', HttpStatus.FORBIDDEN, 'Only administrators may see the queues');
    }
  };
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
