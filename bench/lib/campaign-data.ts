import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface BenchDirectory {
  rootId: string;
  organisations: number;
  channels: number;
  collaborators: number;
}

/**
 * A demo-shaped directory made set-based in the bench database: a root, `units` grassroots
 * organisations with `cellsPerUnit` cells each, `collaborators` members spread over them, and
 * `channels` channels (mixed platforms) each with one administrator. Fresh ids on every run.
 */
export async function seedBenchDirectory(ds: DataSource, input: { units: number; cellsPerUnit: number; collaborators: number; channels: number }): Promise<BenchDirectory> {
  const tag = randomBytes(4).toString('hex');
  const [root] = await ds.query(
    `INSERT INTO organisation (id, code, name, kind, parent_id, ancestors, depth, active)
     SELECT g, $1, 'Đảng bộ Khối (bench)', 'bloc_committee', NULL, ARRAY[g], 0, true FROM gen_random_uuid() g RETURNING id`,
    [`BENCH-${tag}`],
  );
  await ds.query(
    `WITH x AS (SELECT n, gen_random_uuid() AS id FROM generate_series(1, $3::int) n)
     INSERT INTO organisation (id, code, name, kind, parent_id, ancestors, depth, active)
     SELECT x.id, $2 || '-U' || x.n, 'Đảng bộ cơ sở ' || x.n, 'grassroots_committee', $1::uuid, ARRAY[$1::uuid, x.id], 1, true FROM x`,
    [root.id, `BENCH-${tag}`, input.units],
  );
  await ds.query(
    `WITH x AS (SELECT u.id AS parent, u.code, u.ancestors, n, gen_random_uuid() AS id
                  FROM organisation u CROSS JOIN generate_series(1, $2::int) n WHERE u.parent_id = $1)
     INSERT INTO organisation (id, code, name, kind, parent_id, ancestors, depth, active)
     SELECT x.id, x.code || '-C' || x.n, 'Chi bộ ' || x.n, 'affiliated_cell', x.parent, x.ancestors || x.id, 2, true FROM x`,
    [root.id, input.cellsPerUnit],
  );
  // Row n goes to organisation n mod total. The total is a parameter, not a window column, so the
  // join is an equality on n alone and hashes (with it inside the join condition Postgres can only
  // nest-loop: people × organisations comparisons, hours at 1M people).
  const [{ total }] = await ds.query(`SELECT count(*)::int AS total FROM organisation WHERE ancestors @> ARRAY[$1::uuid]`, [root.id]);
  await ds.query(`ANALYZE organisation`);
  await ds.query(
    `WITH orgs AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM organisation WHERE ancestors @> ARRAY[$1::uuid])
     INSERT INTO collaborator (code, organisation_id, full_name, tags, active)
     SELECT $2 || '-P' || n, o.id, 'Cộng tác viên ' || n, CASE WHEN n % 3 = 0 THEN ARRAY['employee'] ELSE ARRAY['party_member'] END, true
       FROM generate_series(0, $3::int - 1) n JOIN orgs o ON o.k = n % $4::int`,
    [root.id, `BENCH-${tag}`, input.collaborators, total],
  );
  const platforms = ['facebook_page', 'facebook_group', 'zalo_group', 'zalo_oa', 'mocha_group', 'website'];
  await ds.query(
    `WITH orgs AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM organisation WHERE ancestors @> ARRAY[$1::uuid])
     INSERT INTO channel (organisation_id, platform, name, url, audience_size, active)
     SELECT o.id, ($3::text[])[1 + n % 6], 'Kênh ' || n, 'https://bench-' || $2 || '-' || n || '.example.org', 100, true
       FROM generate_series(0, $4::int - 1) n JOIN orgs o ON o.k = n % $5::int`,
    [root.id, tag, platforms, input.channels, total],
  );
  await ds.query(
    `INSERT INTO channel_admin (channel_id, collaborator_id)
     SELECT DISTINCT ON (ch.id) ch.id, c.id FROM channel ch JOIN collaborator c ON c.organisation_id = ch.organisation_id
      WHERE ch.organisation_id IN (SELECT id FROM organisation WHERE ancestors @> ARRAY[$1::uuid])
      ORDER BY ch.id, c.id`,
    [root.id],
  );
  const [{ orgs }] = await ds.query(`SELECT count(*)::int AS orgs FROM organisation WHERE ancestors @> ARRAY[$1::uuid]`, [root.id]);
  return { rootId: root.id, organisations: orgs, channels: input.channels, collaborators: input.collaborators };
}

/** An active campaign over the subtree of `rootId` with `items` content items. */
export async function seedBenchCampaign(ds: DataSource, rootId: string, items: number, targets: Record<string, unknown> = {}): Promise<string> {
  const [c] = await ds.query(
    `INSERT INTO campaign (title, status, deadline, targets, launched_at)
     VALUES ('Bench', 'active', now() + interval '7 days', $1, now()) RETURNING id`,
    [JSON.stringify({ organisationIds: [rootId], includeSubtree: true, personalShares: true, ...targets })],
  );
  await ds.query(
    `INSERT INTO content_item (campaign_id, position, url, title, caption)
     SELECT $1, n, 'https://baophuyen.vn/bench-' || n || '.html', 'Bài ' || n, 'Chú thích ' || n FROM generate_series(1, $2::int) n`,
    [c.id, items],
  );
  return c.id;
}
