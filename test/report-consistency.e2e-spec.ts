import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportConsistencyService } from '../src/reports/report-consistency.service.js';
import { ReportService } from '../src/reports/report.service.js';
import { createChannel, createCollaborator, createOrganisation } from './support/fixtures.js';
import {
  approveTask,
  completeTask,
  createCampaign,
  createItem,
  createTask,
  directOrgCounts,
  expireOverdue,
  fanOut,
  markUnable,
  rejectTask,
  reopenTask,
  tallyOrgCounts,
} from './support/report-fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

/**
 * Property: after any sequence of task writes — single completes, unable, reopen, approve,
 * reject, set-based expiry, set-based fan-out, deletes — the trigger-kept tallies equal a
 * direct count over share_task.
 */
describe('report tallies under random task histories', () => {
  let ctx: TestContext;
  const orgs: string[] = [];
  const people: string[] = [];
  const channels: Array<{ id: string; org: string; platform: string }> = [];
  let campaigns: string[] = [];
  const BASE = Date.parse('2026-11-30T12:00:00Z');

  beforeAll(async () => {
    ctx = await createTestContext();
    const ds = ctx.dataSource;
    const root = await createOrganisation(ds, { kind: 'bloc_committee' });
    for (let i = 0; i < 4; i++) orgs.push((await createOrganisation(ds, { parentId: root.id })).id);
    for (let i = 0; i < 12; i++) people.push((await createCollaborator(ds, { organisationId: orgs[i % 4]! })).id);
    for (let i = 0; i < 4; i++) {
      const platform = i % 2 ? 'zalo_group' : 'facebook_page';
      channels.push({ id: (await createChannel(ds, { organisationId: orgs[i]!, platform })).id, org: orgs[i]!, platform });
    }
    campaigns = [(await createCampaign(ds, { deadline: new Date(BASE) })).id, (await createCampaign(ds, { deadline: new Date(BASE), reviewRequired: true })).id];
  });
  afterAll(async () => ctx?.close());

  // Times within ±36 h of BASE, in 30-minute steps: deadlines and completions fall on both sides of local midnights.
  const time = fc.integer({ min: -72, max: 72 }).map((h) => new Date(BASE + h * 30 * 60_000).toISOString());
  const op = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('complete' as const), pick: fc.nat(), at: time, by: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('unable' as const), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('reopen' as const), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('approve' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), now: time }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('fanOut' as const), campaign: fc.nat(1), deadline: time, who: fc.subarray([...Array(12).keys()], { minLength: 1 }), spread: fc.integer({ min: 1, max: 30 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('channelTask' as const), campaign: fc.nat(1), channel: fc.nat(3), deadline: time }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('moveDeadline' as const), pick: fc.nat(), deadline: time }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  );

  // Deadlines fall on local days 29 Nov – 2 Dec 2026.
  const RANGES: Array<{ from?: string; to?: string }> = [
    {},
    { from: '2026-11-01', to: '2026-11-30' },
    { from: '2026-11-30', to: '2026-12-01' },
    { from: '2026-11-30', to: '2026-12-31' },
    { from: '2026-10-15', to: '2027-01-10' },
    { from: '2026-12-02', to: '2026-12-02' },
  ];
  const FIGURES = ['assigned', 'onTime', 'late', 'awaitingReview', 'unable', 'expired', 'pending'] as const;
  const COUNTS = `count(*)::int AS "assigned",
    count(*) FILTER (WHERE st.status = 'done' AND st.review_status IN ('not_required','approved') AND st.completed_at <= st.deadline)::int AS "onTime",
    count(*) FILTER (WHERE st.status = 'done' AND st.review_status IN ('not_required','approved') AND (st.completed_at <= st.deadline) IS NOT TRUE)::int AS "late",
    count(*) FILTER (WHERE st.status = 'done' AND st.review_status NOT IN ('not_required','approved'))::int AS "awaitingReview",
    count(*) FILTER (WHERE st.status = 'unable')::int AS "unable",
    count(*) FILTER (WHERE st.status = 'expired')::int AS "expired",
    count(*) FILTER (WHERE st.status = 'pending')::int AS "pending"`;
  const inRange = (r: { from?: string; to?: string }) =>
    `(st.deadline AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN '${r.from ?? '1970-01-01'}'::date AND '${r.to ?? '9999-12-31'}'::date`;
  const figures = (row: object) => Object.fromEntries(FIGURES.map((f) => [f, Number((row as Record<string, unknown>)[f] ?? 0)]));
  const nonZero = (rows: Array<[string, Record<string, number>]>) => Object.fromEntries(rows.filter(([, f]) => Object.values(f).some((n) => n !== 0)).sort(([a], [b]) => a.localeCompare(b)));
  async function reportedPeople(range: { from?: string; to?: string }) {
    const { items } = await ctx.app.get(ReportService).collaborators({ kind: 'all' }, range);
    return nonZero(items.map((i) => [i.collaboratorId, figures(i)]));
  }
  async function directPeople(range: { from?: string; to?: string }) {
    const rows: Array<Record<string, unknown>> = await ctx.dataSource.query(
      `SELECT st.collaborator_id AS id, ${COUNTS} FROM share_task st WHERE st.collaborator_id IS NOT NULL AND ${inRange(range)} GROUP BY 1`,
    );
    return nonZero(rows.map((r) => [String(r.id), figures(r)]));
  }
  async function reportedUnits(range: { from?: string; to?: string }) {
    const { items } = await ctx.app.get(ReportService).organisations({ kind: 'all' }, range);
    return nonZero(items.map((i) => [i.organisationId, figures(i)]));
  }
  async function directUnits(range: { from?: string; to?: string }) {
    // Rolled up: a unit's figures are its own tasks and its sub-units'.
    const rows: Array<Record<string, unknown>> = await ctx.dataSource.query(
      `SELECT o.id, ${COUNTS} FROM organisation o
         JOIN organisation s ON s.ancestors @> ARRAY[o.id]
         JOIN share_task st ON st.organisation_id = s.id
        WHERE o.active AND ${inRange(range)} GROUP BY o.id`,
    );
    return nonZero(rows.map((r) => [String(r.id), figures(r)]));
  }

  it('keeps tallies equal to a direct count after thousands of operations', async () => {
    const ds = ctx.dataSource;
    let operations = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 200, maxLength: 500 }), async (ops) => {
        await ds.query(`TRUNCATE share_task CASCADE`);
        expect(await tallyOrgCounts(ds)).toBe('[]');
        const ids: string[] = [];
        const pick = (n: number) => ids[n % ids.length]!;
        for (const o of ops) {
          operations++;
          if (o.kind === 'fanOut') {
            const item = await createItem(ds, campaigns[o.campaign]!);
            await fanOut(ds, { campaignId: campaigns[o.campaign]!, itemId: item.id, collaboratorIds: o.who.map((i) => people[i]!), deadline: o.deadline, spreadHours: o.spread });
            const rows = await ds.query(`SELECT id FROM share_task WHERE item_id = $1`, [item.id]);
            ids.push(...rows.map((r: { id: string }) => String(r.id)));
            continue;
          }
          if (o.kind === 'channelTask') {
            const item = await createItem(ds, campaigns[o.campaign]!);
            const ch = channels[o.channel]!;
            ids.push(await createTask(ds, { campaignId: campaigns[o.campaign]!, itemId: item.id, organisationId: ch.org, platform: ch.platform, channelId: ch.id, deadline: o.deadline }));
            continue;
          }
          if (o.kind === 'expire') {
            await expireOverdue(ds, o.now);
            continue;
          }
          if (ids.length === 0) continue;
          const id = pick(o.pick);
          if (o.kind === 'complete') await completeTask(ds, id, o.at, people[o.by % people.length]!);
          else if (o.kind === 'unable') await markUnable(ds, id);
          else if (o.kind === 'reopen') await reopenTask(ds, id);
          else if (o.kind === 'approve') await approveTask(ds, id);
          else if (o.kind === 'reject') await rejectTask(ds, id);
          else if (o.kind === 'moveDeadline') await ds.query(`UPDATE share_task SET deadline = $2 WHERE id = $1`, [id, o.deadline]);
          else if (o.kind === 'delete') {
            await ds.query(`DELETE FROM share_task WHERE id = $1`, [id]);
            ids.splice(ids.indexOf(id), 1);
          }
        }
        expect(await tallyOrgCounts(ds)).toBe(await directOrgCounts(ds));
        const check = await ctx.app.get(ReportConsistencyService).check();
        expect(check.consistent).toBe(true);
        // The reports read the rollups (per unit and day, per person and month plus the days of a
        // partly covered month): their figures equal a direct count for ranges inside a month,
        // across the month boundary the deadlines straddle, and of whole months.
        for (const range of RANGES) {
          expect(await reportedPeople(range)).toEqual(await directPeople(range));
          expect(await reportedUnits(range)).toEqual(await directUnits(range));
        }
      }),
      { numRuns: 8, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(operations).toBeGreaterThanOrEqual(1600);
    // The check can fail: a tally row nudged by hand is found.
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM share_task`);
    if (n > 0) {
      await ds.query(`UPDATE report_collaborator_tally SET unable = unable + 1 WHERE ctid = (SELECT ctid FROM report_collaborator_tally LIMIT 1)`);
      expect((await ctx.app.get(ReportConsistencyService).check()).consistent).toBe(false);
    }
  }, 240_000);
});
