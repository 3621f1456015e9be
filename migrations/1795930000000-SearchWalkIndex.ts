import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Covering indexes for search walks (libs/catalog/src/shared/catalog-search.ts): a common query
 * walks the newest published items and checks each title vector; with the vector (and, for
 * listings, valid_until) in the index, the walk is an index-only scan instead of a heap fetch per
 * row (5× faster at 200,000 listings, docs/benchmarks.md).
 */
export class SearchWalkIndex1795930000000 implements MigrationInterface {
  name = 'SearchWalkIndex1795930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "listing_published_walk_idx" ON "listing" ("published_at", "id") INCLUDE ("valid_until", "title_vector") WHERE status = 'published'`,
    );
    await queryRunner.query(
      `CREATE INDEX "need_published_walk_idx" ON "need" ("published_at", "id") INCLUDE ("title_vector") WHERE status = 'published'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."need_published_walk_idx"');
    await queryRunner.query('DROP INDEX "public"."listing_published_walk_idx"');
  }
}
