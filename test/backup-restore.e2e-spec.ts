import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup, restore } from '../src/common/database/backup.util.js';
import { createTwoUnitWorld } from './support/fixtures.js';
import { completeTask, createCampaign, createItem, createTask } from './support/report-fixtures.js';
import { databaseUrl, dropDatabase } from './support/postgres.js';
import { createTestContext, type TestContext } from './support/test-app.js';

/** Everything a report or a person would see, as one comparable snapshot. */
async function snapshot(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = ['organisation', 'collaborator', 'channel', 'channel_admin', 'app_user', 'audit_log', 'share_task', 'migrations', 'campaign', 'content_item', 'campaign_progress', 'report_org_tally', 'report_org_month', 'report_collaborator_tally', 'report_collaborator_month'];
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

  it('restores a dump into a fresh database with identical contents and identical reports', async () => {
    const world = await createTwoUnitWorld(ctx);
    const campaign = await createCampaign(ctx.dataSource, { deadline: '2026-12-01T00:00:00Z' });
    const item = await createItem(ctx.dataSource, campaign.id);
    for (const [i, person] of [world.personA, world.personCellA, world.personB].entries()) {
      const task = await createTask(ctx.dataSource, { campaignId: campaign.id, itemId: item.id, organisationId: person.organisation_id, platform: 'personal', collaboratorId: person.id, deadline: '2026-12-01T00:00:00Z' });
      if (i < 2) await completeTask(ctx.dataSource, task, '2026-11-20T08:00:00Z', person.id);
    }
    const file = await backup(databaseUrl(ctx.dbName), dir);
    await restore(file, databaseUrl(restoredName));
    const [original, restored] = await Promise.all([snapshot(databaseUrl(ctx.dbName)), snapshot(databaseUrl(restoredName))]);
    expect((original as { organisation: { n: number } }).organisation.n).toBe(4);
    expect(restored).toEqual(original);
    // The reports as the organisation report reads them (tallies per unit), from each database.
    const reportOf = async (url: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(
          `SELECT o.code, sum(t.assigned)::int AS assigned, sum(t.done_on_time + t.done_late)::int AS done
             FROM report_org_tally t JOIN organisation o ON o.id = t.organisation_id GROUP BY o.code ORDER BY o.code`,
        )).rows;
      } finally {
        await client.end();
      }
    };
    const [originalReport, restoredReport] = await Promise.all([reportOf(databaseUrl(ctx.dbName)), reportOf(databaseUrl(restoredName))]);
    expect(originalReport.reduce((s: number, r: { done: number }) => s + r.done, 0)).toBe(2);
    expect(restoredReport).toEqual(originalReport);
  });
});
