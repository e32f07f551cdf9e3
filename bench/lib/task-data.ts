import pg from 'pg';
import { copyRows } from './generate.js';

/**
 * Share tasks for the report benches, loaded by COPY into a bench directory (seedBenchDirectory).
 *
 * Shape (BRIEF: "a few campaigns a month"): `campaigns` campaigns spread over two years
 * (2025–2026), each fanning its items out to every channel and every person of the directory, as
 * the fan-out does (one deadline per campaign; platform = the channel's, or `personal`). More tasks
 * means more items per campaign. Task k goes to campaign k mod C, then to the targets in an order
 * interleaved across organisations, so any prefix of the sequence (100k of 10M) already spreads
 * over every campaign, unit and platform: the tallies hold about the same keys at every size and
 * grow with campaigns × units × platforms, not with tasks.
 *
 * States are drawn from a hash of k (same k, same state): 55% done (40% of them late), 10%
 * unable, 10% expired, 25% pending.
 */
export interface TaskWorld {
  campaigns: Array<{ id: string; deadline: Date }>;
  items: string[][];
  targets: Array<{ organisationId: string; platform: string; channelId: string | null; collaboratorId: string | null }>;
}

const COLUMNS = [
  'campaign_id',
  'item_id',
  'organisation_id',
  'platform',
  'channel_id',
  'collaborator_id',
  'status',
  'deadline',
  'completed_at',
  'late',
  'completed_by_collaborator_id',
] as const;

/** Campaigns (closed, 4 a month from January 2025) with `itemsPerCampaign` items each, over the directory under `rootId`. */
export async function seedTaskWorld(client: pg.Client, rootId: string, campaigns: number, itemsPerCampaign: number): Promise<TaskWorld> {
  const { rows: cs } = await client.query<{ id: string; deadline: Date }>(
    `INSERT INTO campaign (title, status, deadline, targets, launched_at, fanned_out_at, closed_at)
     SELECT 'Đợt tuyên truyền ' || n, 'closed', d, $2::jsonb, d - interval '7 days', d - interval '7 days', d
       FROM generate_series(0, $1::int - 1) n, LATERAL (SELECT timestamptz '2025-01-06 17:00+07' + n * interval '182 hours' AS d) x
     RETURNING id, deadline`,
    [campaigns, JSON.stringify({ organisationIds: [rootId], includeSubtree: true, personalShares: true })],
  );
  cs.sort((a, b) => a.deadline.getTime() - b.deadline.getTime());
  const { rows: items } = await client.query<{ id: string; campaign_id: string }>(
    `INSERT INTO content_item (campaign_id, position, url, title, caption)
     SELECT c, n, 'https://baophuyen.vn/bench/' || c || '/' || n || '.html', 'Tin bài ' || n, 'Chia sẻ tin bài số ' || n
       FROM unnest($1::uuid[]) c, generate_series(1, $2::int) n
     RETURNING id, campaign_id`,
    [cs.map((c) => c.id), itemsPerCampaign],
  );
  const byCampaign = new Map<string, string[]>(cs.map((c) => [c.id, []]));
  for (const i of items) byCampaign.get(i.campaign_id)!.push(i.id);
  const { rows: targets } = await client.query<{ organisation_id: string; platform: string; channel_id: string | null; collaborator_id: string | null }>(
    `WITH t AS (
       SELECT ch.organisation_id, ch.platform, ch.id AS channel_id, NULL::uuid AS collaborator_id FROM channel ch
        WHERE ch.active AND ch.organisation_id IN (SELECT id FROM organisation WHERE ancestors @> ARRAY[$1::uuid])
       UNION ALL
       SELECT c.organisation_id, 'personal', NULL, c.id FROM collaborator c
        WHERE c.active AND c.organisation_id IN (SELECT id FROM organisation WHERE ancestors @> ARRAY[$1::uuid]))
     SELECT * FROM t ORDER BY row_number() OVER (PARTITION BY organisation_id ORDER BY channel_id NULLS LAST, collaborator_id), organisation_id`,
    [rootId],
  );
  return {
    campaigns: cs,
    items: cs.map((c) => byCampaign.get(c.id)!),
    targets: targets.map((t) => ({ organisationId: t.organisation_id, platform: t.platform, channelId: t.channel_id, collaboratorId: t.collaborator_id })),
  };
}

/** Capacity of the world: one task per (item, target). */
export function taskCapacity(world: TaskWorld): number {
  return world.campaigns.length * world.items[0]!.length * world.targets.length;
}

/** A fraction in [0, 1) from k (a 32-bit integer hash), so states are reproducible. */
function unit(k: number, salt: number): number {
  let h = (k ^ salt) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4_294_967_296;
}

function* taskRows(world: TaskWorld, from: number, to: number): Generator<Array<string | boolean | null>> {
  const C = world.campaigns.length;
  const T = world.targets.length;
  for (let k = from; k < to; k++) {
    const c = k % C;
    const j = Math.floor(k / C);
    const target = world.targets[j % T]!;
    const item = world.items[c]![Math.floor(j / T)]!;
    const deadline = world.campaigns[c]!.deadline;
    const r = unit(k, 0x9e3779b9);
    const status = r < 0.55 ? 'done' : r < 0.65 ? 'unable' : r < 0.75 ? 'expired' : 'pending';
    let completedAt: string | null = null;
    let late = false;
    if (status === 'done') {
      // 40% of completions after the deadline, the rest up to 2 days before it.
      const late40 = unit(k, 0x85ebca6b) < 0.4;
      const offsetMs = (late40 ? 1 : -1) * Math.floor(unit(k, 0xc2b2ae35) * 2 * 86_400_000) + (late40 ? 1000 : 0);
      completedAt = new Date(deadline.getTime() + offsetMs).toISOString();
      late = late40;
    }
    yield [
      world.campaigns[c]!.id,
      item,
      target.organisationId,
      target.platform,
      target.channelId,
      target.collaboratorId,
      status,
      deadline.toISOString(),
      completedAt,
      late,
      status === 'done' ? target.collaboratorId : null,
    ];
  }
}

/**
 * COPYs tasks [from, to) of the world's sequence into share_task, at most `perStatement` rows
 * per COPY: each COPY is one statement, so the tally triggers apply one grouped delta per
 * statement, as for a fan-out chunk. Foreign-key checks are off during the load (ids are taken
 * from the tables, so they hold by construction); user triggers (the tallies) stay on.
 */
export async function copyTasks(client: pg.Client, world: TaskWorld, from: number, to: number, perStatement = 1_000_000): Promise<number> {
  if (to > taskCapacity(world)) throw new RangeError(`the world holds ${taskCapacity(world)} tasks, asked for ${to}`);
  await client.query(`ALTER TABLE share_task DISABLE TRIGGER ALL`);
  await client.query(`ALTER TABLE share_task ENABLE TRIGGER USER`);
  try {
    let written = 0;
    for (let start = from; start < to; start += perStatement) {
      written += await copyRows(client, 'share_task', COLUMNS, taskRows(world, start, Math.min(to, start + perStatement)));
    }
    return written;
  } finally {
    await client.query(`ALTER TABLE share_task ENABLE TRIGGER ALL`);
  }
}
