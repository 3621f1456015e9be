import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A profile's term frequencies and length are weighted counts: integers, not floats. */
export class MatchProfileCounts1795940000000 implements MigrationInterface {
  name = 'MatchProfileCounts1795940000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "match_profile" ALTER COLUMN "tfs" TYPE integer array USING "tfs"::integer[], ALTER COLUMN "length" TYPE integer USING round("length")::integer',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "match_profile" ALTER COLUMN "tfs" TYPE real array, ALTER COLUMN "length" TYPE real');
  }
}
