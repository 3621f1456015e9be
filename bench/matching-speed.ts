/**
 * The speed half of `npm run bench:matching`: on-demand top-20 for a need over 100,000 listings
 * (`MatchingEngine.listingsForNeed(need, 20, today)`, the call GET /needs/:id/matches makes when
 * the stored matches are missing or stale), in-process on a TypeORM DataSource built from the
 * application's own `dataSourceOptions` (pool of 10, as the API), against its baseline in the same
 * run: the candidate-retrieval statement alone (`MatchingRepository.listingCandidates`, with the
 * arguments the engine gave it for the same need, captured beforehand).
 *
 * Each round runs, in turn: the engine one call at a time over every need, the statement alone
 * the same way, then both with `concurrency` callers sharing the needs. A breakdown pass times each
 * statement inside the engine's own calls (through a pool wrapper) and the JavaScript around them,
 * and `EXPLAIN (ANALYZE, BUFFERS)` of the statements goes to bench/results/matching-plans.txt. On
 * every `checkEvery`-th need it also times the statement with a bounded retrieval
 * (bench/matching-diagnostics.ts), one way to cap its work.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { DataSource, In } from 'typeorm';
import { Need } from '#yizhi/catalog';
import { platformDate } from '#yizhi/core';
import { dataSourceOptions } from '#yizhi/database';
import { MatchingEngine, MatchingRepository, needVector, warmUpAnalyzer, type ListingCandidate } from '#yizhi/matching';
import { clockTicks, machineTicks, postgresBackendTicks, postgresCpuSecondsBetween } from './cpu.js';
import { budgetedRetrieval, CapturingRepository, RETRIEVAL_BUDGET, type CandidateQuery } from './matching-diagnostics.js';
import { waitForQuiet, type Quiet } from './quiet.js';
import { latencySummary, type SqlRunFigures } from './search-sql.js';

type LatencyMs = SqlRunFigures['latencyMs'];
export type Side = 'engine' | 'sql';
const SIDE_LABELS: Record<Side, string> = { engine: 'engine', sql: 'statement alone' };
export const sideLabel = (side: Side) => SIDE_LABELS[side];

export interface SpeedOptions {
  databaseUrl: string;
  /** The needs to match, in order (each pass calls each once). */
  needIds: readonly string[];
  evalNeedIds: ReadonlySet<string>;
  limit: number;
  concurrency: number;
  rounds: number;
  /** Every this many needs: the harness check, and the bounded-retrieval diagnostic. */
  checkEvery: number;
  quiet: { othersWaitSeconds: number; quietWaitSeconds: number };
  log: (line: string) => void;
  shouldStop: () => boolean;
}

export interface Pass {
  round: number;
  /** The engine, or the candidate statement alone. */
  side: Side;
  callers: number;
  calls: number;
  seconds: number;
  callsPerSecond: number;
  latencyMs: LatencyMs;
  /** CPU per call: this process (the engine's JavaScript, pg's parsing) and the database's backends. */
  cpuMsPerCall: { node: number; postgres: number | null };
  /** Cores that other processes used during the pass. */
  neighbourCores: number | null;
  before: Quiet;
}

export interface BreakdownRow {
  need: string;
  fromEvalSet: boolean;
  queryTerms: number;
  /** Listing profiles that share a retrieval term (what the candidate statement aggregates). */
  retrievalMatches: number;
  candidates: number;
  /** (diag) The same with bounded retrieval (every `checkEvery`-th need): profiles it aggregates, the statement's time. */
  budgeted: { retrievalMatches: number; ms: number } | null;
  ms: { analyse: number; corpusStats: number; documentFrequencies: number; candidates: number; rest: number; total: number };
}

