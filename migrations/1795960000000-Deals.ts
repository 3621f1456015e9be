import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The deals ledger (deal, deal_payment), the lead → deal link, and the idempotency keys of retried POSTs. */
export class Deals1795960000000 implements MigrationInterface {
  name = 'Deals1795960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "idempotency_key" ("scope" uuid NOT NULL, "key" text NOT NULL, "fingerprint" text NOT NULL, "status_code" smallint NOT NULL, "body" json NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("scope", "key"))',
    );
    await queryRunner.query('CREATE INDEX "idempotency_key_created_idx" ON "idempotency_key"  ("created_at") ');
    await queryRunner.query(
      "CREATE TYPE \"public\".\"deal_category\" AS ENUM('development', 'transfer', 'licence', 'consulting', 'service')",
    );
    await queryRunner.query("CREATE TYPE \"public\".\"deal_status\" AS ENUM('draft', 'signed', 'registered', 'completed', 'cancelled')");
    await queryRunner.query("CREATE TYPE \"public\".\"deal_verification\" AS ENUM('unverified', 'verified', 'rejected')");
    await queryRunner.query(
      'CREATE TABLE "deal" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "base_id" uuid NOT NULL, "seller_organization_id" uuid NOT NULL, "buyer_organization_id" uuid NOT NULL, "title" text, "listing_id" uuid, "need_id" uuid, "lead_id" uuid, "category" "public"."deal_category" NOT NULL, "field" text NOT NULL, "broker_id" uuid, "contract_amount" bigint NOT NULL, "tech_transaction_amount" bigint NOT NULL, "service_fee" bigint, "received_amount" bigint NOT NULL DEFAULT \'0\', "signed_at" date NOT NULL, "registration_no" text, "status" "public"."deal_status" NOT NULL DEFAULT \'draft\', "verification" "public"."deal_verification" NOT NULL DEFAULT \'unverified\', "verification_reason" text, "verified_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT \'1\', "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "deal_verification_reason_check" CHECK ((verification = \'unverified\') = (verification_reason IS NULL)), CONSTRAINT "deal_registration_no_check" CHECK (registration_no ~ \'^[0-9A-Z]{14,24}$\'), CONSTRAINT "deal_parties_check" CHECK (seller_organization_id <> buyer_organization_id), CONSTRAINT "deal_received_amount_check" CHECK (received_amount <= contract_amount), CONSTRAINT "deal_tech_transaction_amount_check" CHECK (tech_transaction_amount <= contract_amount), CONSTRAINT "deal_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "deal_created_idx" ON "deal"  ("created_at", "id") ');
    await queryRunner.query('CREATE INDEX "deal_buyer_idx" ON "deal"  ("buyer_organization_id", "created_at", "id") ');
    await queryRunner.query('CREATE INDEX "deal_seller_idx" ON "deal"  ("seller_organization_id", "created_at", "id") ');
    await queryRunner.query('CREATE INDEX "deal_base_idx" ON "deal"  ("base_id", "created_at", "id") ');
    await queryRunner.query('CREATE UNIQUE INDEX "deal_lead_key" ON "deal"  ("lead_id") WHERE lead_id IS NOT NULL');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "deal_registration_no_key" ON "deal"  ("registration_no") WHERE registration_no IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "deal_payment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "deal_id" uuid NOT NULL, "amount" bigint NOT NULL, "received_at" date NOT NULL, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "deal_payment_amount_check" CHECK (amount > 0), CONSTRAINT "deal_payment_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "deal_payment_deal_idx" ON "deal_payment"  ("deal_id", "received_at") ');
    await queryRunner.query(
      'ALTER TABLE "lead" ADD CONSTRAINT "lead_deal_id_fkey" FOREIGN KEY ("deal_id") REFERENCES "deal"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal" ADD CONSTRAINT "deal_base_id_fkey" FOREIGN KEY ("base_id") REFERENCES "base"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal" ADD CONSTRAINT "deal_seller_organization_id_fkey" FOREIGN KEY ("seller_organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal" ADD CONSTRAINT "deal_buyer_organization_id_fkey" FOREIGN KEY ("buyer_organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal" ADD CONSTRAINT "deal_listing_id_fkey" FOREIGN KEY ("listing_id") REFERENCES "listing"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal" ADD CONSTRAINT "deal_need_id_fkey" FOREIGN KEY ("need_id") REFERENCES "need"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal" ADD CONSTRAINT "deal_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "lead"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal" ADD CONSTRAINT "deal_field_fkey" FOREIGN KEY ("field") REFERENCES "field"("code") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal" ADD CONSTRAINT "deal_broker_id_fkey" FOREIGN KEY ("broker_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal" ADD CONSTRAINT "deal_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal_payment" ADD CONSTRAINT "deal_payment_deal_id_fkey" FOREIGN KEY ("deal_id") REFERENCES "deal"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "deal_payment" ADD CONSTRAINT "deal_payment_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "deal_payment" DROP CONSTRAINT "deal_payment_created_by_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal_payment" DROP CONSTRAINT "deal_payment_deal_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal" DROP CONSTRAINT "deal_created_by_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal" DROP CONSTRAINT "deal_broker_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal" DROP CONSTRAINT "deal_field_fkey"');
    await queryRunner.query('ALTER TABLE "deal" DROP CONSTRAINT "deal_lead_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal" DROP CONSTRAINT "deal_need_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal" DROP CONSTRAINT "deal_listing_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal" DROP CONSTRAINT "deal_buyer_organization_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal" DROP CONSTRAINT "deal_seller_organization_id_fkey"');
    await queryRunner.query('ALTER TABLE "deal" DROP CONSTRAINT "deal_base_id_fkey"');
    await queryRunner.query('ALTER TABLE "lead" DROP CONSTRAINT "lead_deal_id_fkey"');
    await queryRunner.query('DROP INDEX "public"."deal_payment_deal_idx"');
    await queryRunner.query('DROP TABLE "deal_payment"');
    await queryRunner.query('DROP INDEX "public"."deal_registration_no_key"');
    await queryRunner.query('DROP INDEX "public"."deal_lead_key"');
    await queryRunner.query('DROP INDEX "public"."deal_base_idx"');
    await queryRunner.query('DROP INDEX "public"."deal_seller_idx"');
    await queryRunner.query('DROP INDEX "public"."deal_buyer_idx"');
    await queryRunner.query('DROP INDEX "public"."deal_created_idx"');
    await queryRunner.query('DROP TABLE "deal"');
    await queryRunner.query('DROP TYPE "public"."deal_verification"');
    await queryRunner.query('DROP TYPE "public"."deal_status"');
    await queryRunner.query('DROP TYPE "public"."deal_category"');
    await queryRunner.query('DROP INDEX "public"."idempotency_key_created_idx"');
    await queryRunner.query('DROP TABLE "idempotency_key"');
  }
}
