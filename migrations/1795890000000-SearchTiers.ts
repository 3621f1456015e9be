import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search without ranking every match (docs/benchmarks.md, "Search"):
 * - the title vector, the title and keyword lexemes (weights A and B) of each search vector, kept
 *   in the row with its own GIN index: the first tier of relevance, checked without reading the
 *   large vector from TOAST;
 * - the newest published items per field, for a filtered search to walk.
 */
export class SearchTiers1795890000000 implements MigrationInterface {
  name = 'SearchTiers1795890000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['listing', 'need']) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "title_vector" tsvector`);
      await queryRunner.query(
        `UPDATE "${table}" SET "title_vector" = ts_filter("search_vector", '{a,b}') WHERE "search_vector" IS NOT NULL`,
      );
      await queryRunner.query(`CREATE INDEX "${table}_title_vector_idx" ON "${table}" USING gin ("title_vector")`);
      await queryRunner.query(
        `CREATE INDEX "${table}_field_published_idx" ON "${table}" ("field", "published_at", "id") WHERE status = 'published'`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['need', 'listing']) {
      await queryRunner.query(`DROP INDEX "public"."${table}_field_published_idx"`);
      await queryRunner.query(`DROP INDEX "public"."${table}_title_vector_idx"`);
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "title_vector"`);
    }
  }
}
