import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The volume rollups (libs/volumes): per (base, month, field, category) totals, the enterprises
 * served per base and month, the major results transferred; the watermark of the last refresh and
 * the reconciliation's findings. Derived data: no foreign keys, every row is rebuildable from the ledger.
 */
export class Volumes1796100000000 implements MigrationInterface {
  name = 'Volumes1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "volume_cell" (
        "base_id" uuid NOT NULL,
        "month" date NOT NULL,
        "field" text NOT NULL,
        "category" "public"."deal_category" NOT NULL,
        "deal_count" integer NOT NULL,
        "contract_fen" bigint NOT NULL,
        "tech_fen" bigint NOT NULL,
        "received_fen" bigint NOT NULL,
        "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "volume_cell_not_empty_check" CHECK (deal_count > 0 OR contract_fen <> 0 OR tech_fen <> 0 OR received_fen <> 0),
        CONSTRAINT "volume_cell_deal_count_check" CHECK (deal_count >= 0),
        CONSTRAINT "volume_cell_month_check" CHECK (EXTRACT(DAY FROM month) = 1),
        CONSTRAINT "volume_cell_pkey" PRIMARY KEY ("base_id", "month", "field", "category"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "volume_enterprise" (
        "base_id" uuid NOT NULL,
        "month" date NOT NULL,
        "credit_code" text NOT NULL,
        "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "volume_enterprise_month_check" CHECK (EXTRACT(DAY FROM month) = 1),
        CONSTRAINT "volume_enterprise_pkey" PRIMARY KEY ("base_id", "month", "credit_code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "volume_major_result" (
        "listing_id" uuid NOT NULL,
        "base_id" uuid NOT NULL,
        "month" date NOT NULL,
        "deal_id" uuid NOT NULL,
        "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "volume_major_result_month_check" CHECK (EXTRACT(DAY FROM month) = 1),
        CONSTRAINT "volume_major_result_pkey" PRIMARY KEY ("listing_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "volume_watermark" (
        "id" smallint NOT NULL,
        "refreshed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "rebuilt_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "volume_watermark_single_row_check" CHECK (id = 1),
        CONSTRAINT "volume_watermark_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "volume_finding" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "detail" text NOT NULL,
        "cells" jsonb NOT NULL,
        "differences" jsonb NOT NULL,
        "difference_count" integer NOT NULL,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "volume_finding_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query('CREATE INDEX "volume_finding_created_idx" ON "volume_finding" ("created_at", "id")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."volume_finding_created_idx"');
    await queryRunner.query('DROP TABLE "volume_finding"');
    await queryRunner.query('DROP TABLE "volume_watermark"');
    await queryRunner.query('DROP TABLE "volume_major_result"');
    await queryRunner.query('DROP TABLE "volume_enterprise"');
    await queryRunner.query('DROP TABLE "volume_cell"');
  }
}
