import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ValidationError } from '../common/errors/domain.error.js';
import { flattenValidationErrors } from '../common/http/validation.js';
import { type AuthenticatedUser, invalidCredentials } from './auth.service.js';
import { LoginDto } from './dto/auth.dto.js';

export interface RequestWithLogin {
  loginUser?: AuthenticatedUser;
}

/**
 * Runs the local strategy. Guards run before pipes, so the body is validated here first: a
 * malformed body is a 400, not a failed login.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const body = context.switchToHttp().getRequest<FastifyRequest>().body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ValidationError([{ field: 'body', code: 'isObject', message: 'the body must be a JSON object {login, password}' }]);
    }
    const errors = validateSync(plainToInstance(LoginDto, body), { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw new ValidationError(flattenValidationErrors(errors));
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T = AuthenticatedUser>(error: unknown, user: unknown, _info: unknown, context: ExecutionContext): T {
    if (error) throw error;
    if (!user) throw invalidCredentials();
    context.switchToHttp().getRequest<RequestWithLogin>().loginUser = user as AuthenticatedUser;
    return user as T;
  }
}
