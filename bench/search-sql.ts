/**
 * The direct-SQL side of `npm run bench:search`: the statements GET /api/v1/listings sends for a
 * published search, sent through a `pg` Pool instead, and a load loop that runs them.
 *
 * It runs the application's own search (`searchPage` over `publishedListingsSearch`, from
 * #yizhi/catalog) with a runner that sends each statement to the pool: the same SQL, the same
 * parameters and, for relevance, the same tiers one after the other, without HTTP, Nest or the hit
 * views. The benchmark checks, before measuring, that the API and this side return the same ids in
 * the same order for every query string.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { LexemeStatistics, publishedListingsSearch, searchPage, toTsquery, type CatalogSearch, type SearchRow } from '#yizhi/catalog';
import { Money, type SqlRunner } from '#yizhi/core';

export interface SearchRequest {
  q: string;
  field?: string;
  maturityMin?: number;
  /** Yuan, as the API takes it (a decimal string). */
  priceMax?: string;
  /** Default: relevance (with q). */
  sort?: 'newest';
}

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

/** The search the API runs for `request` on `today` (YYYY-MM-DD, the platform's date). */
export function directSearch(request: SearchRequest, today: string): CatalogSearch {
  return publishedListingsSearch(
    {
      q: request.q,
      field: request.field,
      maturityMin: request.maturityMin,
      priceMax: request.priceMax === undefined ? undefined : Money.parse(request.priceMax),
      sort: request.sort,
      limit: PAGE_LIMIT,
    },
    today,
  );
}

export interface Statement {
  sql: string;
  params: unknown[];
}

/** The pool's lexeme statistics, read and cached as each API process does for its own. */
const statistics = new WeakMap<pg.Pool, LexemeStatistics>();

/** Runs `search` through `pool`; `record` receives each statement it sends. */
export async function runDirect(pool: pg.Pool, search: CatalogSearch, record?: (statement: Statement) => void): Promise<SearchRow[]> {
  const query: SqlRunner = async (sql, params) => (await pool.query(sql, params)).rows;
  const run: SqlRunner = (sql, params) => {
    record?.({ sql, params });
    return query(sql, params);
  };
  if (!statistics.has(pool)) statistics.set(pool, new LexemeStatistics(query));
  return (await searchPage<SearchRow>(run, search, statistics.get(pool)!)).items;
}

/** How many listings `search` matches in all (any tier), for the report. */
export async function countMatches(pool: pg.Pool, search: CatalogSearch): Promise<number> {
  const where = search.scope.clone();
  const tsquery = search.q ? toTsquery(search.q) : null;
  const any = [tsquery ? `c.search_vector @@ ${where.bind(tsquery)}::tsquery` : null];
  if (search.q && [...search.q.trim()].length >= 3) any.push(`${where.bind(search.q.trim())} <% c.title`);
  where.and(any.filter(Boolean).join(' OR '));
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM listing c WHERE ${where}`, [...where.params]);
  return rows[0].n;
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
 * `callers` concurrent loops, each running the searches in turn (each loop starting at another
 * one) through `pool` until `seconds` have passed. A search's latency covers all of its statements.
 */
export async function runSearches(
  pool: pg.Pool,
  searches: readonly CatalogSearch[],
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
        const search = searches[next++ % searches.length];
        const t0 = performance.now();
        try {
          await runDirect(pool, search);
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
