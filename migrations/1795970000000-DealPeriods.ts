import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Closed months (period) and the adjustments that correct deals after their month closed. */
export class DealPeriods1795970000000 implements MigrationInterface {
  name = 'DealPeriods1795970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TYPE \"public\".\"deal_adjusted_amount\" AS ENUM('contractAmount', 'techTransactionAmount', 'receivedAmount')",
    );
    await queryRunner.query(
      'CREATE TABLE "deal_adjustment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "deal_id" uuid NOT NULL, "field" "public"."deal_adjusted_amount" NOT NULL, "decrease" boolean NOT NULL, "amount" bigint NOT NULL, "reason" text NOT NULL, "effective_on" date NOT NULL, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "deal_adjustment_amount_check" CHECK (amount > 0), CONSTRAINT "deal_adjustment_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "deal_adjustment_deal_idx" ON "deal_adjustment"  ("deal_id", "created_at") ');
    await queryRunner.query(
      'CREATE TABLE "period" ("month" character(7) NOT NULL, "closed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "closed_by_id" uuid NOT NULL, CONSTRAINT "period_pkey" PRIMARY KEY ("month"))',
    );
    await queryRunner.query(
      'ALTER TABLE "deal_adjustment" ADD CONSTRAINT "deal_adjustment_deal_id_fkey" FOREIGN KEY ("deal_id") REFERENCES "deal"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal_adjustment" ADD CONSTRAINT "deal_adjustment_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "period" ADD CONSTRAINT "period_closed_by_id_fkey" FOREIGN KEY ("closed_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "period" DROP CONSTRAINT "period_closed_by_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal_adjustment" DROP CONSTRAINT "deal_adjustment_created_by_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal_adjustment" DROP CONSTRAINT "deal_adjustment_deal_id_fkey"');
    await queryRunner.query('DROP TABLE "period"');
    await queryRunner.query('DROP INDEX "public"."deal_adjustment_deal_idx"');
    await queryRunner.query('DROP TABLE "deal_adjustment"');
    await queryRunner.query('DROP TYPE "public"."deal_adjusted_amount"');
  }
}
