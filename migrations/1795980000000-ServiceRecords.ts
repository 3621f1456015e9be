import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The bases' service records (服务记录). */
export class ServiceRecords1795980000000 implements MigrationInterface {
  name = 'ServiceRecords1795980000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TYPE \"public\".\"service_kind\" AS ENUM('consulting', 'matching', 'training', 'policy', 'financing', 'other')",
    );
    await queryRunner.query(
      'CREATE TABLE "service_record" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "base_id" uuid NOT NULL, "enterprise_organization_id" uuid NOT NULL, "kind" "public"."service_kind" NOT NULL, "served_at" date NOT NULL, "note" text, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "service_record_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "service_record_enterprise_idx" ON "service_record"  ("enterprise_organization_id", "served_at") ',
    );
    await queryRunner.query('CREATE INDEX "service_record_created_idx" ON "service_record"  ("created_at", "id") ');
    await queryRunner.query('CREATE INDEX "service_record_base_idx" ON "service_record"  ("base_id", "created_at", "id") ');
    await queryRunner.query(
      'ALTER TABLE "service_record" ADD CONSTRAINT "service_record_base_id_fkey" FOREIGN KEY ("base_id") REFERENCES "base"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "service_record" ADD CONSTRAINT "service_record_enterprise_organization_id_fkey" FOREIGN KEY ("enterprise_organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "service_record" ADD CONSTRAINT "service_record_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "service_record" DROP CONSTRAINT "service_record_created_by_id_fkey"');
    await queryRunner.query('ALTER TABLE "service_record" DROP CONSTRAINT "service_record_enterprise_organization_id_fkey"');
    await queryRunner.query('ALTER TABLE "service_record" DROP CONSTRAINT "service_record_base_id_fkey"');
    await queryRunner.query('DROP INDEX "public"."service_record_base_idx"');
    await queryRunner.query('DROP INDEX "public"."service_record_created_idx"');
    await queryRunner.query('DROP INDEX "public"."service_record_enterprise_idx"');
    await queryRunner.query('DROP TABLE "service_record"');
    await queryRunner.query('DROP TYPE "public"."service_kind"');
  }
}
