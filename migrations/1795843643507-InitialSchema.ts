import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795843643507 implements MigrationInterface {
  name = 'InitialSchema1795843643507';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Fuzzy title search on Chinese text (the database is created with LC_CTYPE C.UTF-8 for it).
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await queryRunner.query("CREATE TYPE \"public\".\"base_kind\" AS ENUM('online', 'offline', 'branch')");
    await queryRunner.query(
      'CREATE TABLE "base" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" text NOT NULL, "name" text NOT NULL, "kind" "public"."base_kind" NOT NULL, "province" text NOT NULL, "city" text NOT NULL, "district" text, "address" text, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ee39d2f844e458c187af0e5383f" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "base_code_key" ON "base"  ("code") ');
    await queryRunner.query('CREATE UNIQUE INDEX "base_name_key" ON "base"  ("name") ');
    await queryRunner.query(
      'CREATE TABLE "field" ("code" text NOT NULL, "name" text NOT NULL, "sort_order" smallint NOT NULL, CONSTRAINT "PK_780e06d79251bc38b10d0851f95" PRIMARY KEY ("code"))',
    );
    await queryRunner.query('CREATE TYPE "public"."organization_kind" AS ENUM(\'enterprise\', \'institute\')');
    await queryRunner.query("CREATE TYPE \"public\".\"organization_status\" AS ENUM('pending', 'verified', 'rejected')");
    await queryRunner.query(
      'CREATE TABLE "organization" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "kind" "public"."organization_kind" NOT NULL, "credit_code" character(18) NOT NULL, "region" text NOT NULL, "status" "public"."organization_status" NOT NULL DEFAULT \'pending\', "status_reason" text, "verified_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_472c1f99a32def1b0abb219cd67" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "organization_credit_code_key" ON "organization"  ("credit_code") ');
    await queryRunner.query("CREATE TYPE \"public\".\"user_role\" AS ENUM('enterprise', 'institute', 'operator', 'admin')");
    await queryRunner.query(
      'CREATE TABLE "user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "password_hash" text NOT NULL, "display_name" text NOT NULL, "role" "public"."user_role" NOT NULL, "organization_id" uuid, "base_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "user_affiliation_check" CHECK ((role IN (\'enterprise\', \'institute\') AND organization_id IS NOT NULL AND base_id IS NULL)\n   OR (role = \'operator\' AND base_id IS NOT NULL AND organization_id IS NULL)\n   OR (role = \'admin\' AND organization_id IS NULL AND base_id IS NULL)), CONSTRAINT "PK_cace4a159ff9f2512dd42373760" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "user_email_key" ON "user"  ("email") ');
    await queryRunner.query('CREATE INDEX "user_organization_id_idx" ON "user"  ("organization_id") ');
    await queryRunner.query('CREATE INDEX "user_base_id_idx" ON "user"  ("base_id") ');
    await queryRunner.query(
      'CREATE TABLE "refresh_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "family_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b575dd3c21fb0831013c909e7fe" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "refresh_token_user_id_idx" ON "refresh_token"  ("user_id") ');
    await queryRunner.query('CREATE INDEX "refresh_token_family_id_idx" ON "refresh_token"  ("family_id") ');
    await queryRunner.query('CREATE UNIQUE INDEX "refresh_token_token_hash_key" ON "refresh_token"  ("token_hash") ');
    await queryRunner.query('CREATE INDEX "refresh_token_expires_at_idx" ON "refresh_token"  ("expires_at") ');
    await queryRunner.query('CREATE TYPE "public"."volume_measure" AS ENUM(\'techTransactionAmount\', \'contractAmount\')');
    await queryRunner.query(
      'CREATE TABLE "program" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" text NOT NULL, "name" text NOT NULL, "starts_on" date NOT NULL, "ends_on" date NOT NULL, "volume_target" bigint NOT NULL, "volume_measure" "public"."volume_measure" NOT NULL DEFAULT \'techTransactionAmount\', "enterprises_target" integer NOT NULL, "major_results_target" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "program_dates_check" CHECK (ends_on > starts_on), CONSTRAINT "PK_3bade5945afbafefdd26a3a29fb" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "program_code_key" ON "program"  ("code") ');
    await queryRunner.query(
      'ALTER TABLE "user" ADD CONSTRAINT "user_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "user" ADD CONSTRAINT "user_base_id_fkey" FOREIGN KEY ("base_id") REFERENCES "base"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "refresh_token" ADD CONSTRAINT "refresh_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "refresh_token" DROP CONSTRAINT "refresh_token_user_id_fkey"');
    await queryRunner.query('ALTER TABLE "user" DROP CONSTRAINT "user_base_id_fkey"');
    await queryRunner.query('ALTER TABLE "user" DROP CONSTRAINT "user_organization_id_fkey"');
    await queryRunner.query('DROP INDEX "public"."program_code_key"');
    await queryRunner.query('DROP TABLE "program"');
    await queryRunner.query('DROP TYPE "public"."volume_measure"');
    await queryRunner.query('DROP INDEX "public"."refresh_token_expires_at_idx"');
    await queryRunner.query('DROP INDEX "public"."refresh_token_token_hash_key"');
    await queryRunner.query('DROP INDEX "public"."refresh_token_family_id_idx"');
    await queryRunner.query('DROP INDEX "public"."refresh_token_user_id_idx"');
    await queryRunner.query('DROP TABLE "refresh_token"');
    await queryRunner.query('DROP INDEX "public"."user_base_id_idx"');
    await queryRunner.query('DROP INDEX "public"."user_organization_id_idx"');
    await queryRunner.query('DROP INDEX "public"."user_email_key"');
    await queryRunner.query('DROP TABLE "user"');
    await queryRunner.query('DROP TYPE "public"."user_role"');
    await queryRunner.query('DROP INDEX "public"."organization_credit_code_key"');
    await queryRunner.query('DROP TABLE "organization"');
    await queryRunner.query('DROP TYPE "public"."organization_status"');
    await queryRunner.query('DROP TYPE "public"."organization_kind"');
    await queryRunner.query('DROP TABLE "field"');
    await queryRunner.query('DROP INDEX "public"."base_name_key"');
    await queryRunner.query('DROP INDEX "public"."base_code_key"');
    await queryRunner.query('DROP TABLE "base"');
    await queryRunner.query('DROP TYPE "public"."base_kind"');
    await queryRunner.query('DROP EXTENSION IF EXISTS pg_trgm');
  }
}
