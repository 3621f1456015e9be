import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leads (意向对接) and the staff's notes on them. One open lead per listing and enterprise
 * organisation (a partial unique index); partial indexes over open leads serve routing (open leads
 * per operator) and ?overdue=true (idle since a cutoff); one (…, created_at, id) index per kind of
 * caller serves GET /leads newest first. `deal_id` has no foreign key yet: the deal table comes
 * with the deals feature, whose migration adds it.
 */
export class Leads1795910000000 implements MigrationInterface {
  name = 'Leads1795910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"public\".\"lead_status\" AS ENUM('new', 'contacted', 'negotiating', 'converted', 'closed')");
    await queryRunner.query(
      'CREATE TABLE "lead" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "listing_id" uuid NOT NULL, "need_id" uuid, "enterprise_organization_id" uuid NOT NULL, "owner_organization_id" uuid NOT NULL, "created_by_id" uuid NOT NULL, "base_id" uuid NOT NULL, "operator_id" uuid, "status" "public"."lead_status" NOT NULL DEFAULT \'new\', "message" text NOT NULL, "close_reason" text, "deal_id" uuid, "last_activity_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "lead_close_reason_check" CHECK ((status = \'closed\') = (close_reason IS NOT NULL)), CONSTRAINT "lead_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "lead_open_key" ON "lead" ("listing_id", "enterprise_organization_id") WHERE status IN (\'new\', \'contacted\', \'negotiating\')',
    );
    await queryRunner.query('CREATE INDEX "lead_enterprise_idx" ON "lead" ("enterprise_organization_id", "created_at", "id")');
    await queryRunner.query('CREATE INDEX "lead_owner_idx" ON "lead" ("owner_organization_id", "created_at", "id")');
    await queryRunner.query('CREATE INDEX "lead_base_idx" ON "lead" ("base_id", "created_at", "id")');
    await queryRunner.query('CREATE INDEX "lead_created_idx" ON "lead" ("created_at", "id")');
    await queryRunner.query(
      'CREATE INDEX "lead_operator_open_idx" ON "lead" ("operator_id") WHERE status IN (\'new\', \'contacted\', \'negotiating\')',
    );
    await queryRunner.query(
      'CREATE INDEX "lead_open_activity_idx" ON "lead" ("last_activity_at") WHERE status IN (\'new\', \'contacted\', \'negotiating\')',
    );
    await queryRunner.query(
      'CREATE TABLE "lead_note" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "lead_id" uuid NOT NULL, "author_id" uuid NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "lead_note_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "lead_note_lead_idx" ON "lead_note" ("lead_id", "created_at")');
    await queryRunner.query(
      'ALTER TABLE "lead" ADD CONSTRAINT "lead_listing_id_fkey" FOREIGN KEY ("listing_id") REFERENCES "listing"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lead" ADD CONSTRAINT "lead_need_id_fkey" FOREIGN KEY ("need_id") REFERENCES "need"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lead" ADD CONSTRAINT "lead_enterprise_organization_id_fkey" FOREIGN KEY ("enterprise_organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lead" ADD CONSTRAINT "lead_owner_organization_id_fkey" FOREIGN KEY ("owner_organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lead" ADD CONSTRAINT "lead_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lead" ADD CONSTRAINT "lead_base_id_fkey" FOREIGN KEY ("base_id") REFERENCES "base"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lead" ADD CONSTRAINT "lead_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lead_note" ADD CONSTRAINT "lead_note_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "lead"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lead_note" ADD CONSTRAINT "lead_note_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "lead_note" DROP CONSTRAINT "lead_note_author_id_fkey"');
    await queryRunner.query('ALTER TABLE "lead_note" DROP CONSTRAINT "lead_note_lead_id_fkey"');
    await queryRunner.query('ALTER TABLE "lead" DROP CONSTRAINT "lead_operator_id_fkey"');
    await queryRunner.query('ALTER TABLE "lead" DROP CONSTRAINT "lead_base_id_fkey"');
    await queryRunner.query('ALTER TABLE "lead" DROP CONSTRAINT "lead_created_by_id_fkey"');
    await queryRunner.query('ALTER TABLE "lead" DROP CONSTRAINT "lead_owner_organization_id_fkey"');
    await queryRunner.query('ALTER TABLE "lead" DROP CONSTRAINT "lead_enterprise_organization_id_fkey"');
    await queryRunner.query('ALTER TABLE "lead" DROP CONSTRAINT "lead_need_id_fkey"');
    await queryRunner.query('ALTER TABLE "lead" DROP CONSTRAINT "lead_listing_id_fkey"');
    await queryRunner.query('DROP INDEX "public"."lead_note_lead_idx"');
    await queryRunner.query('DROP TABLE "lead_note"');
    await queryRunner.query('DROP INDEX "public"."lead_open_activity_idx"');
    await queryRunner.query('DROP INDEX "public"."lead_operator_open_idx"');
    await queryRunner.query('DROP INDEX "public"."lead_created_idx"');
    await queryRunner.query('DROP INDEX "public"."lead_base_idx"');
    await queryRunner.query('DROP INDEX "public"."lead_owner_idx"');
    await queryRunner.query('DROP INDEX "public"."lead_enterprise_idx"');
    await queryRunner.query('DROP INDEX "public"."lead_open_key"');
    await queryRunner.query('DROP TABLE "lead"');
    await queryRunner.query('DROP TYPE "public"."lead_status"');
  }
}
