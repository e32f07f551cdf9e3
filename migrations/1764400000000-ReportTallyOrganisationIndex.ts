import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation report sums the tallies of the units inside the listed subtrees over a day
 * range: for a secretary's subtree at national scale that is a few units among tens of
 * thousands, found through (organisation_id, period_day). Counts are deliberately not INCLUDEd:
 * tally updates change only counts, so they stay HOT updates (no index write per completion).
 */
export class ReportTallyOrganisationIndex1764400000000 implements MigrationInterface {
  name = 'ReportTallyOrganisationIndex1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX report_org_tally_organisation_idx ON report_org_tally (organisation_id, period_day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX report_org_tally_organisation_idx`);
  }
}
