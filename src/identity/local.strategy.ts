import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { type AuthenticatedUser, AuthService, invalidCredentials } from './auth.service.js';

/** `POST /auth/login`: checks `{login, password}` against the argon2id hash. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'login', passwordField: 'password', session: false });
  }

  async validate(login: string, password: string): Promise<AuthenticatedUser> {
    const user = await this.auth.verifyCredentials(login, password);
    if (!user) throw invalidCredentials();
    return user;
  }
}
