import type { SqlRunner } from '#yizhi/core';

type Frequencies = ReadonlyMap<string, number>;

/**
 * How common each lexeme is in a table's search vectors, from PostgreSQL's own statistics
 * (`pg_stats.most_common_elems`, which ANALYZE and autovacuum keep), cached for a few minutes.
 *
 * Search needs it because the planner misjudges phrases: it multiplies the shares of the bigrams
 * of `传感 <-> 感器` as if they were independent, expects a few hundred matches where there are
 * ten thousand, and reads them all from a GIN index instead of walking the newest rows.
 */
export class LexemeStatistics {
  private readonly cache = new Map<string, { expires: number; frequencies: Promise<Frequencies> }>();

  constructor(
    private readonly run: SqlRunner,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /**
   * At most the share of rows whose `column` holds all of `lexemes`: the share of the rarest one.
   * 0 when one of them is not among the column's common lexemes, or when there are none to judge by.
   */
  async share(table: string, column: string, lexemes: readonly string[]): Promise<number> {
    if (!lexemes.length) return 0;
    const frequencies = await this.frequencies(table, column);
    return Math.min(...lexemes.map((lexeme) => frequencies.get(lexeme) ?? 0));
  }

  private frequencies(table: string, column: string): Promise<Frequencies> {
    const key = `${table}.${column}`;
    const cached = this.cache.get(key);
    if (cached && cached.expires > Date.now()) return cached.frequencies;
    const frequencies = load(this.run, table, column).catch((error: unknown) => {
      this.cache.delete(key);
      throw error;
    });
    this.cache.set(key, { expires: Date.now() + this.ttlMs, frequencies });
    return frequencies;
  }
}

async function load(run: SqlRunner, table: string, column: string): Promise<Frequencies> {
  const rows = (await run(
    `SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs
       FROM pg_stats WHERE schemaname = current_schema() AND tablename = $1 AND attname = $2`,
    [table, column],
  )) as { elems: string[] | null; freqs: number[] | null }[];
  const { elems, freqs } = rows[0] ?? { elems: null, freqs: null };
  // freqs holds one share per element, then the minimum, the maximum and the share of nulls.
  return new Map((elems ?? []).map((lexeme, i) => [lexeme, freqs?.[i] ?? 0]));
}
