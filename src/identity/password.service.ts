import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/** argon2id with the library's defaults (64 MiB, 3 passes): the same cost for real and dummy checks. */
const OPTIONS = { type: argon2.argon2id } as const;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

@Injectable()
export class PasswordService {
  /** A hash of a random password nobody knows, verified when a login is unknown or disabled so timing does not tell. */
  private dummyHash: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spends the same work as `verify` and always answers false. */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(24).toString('base64url'));
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
