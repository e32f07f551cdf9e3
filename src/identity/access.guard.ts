import { type ExecutionContext, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Actor } from '../common/auth/actor.js';
import type { RequestWithActor } from '../common/auth/current-actor.decorator.js';
import { roleHas, type Permission } from '../common/auth/permissions.js';
import { IS_PUBLIC } from '../common/auth/public.decorator.js';
import { REQUIRED_PERMISSION } from '../common/auth/require-permission.decorator.js';
import { DomainError } from '../common/errors/domain.error.js';

/**
 * The global guard: authentication on every route not marked `@Public()`, then the route's
 * declared permission checked against the one policy. A route that declares nothing is refused.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    await super.canActivate(context);
    const actor = context.switchToHttp().getRequest<RequestWithActor>().actor!;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);
    if (!permission) {
      this.logger.error(`Route ${context.getClass().name}.${context.getHandler().name} declares no permission; refused`);
      throw forbidden();
    }
    if (!roleHas(actor.role, permission)) throw forbidden();
    return true;
  }

  override handleRequest<TUser = Actor>(error: unknown, user: unknown, _info: unknown, context: ExecutionContext): TUser {
    // The strategy failed for a reason other than the token (the database is away): the client's
    // token may be fine, so answer what the failure is (503) instead of telling it to sign in again.
    if (error instanceof Error && !(error instanceof DomainError)) throw error;
    if (error || !user) {
      throw new DomainError('UNAUTHENTICATED', HttpStatus.UNAUTHORIZED, 'A valid access token is required (Authorization: Bearer …)');
    }
    context.switchToHttp().getRequest<RequestWithActor>().actor = user as Actor;
    return user as TUser;
  }
}

function forbidden(): DomainError {
  return new DomainError('FORBIDDEN', HttpStatus.FORBIDDEN, 'Your role does not allow this action');
}
