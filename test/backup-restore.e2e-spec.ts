import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup, restore } from '../src/common/database/backup.util.js';
import { createTwoUnitWorld } from './support/fixtures.js';
import { databaseUrl, dropDatabase } from './support/postgres.js';
import { createTestContext, type TestContext } from './support/test-app.js';

/** Everything a report or a person would see, as one comparable snapshot. */
async function snapshot(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = ['organisation', 'collaborator', 'channel', 'channel_admin', 'app_user', 'audit_log', 'share_task', 'migrations'];
    const out: Record<string, unknown> = {};
    for (const table of tables) {
      out[table] = (await client.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest, count(*)::int AS n FROM ${table} t`)).rows[0];
    }
    return out;
  } finally {
    await client.end();
  }
}

describe('backup and restore drill', () => {
  let ctx: TestContext;
  let dir: string;
  const restoredName = `outreach_t_${process.pid}_restored`;
  beforeAll(async () => {
    ctx = await createTestContext();
    dir = mkdtempSync(join(tmpdir(), 'outreach-backup-'));
  });
  afterAll(async () => {
    await ctx?.close();
    await dropDatabase(restoredName);
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a dump into a fresh database with identical contents', async () => {
    await createTwoUnitWorld(ctx);
    const file = await backup(databaseUrl(ctx.dbName), dir);
    await restore(file, databaseUrl(restoredName));
    const [original, restored] = await Promise.all([snapshot(databaseUrl(ctx.dbName)), snapshot(databaseUrl(restoredName))]);
    expect((original as { organisation: { n: number } }).organisation.n).toBe(4);
    expect(restored).toEqual(original);
  });
});