export interface SpeedRun {
  needs: { total: number; fromEvalSet: number; generated: number };
  passes: Pass[];
  summary: {
    engine: { sequential: LatencyMs; concurrent: LatencyMs };
    sql: { sequential: LatencyMs; concurrent: LatencyMs };
    /** (diag) The statement with bounded retrieval, once per checked need, one caller (from the breakdown pass). */
    sqlBudgeted: LatencyMs;
    /** Engine ÷ statement alone. */
    ratio: { sequentialP50: number; sequentialP95: number; concurrentP50: number; concurrentP95: number };
  };
  breakdown: { rows: BreakdownRow[]; medianMs: BreakdownRow['ms']; p95Ms: BreakdownRow['ms'] };
  checks: { resultsPerCall: { min: number; max: number }; candidatesCoverResults: boolean };
  plans: string;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

interface Recorded {
  sql: string;
  params: unknown[];
  ms: number;
  rows: number;
}

/** A repository on the same pool whose every statement is timed and recorded. */
function recordingRepository(pool: pg.Pool, sink: (statement: Recorded) => void): MatchingRepository {
  const master = {
    query: async (sql: string, params: unknown[]) => {
      const t0 = performance.now();
      const result = await pool.query(sql, params);
      sink({ sql, params, ms: performance.now() - t0, rows: result.rows.length });
      return result;
    },
  };
  return new MatchingRepository({ driver: { master } } as unknown as DataSource);
}

const statementKind = (sql: string): 'corpusStats' | 'documentFrequencies' | 'candidates' | 'other' =>
  /AS documents/.test(sql)
    ? 'corpusStats'
    : /FROM match_term_df/.test(sql)
      ? 'documentFrequencies'
      : /WITH scored/.test(sql)
        ? 'candidates'
        : 'other';

/** Runs `call` once per item with `callers` concurrent loops; latencies in ms, CPU and noise around it. */
async function pass<T>(
  items: readonly T[],
  callers: number,
  database: string,
  call: (item: T) => Promise<unknown>,
): Promise<{ figures: Omit<Pass, 'round' | 'side' | 'callers' | 'before'>; latencies: number[] }> {
  const latencies: number[] = [];
  const pg0 = postgresBackendTicks(database);
  const machine0 = machineTicks();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < items.length) {
        const item = items[next++];
        const t0 = performance.now();
        await call(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const machine1 = machineTicks();
  const pgSeconds = postgresCpuSecondsBetween(pg0, postgresBackendTicks(database));
  const nodeSeconds = (cpu.user + cpu.system) / 1e6;
  const machineSeconds = machine0 && machine1 ? (machine1[0] - machine0[0]) / clockTicks() : null;
  const figures = {
    calls: latencies.length,
    seconds: round2(seconds),
    callsPerSecond: round2(latencies.length / seconds),
    latencyMs: latencySummary([...latencies]),
    cpuMsPerCall: {
      node: round2((nodeSeconds * 1000) / latencies.length),
      postgres: pgSeconds === null ? null : round2((pgSeconds * 1000) / latencies.length),
    },
    neighbourCores:
      machineSeconds === null || pgSeconds === null ? null : round2(Math.max(0, machineSeconds - nodeSeconds - pgSeconds) / seconds),
  };
  return { figures, latencies };
}

function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0;
}

export async function runSpeed(options: SpeedOptions): Promise<SpeedRun> {
  const { log } = options;
  const database = new URL(options.databaseUrl).pathname.slice(1);
  const dataSource = new DataSource(dataSourceOptions({ databaseUrl: options.databaseUrl }, { applicationName: 'yizhi-bench-matching' }));
  await dataSource.initialize();
  try {
    const pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
    const repository = new MatchingRepository(dataSource);
    const engine = new MatchingEngine(repository);
    const today = platformDate();
    const loaded = await dataSource.getRepository(Need).findBy({ id: In([...options.needIds]) });
    const byId = new Map(loaded.map((n) => [n.id, n]));
    const needs = options.needIds.map((id) => {
      const need = byId.get(id);
      if (!need) throw new Error(`need ${id} is missing from the speed corpus`);
      return need;
    });
    warmUpAnalyzer();

    // The statement's arguments, captured from the engine's own call for each need (which also warms
    // the caches), so that the statement alone runs with exactly what the engine gives it. On every
    // `checkEvery`-th need, a check that the engine's answer comes from those candidates.
    log(`[bench:matching] speed: preparing ${needs.length} needs and warming up`);
    const capturing = new CapturingRepository(dataSource);
    const capturingEngine = new MatchingEngine(capturing);
    const queries = new Map<string, CandidateQuery>();
    const budgetQueries = new Map<string, CandidateQuery>();
    let minResults = Infinity;
    let maxResults = 0;
    let covered = true;
    for (const [i, need] of needs.entries()) {
      const results = await capturingEngine.listingsForNeed(need, options.limit, today);
      const query = capturing.take();
      if (!query) throw new Error(`need ${need.id} has no terms: the engine sent no candidate statement`);
      queries.set(need.id, query);
      minResults = Math.min(minResults, results.length);
      maxResults = Math.max(maxResults, results.length);
      if (i % options.checkEvery !== 0) continue;
      budgetQueries.set(need.id, {
        ...query,
        retrieval: budgetedRetrieval(query.terms, await repository.documentFrequencies('listing', query.terms)),
      });
      // Candidates tied at the cut (the statement orders by bm25 alone) may differ between two runs of
      // it: read past the cut, and accept a result tied with the last candidate.
      const extended = await repository.listingCandidates({ ...query, limit: query.limit * 4 });
      const cut = extended[query.limit - 1]?.bm25 ?? -Infinity;
      const rank = new Map(extended.map((c: ListingCandidate, index) => [c.id, { index, bm25: c.bm25 }]));
      const missed = results.filter((r) => {
        const found = rank.get(r.otherId);
        return !found || (found.index >= query.limit && found.bm25 < cut);
      });
      if (missed.length) {
        covered = false;
        log(
          `[bench:matching] need ${need.id}: the engine returned ${missed.map((r) => r.otherId).join(', ')}, not among the statement's candidates`,
        );
      }
    }
    if (!covered) throw new Error('the engine returned listings that its own candidate statement, run again, does not');

    const passes: Pass[] = [];
    /** Every latency of a side and caller count, over the rounds. */
    const samples = new Map<string, number[]>();
    const calls: Record<Side, (need: Need) => Promise<unknown>> = {
      engine: (need) => engine.listingsForNeed(need, options.limit, today),
      sql: (need) => repository.listingCandidates(queries.get(need.id)!),
    };
    for (let round = 1; round <= options.rounds && !options.shouldStop(); round++) {
      for (const [side, callers] of [
        ['engine', 1],
        ['sql', 1],
        ['engine', options.concurrency],
        ['sql', options.concurrency],
      ] as const) {
        if (options.shouldStop()) break;
        const before = await waitForQuiet(options.quiet, log, options.shouldStop);
        const { figures, latencies } = await pass(needs, callers, database, calls[side]);
        passes.push({ round, side, callers, before, ...figures });
        samples.set(`${side}:${callers}`, [...(samples.get(`${side}:${callers}`) ?? []), ...latencies]);
        log(
          `[bench:matching] round ${round} ${sideLabel(side).padEnd(15)} × ${callers}: ` +
            `p50 ${figures.latencyMs.p50} p95 ${figures.latencyMs.p95} max ${figures.latencyMs.max} ms; ` +
            `CPU/call node ${figures.cpuMsPerCall.node} pg ${figures.cpuMsPerCall.postgres ?? '?'} ms; others ${figures.neighbourCores ?? '?'} cores`,
        );
      }
    }

    // The breakdown: the engine's own calls, each statement timed on the same pool.
    const rows: BreakdownRow[] = [];
    const statements = new Map<string, Recorded[]>();
    for (const need of needs) {
      const recorded: Recorded[] = [];
      const timed = new MatchingEngine(recordingRepository(pool, (s) => recorded.push(s)));
      const a0 = performance.now();
      const vector = needVector(need);
      const analyse = performance.now() - a0;
      const t0 = performance.now();
      await timed.listingsForNeed(need, options.limit, today);
      const total = performance.now() - t0;
      const ms = (kind: ReturnType<typeof statementKind>) =>
        recorded.filter((s) => statementKind(s.sql) === kind).reduce((sum, s) => sum + s.ms, 0);
      const query = queries.get(need.id)!;
      const [{ n }] = (
        await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM match_profile WHERE kind = 'listing' AND terms && $1::text[]`, [
          query.retrieval,
        ])
      ).rows;
      const candidates = recorded.find((st) => statementKind(st.sql) === 'candidates')?.rows ?? 0;
      const budgetQuery = budgetQueries.get(need.id);
      let budgeted: BreakdownRow['budgeted'] = null;
      if (budgetQuery) {
        const [{ n: retrievalMatches }] = (
          await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM match_profile WHERE kind = 'listing' AND terms && $1::text[]`, [
            budgetQuery.retrieval,
          ])
        ).rows;
        const p0 = performance.now();
        await repository.listingCandidates(budgetQuery);
        budgeted = { retrievalMatches, ms: round2(performance.now() - p0) };
      }
      const corpusStats = ms('corpusStats');
      const documentFrequencies = ms('documentFrequencies');
      const candidateMs = ms('candidates');
      rows.push({
        need: need.id,
        fromEvalSet: options.evalNeedIds.has(need.id),
        queryTerms: vector.size,
        retrievalMatches: n,
        candidates,
        budgeted,
        ms: {
          analyse: round2(analyse),
          corpusStats: round2(corpusStats),
          documentFrequencies: round2(documentFrequencies),
          candidates: round2(candidateMs),
          // Scoring, sorting and the analysis inside the call; the first two statements run side by side.
          rest: round2(Math.max(0, total - Math.max(corpusStats, documentFrequencies) - candidateMs)),
          total: round2(total),
        },
      });
      statements.set(need.id, recorded);
    }
    const component = (p: number) =>
      Object.fromEntries(
        (['analyse', 'corpusStats', 'documentFrequencies', 'candidates', 'rest', 'total'] as const).map((k) => [
          k,
          round2(
            percentileOf(
              rows.map((r) => r.ms[k]),
              p,
            ),
          ),
        ]),
      ) as BreakdownRow['ms'];

