import { type ExecutionContext, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../common/auth/actor.js';
import type { RequestWithActor } from '../common/auth/current-actor.decorator.js';
import { roleHas, type Permission } from '../common/auth/permissions.js';
import { IS_PUBLIC } from '../common/auth/public.decorator.js';
import { REQUIRED_PERMISSION } from '../common/auth/require-permission.decorator.js';
import { DomainError } from '../common/errors/domain.error.js';
import { requestRef } from '../common/logging/request-logging.js';
import { JwtStrategy } from './jwt.strategy.js';

/**
 * The global guard: authentication on every route not marked `@Public()`, then the route's
 * declared permission checked against the one policy. A route that declares nothing is refused.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger(AccessGuard.name);
  /** What each route declares (public, permission), by handler and controller: read once, not per request. */
  private readonly declared = new WeakMap<object, WeakMap<object, { isPublic: boolean; permission: Permission | undefined }>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtStrategy,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, permission } = this.declaration(context);
    if (isPublic) return true;
    await this.authenticate(context);
    const actor = context.switchToHttp().getRequest<RequestWithActor>().actor!;
    if (!permission) {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      this.logger.error(requestRef(String(request.id)), `Route ${context.getClass().name}.${context.getHandler().name} declares no permission; refused`);
      throw forbidden();
    }
    if (!roleHas(actor.role, permission)) throw forbidden();
    return true;
  }

  /**
   * A token verified before goes straight to its user (JwtStrategy.verifiedActor); any other token
   * through passport-jwt. Both end in handleRequest, so they fail the same way.
   */
  private async authenticate(context: ExecutionContext): Promise<void> {
    const verified = this.jwt.verifiedActor(context.switchToHttp().getRequest<FastifyRequest>());
    if (!verified) {
      await super.canActivate(context);
      return;
    }
    let actor: Actor | false = false;
    let failure: unknown = null;
    try {
      actor = await verified;
    } catch (error) {
      failure = error;
    }
    this.handleRequest(failure, actor, undefined, context);
  }

  private declaration(context: ExecutionContext): { isPublic: boolean; permission: Permission | undefined } {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byController = this.declared.get(handler);
    if (!byController) this.declared.set(handler, (byController = new WeakMap()));
    let found = byController.get(controller);
    if (!found) {
      const targets = [handler, controller];
      found = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
        permission: this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets),
      };
      byController.set(controller, found);
    }
    return found;
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
