import { DataSource } from 'typeorm';
import { createApi } from '../../src/app/create-api.js';
import { CampaignPipelineService } from '../../src/campaigns/fan-out.processor.js';
import { seedBenchCampaign, seedBenchDirectory } from '../lib/campaign-data.js';
import type { BenchContext, ScenarioResult } from '../types.js';

/**
 * Fan-out: tasks per second of the real fan-out (set-based INSERT … SELECT in organisation
 * chunks, with counters) against a raw server-side COPY of the same rows (re-keyed to a twin
 * campaign) into share_task itself, same run; plus the time to fan out
 * a campaign of 10 items to every channel and member of a demo-sized directory.
 */
export async function fanout(ctx: BenchContext): Promise<ScenarioResult> {
  const national = ctx.scale === 'national';
  const app = await createApi({ env: { ...ctx.env, LOG_LEVEL: 'warn' } });
  const ds = app.get(DataSource);
  const pipeline = app.get(CampaignPipelineService);
  try {
    const dir = await seedBenchDirectory(ds, national
      ? { units: 2000, cellsPerUnit: 4, collaborators: 200_000, channels: 20_000 }
      : { units: 73, cellsPerUnit: 4, collaborators: 4300, channels: 400 });
    const campaignId = await seedBenchCampaign(ds, dir.rootId, 10);

    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const created = await pipeline.fanOut(campaignId);
    const fanOutMs = performance.now() - t0;
    const rssAfter = process.memoryUsage().rss;

    // Baseline: the same rows, re-keyed to a twin campaign (same items by position), COPY'd from a
    // server-side file (no client round trips) into share_task itself: same indexes, FKs, triggers.
    const twinId = await seedBenchCampaign(ds, dir.rootId, 10);
    const file = `/tmp/outreach-bench-fanout-${process.pid}.csv`;
    const cols = 'campaign_id, item_id, organisation_id, platform, channel_id, collaborator_id, deadline';
    await ds.query(
      `COPY (SELECT b.campaign_id, b.id, t.organisation_id, t.platform, t.channel_id, t.collaborator_id, t.deadline
               FROM share_task t JOIN content_item a ON a.id = t.item_id
               JOIN content_item b ON b.campaign_id = '${twinId}' AND b.position = a.position
              WHERE t.campaign_id = '${campaignId}') TO '${file}'`,
    );
    const c0 = performance.now();
    await ds.query(`COPY share_task (${cols}) FROM '${file}'`);
    const copyMs = performance.now() - c0;

    const fanOutRate = Math.round(created / (fanOutMs / 1000));
    const copyRate = Math.round(created / (copyMs / 1000));
    const ratio = fanOutRate / copyRate;
    return {
      name: 'fanout',
      figures: {
        directory: dir,
        items: 10,
        tasksCreated: created,
        fanOutMs: Math.round(fanOutMs),
        fanOutTasksPerSecond: fanOutRate,
        copyMs: Math.round(copyMs),
        copyRowsPerSecond: copyRate,
        rssDeltaMb: Math.round((rssAfter - rssBefore) / 1e6),
      },
      ratio,
      target: {
        description: national ? 'fan-out within 3x of COPY' : 'fan-out within 3x of COPY and the demo campaign in under 5 s',
        met: ratio >= 1 / 3 && (national || fanOutMs < 5000),
      },
      targets: [
        { id: 'fanout-vs-copy', met: ratio >= 1 / 3, measured: `${fanOutRate}/s vs COPY ${copyRate}/s at ${created} tasks (×${ratio.toFixed(2)})` },
        ...(national ? [] : [{ id: 'fanout-demo', met: fanOutMs < 5000, measured: `${created} tasks in ${(fanOutMs / 1000).toFixed(2)} s` }]),
      ],
      summary: `${created} tasks in ${Math.round(fanOutMs)} ms (${fanOutRate}/s) vs COPY ${copyRate}/s; RSS Δ ${Math.round((rssAfter - rssBefore) / 1e6)} MB`,
    };
  } finally {
    await app.close();
  }
}
