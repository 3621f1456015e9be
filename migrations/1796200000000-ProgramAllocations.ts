import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A program's per-base allocations and its cumulative milestones; programs may no longer overlap
 * (an exclusion constraint on their inclusive date ranges), and their created_at keeps
 * milliseconds, as the newest-first cursor of GET /programs needs.
 */
export class ProgramAllocations1796200000000 implements MigrationInterface {
  name = 'ProgramAllocations1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "program_allocation" ("program_id" uuid NOT NULL, "base_id" uuid NOT NULL, "volume_target" bigint NOT NULL, "enterprises_target" integer NOT NULL, "major_results_target" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "program_allocation_targets_check" CHECK (volume_target >= 0 AND enterprises_target >= 0 AND major_results_target >= 0), CONSTRAINT "program_allocation_pkey" PRIMARY KEY ("program_id", "base_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "program_milestone" ("program_id" uuid NOT NULL, "year_end" date NOT NULL, "volume_target" bigint NOT NULL, "enterprises_target" integer NOT NULL, "major_results_target" integer NOT NULL, CONSTRAINT "program_milestone_targets_check" CHECK (volume_target >= 0 AND enterprises_target >= 0 AND major_results_target >= 0), CONSTRAINT "program_milestone_pkey" PRIMARY KEY ("program_id", "year_end"))',
    );
    await queryRunner.query('ALTER TABLE "program" ALTER COLUMN "created_at" TYPE TIMESTAMP(3) WITH TIME ZONE');
    await queryRunner.query(
      `ALTER TABLE "program" ADD CONSTRAINT "program_dates_excl" EXCLUDE USING gist (daterange("starts_on", "ends_on", '[]') WITH &&)`,
    );
    await queryRunner.query(
      'ALTER TABLE "program_allocation" ADD CONSTRAINT "program_allocation_program_id_fkey" FOREIGN KEY ("program_id") REFERENCES "program"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "program_allocation" ADD CONSTRAINT "program_allocation_base_id_fkey" FOREIGN KEY ("base_id") REFERENCES "base"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "program_milestone" ADD CONSTRAINT "program_milestone_program_id_fkey" FOREIGN KEY ("program_id") REFERENCES "program"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "program_milestone" DROP CONSTRAINT "program_milestone_program_id_fkey"');
    await queryRunner.query('ALTER TABLE "program_allocation" DROP CONSTRAINT "program_allocation_base_id_fkey"');
    await queryRunner.query('ALTER TABLE "program_allocation" DROP CONSTRAINT "program_allocation_program_id_fkey"');
    await queryRunner.query('ALTER TABLE "program" DROP CONSTRAINT "program_dates_excl"');
    await queryRunner.query('ALTER TABLE "program" ALTER COLUMN "created_at" TYPE TIMESTAMP(6) WITH TIME ZONE');
    await queryRunner.query('DROP TABLE "program_milestone"');
    await queryRunner.query('DROP TABLE "program_allocation"');
  }
}
