import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../common/auth/actor.js';
import { CurrentActor } from '../common/auth/current-actor.decorator.js';
import { Public } from '../common/auth/public.decorator.js';
import { RequirePermission } from '../common/auth/require-permission.decorator.js';
import { AuthService } from './auth.service.js';
import { LoginDto, LogoutDto, RefreshDto } from './dto/auth.dto.js';
import { LocalAuthGuard, type RequestWithLogin } from './local-auth.guard.js';
import { LOGIN_NAME_THROTTLER, LoginThrottlerGuard, loginNameKey } from './login-throttle.js';
import type { RedisThrottlerStorage } from './redis-throttler.storage.js';
import { UserService } from './user.service.js';
import { MeView, TokenPairView } from './user.view.js';

function clientOf(request: FastifyRequest) {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : null, requestId: String(request.id) };
}

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UserService,
    @Inject(ThrottlerStorage) private readonly throttles: RedisThrottlerStorage,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(HttpStatus.OK)
  // Throttle first, so a blocked login costs no password hashing.
  @UseGuards(LoginThrottlerGuard, LocalAuthGuard)
  @ApiOperation({ summary: 'Log in with a login name and password', description: 'Throttled per login name and per client IP (429 with Retry-After).' })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenPairView })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS (the same answer for an unknown login, a wrong password or a disabled account)' })
  @ApiTooManyRequestsResponse({ description: 'TOO_MANY_REQUESTS; see the Retry-After header' })
  async login(@Req() request: FastifyRequest & RequestWithLogin, @Body() body: LoginDto): Promise<TokenPairView> {
    const pair = await this.auth.login(request.loginUser!, clientOf(request));
    // "In a row": a successful login clears its login name's count (the per-IP count stays).
    await this.throttles.reset(loginNameKey(body.login), LOGIN_NAME_THROTTLER);
    return pair;
  }

  @Public()
  @Post('auth/refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair', description: 'Each refresh token works once; presenting a used one revokes its whole session.' })
  @ApiOkResponse({ type: TokenPairView })
  @ApiUnauthorizedResponse({ description: 'INVALID_REFRESH_TOKEN' })
  refresh(@Req() request: FastifyRequest, @Body() body: RefreshDto): Promise<TokenPairView> {
    return this.auth.refresh(body.refreshToken, clientOf(request));
  }

  @Post('auth/logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequirePermission('self.read')
  @ApiOperation({ summary: 'End a session', description: 'Revokes the refresh-token family; its access tokens stop working at once.' })
  async logout(@CurrentActor() actor: Actor, @Body() body: LogoutDto): Promise<void> {
    await this.auth.logout(actor, body.refreshToken);
  }

  @Get('me')
  @RequirePermission('self.read')
  @ApiTags('me')
  @ApiOperation({ summary: 'Who am I: the account, its role, organisation scope and linked collaborator' })
  @ApiOkResponse({ type: MeView })
  me(@CurrentActor() actor: Actor): Promise<MeView> {
    return this.users.me(actor);
  }
}
