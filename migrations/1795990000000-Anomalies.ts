import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Anomaly flags on deals, related-party groups of organisations, and the indexes the rules read. */
export class Anomalies1795990000000 implements MigrationInterface {
  name = 'Anomalies1795990000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A cancelled deal's registration number may come back (the duplicate_registration rule flags it); TypeORM's diff does not see a changed WHERE.
    await queryRunner.query('DROP INDEX "public"."deal_registration_no_key"');
    await queryRunner.query(
      `CREATE UNIQUE INDEX "deal_registration_no_key" ON "deal" ("registration_no") WHERE registration_no IS NOT NULL AND status <> 'cancelled'`,
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"anomaly_rule\" AS ENUM('tech_equals_contract', 'repeat_parties', 'split_contracts', 'duplicate_registration', 'amount_outlier', 'future_signing', 'related_parties')",
    );
    await queryRunner.query('CREATE TYPE "public"."anomaly_status" AS ENUM(\'open\', \'resolved\')');
    await queryRunner.query(
      'CREATE TABLE "anomaly" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "deal_id" uuid NOT NULL, "rule" "public"."anomaly_rule" NOT NULL, "detail" text NOT NULL, "status" "public"."anomaly_status" NOT NULL DEFAULT \'open\', "resolution_note" text, "resolved_by_id" uuid, "resolved_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "anomaly_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "anomaly_status_idx" ON "anomaly"  ("status", "created_at", "id") ');
    await queryRunner.query('CREATE UNIQUE INDEX "anomaly_deal_rule_key" ON "anomaly"  ("deal_id", "rule") ');
    await queryRunner.query('ALTER TABLE "organization" ADD "related_party_group" text');
    await queryRunner.query(
      'CREATE INDEX "organization_related_party_group_idx" ON "organization"  ("related_party_group") WHERE related_party_group IS NOT NULL',
    );
    await queryRunner.query('CREATE INDEX "deal_parties_idx" ON "deal"  ("seller_organization_id", "buyer_organization_id", "signed_at") ');
    await queryRunner.query('CREATE INDEX "deal_registration_no_idx" ON "deal"  ("registration_no") ');
    await queryRunner.query(
      'ALTER TABLE "anomaly" ADD CONSTRAINT "anomaly_deal_id_fkey" FOREIGN KEY ("deal_id") REFERENCES "deal"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "anomaly" ADD CONSTRAINT "anomaly_resolved_by_id_fkey" FOREIGN KEY ("resolved_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."deal_registration_no_key"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "deal_registration_no_key" ON "deal" ("registration_no") WHERE registration_no IS NOT NULL',
    );
    await queryRunner.query('ALTER TABLE "anomaly" DROP CONSTRAINT "anomaly_resolved_by_id_fkey"');
    await queryRunner.query('ALTER TABLE "anomaly" DROP CONSTRAINT "anomaly_deal_id_fkey"');
    await queryRunner.query('DROP INDEX "public"."deal_registration_no_idx"');
    await queryRunner.query('DROP INDEX "public"."deal_parties_idx"');
    await queryRunner.query('DROP INDEX "public"."organization_related_party_group_idx"');
    await queryRunner.query('ALTER TABLE "organization" DROP COLUMN "related_party_group"');
    await queryRunner.query('DROP INDEX "public"."anomaly_deal_rule_key"');
    await queryRunner.query('DROP INDEX "public"."anomaly_status_idx"');
    await queryRunner.query('DROP TABLE "anomaly"');
    await queryRunner.query('DROP TYPE "public"."anomaly_status"');
    await queryRunner.query('DROP TYPE "public"."anomaly_rule"');
  }
}
