import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../src/identity/token.service.js';
import { FaultWorld } from './support/fault-world.js';
import { newTally, record, summary } from './support/load.js';
import { fmt, profile, report } from './support/profile.js';

/**
 * Load: N collaborators (4,300 in the full profile, the demo province's size) each complete their
 * task, spread over the run's seconds, while an admin creates and launches a campaign and the
 * secretaries pull reports. Zero 5xx; counts exact; aggregates equal direct counts.
 */
describe('faults: load — collaborators completing while reports are pulled and a campaign launches', () => {
  let fw: FaultWorld;
  beforeAll(async () => {
    fw = await FaultWorld.create({ DATABASE_POOL_SIZE: '10' });
  });
  afterAll(async () => fw?.close());

  it(`${fmt(profile.loadCollaborators)} collaborators over ${profile.loadSeconds} s: zero 5xx, counts exact, aggregates equal direct counts`, async () => {
    const n = profile.loadCollaborators;
    const ds = fw.ds;
    const [campaign] = await ds.query(`INSERT INTO campaign (title, status, deadline, targets, launched_at) VALUES ('Chiến dịch tải', 'active', now() + interval '2 days', $1, now()) RETURNING id`, [JSON.stringify({ organisationIds: [fw.world.unitA.id], includeSubtree: true, personalShares: true })]);
    const [item] = await ds.query(`INSERT INTO content_item (campaign_id, url, title) VALUES ($1, 'https://baophuyen.vn/tai.html', 'Bài tải') RETURNING id`, [campaign.id]);
    // People spread over unit A and its sub-cell, each with an account and one personal task.
    const people = (await ds.query(
      `WITH c AS (INSERT INTO collaborator (code, organisation_id, full_name)
                  SELECT 'LOAD-' || g, CASE WHEN g % 2 = 0 THEN $1::uuid ELSE $2::uuid END, 'Cộng tác viên ' || g FROM generate_series(1, $3) g RETURNING id, organisation_id),
            u AS (INSERT INTO app_user (login, password_hash, role, collaborator_id) SELECT 'load-' || c.id, 'x', 'collaborator', c.id FROM c RETURNING id, collaborator_id)
       SELECT u.id AS user_id, c.id AS collaborator_id, c.organisation_id FROM u JOIN c ON c.id = u.collaborator_id`,
      [fw.world.unitA.id, fw.world.cellA.id, n],
    )) as Array<{ user_id: string; collaborator_id: string; organisation_id: string }>;
    const tasks = (await ds.query(
      `INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, collaborator_id, deadline)
       SELECT $1, $2, organisation_id, 'personal', id, now() + interval '2 days' FROM collaborator WHERE code LIKE 'LOAD-%' RETURNING id::text, collaborator_id`,
      [campaign.id, item.id],
    )) as Array<{ id: string; collaborator_id: string }>;
    // campaign_progress and the report tallies follow from the share_task triggers.
    const tokens = new Map(people.map((p) => [p.collaborator_id, fw.app.get(TokenService).signAccessToken(p.user_id)]));

    const tally = newTally();
    const started = Date.now();
    const spanMs = profile.loadSeconds * 1000;
    let next = 0;
    const collaborators = Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < tasks.length) {
          const task = tasks[next++]!;
          // Pace the completions over the run: task i is due at i/n of the span.
          const due = started + (spanMs * next) / tasks.length;
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
          const res = await fw.app.inject({
            method: 'POST',
            url: `/api/v1/tasks/${task.id}/complete`,
            headers: { authorization: `Bearer ${tokens.get(task.collaborator_id)}` },
            payload: { proofUrl: `https://facebook.com/ctv/posts/${task.id}` },
          });
          record(tally, 'complete', res, [200]);
        }
      }),
    );
    let done = false;
    const secretaries = Promise.all(
      [fw.world.secretaryA, fw.world.secretaryB, fw.world.admin].map(async (who) => {
        for (let i = 0; !done; i++) {
          const url = ['/api/v1/reports/organisations?period=month', '/api/v1/reports/board?period=month', `/api/v1/reports/campaigns/${campaign.id}`, `/api/v1/campaigns/${campaign.id}/progress`][i % 4]!;
          const res = await fw.app.inject({ method: 'GET', url, headers: who.headers });
          record(tally, `report ${url}`, res, who === fw.world.secretaryB && i % 4 >= 2 ? [200, 404] : [200]);
        }
      }),
    );
    const admin = (async () => {
      const h = fw.world.admin.headers;
      const created = await fw.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: h, payload: { title: 'Chiến dịch mới giữa giờ cao điểm', deadline: new Date(Date.now() + 2 * 86_400_000).toISOString(), targets: { organisationIds: [fw.world.unitB.id], includeSubtree: true, personalShares: true } } });
      record(tally, 'admin create', created, [201]);
      const id = created.json().id;
      record(tally, 'admin item', await fw.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/items`, headers: h, payload: { url: 'https://baophuyen.vn/moi.html', title: 'Bài mới' } }), [201]);
      record(tally, 'admin launch', await fw.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/launch`, headers: h }), [202]);
    })();
    await Promise.all([collaborators, admin]);
    done = true;
    await secretaries;
    const seconds = (Date.now() - started) / 1000;

    const [direct] = await ds.query(`SELECT count(*) FILTER (WHERE status = 'done')::int AS done FROM share_task WHERE campaign_id = $1`, [campaign.id]);
    const [progress] = await ds.query(`SELECT sum(done)::int AS done, sum(pending)::int AS pending FROM campaign_progress WHERE campaign_id = $1`, [campaign.id]);
    const [tallied] = await ds.query(`SELECT sum(done_on_time + done_late + awaiting_review)::int AS done FROM report_org_tally WHERE campaign_id = $1`, [campaign.id]);
    const consistency = (await fw.app.inject({ method: 'GET', url: '/api/v1/reports/consistency', headers: fw.world.admin.headers })).json();
    const fivexx = [...tally.statuses].filter(([s]) => s >= 500).reduce((a, [, c]) => a + c, 0);
    report(
      `load: ${fmt(n)} collaborators completed in ${seconds.toFixed(1)} s beside report pulls and a campaign launch; ${fmt(tally.total)} requests → ${summary(tally)}; ${fivexx} 5xx; ` +
        `done: direct ${fmt(direct.done)}, progress counter ${fmt(progress.done)}, report tally ${fmt(tallied.done)}; consistency check ${consistency.consistent ? 'clean' : 'DRIFT'}`,
    );
    expect(tally.unexpected).toEqual([]);
    expect(fivexx).toBe(0);
    expect(direct.done).toBe(n);
    expect(progress.done).toBe(n);
    expect(progress.pending).toBe(0);
    expect(tallied.done).toBe(n);
    expect(consistency.consistent).toBe(true);
  });
});
