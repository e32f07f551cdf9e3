import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, createTwoUnitWorld } from './support/fixtures.js';
import { imageUpload, pngImage } from './support/proof-images.js';
import { createCampaignWithItem, createShareTask } from './support/task-fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

describe('secretary reviews screenshot proofs', () => {
  let ctx: TestContext;
  let storageDir: string;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  let zaloA: string;
  let zaloB: string;

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'reviews-'));
    ctx = await createTestContext({ env: { STORAGE_DIR: storageDir } });
    world = await createTwoUnitWorld(ctx);
    zaloA = (await createChannel(ctx.dataSource, { organisationId: world.unitA.id, platform: 'zalo_group', adminIds: [world.personA.id] })).id;
    zaloB = (await createChannel(ctx.dataSource, { organisationId: world.unitB.id, platform: 'zalo_group', adminIds: [world.personB.id] })).id;
  });

  afterAll(async () => {
    await ctx?.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  async function reviewedTask(unit: 'A' | 'B' = 'A', reviewRequired = true) {
    const { campaign, item } = await createCampaignWithItem(ctx.dataSource, { reviewRequired });
    return createShareTask(ctx.dataSource, {
      campaignId: campaign.id,
      itemId: item.id,
      organisationId: unit === 'A' ? world.unitA.id : world.unitB.id,
      platform: 'zalo_group',
      channelId: unit === 'A' ? zaloA : zaloB,
    });
  }

  const complete = (taskId: string, image: Buffer, headers = world.collaboratorA.headers) => {
    const body = imageUpload(image);
    return ctx.app.inject({ method: 'POST', url: `/api/v1/tasks/${taskId}/proof-image`, payload: body.payload, headers: { ...headers, ...body.headers } });
  };
  const get = (url: string, headers: Record<string, string>) => ctx.app.inject({ method: 'GET', url, headers });
  const post = (url: string, headers: Record<string, string>, payload?: object) => ctx.app.inject({ method: 'POST', url, headers, payload });

  it('a Zalo-group task completed with a PNG is rejected with a reason, seen by the collaborator, then approved', async () => {
    const task = await reviewedTask();
    const first = await complete(task.id, await pngImage('a1a1a1'));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'done', reviewStatus: 'pending' });

    const queue = await get('/api/v1/reviews', world.secretaryA.headers);
    expect(queue.statusCode).toBe(200);
    const entry = queue.json().items.find((i: { taskId: string }) => i.taskId === task.id);
    expect(entry).toMatchObject({
      platform: 'zalo_group',
      organisationId: world.unitA.id,
      channel: { id: zaloA },
      completedBy: { collaboratorId: world.personA.id, fullName: 'Nguyễn Văn An' },
      item: { id: task.item_id },
      duplicate: false,
      proofImage: { url: `/api/v1/tasks/${task.id}/proof`, contentType: 'image/webp' },
    });
    const image = await get(entry.proofImage.url, world.secretaryA.headers);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/webp');
    expect((await sharp(image.rawPayload).metadata()).format).toBe('webp');

    const rejected = await post(`/api/v1/tasks/${task.id}/reject`, world.secretaryA.headers, { reason: 'Ảnh không thấy bài đăng trong nhóm Zalo' });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'pending', reviewStatus: 'rejected', proofImage: null, completedAt: null });

    // The collaborator reads the reason on its task, now pending again.
    const seen = await get(`/api/v1/tasks/${task.id}/review`, world.collaboratorA.headers);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ status: 'pending', reviewStatus: 'rejected', reviewReason: 'Ảnh không thấy bài đăng trong nhóm Zalo' });
    const [row] = await ctx.dataSource.query(`SELECT status, review_reason, completed_at, proof_image_id FROM share_task WHERE id = $1`, [task.id]);
    expect(row).toEqual({ status: 'pending', review_reason: 'Ảnh không thấy bài đăng trong nhóm Zalo', completed_at: null, proof_image_id: null });
    expect((await get('/api/v1/reviews', world.secretaryA.headers)).json().items.map((i: { taskId: string }) => i.taskId)).not.toContain(task.id);

    // A second proof, approved.
    expect((await complete(task.id, await pngImage('b2b2b2'))).statusCode).toBe(200);
    const approved = await post(`/api/v1/tasks/${task.id}/approve`, world.secretaryA.headers);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'done', reviewStatus: 'approved', reviewReason: null });
    const again = await post(`/api/v1/tasks/${task.id}/approve`, world.secretaryA.headers);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'TASK_NOT_AWAITING_REVIEW', taskStatus: 'done', reviewStatus: 'approved' });

    // Counted once: one done, approved completion, with two images on record (the rejected one kept as history).
    const [counts] = await ctx.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'done' AND review_status = 'approved')::int AS approved,
              (SELECT count(*)::int FROM proof_image WHERE task_id = $1) AS images
         FROM share_task WHERE id = $1`,
      [task.id],
    );
    expect(counts).toEqual({ approved: 1, images: 2 });
    const decisions = await ctx.dataSource.query(`SELECT action, actor_login FROM audit_log WHERE entity = 'share_task' AND entity_id = $1 ORDER BY id`, [task.id]);
    expect(decisions.map((d: { action: string }) => d.action)).toEqual(['task.complete', 'task.review.reject', 'task.complete', 'task.review.approve']);
    expect(decisions[1].actor_login).toBe(world.secretaryA.login);
  });

  it('flags the same image submitted for two tasks to the reviewer', async () => {
    const png = await pngImage('c3c3c3');
    const one = await reviewedTask();
    const two = await reviewedTask();
    expect((await complete(one.id, png)).json().proofImage.duplicate).toBe(false);
    const second = await complete(two.id, png);
    expect(second.statusCode).toBe(200); // flagged, not refused
    expect(second.json().proofImage).toMatchObject({ duplicate: true, duplicateCount: 1 });
    const items = (await get('/api/v1/reviews', world.admin.headers)).json().items as Array<{ taskId: string; duplicate: boolean }>;
    expect(items.find((i) => i.taskId === one.id)?.duplicate).toBe(true);
    expect(items.find((i) => i.taskId === two.id)?.duplicate).toBe(true);
  });

  it('keeps proofs and reviews inside the scope: other units get 404 and see nothing', async () => {
    const task = await reviewedTask();
    expect((await complete(task.id, await pngImage('d4d4d4'))).statusCode).toBe(200);

    for (const user of [world.collaboratorB, world.secretaryB]) {
      const res = await get(`/api/v1/tasks/${task.id}/proof`, user.headers);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
      expect((await get(`/api/v1/tasks/${task.id}/review`, user.headers)).statusCode).toBe(404);
    }
    for (const user of [world.collaboratorA, world.secretaryA, world.admin]) {
      expect((await get(`/api/v1/tasks/${task.id}/proof`, user.headers)).statusCode).toBe(200);
    }
    // A collaborator of the same unit who neither holds the task nor administers its channel.
    const bystander = await ctx.dataSource.query(`SELECT 1`).then(async () => {
      const { createUser } = await import('./support/fixtures.js');
      return createUser(ctx, { role: 'collaborator', collaboratorId: world.personCellA.id });
    });
    expect((await get(`/api/v1/tasks/${task.id}/proof`, bystander.headers)).statusCode).toBe(404);

    const foreignQueue = (await get('/api/v1/reviews', world.secretaryB.headers)).json().items as Array<{ taskId: string }>;
    expect(foreignQueue.map((i) => i.taskId)).not.toContain(task.id);
    expect((await post(`/api/v1/tasks/${task.id}/approve`, world.secretaryB.headers)).statusCode).toBe(404);
    expect((await post(`/api/v1/tasks/${task.id}/reject`, world.secretaryB.headers, { reason: 'không đạt yêu cầu' })).statusCode).toBe(404);
    // Collaborators do not review.
    expect((await get('/api/v1/reviews', world.collaboratorA.headers)).statusCode).toBe(403);
    expect((await post(`/api/v1/tasks/${task.id}/approve`, world.collaboratorA.headers)).statusCode).toBe(403);
    const [row] = await ctx.dataSource.query(`SELECT review_status FROM share_task WHERE id = $1`, [task.id]);
    expect(row.review_status).toBe('pending');
  });

  it('secretary of a unit reviews its sub-cells too; the queue is oldest first and pages with a cursor', async () => {
    const { campaign, item } = await createCampaignWithItem(ctx.dataSource, { reviewRequired: true });
    const tasks = [];
    for (let i = 0; i < 3; i++) {
      const person = i === 1 ? world.personCellA.id : world.personA.id;
      const { createCollaborator } = await import('./support/fixtures.js');
      const who = i === 2 ? (await createCollaborator(ctx.dataSource, { organisationId: world.cellA.id })).id : person;
      tasks.push(await createShareTask(ctx.dataSource, { campaignId: campaign.id, itemId: item.id, organisationId: world.cellA.id, platform: 'facebook_page', collaboratorId: who }));
    }
    // Completed in a known order, oldest first.
    for (const [i, t] of tasks.entries()) {
      await ctx.dataSource.query(
        `UPDATE share_task SET status = 'done', review_status = 'pending', proof_url = $2, completed_at = now() - make_interval(mins => $3) WHERE id = $1`,
        [t.id, `https://facebook.com/post/${i}`, 30 - i],
      );
    }
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/api/v1/reviews?campaignId=${campaign.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, world.secretaryA.headers);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      ids.push(...page.items.map((i: { taskId: string; proofUrl: string; proofImage: unknown }) => i.taskId));
      expect(page.items.every((i: { proofUrl: string; proofImage: unknown }) => i.proofUrl.startsWith('https://facebook.com/post/') && i.proofImage === null)).toBe(true);
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toEqual(tasks.map((t) => t.id));
    expect((await get(`/api/v1/reviews?campaignId=${campaign.id}`, world.secretaryB.headers)).json().items).toEqual([]);
  });

  it('bulk approves a page: in-scope completions awaiting review are approved, the rest reported', async () => {
    const mine = [await reviewedTask(), await reviewedTask()];
    for (const [i, t] of mine.entries()) expect((await complete(t.id, await pngImage(`e${i}e${i}e${i}`))).statusCode).toBe(200);
    const foreign = await reviewedTask('B');
    expect((await complete(foreign.id, await pngImage('f5f5f5'), world.collaboratorB.headers)).statusCode).toBe(200);
    const notDone = await reviewedTask();

    const res = await post('/api/v1/reviews/approve', world.secretaryA.headers, { taskIds: [mine[0]!.id, mine[1]!.id, foreign.id, notDone.id, '987654321', mine[0]!.id] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      approved: [mine[0]!.id, mine[1]!.id],
      skipped: [
        { taskId: foreign.id, reason: 'NOT_FOUND' },
        { taskId: notDone.id, reason: 'TASK_NOT_AWAITING_REVIEW' },
        { taskId: '987654321', reason: 'NOT_FOUND' },
      ],
    });
    const rows = await ctx.dataSource.query(`SELECT id::text AS id, review_status FROM share_task WHERE id = ANY($1::bigint[]) ORDER BY share_task.id`, [[mine[0]!.id, mine[1]!.id, foreign.id]]);
    expect(rows.map((r: { review_status: string }) => r.review_status)).toEqual(['approved', 'approved', 'pending']);
    const [{ count }] = await ctx.dataSource.query(
      `SELECT count(*)::int AS count FROM audit_log WHERE action = 'task.review.approve' AND entity_id = ANY($1::text[])`,
      [[mine[0]!.id, mine[1]!.id]],
    );
    expect(count).toBe(2);
  });

  it('refuses bad review input with a problem, never a 500', async () => {
    const task = await reviewedTask();
    expect((await complete(task.id, await pngImage('0a0b0c'))).statusCode).toBe(200);
    const cases: Array<[string, string, object | undefined, number]> = [
      ['POST', `/api/v1/tasks/${task.id}/reject`, {}, 400],
      ['POST', `/api/v1/tasks/${task.id}/reject`, { reason: ' ' }, 400],
      ['POST', `/api/v1/tasks/${task.id}/reject`, { reason: 'x'.repeat(1001) }, 400],
      ['POST', `/api/v1/tasks/${task.id}/reject`, { reason: 'lý do hợp lệ', extra: 1 }, 400],
      ['POST', '/api/v1/tasks/not-a-number/approve', undefined, 404],
      ['POST', '/api/v1/tasks/99999999999999999999999/approve', undefined, 404],
      ['POST', '/api/v1/reviews/approve', { taskIds: [] }, 400],
      ['POST', '/api/v1/reviews/approve', { taskIds: ['abc'] }, 400],
      ['POST', '/api/v1/reviews/approve', { taskIds: Array.from({ length: 201 }, (_, i) => String(i + 1)) }, 400],
      ['GET', '/api/v1/reviews?limit=0', undefined, 400],
      ['GET', '/api/v1/reviews?limit=abc', undefined, 400],
      ['GET', '/api/v1/reviews?cursor=bm90LWEtY3Vyc29y', undefined, 400],
      ['GET', '/api/v1/reviews?campaignId=nope', undefined, 400],
      ['GET', '/api/v1/tasks/0/proof', undefined, 404],
    ];
    for (const [method, url, payload, status] of cases) {
      const res = await ctx.app.inject({ method: method as 'GET' | 'POST', url, payload, headers: world.secretaryA.headers });
      expect({ url, payload, status: res.statusCode }).toEqual({ url, payload, status });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    // A task with no image answers 404 for its proof.
    const bare = await reviewedTask();
    expect((await get(`/api/v1/tasks/${bare.id}/proof`, world.admin.headers)).statusCode).toBe(404);
    const [row] = await ctx.dataSource.query(`SELECT review_status FROM share_task WHERE id = $1`, [task.id]);
    expect(row.review_status).toBe('pending');
  });

  it('a campaign without review completes straight to not_required and stays out of the queue', async () => {
    const task = await reviewedTask('A', false);
    expect((await complete(task.id, await pngImage('123abc'))).json()).toMatchObject({ status: 'done', reviewStatus: 'not_required' });
    expect((await get('/api/v1/reviews', world.admin.headers)).json().items.map((i: { taskId: string }) => i.taskId)).not.toContain(task.id);
    expect((await post(`/api/v1/tasks/${task.id}/approve`, world.admin.headers)).statusCode).toBe(409);
  });

  it('documents the proof and review routes in OpenAPI, the upload as multipart', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs-json' })).json();
    const upload = doc.paths['/api/v1/tasks/{id}/proof-image'].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(['multipart/form-data']);
    expect(upload.requestBody.content['multipart/form-data'].schema.properties.image).toMatchObject({ type: 'string', format: 'binary' });
    for (const path of ['/api/v1/tasks/{id}/proof', '/api/v1/tasks/{id}/review', '/api/v1/reviews', '/api/v1/reviews/approve', '/api/v1/tasks/{id}/approve', '/api/v1/tasks/{id}/reject']) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});