    // Plans: the statements of the median and the slowest candidate retrieval.
    const byCandidates = [...rows].sort((a, b) => a.ms.candidates - b.ms.candidates);
    const picks = [
      ['median candidate retrieval', byCandidates[Math.floor(byCandidates.length / 2)]],
      ['slowest candidate retrieval', byCandidates[byCandidates.length - 1]],
    ] as const;
    const withBudget = rows.filter((r): r is BreakdownRow & { budgeted: NonNullable<BreakdownRow['budgeted']> } => r.budgeted !== null);
    const byBudget = [...withBudget].sort((a, b) => a.budgeted.ms - b.budgeted.ms);
    const plans: string[] = [`EXPLAIN (ANALYZE, BUFFERS) of the statements of MatchingEngine.listingsForNeed, ${new Date().toISOString()}`];
    for (const [label, row] of picks) {
      plans.push(
        `\n${'='.repeat(100)}\n${label}: need ${row.need} (${row.queryTerms} terms, ${row.retrievalMatches} profiles share a retrieval term, ${row.candidates} candidates, ${row.ms.candidates} ms)\n`,
      );
      for (const statement of statements.get(row.need) ?? []) {
        const { rows: plan } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.params);
        plans.push(
          `--- ${statementKind(statement.sql)}\nSQL: ${statement.sql}\nparameters: ${JSON.stringify(statement.params)}\n${plan.map((p) => p['QUERY PLAN']).join('\n')}\n`,
        );
      }
    }
    for (const [label, row] of [
      ['median', byBudget[Math.floor(byBudget.length / 2)]],
      ['slowest', byBudget[byBudget.length - 1]],
    ] as const) {
      const statement = row && (statements.get(row.need) ?? []).find((st) => statementKind(st.sql) === 'candidates');
      if (!statement) continue;
      // $3 is the retrieval terms (MatchingRepository.listingCandidates).
      const params = statement.params.map((value, i) => (i === 2 ? budgetQueries.get(row.need)!.retrieval : value));
      const { rows: plan } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, params);
      plans.push(
        `\n${'='.repeat(100)}\n(diag) retrieval bounded to ${RETRIEVAL_BUDGET} postings, ${label}: need ${row.need} (${row.budgeted.retrievalMatches} profiles share a retrieval term, ${row.budgeted.ms} ms)\n` +
          `parameters: ${JSON.stringify(params)}\n${plan.map((p) => p['QUERY PLAN']).join('\n')}\n`,
      );
    }

    const over = (side: Side, callers: number) => latencySummary([...(samples.get(`${side}:${callers}`) ?? [])]);
    const engineSide = { sequential: over('engine', 1), concurrent: over('engine', options.concurrency) };
    const sqlSide = { sequential: over('sql', 1), concurrent: over('sql', options.concurrency) };
    const sqlBudgeted = latencySummary(withBudget.map((r) => r.budgeted.ms));
    const ratio = (a: number, b: number) => (b > 0 ? round2(a / b) : 0);
    const summary: SpeedRun['summary'] = {
      engine: engineSide,
      sql: sqlSide,
      sqlBudgeted,
      ratio: {
        sequentialP50: ratio(engineSide.sequential.p50, sqlSide.sequential.p50),
        sequentialP95: ratio(engineSide.sequential.p95, sqlSide.sequential.p95),
        concurrentP50: ratio(engineSide.concurrent.p50, sqlSide.concurrent.p50),
        concurrentP95: ratio(engineSide.concurrent.p95, sqlSide.concurrent.p95),
      },
    };
    return {
      needs: {
        total: needs.length,
        fromEvalSet: rows.filter((r) => r.fromEvalSet).length,
        generated: rows.filter((r) => !r.fromEvalSet).length,
      },
      passes,
      summary,
      breakdown: { rows, medianMs: component(50), p95Ms: component(95) },
      checks: { resultsPerCall: { min: minResults, max: maxResults }, candidatesCoverResults: covered },
      plans: plans.join('\n'),
    };
  } finally {
    await dataSource.destroy();
  }
}
