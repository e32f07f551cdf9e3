import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeartbeatService } from '../src/system/heartbeat.service.js';
import { HttpProbeModule } from './support/fixtures/http-probe.module.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { JobName, QueueName } from '../src/common/queue/queue.constants.js';

describe('operating the service', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ extraModules: [HttpProbeModule] });
  });
  afterAll(async () => ctx?.close());

  const inject = (opts: Parameters<TestContext['app']['inject']>[0]) => ctx.app.inject(opts);

  it('answers liveness and readiness with Postgres, Redis and migrations up', async () => {
    const live = await inject({ method: 'GET', url: '/health' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' }, migrations: { status: 'up' } });
  });

  it('publishes a valid OpenAPI 3 document and the Swagger UI', async () => {
    const doc = await inject({ method: 'GET', url: '/docs-json' });
    expect(doc.statusCode).toBe(200);
    const body = doc.json();
    expect(body.openapi).toMatch(/^3\./);
    expect(body.paths['/health/ready']).toBeDefined();
    const ui = await inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('answers a malformed JSON body with 400 problem details', async () => {
    const res = await inject({ method: 'POST', url: '/api/v1/probe', headers: { 'content-type': 'application/json' }, payload: '{"name": "a",' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 400, code: 'MALFORMED_JSON', type: '/problems/malformed-json' });
  });

  it('answers an unknown route with 404 problem details', async () => {
    const res = await inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', instance: '/api/v1/nothing-here' });
  });

  it('answers a 2 MB body with 413 problem details', async () => {
    const payload = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), count: 1 });
    const res = await inject({ method: 'POST', url: '/api/v1/probe', headers: { 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('lists every invalid and unknown field in errors[]', async () => {
    const res = await inject({ method: 'POST', url: '/api/v1/probe', payload: { name: 42, count: 99, admin: true } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    const fields = body.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`);
    expect(fields).toEqual(expect.arrayContaining(['name:isString', 'count:max', 'admin:unknownField']));
  });

  it('accepts a valid body', async () => {
    const res = await inject({ method: 'POST', url: '/api/v1/probe', payload: { name: 'Sở Y tế', count: 3 } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: 'Sở Y tế', count: 3 });
  });

  it('speaks Vietnamese when asked', async () => {
    const res = await inject({ method: 'GET', url: '/api/v1/nothing-here', headers: { 'accept-language': 'vi-VN,vi;q=0.9,en;q=0.5' } });
    expect(res.json().title).toBe('Không có đường dẫn này');
    expect(res.headers['content-language']).toBe('vi');
  });

  it('hides internals of unexpected errors and gives the request id instead', async () => {
    const res = await inject({ method: 'GET', url: '/api/v1/probe/boom', headers: { 'x-request-id': 'req-12345' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('at ');
    expect(res.json()).toMatchObject({ code: 'INTERNAL_ERROR', requestId: 'req-12345' });
    expect(res.headers['x-request-id']).toBe('req-12345');
  });

  it('sends security headers and no framework banner', async () => {
    const res = await inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    // Every header helmet sets, as its own middleware sets them, on API answers too.
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    for (const name of ['cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'referrer-policy', 'x-dns-prefetch-control', 'x-download-options', 'x-frame-options', 'x-permitted-cross-domain-policies', 'x-xss-protection']) {
      expect(res.headers[name], name).toBeDefined();
    }
    const api = await inject({ method: 'GET', url: '/api/v1/me/tasks' });
    expect(api.statusCode).toBe(401);
    expect(api.headers['content-security-policy']).toBe(res.headers['content-security-policy']);
  });

  it('refuses cross-origin requests from origins not configured', async () => {
    const res = await inject({ method: 'OPTIONS', url: '/health', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exposes Prometheus metrics for HTTP and queues', async () => {
    await inject({ method: 'GET', url: '/health' });
    const res = await inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('http_request_duration_seconds_count{method="GET",route="/health",status="200"}');
    expect(res.body).toContain('queue_jobs{queue="maintenance",state="waiting"}');
  });

  it('runs a queued job in the worker and records it in Postgres', async () => {
    const worker = await ctx.startWorker();
    const queue = ctx.app.get<Queue>(getQueueToken(QueueName.Maintenance));
    await queue.add(JobName.WorkerHeartbeat, { requestedAt: new Date().toISOString() });
    const workerId = worker.get(HeartbeatService).workerId;
    const row = await waitFor(
      async () => (await ctx.dataSource.query('SELECT beats FROM worker_heartbeat WHERE worker_id = $1', [workerId]))[0],
      { what: 'the heartbeat job to be processed' },
    );
    expect(Number(row.beats)).toBeGreaterThanOrEqual(1);
  });
});

describe('the global access guard', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ extraModules: [HttpProbeModule] });
  });
  afterAll(async () => ctx?.close());

  it('refuses anonymous callers with 401 problem details', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/probe/admin-only' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
  });

  it('lets a role with the permission in, and keeps others out with 403', async () => {
    const { createUser, createOrganisation } = await import('./support/fixtures.js');
    const admin = await createUser(ctx, { role: 'admin' });
    const org = await createOrganisation(ctx.dataSource);
    const secretary = await createUser(ctx, { role: 'secretary', organisationId: org.id });
    const ok = await ctx.app.inject({ method: 'GET', url: '/api/v1/probe/admin-only', headers: admin.headers });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().login).toBe(admin.login);
    const denied = await ctx.app.inject({ method: 'GET', url: '/api/v1/probe/admin-only', headers: secretary.headers });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('FORBIDDEN');
  });

  it('refuses a route that declares no permission, even to an admin', async () => {
    const { createUser } = await import('./support/fixtures.js');
    const admin = await createUser(ctx, { role: 'admin' });
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/probe/undeclared', headers: admin.headers });
    expect(res.statusCode).toBe(403);
  });

  it('refuses the token of a disabled user at once', async () => {
    const { createUser } = await import('./support/fixtures.js');
    const admin = await createUser(ctx, { role: 'admin' });
    await ctx.dataSource.query('UPDATE app_user SET disabled_at = now() WHERE id = $1', [admin.id]);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/probe/admin-only', headers: admin.headers });
    expect(res.statusCode).toBe(401);
  });
});
