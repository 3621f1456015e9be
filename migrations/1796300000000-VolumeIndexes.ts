import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the volume recomputes: a base's deals signed in a month, a month's payments and
 * adjustments, and the deals of the (few) major listings.
 */
export class VolumeIndexes1796300000000 implements MigrationInterface {
  name = 'VolumeIndexes1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "deal_base_signed_idx" ON "deal" ("base_id", "signed_at")');
    await queryRunner.query('CREATE INDEX "deal_listing_idx" ON "deal" ("listing_id") WHERE listing_id IS NOT NULL');
    await queryRunner.query('CREATE INDEX "deal_payment_received_idx" ON "deal_payment" ("received_at")');
    await queryRunner.query('CREATE INDEX "deal_adjustment_effective_idx" ON "deal_adjustment" ("effective_on")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."deal_adjustment_effective_idx"');
    await queryRunner.query('DROP INDEX "public"."deal_payment_received_idx"');
    await queryRunner.query('DROP INDEX "public"."deal_listing_idx"');
    await queryRunner.query('DROP INDEX "public"."deal_base_signed_idx"');
  }
}
