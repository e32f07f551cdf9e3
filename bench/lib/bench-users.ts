import { JwtService } from '@nestjs/jwt';
import type { DataSource } from 'typeorm';
import type { Env } from '../../src/common/config/env.schema.js';
import { TokenService } from '../../src/identity/token.service.js';

/**
 * A user of the bench database (no usable password: the bench signs its access token with the
 * app's own TokenService and JWT secret, as a login would).
 */
export async function benchUser(
  ds: DataSource,
  env: Env,
  input: { role: 'admin' } | { role: 'collaborator'; collaboratorId: string },
): Promise<{ userId: string; token: string; headers: Record<string, string> }> {
  const [user] = await ds.query(
    `INSERT INTO app_user (login, password_hash, role, collaborator_id) VALUES ('bench-' || gen_random_uuid(), 'x', $1, $2) RETURNING id`,
    [input.role, input.role === 'collaborator' ? input.collaboratorId : null],
  );
  const token = new TokenService(new JwtService({ secret: env.JWT_SECRET }), env).signAccessToken(user.id);
  return { userId: user.id, token, headers: { authorization: `Bearer ${token}` } };
}
