/**
 * The direct-SQL side of `npm run bench:search`: the statement GET /api/v1/listings sends for a
 * published search, written out by hand, and a load loop that runs it through a `pg` Pool.
 *
 * The statement mirrors ListingsRepository.searchPublished and searchPage
 * (libs/catalog/src/listings/listings.repository.ts, libs/catalog/src/shared/catalog-search.ts):
 * the same select list (every column but search_vector, with TypeORM's aliases), the same rank
 * expression, filters in the same order, ORDER BY rank DESC, id DESC (or published_at DESC, id DESC
 * for sort=newest), LIMIT limit + 1, and the same
 * parameters, numbered as TypeORM numbers them (a repeated name reuses its number). The tsquery
 * comes from the application's own toTsquery(). The benchmark checks, before measuring, that the
 * API and this statement return the same ids in the same order for every query string.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { toTsquery } from '#yizhi/catalog';
import { Money } from '#yizhi/core';

export interface SearchRequest {
  q: string;
  field?: string;
  maturityMin?: number;
  /** Yuan, as the API takes it (a decimal string). */
  priceMax?: string;
  /** Default: relevance (with q). */
  sort?: 'newest';
}

export interface Statement {
  sql: string;
  params: (string | number)[];
  /** The same WHERE, counting every match (for the report), and its parameters. */
  countSql: string;
  countParams: (string | number)[];
}

/** The columns TypeORM selects for a Listing (search_vector is select: false), in its order. */
const COLUMNS = [
  'id',
  'owner_organization_id',
  'title',
  'field',
  'keywords',
  'status',
  'review_reason',
  'contact',
  'region',
  'published_at',
  'created_at',
  'updated_at',
  'summary',
  'maturity',
  'transfer_modes',
  'asking_price',
  'patent_numbers',
  'major',
  'valid_until',
  'expired_at',
];
const SELECT_LIST = COLUMNS.map((column) => `"c"."${column}" AS "c_${column}"`).join(', ');

/** The page size of GET /listings without ?limit=. */
export const PAGE_LIMIT = 20;

/** The query path of GET /api/v1/listings for `request`. */
export function apiPath(request: SearchRequest): string {
  const params = new URLSearchParams({ q: request.q });
  if (request.field) params.set('field', request.field);
  if (request.maturityMin !== undefined) params.set('maturityMin', String(request.maturityMin));
  if (request.priceMax !== undefined) params.set('priceMax', request.priceMax);
  if (request.sort) params.set('sort', request.sort);
  return `/api/v1/listings?${params.toString()}`;
}

/** The statement the API sends for `request` on `today` (YYYY-MM-DD, the platform's date). */
export function searchStatement(request: SearchRequest, today: string): Statement {
  const tsquery = toTsquery(request.q);
  const raw = request.q.trim();
  const fuzzy = [...raw].length >= 3;
  if (!tsquery && !fuzzy) throw new Error(`"${request.q}" has nothing to search for`);

  const params: (string | number)[] = [];
  const named = new Map<string, string>();
  /** TypeORM's numbering: the first use of a name gets the next $n, later uses repeat it. */
  const param = (name: string, value: string | number): string => {
    const known = named.get(name);
    if (known) return known;
    params.push(value);
    const placeholder = `$${params.length}`;
    named.set(name, placeholder);
    return placeholder;
  };

  // searchPage adds the rank to the select list before the repository's conditions are rendered,
  // but TypeORM numbers parameters as they appear in the final text: select list first.
  const rank =
    `(${tsquery ? `ts_rank("c"."search_vector", CAST(${param('tsquery', tsquery)} AS tsquery))` : '0'} + ` +
    `${fuzzy ? `0.1 * word_similarity(${param('raw', raw)}, "c"."title")` : '0'})::real`;
  const where = [`"c"."status" = ${param('published', 'published')}`, `"c"."valid_until" >= CAST(${param('today', today)} AS date)`];
  if (request.field) where.push(`"c"."field" = ${param('field', request.field)}`);
  if (request.maturityMin) where.push(`"c"."maturity" >= ${param('maturityMin', request.maturityMin)}`);
  if (request.priceMax) where.push(`"c"."asking_price" <= ${param('priceMax', Money.parse(request.priceMax).fen.toString())}`);
  const text = [
    tsquery ? `"c"."search_vector" @@ CAST(${param('tsquery', tsquery)} AS tsquery)` : null,
    fuzzy ? `${param('raw', raw)} <% "c"."title"` : null,
  ]
    .filter(Boolean)
    .join(' OR ');
  where.push(`(${text})`);

  const order = request.sort === 'newest' ? '"c"."published_at" DESC, "c"."id" DESC' : '"rank" DESC, "c"."id" DESC';
  const sql = `SELECT ${SELECT_LIST}, ${rank} AS "rank" FROM "listing" "c" WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${PAGE_LIMIT + 1}`;
  return { sql, params, countSql: `SELECT count(*)::int AS n FROM "listing" "c" WHERE ${where.join(' AND ')}`, countParams: params };
}

export interface SqlRunFigures {
  seconds: number;
  queries: number;
  queriesPerSecond: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  /** CPU time of this Node process (pg: protocol and row parsing) per query. */
  nodeCpuUsPerQuery: number;
  errors: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function latencySummary(latencies: number[]): SqlRunFigures['latencyMs'] {
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length);
  return {
    mean: round2(mean),
    p50: round2(percentile(latencies, 50)),
    p95: round2(percentile(latencies, 95)),
    p99: round2(percentile(latencies, 99)),
    max: round2(latencies.at(-1) ?? 0),
  };
}

/**
 * `callers` concurrent loops, each running the statements in turn (each loop starting at another
 * one) through `pool` until `seconds` have passed. Rows are parsed into objects as pg does by default.
 */
export async function runStatements(
  pool: pg.Pool,
  statements: readonly Statement[],
  callers: number,
  seconds: number,
  shouldStop: () => boolean = () => false,
): Promise<SqlRunFigures> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      let next = caller;
      while (performance.now() < end && !shouldStop()) {
        const statement = statements[next++ % statements.length];
        const t0 = performance.now();
        try {
          await pool.query(statement.sql, statement.params);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (errors)
    throw new Error(
      `direct SQL: ${errors} queries failed; first: ${firstError instanceof Error ? firstError.message : String(firstError)}`,
    );
  return {
    seconds: round2(elapsed),
    queries: latencies.length,
    queriesPerSecond: round2(latencies.length / elapsed),
    latencyMs: latencySummary(latencies),
    nodeCpuUsPerQuery: Math.round((cpu.user + cpu.system) / Math.max(1, latencies.length)),
    errors,
  };
}
