import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Listings and needs (shared catalog_status type), their search vectors (GIN) and fuzzy title indexes (pg_trgm). */
export class Catalog1795847105885 implements MigrationInterface {
  name = 'Catalog1795847105885';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TYPE \"public\".\"catalog_status\" AS ENUM('draft', 'pending_review', 'published', 'rejected', 'withdrawn', 'transferred', 'closed')",
    );
    await queryRunner.query("CREATE TYPE \"public\".\"transfer_mode\" AS ENUM('transfer', 'license', 'equity', 'codevelopment')");
    await queryRunner.query(
      'CREATE TABLE "listing" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_organization_id" uuid NOT NULL, "title" text NOT NULL, "field" text NOT NULL, "keywords" text array NOT NULL DEFAULT \'{}\', "status" "public"."catalog_status" NOT NULL DEFAULT \'draft\', "review_reason" text, "contact" jsonb, "region" text, "published_at" TIMESTAMP(3) WITH TIME ZONE, "search_vector" tsvector, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "summary" text NOT NULL, "maturity" smallint NOT NULL, "transfer_modes" "public"."transfer_mode" array NOT NULL, "asking_price" bigint, "patent_numbers" text array NOT NULL DEFAULT \'{}\', "major" boolean NOT NULL DEFAULT false, "valid_until" date, "expired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "listing_maturity_check" CHECK (maturity BETWEEN 1 AND 9), CONSTRAINT "PK_381d45ebb8692362c156d6b87d7" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "listing_published_idx" ON "listing"  ("published_at", "id") WHERE status = \'published\'');
    await queryRunner.query('CREATE INDEX "listing_search_vector_idx" ON "listing" USING gin ("search_vector") ');
    await queryRunner.query('CREATE INDEX "listing_owner_idx" ON "listing"  ("owner_organization_id", "created_at") ');
    await queryRunner.query(
      'CREATE TABLE "need" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_organization_id" uuid NOT NULL, "title" text NOT NULL, "field" text NOT NULL, "keywords" text array NOT NULL DEFAULT \'{}\', "status" "public"."catalog_status" NOT NULL DEFAULT \'draft\', "review_reason" text, "contact" jsonb, "region" text, "published_at" TIMESTAMP(3) WITH TIME ZONE, "search_vector" tsvector, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "description" text NOT NULL, "budget_min" bigint NOT NULL, "budget_max" bigint, "deadline" date NOT NULL, CONSTRAINT "need_budget_check" CHECK (budget_max IS NULL OR budget_max >= budget_min), CONSTRAINT "PK_218b14514f334ee6f39954f86ba" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "need_published_idx" ON "need"  ("published_at", "id") WHERE status = \'published\'');
    await queryRunner.query('CREATE INDEX "need_search_vector_idx" ON "need" USING gin ("search_vector") ');
    await queryRunner.query('CREATE INDEX "need_owner_idx" ON "need"  ("owner_organization_id", "created_at") ');
    // Fuzzy title search (pg_trgm word similarity); the entity metadata cannot name the operator class.
    await queryRunner.query('CREATE INDEX "listing_title_trgm_idx" ON "listing" USING gin ("title" gin_trgm_ops)');
    await queryRunner.query('CREATE INDEX "need_title_trgm_idx" ON "need" USING gin ("title" gin_trgm_ops)');
    await queryRunner.query(
      'ALTER TABLE "listing" ADD CONSTRAINT "FK_0ad44e65b6e1a16609394eb677b" FOREIGN KEY ("owner_organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "listing" ADD CONSTRAINT "FK_2c08a54cb77e66fa353e1bfb474" FOREIGN KEY ("field") REFERENCES "field"("code") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "need" ADD CONSTRAINT "FK_046f9744619dffaac3b8168e884" FOREIGN KEY ("owner_organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "need" ADD CONSTRAINT "FK_3d3e0deb8d8fb5ca587251ee00f" FOREIGN KEY ("field") REFERENCES "field"("code") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."need_title_trgm_idx"');
    await queryRunner.query('DROP INDEX "public"."listing_title_trgm_idx"');
    await queryRunner.query('ALTER TABLE "need" DROP CONSTRAINT "FK_3d3e0deb8d8fb5ca587251ee00f"');
    await queryRunner.query('ALTER TABLE "need" DROP CONSTRAINT "FK_046f9744619dffaac3b8168e884"');
    await queryRunner.query('ALTER TABLE "listing" DROP CONSTRAINT "FK_2c08a54cb77e66fa353e1bfb474"');
    await queryRunner.query('ALTER TABLE "listing" DROP CONSTRAINT "FK_0ad44e65b6e1a16609394eb677b"');
    await queryRunner.query('DROP INDEX "public"."need_owner_idx"');
    await queryRunner.query('DROP INDEX "public"."need_search_vector_idx"');
    await queryRunner.query('DROP INDEX "public"."need_published_idx"');
    await queryRunner.query('DROP TABLE "need"');
    await queryRunner.query('DROP INDEX "public"."listing_owner_idx"');
    await queryRunner.query('DROP INDEX "public"."listing_search_vector_idx"');
    await queryRunner.query('DROP INDEX "public"."listing_published_idx"');
    await queryRunner.query('DROP TABLE "listing"');
    await queryRunner.query('DROP TYPE "public"."transfer_mode"');
    await queryRunner.query('DROP TYPE "public"."catalog_status"');
  }
}
