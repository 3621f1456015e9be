import type { MigrationInterface, QueryRunner } from 'typeorm';

/** BM25's document count and total length per kind, kept with the profiles instead of aggregated per ranking. */
export class MatchCorpus1795950000000 implements MigrationInterface {
  name = 'MatchCorpus1795950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "match_corpus" ("kind" text NOT NULL, "documents" integer NOT NULL, "total_length" bigint NOT NULL, CONSTRAINT "match_corpus_pkey" PRIMARY KEY ("kind"))',
    );
    await queryRunner.query(
      `INSERT INTO "match_corpus" ("kind", "documents", "total_length")
       SELECT k.kind, count(p.item_id)::int, coalesce(sum(p.length), 0)
         FROM (VALUES ('listing'), ('need')) AS k(kind) LEFT JOIN "match_profile" p ON p.kind = k.kind
        GROUP BY k.kind`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "match_corpus"');
  }
}
