import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tallies are small tables updated by every task change. With full pages an update cannot
 * stay on its page (no HOT update): every completion then adds index entries and the table and
 * its indexes bloat between autovacuum runs — measured in the reports bench, a 1M-task load left
 * report_org_tally with 3 dead rows per live one and the report reading 3× the pages. Room on
 * each page (fillfactor 70) keeps updates HOT; autovacuum visits these tables after 2% of their
 * rows changed instead of the default 20%.
 */
const TABLES = ['report_org_tally', 'report_collaborator_tally'];

export class ReportTallyStorage1764400000001 implements MigrationInterface {
  name = 'ReportTallyStorage1764400000001';

  async up(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      await q.query(`ALTER TABLE ${t} SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 500, autovacuum_analyze_scale_factor = 0.05)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      await q.query(`ALTER TABLE ${t} RESET (fillfactor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor)`);
    }
  }
}
