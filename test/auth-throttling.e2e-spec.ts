import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../src/app/create-api.js';
import { createTwoUnitWorld, TEST_PASSWORD } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

describe('login throttling, shared by every API process through Redis', () => {
  let ctx: TestContext;
  let secondProcess: NestFastifyApplication;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { LOGIN_THROTTLE_LIMIT: '10', LOGIN_THROTTLE_IP_LIMIT: '12', LOGIN_THROTTLE_TTL_SECONDS: '600' } });
    // A second API instance on the same database and Redis prefix: the counts must be shared.
    secondProcess = await createApi({ env: ctx.env });
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => {
    await secondProcess?.close();
    await ctx?.close();
  });

  const login = (app: NestFastifyApplication, loginName: string, password: string, ip: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: loginName, password }, remoteAddress: ip });

  it('answers 429 from the 11th of 20 wrong passwords in a row, whatever the process and the case of the login', async () => {
    const statuses: number[] = [];
    let throttled;
    for (let i = 0; i < 20; i++) {
      const app = i % 2 === 0 ? ctx.app : secondProcess;
      const name = i % 3 === 0 ? world.secretaryA.login.toUpperCase() : world.secretaryA.login;
      const res = await login(app, name, `wrong-password-${i}`, '10.1.1.1');
      statuses.push(res.statusCode);
      if (res.statusCode === 429) throttled ??= res;
    }
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
    expect(throttled!.headers['content-type']).toContain('application/problem+json');
    expect(throttled!.json()).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    const retryAfter = Number(throttled!.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);

    // The throttled login stays closed even with the right password and from elsewhere…
    expect((await login(ctx.app, world.secretaryA.login, TEST_PASSWORD, '10.2.2.2')).statusCode).toBe(429);
    // …while another user, from another IP, logs in normally.
    const other = await login(secondProcess, world.secretaryB.login, TEST_PASSWORD, '10.2.2.2');
    expect(other.statusCode).toBe(200);
    expect(other.json().accessToken).toBeTruthy();
  });

  it('throttles one IP trying many logins', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await login(ctx.app, `guess-${i}`, 'wrong-password', '10.3.3.3')).statusCode);
    expect(statuses).toEqual([...Array(12).fill(401), 429]);
    // The same logins from another address are not affected by that IP's block.
    expect((await login(ctx.app, world.admin.login, TEST_PASSWORD, '10.4.4.4')).statusCode).toBe(200);
  });

  it('does not throttle the rest of the API', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: world.admin.headers })));
    expect(answers.every((r) => r.statusCode === 200)).toBe(true);
  });
});
