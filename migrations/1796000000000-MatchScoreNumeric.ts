import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A stored match's score is exact: numeric(5,4), the four decimals it is rounded to, instead of a float. */
export class MatchScoreNumeric1796000000000 implements MigrationInterface {
  name = 'MatchScoreNumeric1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "match_result" ALTER COLUMN "score" TYPE numeric(5,4) USING round("score"::numeric, 4)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "match_result" ALTER COLUMN "score" TYPE real');
  }
}
