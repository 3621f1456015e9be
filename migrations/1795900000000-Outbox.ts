import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox (libs/core/src/outbox): jobs written in the transaction of the state
 * change that causes them, then moved to BullMQ by the worker's relay. The partial index holds
 * only undispatched rows, so the relay's claim stays small however many dispatched rows wait
 * for the purge.
 */
export class Outbox1795900000000 implements MigrationInterface {
  name = 'Outbox1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "outbox_message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "queue" text NOT NULL, "job_name" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "available_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT 0, "last_error" text, "dispatched_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "outbox_message_pkey" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "outbox_message_pending_idx" ON "outbox_message" ("available_at", "created_at") WHERE dispatched_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."outbox_message_pending_idx"');
    await queryRunner.query('DROP TABLE "outbox_message"');
  }
}
