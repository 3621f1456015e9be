/**
 * `npm run bench:matching`: the need → listing matching engine (libs/matching), for quality and for
 * speed, each against a baseline measured in the same run.
 *
 *   1. Quality (bench/matching-quality.ts): the evaluation set (test/fixtures/matching-eval.json,
 *      64 listings, 40 needs, graded judgments) published through the built API into
 *      yizhi_bench_matching, matched by the built worker, read back through
 *      GET /api/v1/needs/:id/matches?limit=50; nDCG@10, P@5 and hit@3 (bench/matching-eval.ts)
 *      against a naive BM25 over character bigrams computed in memory on the same set.
 *   2. Speed (bench/matching-speed.ts): on-demand top-20 (`MatchingEngine.listingsForNeed`) over
 *      100,000 listings in yizhi_bench_matching_speed (bench/matching-speed-data.ts), one caller and
 *      several, against the candidate-retrieval statement alone.
 *
 * Prints both tables, writes bench/results/matching-latest.json (and matching-plans.txt), and exits
 * with 1 when the API answered anything but 2xx (or anything else failed).
 *
 * Env: BENCH_MATCHING_PARTS (quality,speed), BENCH_MATCHING_ROWS (100000 listings),
 * BENCH_MATCHING_NEEDS (300 generated needs), BENCH_MATCHING_SPEED_NEEDS (200 needs measured: the
 * set's 40, then generated ones), BENCH_MATCHING_CONCURRENCY (4), BENCH_MATCHING_ROUNDS (1),
 * BENCH_MATCHING_REBUILD (1 rebuilds the speed corpus), BENCH_MATCHING_KEEP_DB (1 keeps the quality
 * database), BENCH_QUIET_WAIT (30 s), BENCH_OTHERS_WAIT (900 s), BENCH_SEED_DIR.
 */
import 'reflect-metadata';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import {
  engineLosses,
  evaluate,
  hardCaseRows,
  loadEvalSet,
  naiveRankings,
  type EvalSet,
  type Evaluation,
  type QualityMetrics,
} from './matching-eval.js';
import { RETRIEVAL_BUDGET } from './matching-diagnostics.js';
import { ApiError, runQuality, type QualityRun, type Rankings } from './matching-quality.js';
import { ensureSpeedCorpus, type SpeedCorpusReport } from './matching-speed-data.js';
import { runSpeed, sideLabel, type SpeedRun } from './matching-speed.js';
import { killAllNow, stopAll } from './processes.js';
import { waitForQuiet } from './quiet.js';

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min} (got "${raw}")`);
  return value;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/matching.js -> repository root
const SHARED_SEED = join(ROOT, '..', 'shared', 'seed');
const SEED_DIR = process.env.BENCH_SEED_DIR?.trim() || (existsSync(SHARED_SEED) ? SHARED_SEED : join(ROOT, 'test', 'fixtures'));
const EVAL_FILE = join(ROOT, 'test', 'fixtures', 'matching-eval.json');
const REDIS_URL = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
const parts = new Set((process.env.BENCH_MATCHING_PARTS?.trim() || 'quality,speed').split(',').map((p) => p.trim()));
const settings = {
  qualityDatabase: 'postgres://postgres@127.0.0.1:5432/yizhi_bench_matching',
  speedDatabase: 'postgres://postgres@127.0.0.1:5432/yizhi_bench_matching_speed',
  queuePrefix: '{yizhi-bench-matching}',
  listings: intEnv('BENCH_MATCHING_ROWS', 100_000, 1_000),
  generatedNeeds: intEnv('BENCH_MATCHING_NEEDS', 300, 10),
  measuredNeeds: intEnv('BENCH_MATCHING_SPEED_NEEDS', 200, 10),
  concurrency: intEnv('BENCH_MATCHING_CONCURRENCY', 4, 2),
  rounds: intEnv('BENCH_MATCHING_ROUNDS', 1, 1),
  limit: 20,
  rebuild: process.env.BENCH_MATCHING_REBUILD?.trim() === '1',
  keepDatabase: process.env.BENCH_MATCHING_KEEP_DB?.trim() === '1',
  quiet: { quietWaitSeconds: intEnv('BENCH_QUIET_WAIT', 30, 0), othersWaitSeconds: intEnv('BENCH_OTHERS_WAIT', 900, 0) },
  /** The acceptance target: p95 of on-demand top-20 over 100,000 listings. */
  targetP95Ms: 200,
};

let interrupted = false;
const log = (line: string) => console.log(line);

// ---------------------------------------------------------------- report

const f4 = (v: number) => v.toFixed(4);
const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(4)}`;

