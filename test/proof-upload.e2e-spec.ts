import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProofRetentionService } from '../src/proofs/proof-retention.service.js';
import { ProofService } from '../src/proofs/proof.service.js';
import { createChannel, createTwoUnitWorld } from './support/fixtures.js';
import { hasGpsTag, imageUpload, jpegWithGps, multipart, noisyPng, pngBomb, pngImage } from './support/proof-images.js';
import { createCampaignWithItem, createShareTask } from './support/task-fixtures.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';

/** Every file under a directory, recursively (the local proof store). */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describe('collaborator uploads a screenshot as proof', () => {
  let ctx: TestContext;
  let storageDir: string;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  let channelId: string;

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'proofs-'));
    ctx = await createTestContext({ env: { STORAGE_DIR: storageDir, LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent' } });
    world = await createTwoUnitWorld(ctx);
    channelId = (await createChannel(ctx.dataSource, { organisationId: world.unitA.id, platform: 'zalo_group', adminIds: [world.personA.id] })).id;
  });

  afterAll(async () => {
    await ctx?.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  async function newTask(opts: { reviewRequired?: boolean; deadline?: Date } = {}) {
    const { campaign, item } = await createCampaignWithItem(ctx.dataSource, opts);
    const task = await createShareTask(ctx.dataSource, {
      campaignId: campaign.id,
      itemId: item.id,
      organisationId: world.unitA.id,
      platform: 'zalo_group',
      channelId,
      deadline: opts.deadline,
    });
    return { campaign, item, task };
  }

  const upload = (taskId: string, body: { payload: Buffer; headers: Record<string, string> }, headers = world.collaboratorA.headers) =>
    ctx.app.inject({ method: 'POST', url: `/api/v1/tasks/${taskId}/proof-image`, payload: body.payload, headers: { ...headers, ...body.headers } });

  async function expectNothingLeft(taskId: string) {
    const [row] = await ctx.dataSource.query(`SELECT status, proof_image_id FROM share_task WHERE id = $1`, [taskId]);
    expect(row).toEqual({ status: 'pending', proof_image_id: null });
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM proof_image WHERE task_id = $1`, [taskId]);
    expect(count).toBe(0);
    expect(await filesUnder(join(storageDir, 'proofs'))).toEqual(expect.not.arrayContaining([expect.stringContaining(`/${taskId}/`)]));
  }

  it('completes the task with a PNG, stores a re-encoded copy outside the database with checksums, and audits it', async () => {
    const { task, campaign } = await newTask();
    const png = await pngImage('1a2b3c');
    const res = await upload(task.id, imageUpload(png, { note: 'Đã chia sẻ vào nhóm Zalo' }));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ taskId: task.id, status: 'done', reviewStatus: 'not_required', late: false, note: 'Đã chia sẻ vào nhóm Zalo' });
    expect(body.proofImage).toMatchObject({ contentType: 'image/webp', width: 320, height: 200, duplicate: false, url: `/api/v1/tasks/${task.id}/proof` });

    const [image] = await ctx.dataSource.query(`SELECT * FROM proof_image WHERE task_id = $1`, [task.id]);
    expect(image.storage_key).toMatch(new RegExp(`^proofs/${campaign.id}/${task.id}/[0-9a-f-]+\\.webp$`));
    expect(image.original_checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(image.checksum).not.toBe(image.original_checksum);
    expect(image.uploaded_by).toBe(world.collaboratorA.id);
    const stored = await sharp(join(storageDir, image.storage_key)).metadata();
    expect(stored).toMatchObject({ format: 'webp', width: 320, height: 200 });

    const audit = await ctx.dataSource.query(`SELECT action, actor_login, after FROM audit_log WHERE entity_id IN ($1, $2) ORDER BY id`, [task.id, image.id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['proof_image.create', 'task.complete']);
    expect(audit[0].after).toMatchObject({ taskId: task.id, checksum: image.checksum, storageKey: image.storage_key });
    expect(audit[1]).toMatchObject({ actor_login: world.collaboratorA.login, after: { status: 'done', proofImageId: image.id, late: false } });

    const again = await upload(task.id, imageUpload(await pngImage('445566')));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'TASK_NOT_PENDING' });
  });

  it('marks a completion after the deadline as late, and awaiting review when the campaign requires it', async () => {
    const { task } = await newTask({ reviewRequired: true, deadline: new Date(Date.now() - 3_600_000) });
    const res = await upload(task.id, imageUpload(await pngImage('778899')));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'done', late: true, reviewStatus: 'pending' });
  });

  it('drops EXIF metadata, GPS position included', async () => {
    const jpeg = await jpegWithGps();
    const original = await sharp(jpeg).metadata();
    expect(hasGpsTag(original.exif)).toBe(true); // the test image really carries a location
    const { task } = await newTask();
    const res = await upload(task.id, imageUpload(jpeg, { filename: 'IMG_0001.jpg', contentType: 'image/jpeg' }));
    expect(res.statusCode).toBe(200);
    const [image] = await ctx.dataSource.query(`SELECT storage_key, original_content_type FROM proof_image WHERE task_id = $1`, [task.id]);
    expect(image.original_content_type).toBe('image/jpeg');
    const stored = await sharp(join(storageDir, image.storage_key)).metadata();
    expect(stored.exif).toBeUndefined();
    expect(stored.xmp).toBeUndefined();
    expect(hasGpsTag(stored.exif)).toBe(false);

    const fetched = await ctx.app.inject({ method: 'GET', url: `/api/v1/tasks/${task.id}/proof`, headers: world.collaboratorA.headers });
    expect(fetched.statusCode).toBe(200);
    expect((await sharp(fetched.rawPayload).metadata()).exif).toBeUndefined();
  });

  describe('refuses bad uploads with a clear problem and leaves nothing behind', () => {
    it.each([
      ['a .png that is text', Buffer.from('hello, this is not a picture\n'), 415, 'PROOF_IMAGE_TYPE_UNSUPPORTED'],
      ['a .png that is a script', Buffer.from('#!/bin/sh\nrm -rf / --no-preserve-root\n'), 415, 'PROOF_IMAGE_TYPE_UNSUPPORTED'],
      ['an SVG named .png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 415, 'PROOF_IMAGE_TYPE_UNSUPPORTED'],
      ['an empty file', Buffer.alloc(0), 400, 'PROOF_IMAGE_MISSING'],
    ])('%s', async (_what, bytes, status, code) => {
      const { task } = await newTask();
      const res = await upload(task.id, imageUpload(bytes, { filename: 'proof.png', contentType: 'image/png' }));
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code, status });
      await expectNothingLeft(task.id);
    });

    it('a truncated PNG and a truncated JPEG', async () => {
      const png = await noisyPng();
      const jpeg = await sharp(png).jpeg().toBuffer();
      for (const [bytes, type] of [[png, 'image/png'], [jpeg, 'image/jpeg']] as const) {
        const { task } = await newTask();
        const res = await upload(task.id, imageUpload(bytes.subarray(0, Math.floor(bytes.length * 0.6)), { contentType: type }));
        expect(res.statusCode).toBe(422);
        expect(res.json()).toMatchObject({ code: 'PROOF_IMAGE_INVALID' });
        await expectNothingLeft(task.id);
      }
    });

    it('an image bomb: 64 megapixels in a few kilobytes', async () => {
      const bomb = pngBomb(8000, 8000);
      expect(bomb.length).toBeLessThan(64 * 1024);
      const { task } = await newTask();
      const res = await upload(task.id, imageUpload(bomb));
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'PROOF_IMAGE_TOO_MANY_PIXELS', maxPixels: 40_000_000 });
      await expectNothingLeft(task.id);
    });

    it('a 50 MB file', async () => {
      const big = Buffer.concat([await pngImage('abcdef'), Buffer.alloc(50 * 1024 * 1024)]);
      const { task } = await newTask();
      const res = await upload(task.id, imageUpload(big));
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'PROOF_IMAGE_TOO_LARGE' });
      await expectNothingLeft(task.id);
    });

    it('two files, or none, or not multipart at all', async () => {
      const { task } = await newTask();
      const png = await pngImage('0f0f0f');
      const two = multipart([
        { name: 'image', value: png, filename: 'a.png', contentType: 'image/png' },
        { name: 'image', value: png, filename: 'b.png', contentType: 'image/png' },
      ]);
      const twoRes = await upload(task.id, two);
      expect(twoRes.statusCode).toBe(400);
      expect(twoRes.json()).toMatchObject({ code: 'PROOF_IMAGE_TOO_MANY_FILES' });

      const none = await upload(task.id, multipart([{ name: 'note', value: 'quên ảnh' }]));
      expect(none.statusCode).toBe(400);
      expect(none.json()).toMatchObject({ code: 'PROOF_IMAGE_MISSING' });

      const wrongField = await upload(task.id, multipart([{ name: 'file', value: png, filename: 'a.png', contentType: 'image/png' }]));
      expect(wrongField.statusCode).toBe(400);

      const json = await ctx.app.inject({ method: 'POST', url: `/api/v1/tasks/${task.id}/proof-image`, payload: { proofUrl: 'x' }, headers: world.collaboratorA.headers });
      expect(json.statusCode).toBe(415);
      expect(json.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
      await expectNothingLeft(task.id);
    });
  });

  it('answers 404 for a task of another unit, an unknown id and a malformed id', async () => {
    const { task } = await newTask();
    const png = await pngImage('123123');
    for (const [id, headers] of [[task.id, world.collaboratorB.headers], [task.id, world.secretaryB.headers], ['999999999', world.admin.headers], ['abc', world.admin.headers]] as const) {
      const res = await upload(id, imageUpload(png), headers);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
    await expectNothingLeft(task.id);
  });

  it('one of two concurrent completions of the same task wins; the loser leaves no file', async () => {
    const { task } = await newTask();
    const [a, b] = await Promise.all([upload(task.id, imageUpload(await pngImage('aa0000'))), upload(task.id, imageUpload(await pngImage('00aa00')))]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM proof_image WHERE task_id = $1`, [task.id]);
    expect(count).toBe(1);
    const files = (await filesUnder(join(storageDir, 'proofs'))).filter((f) => f.includes(`/${task.id}/`));
    expect(files).toHaveLength(1);
  });

  it('completeWithImage works at the service level for the multipart complete route', async () => {
    const { task } = await newTask({ reviewRequired: true });
    const state = await ctx.app.get(ProofService).completeWithImage(
      { userId: world.secretaryA.id, login: world.secretaryA.login, role: 'secretary', organisationId: world.unitA.id, collaboratorId: null },
      task.id,
      await pngImage('c0ffee'),
      'thay mặt cộng tác viên',
    );
    expect(state).toMatchObject({ status: 'done', reviewStatus: 'pending', note: 'thay mặt cộng tác viên' });
  });

  it("deleting a campaign's data (retention job) removes its images: rows and files", async () => {
    const { task, campaign } = await newTask();
    const other = await newTask();
    expect((await upload(task.id, imageUpload(await pngImage('dd0011')))).statusCode).toBe(200);
    expect((await upload(other.task.id, imageUpload(await pngImage('dd0022')))).statusCode).toBe(200);
    const [image] = await ctx.dataSource.query(`SELECT storage_key FROM proof_image WHERE task_id = $1`, [task.id]);
    const [kept] = await ctx.dataSource.query(`SELECT storage_key FROM proof_image WHERE task_id = $1`, [other.task.id]);

    await ctx.startWorker();
    await ctx.app.get(ProofRetentionService).schedulePurge(campaign.id);
    await waitFor(async () => {
      const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM proof_image WHERE campaign_id = $1`, [campaign.id]);
      return count === 0;
    }, { what: 'the campaign proof images to be purged' });
    const files = await waitFor(async () => {
      const all = await filesUnder(storageDir);
      return all.includes(join(storageDir, image.storage_key)) ? null : all;
    }, { what: 'the proof file to be removed' });
    expect(files).toContain(join(storageDir, kept.storage_key));
    const [row] = await ctx.dataSource.query(`SELECT status, proof_image_id FROM share_task WHERE id = $1`, [task.id]);
    expect(row).toEqual({ status: 'done', proof_image_id: null });
    const gone = await ctx.app.inject({ method: 'GET', url: `/api/v1/tasks/${task.id}/proof`, headers: world.admin.headers });
    expect(gone.statusCode).toBe(404);
    const [audit] = await ctx.dataSource.query(`SELECT actor_login, after FROM audit_log WHERE action = 'proof_image.purge' AND entity_id = $1`, [campaign.id]);
    expect(audit).toMatchObject({ actor_login: 'system:retention', after: { removedImages: 1 } });
    // Running it again finds nothing and fails nothing.
    expect(await ctx.app.get(ProofRetentionService).purgeCampaign(
      { userId: world.admin.id, login: world.admin.login, role: 'admin', organisationId: null, collaboratorId: null },
      campaign.id,
    )).toBe(0);
  });
});
