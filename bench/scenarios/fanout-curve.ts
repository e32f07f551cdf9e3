/**
 * Fan-out cost curve: the worker's fan-out (CampaignPipelineService.fanOut, in this process, on
 * the bench database) at three sizes, each beside a raw server-side COPY of the same rows into
 * share_task (re-keyed to a twin campaign, same indexes and triggers), as the fan-out scenario
 * does at one size. Sizes: personal shares of a 5-item campaign over 2,000 / 8,000 / 32,000 people
 * (10k / 40k / 160k tasks; national ×5). The growth exponent says whether fan-out stays linear.
 */
import { rmSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { createApi } from '../../src/app/create-api.js';
import { CampaignPipelineService } from '../../src/campaigns/fan-out.processor.js';
import { seedBenchCampaign, seedBenchDirectory } from '../lib/campaign-data.js';
import { runCostCurve } from '../lib/cost-curve.js';
import type { BenchContext, ScenarioResult } from '../types.js';

const ITEMS = 5;

export async function fanoutCurve(ctx: BenchContext): Promise<ScenarioResult> {
  const people = ctx.scale === 'national' ? [10_000, 40_000, 160_000] : [2_000, 8_000, 32_000];
  // Set-up inserts of 32k+ people take longer than the API's statement timeout on a loaded machine.
  const app = await createApi({ env: { ...ctx.env, LOG_LEVEL: 'warn', DATABASE_STATEMENT_TIMEOUT_MS: '600000' } });
  const ds = app.get(DataSource);
  const pipeline = app.get(CampaignPipelineService);
  const points: Array<{ tasks: number; fanOutMs: number; copyMs: number; rate: number; copyRate: number }> = [];
  try {
    const curve = await runCostCurve('fan-out seconds vs tasks', { size: 'tasks', value: 'seconds', baseline: 'raw COPY of the same rows (seconds)' }, people.map((n) => n * ITEMS), async (size) => {
      const dir = await seedBenchDirectory(ds, { units: Math.max(10, size / ITEMS / 100), cellsPerUnit: 2, collaborators: size / ITEMS, channels: 0 });
      const campaignId = await seedBenchCampaign(ds, dir.rootId, ITEMS, { personalShares: true, platforms: [] });
      const t0 = performance.now();
      const created = await pipeline.fanOut(campaignId);
      const fanOutMs = performance.now() - t0;
      if (created !== size) throw new Error(`fan-out made ${created} tasks, expected ${size}`);
      const twinId = await seedBenchCampaign(ds, dir.rootId, ITEMS, { personalShares: true, platforms: [] });
      const file = `/tmp/outreach-bench-fanout-curve-${process.pid}-${size}.csv`;
      await ds.query(
        `COPY (SELECT b.campaign_id, b.id, t.organisation_id, t.platform, t.collaborator_id, t.deadline
                 FROM share_task t JOIN content_item a ON a.id = t.item_id
                 JOIN content_item b ON b.campaign_id = '${twinId}' AND b.position = a.position
                WHERE t.campaign_id = '${campaignId}') TO '${file}'`,
      );
      const c0 = performance.now();
      await ds.query(`COPY share_task (campaign_id, item_id, organisation_id, platform, collaborator_id, deadline) FROM '${file}'`);
      const copyMs = performance.now() - c0;
      rmSync(file, { force: true });
      points.push({ tasks: size, fanOutMs: Math.round(fanOutMs), copyMs: Math.round(copyMs), rate: Math.round(size / (fanOutMs / 1000)), copyRate: Math.round(size / (copyMs / 1000)) });
      return { value: Math.round(fanOutMs / 10) / 100, baseline: Math.round(copyMs / 10) / 100 };
    });
    const last = points[points.length - 1]!;
    const ratio = last.rate / last.copyRate;
    return {
      name: 'fanout-curve',
      figures: { items: ITEMS, points },
      ratio,
      curves: [curve],
      summary: `fan-out ${points.map((p) => `${p.tasks.toLocaleString('en')} tasks ${p.fanOutMs} ms`).join(', ')} (growth ${curve.growth}, exponent ${curve.exponent.toFixed(2)}); raw COPY ${points.map((p) => `${p.copyMs} ms`).join(', ')}; at the largest size ${last.rate}/s vs COPY ${last.copyRate}/s`,
      note: `Ratio = fan-out rate ÷ raw-COPY rate at the largest size (same rows, same table, same run). The fan-out is one INSERT … SELECT per chunk of organisations with its progress counters; COPY of the finished rows is the floor for writing them.`,
    };
  } finally {
    await app.close();
  }
}
