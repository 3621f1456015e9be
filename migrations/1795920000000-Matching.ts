import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Matching (libs/matching): the term profiles of published items with their document
 * frequencies, the stored top matches and when they were computed, and the enterprises'
 * dismissals; and the least maturity a need asks for.
 */
export class Matching1795920000000 implements MigrationInterface {
  name = 'Matching1795920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "need" ADD "maturity_min" smallint');
    await queryRunner.query('ALTER TABLE "need" ADD CONSTRAINT "need_maturity_min_check" CHECK (maturity_min BETWEEN 1 AND 9)');
    await queryRunner.query(
      'CREATE TABLE "match_profile" ("kind" text NOT NULL, "item_id" uuid NOT NULL, "terms" text array NOT NULL, "tfs" real array NOT NULL, "length" real NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "match_profile_pkey" PRIMARY KEY ("kind", "item_id"))',
    );
    await queryRunner.query('CREATE INDEX "match_profile_terms_idx" ON "match_profile" USING gin ("terms")');
    await queryRunner.query(
      'CREATE TABLE "match_term_df" ("kind" text NOT NULL, "term" text NOT NULL, "df" integer NOT NULL, CONSTRAINT "match_term_df_pkey" PRIMARY KEY ("kind", "term"))',
    );
    await queryRunner.query(
      'CREATE TABLE "match_result" ("kind" text NOT NULL, "item_id" uuid NOT NULL, "other_id" uuid NOT NULL, "score" real NOT NULL, "reasons" jsonb NOT NULL, "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "match_result_pkey" PRIMARY KEY ("kind", "item_id", "other_id"))',
    );
    await queryRunner.query('CREATE INDEX "match_result_ranking_idx" ON "match_result" ("kind", "item_id", "score")');
    await queryRunner.query(
      'CREATE TABLE "match_state" ("kind" text NOT NULL, "item_id" uuid NOT NULL, "version" text NOT NULL, "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "match_state_pkey" PRIMARY KEY ("kind", "item_id"))',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"dismissal_reason\" AS ENUM('irrelevant', 'too_early', 'too_expensive', 'already_known', 'other')",
    );
    await queryRunner.query(
      'CREATE TABLE "match_dismissal" ("need_id" uuid NOT NULL, "listing_id" uuid NOT NULL, "reason" "public"."dismissal_reason" NOT NULL, "note" text, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "match_dismissal_pkey" PRIMARY KEY ("need_id", "listing_id"))',
    );
    await queryRunner.query('CREATE INDEX "match_dismissal_reason_idx" ON "match_dismissal" ("reason")');
    await queryRunner.query(
      'ALTER TABLE "match_dismissal" ADD CONSTRAINT "match_dismissal_need_fkey" FOREIGN KEY ("need_id") REFERENCES "need"("id") ON DELETE CASCADE',
    );
    await queryRunner.query(
      'ALTER TABLE "match_dismissal" ADD CONSTRAINT "match_dismissal_listing_fkey" FOREIGN KEY ("listing_id") REFERENCES "listing"("id") ON DELETE CASCADE',
    );
    await queryRunner.query(
      'ALTER TABLE "match_dismissal" ADD CONSTRAINT "match_dismissal_user_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE RESTRICT',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "match_dismissal"');
    await queryRunner.query('DROP TYPE "public"."dismissal_reason"');
    await queryRunner.query('DROP TABLE "match_state"');
    await queryRunner.query('DROP TABLE "match_result"');
    await queryRunner.query('DROP TABLE "match_term_df"');
    await queryRunner.query('DROP TABLE "match_profile"');
    await queryRunner.query('ALTER TABLE "need" DROP CONSTRAINT "need_maturity_min_check"');
    await queryRunner.query('ALTER TABLE "need" DROP COLUMN "maturity_min"');
  }
}
