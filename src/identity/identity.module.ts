import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { Env } from '../common/config/env.schema.js';
import { REDIS } from '../common/redis/redis.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LocalStrategy } from './local.strategy.js';
import { loginThrottlerOptions } from './login-throttle.js';
import { PasswordService } from './password.service.js';
import { SessionService } from './session.service.js';
import { TokenService } from './token.service.js';
import { UserService } from './user.service.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [Env],
      useFactory: (env: Env) => ({ secret: env.JWT_SECRET, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
    }),
    ThrottlerModule.forRootAsync({ inject: [Env, REDIS], useFactory: (env: Env, redis: Redis) => loginThrottlerOptions(env, redis) }),
  ],
  controllers: [AuthController, UsersController],
  providers: [JwtStrategy, LocalStrategy, TokenService, PasswordService, SessionService, AuthService, UserService],
  exports: [TokenService, JwtModule, PasswordService, SessionService, UserService, JwtStrategy],
})
export class IdentityModule {}
