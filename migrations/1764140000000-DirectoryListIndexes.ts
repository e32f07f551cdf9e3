import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keyset paging of the directory lists: each default sort is (sort key, id), so the first page
 * and every next page of an unfiltered list are index range scans instead of a sort of the
 * whole table (collaborators run to millions). Search uses the trigram indexes that exist.
 */
export class DirectoryListIndexes1764140000000 implements MigrationInterface {
  name = 'DirectoryListIndexes1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX collaborator_full_name_idx ON collaborator (full_name, id)`);
    await q.query(`CREATE INDEX collaborator_created_at_idx ON collaborator (created_at, id)`);
    await q.query(`CREATE INDEX organisation_name_idx ON organisation (name, id)`);
    await q.query(`CREATE INDEX channel_name_idx ON channel (name, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX channel_name_idx`);
    await q.query(`DROP INDEX organisation_name_idx`);
    await q.query(`DROP INDEX collaborator_created_at_idx`);
    await q.query(`DROP INDEX collaborator_full_name_idx`);
  }
}
