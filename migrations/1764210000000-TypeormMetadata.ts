import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TypeORM's schema diff (`npm run migration:generate`) reads this table to compare generated
 * columns; without it the command fails on our generated `search` columns.
 */
export class TypeormMetadata1764210000000 implements MigrationInterface {
  name = 'TypeormMetadata1764210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS typeorm_metadata (
        "type" varchar NOT NULL, "database" varchar, "schema" varchar, "table" varchar, "name" varchar, "value" text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS typeorm_metadata`);
  }
}