function table(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): void {
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c < leftColumns ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

interface QualityReport {
  set: { listings: number; needs: number; judged: number; hardCases: number };
  ceiling: QualityMetrics;
  engine: { stored: Evaluation; onDemand: Evaluation; atPublication: Evaluation; budgetedRetrieval: Evaluation };
  baseline: Evaluation;
  difference: QualityMetrics;
  hardCases: (ReturnType<typeof hardCaseRows>[number] & { budgetedRetrievalRank: number | null })[];
  losses: ReturnType<typeof engineLosses>;
  run: Omit<QualityRun, 'rankings'>;
  rankings: { stored: Record<string, string[]>; baseline: Record<string, string[]> };
}

function qualityReport(set: EvalSet, run: QualityRun): QualityReport {
  const baselineRankings = naiveRankings(set);
  const ideal: Rankings = new Map(
    set.needs.map((n) => [
      n.key,
      Object.entries(set.judgments[n.key])
        .sort(([, x], [, y]) => y - x)
        .map(([k]) => k),
    ]),
  );
  const stored = evaluate(set, run.rankings.stored);
  const baseline = evaluate(set, baselineRankings);
  const { rankings, ...rest } = run;
  return {
    set: {
      listings: set.listings.length,
      needs: set.needs.length,
      judged: Object.values(set.judgments).reduce((sum, g) => sum + Object.keys(g).length, 0),
      hardCases: set.hardCases.length,
    },
    ceiling: evaluate(set, ideal).mean,
    engine: {
      stored,
      onDemand: evaluate(set, rankings.onDemand),
      atPublication: evaluate(set, rankings.atPublication),
      budgetedRetrieval: evaluate(set, rankings.budgetedRetrieval),
    },
    baseline,
    difference: {
      ndcg10: Math.round((stored.mean.ndcg10 - baseline.mean.ndcg10) * 10_000) / 10_000,
      precision5: Math.round((stored.mean.precision5 - baseline.mean.precision5) * 10_000) / 10_000,
      hit3: Math.round((stored.mean.hit3 - baseline.mean.hit3) * 10_000) / 10_000,
    },
    hardCases: hardCaseRows(set, rankings.stored, baselineRankings).map((row, i) => ({
      ...row,
      budgetedRetrievalRank: hardCaseRows(set, rankings.budgetedRetrieval, baselineRankings)[i].engineRank,
    })),
    losses: engineLosses(stored, baseline),
    run: rest,
    rankings: {
      stored: Object.fromEntries(rankings.stored),
      baseline: Object.fromEntries([...baselineRankings].map(([k, v]) => [k, v.slice(0, 10)])),
    },
  };
}

function printQuality(report: QualityReport): void {
  console.log('');
  console.log(
    `QUALITY on the evaluation set (${report.set.needs} needs, ${report.set.listings} listings, ${report.set.judged} judgments), ` +
      'GET /api/v1/needs/:id/matches?limit=50 through the built API and worker; the baseline in memory on the same set',
  );
  const row = (label: string, m: QualityMetrics) => [label, f4(m.ndcg10), f4(m.precision5), f4(m.hit3)];
  table(
    ['ranking', 'nDCG@10', 'P@5', 'hit@3'],
    [
      row('engine: stored after the refresh (headline: what every visit sees)', report.engine.stored.mean),
      row('engine: computed on demand (stale matches)', report.engine.onDemand.mean),
      row('(diag) engine: stored while the set was being published', report.engine.atPublication.mean),
      row(`(diag) engine with retrieval bounded to ${RETRIEVAL_BUDGET} postings (not the app)`, report.engine.budgetedRetrieval.mean),
      row('baseline: naive BM25 over character bigrams', report.baseline.mean),
      [
        'difference (engine stored − baseline)',
        signed(report.difference.ndcg10),
        signed(report.difference.precision5),
        signed(report.difference.hit3),
      ],
      row('(ceiling: the judgments in their ideal order)', report.ceiling),
    ],
  );
  if (report.run.onDemandMismatches.length)
    console.log(`note: on demand and stored disagree for ${report.run.onDemandMismatches.join(', ')}`);
  if (report.run.inProcessMismatches.length)
    console.log(
      `WARNING: the engine called in-process disagrees with the API's on-demand answer for ${report.run.inProcessMismatches.join(', ')}`,
    );
  console.log('');
  console.log('hard cases: rank of the need’s best-graded listing (– = not among the 50 returned; the baseline ranks all 64)');
  table(
    ['need', 'kind', 'best', 'engine', 'baseline', '(diag) bounded retrieval', ''],
    report.hardCases.map((h) => [
      h.need,
      h.kind,
      h.best,
      h.engineRank === null ? '–' : String(h.engineRank),
      h.baselineRank === null ? '–' : String(h.baselineRank),
      h.budgetedRetrievalRank === null ? '–' : String(h.budgetedRetrievalRank),
      h.failing ? 'FAILS (not in the top 3)' : (h.baselineRank ?? 99) < (h.engineRank ?? 99) ? 'behind the baseline' : '',
    ]),
    2,
  );
  console.log('');
  if (report.losses.length) {
    console.log(`needs where the engine's nDCG@10 is below the baseline's (${report.losses.length}):`);
    for (const loss of report.losses) {
      const engine = report.engine.stored.perNeed.find((q) => q.need === loss.need)!;
      const baseline = report.baseline.perNeed.find((q) => q.need === loss.need)!;
      console.log(
        `  ${loss.need}: ${f4(loss.engine)} vs ${f4(loss.baseline)}; engine top 5 ${engine.top.slice(0, 5).join(' ')} | baseline top 5 ${baseline.top.slice(0, 5).join(' ')}`,
      );
    }
  } else console.log('the engine is nowhere below the baseline on nDCG@10');
  console.log(
    `(diag) with bounded retrieval, the engine would be below the baseline on ${engineLosses(report.engine.budgetedRetrieval, report.baseline).length} needs`,
  );
}

function printSpeed(speed: SpeedRun, corpus: SpeedCorpusReport): void {
  console.log('');
  console.log(
    `SPEED: on-demand top-${settings.limit} for a need (MatchingEngine.listingsForNeed, in-process, pool of 10) over ` +
      `${corpus.listings.toLocaleString('en')} listings; ${speed.needs.total} needs (${speed.needs.fromEvalSet} of the evaluation set), ` +
      `each once per pass, ${settings.rounds} round(s); latencies in ms over all rounds`,
  );
  const row = (label: string, l: SpeedRun['summary']['engine']['sequential']) => [
    label,
    String(l.p50),
    String(l.p95),
    String(l.max),
    String(l.mean),
  ];
  table(
    ['what', 'p50', 'p95', 'max', 'mean'],
    [
      row('engine, one caller', speed.summary.engine.sequential),
      row('candidate statement alone, one caller', speed.summary.sql.sequential),
      row(
        `(diag) statement with retrieval bounded to ${RETRIEVAL_BUDGET} postings, one caller (every 4th need, once)`,
        speed.summary.sqlBudgeted,
      ),
      row(`engine, ${settings.concurrency} callers`, speed.summary.engine.concurrent),
      row(`candidate statement alone, ${settings.concurrency} callers`, speed.summary.sql.concurrent),
    ],
  );
  const r = speed.summary.ratio;
  console.log(
    `ratio engine ÷ statement alone: one caller p50 ${r.sequentialP50} p95 ${r.sequentialP95}; ${settings.concurrency} callers p50 ${r.concurrentP50} p95 ${r.concurrentP95}`,
  );
  console.log('');
  console.log('per pass (CPU per call: this process | PostgreSQL; "others": cores other processes used meanwhile)');
  table(
    ['round', 'side', 'callers', 'p50', 'p95', 'max', 'calls/s', 'CPU ms node|pg', 'others'],
    speed.passes.map((p) => [
      String(p.round),
      sideLabel(p.side),
      String(p.callers),
      String(p.latencyMs.p50),
      String(p.latencyMs.p95),
      String(p.latencyMs.max),
      String(p.callsPerSecond),
      `${p.cpuMsPerCall.node}|${p.cpuMsPerCall.postgres ?? '?'}`,
      String(p.neighbourCores ?? '?'),
    ]),
    2,
  );
  console.log('');
  console.log('where an engine call spends its time (one caller, the engine’s own statements timed on its pool; ms)');
  const b = speed.breakdown;
  table(
    ['', 'analyse', 'corpusStats', 'documentFrequencies', 'candidates', 'rest (JS)', 'total'],
    [
      [
        'median',
        ...(['analyse', 'corpusStats', 'documentFrequencies', 'candidates', 'rest', 'total'] as const).map((k) => String(b.medianMs[k])),
      ],
      [
        'p95',
        ...(['analyse', 'corpusStats', 'documentFrequencies', 'candidates', 'rest', 'total'] as const).map((k) => String(b.p95Ms[k])),
      ],
    ],
  );
  const pct = (values: number[], p: number) => {
    const sorted = [...values].sort((x, y) => x - y);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  };
  const matches = b.rows.map((r) => r.retrievalMatches);
  const budgeted = b.rows.flatMap((r) => (r.budgeted ? [r.budgeted.retrievalMatches] : []));
  console.log(
    `listing profiles sharing a retrieval term: median ${pct(matches, 50)}, p95 ${pct(matches, 95)}, max ${pct(matches, 100)} ` +
      `(${b.rows.filter((r) => r.candidates === 0).length} of ${b.rows.length} needs retrieve nothing); ` +
      `(diag) bounded (${budgeted.length} needs): median ${pct(budgeted, 50)}, p95 ${pct(budgeted, 95)}, max ${pct(budgeted, 100)}`,
  );
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const startedAt = new Date();
  const t0 = performance.now();
  log(`[bench:matching] ${os.availableParallelism()} CPUs, Node ${process.version}; parts: ${[...parts].join(', ')}`);
  const set = loadEvalSet(EVAL_FILE);
  const quiet = await waitForQuiet(settings.quiet, log, () => interrupted);
  const seconds: Record<string, number> = {};

  let quality: QualityReport | null = null;
  let qualityError: unknown = null;
  if (parts.has('quality') && !interrupted) {
    const q0 = performance.now();
    try {
      const run = await runQuality({
        root: ROOT,
        databaseUrl: settings.qualityDatabase,
        redisUrl: REDIS_URL,
        queuePrefix: settings.queuePrefix,
        set,
        concurrency: 4,
        keepDatabase: settings.keepDatabase,
        log,
      });
      quality = qualityReport(set, run);
      printQuality(quality);
    } catch (error) {
      // Report it, measure the speed anyway, and fail at the end.
      qualityError = error;
      console.error('[bench:matching] quality FAILED:', error instanceof Error ? error.message : error);
    }
    seconds.quality = Math.round(performance.now() - q0) / 1000;
  }

  let speed: SpeedRun | null = null;
  let corpus: SpeedCorpusReport | null = null;
  if (parts.has('speed') && !interrupted) {
    const s0 = performance.now();
    corpus = await ensureSpeedCorpus(
      {
        databaseUrl: settings.speedDatabase,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          DATABASE_URL: settings.speedDatabase,
          JWT_SECRET: randomBytes(32).toString('hex'),
          QUEUE_PREFIX: settings.queuePrefix,
        },
        root: ROOT,
        seedDir: SEED_DIR,
        set,
        listings: settings.listings,
        needs: settings.generatedNeeds,
        organizations: 300,
        enterprises: 60,
        force: settings.rebuild,
        batchSize: 1_000,
        sample: 300,
      },
      log,
    );
    seconds.speedCorpus = Math.round(performance.now() - s0) / 1000;
    log(`[bench:matching] speed corpus: ${JSON.stringify({ profiles: corpus.profiles, sizesMb: corpus.sizesMb, check: corpus.check })}`);
    const measured = [...corpus.evalNeedIds, ...corpus.generatedNeedIds].slice(0, settings.measuredNeeds);
    const m0 = performance.now();
    speed = await runSpeed({
      databaseUrl: settings.speedDatabase,
      needIds: measured,
      evalNeedIds: new Set(corpus.evalNeedIds),
      limit: settings.limit,
      concurrency: settings.concurrency,
      rounds: settings.rounds,
      checkEvery: 4,
      quiet: settings.quiet,
      log,
      shouldStop: () => interrupted,
    });
    seconds.speed = Math.round(performance.now() - m0) / 1000;
    printSpeed(speed, corpus);
  }
  if (interrupted) return;

  console.log('');
  if (quality) {
    const q = quality;
    console.log(
      `quality: engine nDCG@10 ${f4(q.engine.stored.mean.ndcg10)} vs baseline ${f4(q.baseline.mean.ndcg10)} (${signed(q.difference.ndcg10)}); ` +
        `P@5 ${f4(q.engine.stored.mean.precision5)} vs ${f4(q.baseline.mean.precision5)}; hit@3 ${f4(q.engine.stored.mean.hit3)} vs ${f4(q.baseline.mean.hit3)}; ` +
        `${q.hardCases.filter((h) => h.failing).length} of ${q.hardCases.length} hard cases fail; the engine is below the baseline on ${q.losses.length} needs`,
    );
  }
  let targetMet: boolean | null = null;
  if (speed) {
    targetMet = speed.summary.engine.sequential.p95 <= settings.targetP95Ms && speed.summary.engine.concurrent.p95 <= settings.targetP95Ms;
    console.log(
      `speed: on-demand top-${settings.limit} over ${corpus!.listings.toLocaleString('en')} listings p95 ${speed.summary.engine.sequential.p95} ms one caller, ` +
        `${speed.summary.engine.concurrent.p95} ms with ${settings.concurrency} (target <= ${settings.targetP95Ms}): ${targetMet ? 'MET' : 'NOT MET'}; ` +
        `the candidate statement alone p95 ${speed.summary.sql.sequential.p95} / ${speed.summary.sql.concurrent.p95} ms (ratio ${speed.summary.ratio.sequentialP95} / ${speed.summary.ratio.concurrentP95})`,
    );
  }
  seconds.total = Math.round(performance.now() - t0) / 1000;
  console.log(`[bench:matching] took ${seconds.total} s (${JSON.stringify(seconds)})`);

  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  if (speed) {
    writeFileSync(join(resultsDir, 'matching-plans.txt'), `${speed.plans}\n`);
    log(`[bench:matching] plans: ${join(resultsDir, 'matching-plans.txt')}`);
  }
  const file = join(resultsDir, 'matching-latest.json');
  const report = {
    benchmark:
      'need → listing matching: quality on the evaluation set vs naive bigram BM25; on-demand top-20 at 100,000 listings vs its candidate statement',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds,
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
      node: process.version,
      loadAverageAfter: os.loadavg(),
      quietAtStart: quiet,
    },
    settings: { ...settings, parts: [...parts], seedDir: SEED_DIR, evalFile: EVAL_FILE },
    quality: quality ?? (qualityError ? { error: qualityError instanceof Error ? qualityError.message : String(qualityError) } : null),
    speed: speed ? { ...speed, plans: undefined, targetMet, corpus } : null,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`[bench:matching] raw results: ${file}`);
  if (qualityError) throw qualityError;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n[bench:matching] ${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  });
}
process.once('exit', killAllNow);

try {
  await main();
} catch (error) {
  if (!interrupted) {
    console.error(
      `[bench:matching] FAILED${error instanceof ApiError ? ' (the API answered non-2xx)' : ''}:`,
      error instanceof Error ? error.message : error,
    );
    process.exitCode = 1;
  }
} finally {
  await stopAll();
}
