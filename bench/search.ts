/**
 * `npm run bench:search`: GET /api/v1/listings?q= of the built API at 200,000 listings, against
 * the same SQL sent straight through `pg`, in the same run, on the same machine.
 *
 *   1. makes sure postgres://…/yizhi_bench_search holds the generated corpus (bench/search-data.ts,
 *      bench/search-corpus.ts): 200,000 published, valid listings of Chinese text from a fixed seed;
 *      reused when the marker in bench_meta still matches, otherwise rebuilt (a few minutes);
 *   2. starts the built API (NODE_ENV=production, LOG_LEVEL=info, stdout to /dev/null);
 *   3. for every query string: checks that the API answers 200 without a response-cache hit and
 *      returns the same ids, in the same order, as the same search sent through pg (bench/search-sql.ts),
 *      counts its matches, and saves EXPLAIN (ANALYZE, BUFFERS) to bench/results/search-plans.txt;
 *   4. per query shape (1, 2, 4 and 6 characters, and a filtered query), five query strings each:
 *      autocannon against the API (BENCH_CONNECTIONS connections, each cycling through the strings),
 *      then the same statements through a pg Pool of the same size with as many concurrent callers;
 *   5. prints a table (p50/p95/p99, req/s, the ratio API/SQL, the CPU each side spent per request)
 *      and writes bench/results/search-latest.json.
 *
 * A shape whose queries are so slow that BENCH_DURATION would give fewer than 100 answers is measured
 * longer (estimated from the lone queries of step 3, at most BENCH_MAX_DURATION). After every load
 * of the API, the benchmark waits until PostgreSQL has finished the statements of requests that
 * autocannon abandoned when it stopped, so that they do not run into the next measurement.
 *
 * Before building the corpus and before each measurement it waits for other benchmarks of this
 * repository (processes running dist/bench/…) to end, then for the machine to be quiet.
 *
 * A response that is not 2xx fails the run (exit code 1, and the shape is marked FAILED with its
 * status codes), but the other shapes are still measured and reported.
 *
 * Env: BENCH_DURATION (s per shape and side, 10), BENCH_CONNECTIONS (20), BENCH_WARMUP (s, 3),
 * BENCH_QUIET_WAIT (s, 30), BENCH_OTHERS_WAIT (s, 900), BENCH_MAX_DURATION (s, 120),
 * BENCH_SEARCH_ROWS (200000), BENCH_SEARCH_REBUILD (1 rebuilds the corpus), BENCH_SEED_DIR (the seed text).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon, { type Instance, type Result } from 'autocannon';
import pg from 'pg';
import { platformDate } from '#yizhi/core';
import { clockTicks, machineTicks, postgresBackendTicks, postgresCpuSecondsBetween, processCpuSeconds } from './cpu.js';
import { exited, freePort, killAllNow, spawnNode, stopAll, waitFor200 } from './processes.js';
import { waitForOtherBenchmarks, waitForQuiet as waitQuiet } from './quiet.js';
import { ensureCorpus, type CorpusReport } from './search-data.js';
import type { CatalogSearch } from '#yizhi/catalog';
import {
  apiPath,
  countMatches,
  directSearch,
  latencySummary,
  runDirect,
  runSearches,
  type SearchRequest,
  type SqlRunFigures,
  type Statement,
} from './search-sql.js';

// ---------------------------------------------------------------- settings

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min} (got "${raw}")`);
  return value;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/search.js -> repository root
const DATABASE_NAME = 'yizhi_bench_search';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`;
const QUEUE_PREFIX = '{yizhi-bench}';
/**
 * The seed text: ../shared/seed beside the clone, as the issue says; a clone without it uses the
 * copy of the same article that the tests keep (test/fixtures). BENCH_SEED_DIR overrides both.
 */
const SHARED_SEED = join(ROOT, '..', 'shared', 'seed');
const SEED_DIR = process.env.BENCH_SEED_DIR?.trim() || (existsSync(SHARED_SEED) ? SHARED_SEED : join(ROOT, 'test', 'fixtures'));
const settings = {
  durationSeconds: intEnv('BENCH_DURATION', 10, 1),
  connections: intEnv('BENCH_CONNECTIONS', 20, 1),
  warmupSeconds: intEnv('BENCH_WARMUP', 3, 0),
  quietWaitSeconds: intEnv('BENCH_QUIET_WAIT', 30, 0),
  /** Before building the corpus and before each measurement, wait up to this long for other benchmarks (dist/bench/) to end. */
  othersWaitSeconds: intEnv('BENCH_OTHERS_WAIT', 900, 0),
  /** A shape whose queries are slow is measured longer, up to this, to collect minResponses answers per side. */
  maxDurationSeconds: intEnv('BENCH_MAX_DURATION', 120, 1),
  rows: intEnv('BENCH_SEARCH_ROWS', 200_000, 1_000),
  organizations: 300,
  rebuild: process.env.BENCH_SEARCH_REBUILD?.trim() === '1',
  /** Responses per side and shape below which the percentiles mean little. */
  minResponses: 100,
  /** The target: p95 at most this at 20 clients… */
  targetP95Ms: 50,
  /** …and at least this share of the direct-SQL throughput. */
  targetRatio: 0.5,
};

const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL,
  QUEUE_PREFIX,
  JWT_SECRET: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'info',
};

// ---------------------------------------------------------------- query shapes

interface Shape {
  name: string;
  label: string;
  /** Not one of the shapes: a variant that isolates one cost (no target applies). */
  diagnostic?: boolean;
  requests: SearchRequest[];
}

/**
 * Five query strings per shape, so that each connection cycles through several (GET /listings has
 * no response cache, and the check below makes sure of it). Terms of the corpus, from common to rare.
 */
const SHAPES: readonly Shape[] = [
  { name: 'q1', label: '1 character', requests: ['电', '光', '硅', '膜', '氢'].map((q) => ({ q })) },
  { name: 'q2', label: '2 characters', requests: ['芯片', '电池', '传感', '视觉', '涂层'].map((q) => ({ q })) },
  { name: 'q4', label: '4 characters', requests: ['机器视觉', '集成电路', '固态电池', '激光雷达', '工业软件'].map((q) => ({ q })) },
  {
    name: 'q6',
    label: '6 characters',
    requests: ['机器视觉检测', '数字孪生工厂', '智能网联汽车', '激光焊接工艺', '伺服电机控制'].map((q) => ({ q })),
  },
  {
    name: 'filtered',
    label: 'q + field + maturityMin + priceMax',
    requests: [
      { q: '电池', field: 'new-energy', maturityMin: 5, priceMax: '2000000' },
      { q: '芯片', field: 'ic', maturityMin: 4, priceMax: '5000000' },
      { q: '传感器', field: 'sensors', maturityMin: 6, priceMax: '1000000' },
      { q: '机器视觉', field: 'ai', maturityMin: 3, priceMax: '3000000' },
      { q: '碳化硅', field: 'ic', maturityMin: 5, priceMax: '10000000' },
    ],
  },
  // Diagnostics. Rare terms (100-200 matches each): little to rank, so what is left is the API's own cost.
  {
    name: 'diag-rare',
    label: '(diag) 6 characters, rare terms',
    diagnostic: true,
    requests: ['激光焊接工艺', '伺服电机控制', '固态电池制备', '光伏组件制备', '高温合金制备'].map((q) => ({ q })),
  },
  // The 1-character strings sorted by newest: no ranking of every match, the page comes off listing_published_idx.
  {
    name: 'diag-newest',
    label: '(diag) 1 character, sort=newest',
    diagnostic: true,
    requests: ['电', '光', '硅', '膜', '氢'].map((q) => ({ q, sort: 'newest' as const })),
  },
];

// ---------------------------------------------------------------- helpers

let current: Instance | undefined;
let interrupted = false;

const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Waits for other benchmarks, then for a quiet machine (bench/quiet.ts). */
const waitForQuiet = () => waitQuiet(settings, console.log, () => interrupted, 'bench:search');

/** CPU counters around a measurement: the API process (if any), the PostgreSQL backends of the database, this process. */
function cpuProbe(apiPid: number | undefined) {
  const api0 = processCpuSeconds(apiPid);
  const pg0 = postgresBackendTicks(DATABASE_NAME);
  const machine0 = machineTicks();
  const self0 = process.cpuUsage();
  return (operations: number, seconds: number) => {
    const self = process.cpuUsage(self0);
    const machine1 = machineTicks();
    const pgSeconds = postgresCpuSecondsBetween(pg0, postgresBackendTicks(DATABASE_NAME));
    const api1 = processCpuSeconds(apiPid);
    const apiSeconds = apiPid === undefined ? 0 : api0 === null || api1 === null ? null : api1 - api0;
    const selfSeconds = (self.user + self.system) / 1e6;
    const perOp = (value: number | null) => (value === null || operations === 0 ? null : Math.round((value * 1e6) / operations));
    const machineSeconds = machine0 && machine1 ? (machine1[0] - machine0[0]) / clockTicks() : null;
    const ours = apiSeconds === null || pgSeconds === null ? null : apiSeconds + pgSeconds + selfSeconds;
    return {
      cpuUsPerRequest: {
        api: apiPid === undefined ? null : perOp(apiSeconds),
        postgres: perOp(pgSeconds),
        benchProcess: perOp(selfSeconds),
      },
      /** Cores that other processes used meanwhile: the noise. */
      neighbourCores: ours === null || machineSeconds === null ? null : round3(Math.max(0, machineSeconds - ours) / seconds),
    };
  };
}

interface Side {
  requestsPerSecond: number;
  requests: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  cpuUsPerRequest: { api: number | null; postgres: number | null; benchProcess: number | null };
  neighbourCores: number | null;
  before: { busyCores: number | null; waitedSeconds: number; waitedForBenchmarksSeconds: number };
}

interface ApiSide extends Side {
  bytesPerResponse: number;
  /** Responses that were not 2xx (latencies above are of the 2xx ones), by status code. */
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Why the run failed (non-2xx responses or socket errors), or null. */
  failure: string | null;
  raw: Omit<Result, 'latency' | 'requests' | 'throughput'> & { latency: Result['latency'] };
}

async function cannon(base: string, shape: Shape, seconds: number, latencies: number[] | null): Promise<Result> {
  const instance = autocannon({
    url: base,
    requests: shape.requests.map((request) => ({ method: 'GET', path: apiPath(request) })),
    connections: settings.connections,
    duration: seconds,
    pipelining: 1,
    timeout: 60,
    title: `GET /listings ${shape.label}`,
  });
  // Latencies of the 2xx responses, as autocannon's own histogram keeps them.
  if (latencies)
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status >= 200 && status < 300) latencies.push(responseTime);
    });
  current = instance;
  try {
    return await instance;
  } finally {
    current = undefined;
  }
}

/**
 * Waits until no statement of the benchmark's database is running: autocannon drops the requests
 * in flight when it stops, but the API's statements run on to the end.
 */
async function drain(pool: pg.Pool, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      [DATABASE_NAME],
    );
    if (rows[0].n === 0) return round1((Date.now() - started) / 1000);
    if (Date.now() - started > timeoutMs)
      throw new Error(`${rows[0].n} statements still running ${timeoutMs / 1000} s after the load stopped`);
    await sleep(100);
  }
}

/** BENCH_DURATION, or longer when the lone queries say it would give fewer than minResponses answers on these cores. */
function durationFor(checks: readonly Check[]): number {
  const meanSeconds = checks.reduce((sum, check) => sum + check.singleMs.sql, 0) / Math.max(1, checks.length) / 1000;
  const estimatedPerSecond = os.availableParallelism() / Math.max(meanSeconds, 1e-4);
  const needed = Math.ceil(settings.minResponses / estimatedPerSecond);
  return Math.min(settings.maxDurationSeconds, Math.max(settings.durationSeconds, needed));
}

async function measureApi(base: string, apiPid: number | undefined, shape: Shape, seconds: number): Promise<ApiSide> {
  const before = await waitForQuiet();
  const latencies: number[] = [];
  const probe = cpuProbe(apiPid);
  const raw = await cannon(base, shape, seconds, latencies);
  const requests = raw.requests.total;
  const cpu = probe(requests, raw.duration);
  const statusCodes = Object.fromEntries(Object.entries(raw.statusCodeStats).map(([code, { count }]) => [code, count]));
  let failure: string | null = null;
  if (requests === 0 || raw.non2xx > 0 || raw.errors > 0) {
    failure =
      `GET /listings (${shape.label}): ${requests} responses, ${raw.non2xx} not 2xx, ${raw.errors} errors (${raw.timeouts} timeouts); ` +
      `status codes ${JSON.stringify(statusCodes)}`;
    console.error(`[bench:search] FAILURE: ${failure}`);
  }
  const { requests: _samples, throughput, ...rest } = raw;
  return {
    // Successful responses per second.
    requestsPerSecond: round1(latencies.length / raw.duration),
    requests,
    latencyMs: latencySummary(latencies),
    ...cpu,
    before,
    bytesPerResponse: Math.round((throughput.total ?? 0) / Math.max(1, requests)),
    non2xx: raw.non2xx,
    statusCodes,
    failure,
    raw: rest,
  };
}

async function measureSql(
  pool: pg.Pool,
  searches: readonly CatalogSearch[],
  seconds: number,
): Promise<Side & { nodeCpuUsPerQuery: number }> {
  const before = await waitForQuiet();
  const probe = cpuProbe(undefined);
  const figures: SqlRunFigures = await runSearches(pool, searches, settings.connections, seconds, () => interrupted);
  const cpu = probe(figures.queries, figures.seconds);
  return {
    requestsPerSecond: figures.queriesPerSecond,
    requests: figures.queries,
    latencyMs: figures.latencyMs,
    ...cpu,
    before,
    nodeCpuUsPerQuery: figures.nodeCpuUsPerQuery,
  };
}

interface Check {
  q: string;
  path: string;
  matches: number;
  returned: number;
  bytes: number;
  /** Time of one lone request (ms), API and direct SQL. */
  singleMs: { api: number; sql: number };
}

/** One request per query string: 200, no cache hit, the same ids in the same order as the direct search. */
async function checkQuery(
  base: string,
  pool: pg.Pool,
  request: SearchRequest,
  search: CatalogSearch,
  record: (statement: Statement) => void,
): Promise<Check> {
  const path = apiPath(request);
  const t0 = performance.now();
  const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(60_000) });
  const body = await response.text();
  const apiMs = performance.now() - t0;
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${body.slice(0, 300)}`);
  // Twice: a response cache would answer the second request from memory.
  const again = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(60_000) });
  await again.arrayBuffer();
  for (const headers of [response.headers, again.headers]) {
    const xCache = headers.get('x-cache');
    if (xCache === 'hit')
      throw new Error(`GET ${path} was served from the response cache (x-cache: hit): the measurement would not reach PostgreSQL`);
  }
  const apiIds = (JSON.parse(body) as { items: { id: string }[] }).items.map((item) => item.id);
  const t1 = performance.now();
  const rows = await runDirect(pool, search, record);
  const sqlMs = performance.now() - t1;
  const sqlIds = rows.map((row) => row.id);
  if (apiIds.join() !== sqlIds.join())
    throw new Error(`GET ${path} and the direct search disagree:\n  API ${apiIds.join(',')}\n  SQL ${sqlIds.join(',')}`);
  const matches = await countMatches(pool, search);
  if (matches === 0) throw new Error(`"${request.q}" matches nothing in the corpus: pick another query string`);
  return {
    q: request.q,
    path,
    matches,
    returned: apiIds.length,
    bytes: Buffer.byteLength(body),
    singleMs: { api: round1(apiMs), sql: round1(sqlMs) },
  };
}

async function explain(pool: pg.Pool, statement: Statement): Promise<string> {
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.params);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

// ---------------------------------------------------------------- report

interface ShapeResult {
  shape: string;
  label: string;
  /** Seconds of load per side. */
  seconds: number;
  checks: Check[];
  api: ApiSide;
  sql: Side & { nodeCpuUsPerQuery: number };
  /** API req/s over direct-SQL queries/s. */
  ratio: number;
  diagnostic: boolean;
  /** Null for a diagnostic shape. */
  target: { p95: boolean; ratio: boolean; met: boolean } | null;
  failure: string | null;
}

function printTable(results: readonly ShapeResult[]): void {
  const header = [
    'shape',
    'matches (per string)',
    'API req/s',
    'p50',
    'p95',
    'p99',
    'SQL q/s',
    'p50',
    'p95',
    'p99',
    'API/SQL',
    'API µs/req',
    'pg µs/req (API|SQL)',
    'others',
    'target',
  ];
  const rows = results.map((r) => [
    r.label,
    r.checks.map((check) => check.matches).join('/'),
    String(r.api.requestsPerSecond),
    String(r.api.latencyMs.p50),
    String(r.api.latencyMs.p95),
    String(r.api.latencyMs.p99),
    String(r.sql.requestsPerSecond),
    String(r.sql.latencyMs.p50),
    String(r.sql.latencyMs.p95),
    String(r.sql.latencyMs.p99),
    r.ratio.toFixed(2),
    String(r.api.cpuUsPerRequest.api ?? '?'),
    `${r.api.cpuUsPerRequest.postgres ?? '?'}|${r.sql.cpuUsPerRequest.postgres ?? '?'}`,
    `${r.api.neighbourCores ?? '?'}|${r.sql.neighbourCores ?? '?'}`,
    r.failure
      ? `FAILED (${r.api.non2xx} not 2xx)`
      : !r.target
        ? '–'
        : r.target.met
          ? 'met'
          : `MISSED (${[r.target.p95 ? null : 'p95', r.target.ratio ? null : 'ratio'].filter(Boolean).join(', ')})`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column <= 1 || column === cells.length - 1 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  console.log('');
  console.log(
    'latencies in ms; CPU in µs per request; "others": cores used by other processes during the API|SQL runs ' +
      "(PostgreSQL's parallel workers are among them: their titles do not name the database)",
  );
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('');
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const startedAt = new Date();
  console.log(
    `[bench:search] ${os.availableParallelism()} CPUs, Node ${process.version}; ${settings.connections} connections, ` +
      `${settings.durationSeconds} s per shape and side, ${settings.warmupSeconds} s warm-up`,
  );
  await waitForOtherBenchmarks(settings, console.log, () => interrupted, 'bench:search');
  if (interrupted) return;
  const corpus: CorpusReport = await ensureCorpus(
    {
      databaseUrl: DATABASE_URL,
      env: childEnv,
      root: ROOT,
      seedDir: SEED_DIR,
      rows: settings.rows,
      organizations: settings.organizations,
      force: settings.rebuild,
      batchSize: 1_000,
    },
    (line) => console.log(line),
  );
  console.log(
    `[bench:search] corpus: ${corpus.rows.toLocaleString('en')} listings, table ${corpus.tableMb} MB, indexes ${JSON.stringify(corpus.indexMb)} MB; ` +
      `averages ${JSON.stringify(corpus.averages)}`,
  );
  if (interrupted) return;

  const port = await freePort();
  // stdout (pino's JSON lines, one per request at info) goes to /dev/null; stderr stays visible.
  const api = spawnNode('dist/apps/api/src/main.js', [], {
    cwd: ROOT,
    env: { ...childEnv, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor200(`${base}/api/v1/health`, api);
  console.log(`[bench:search] API: pid ${api.pid}, port ${port}`);

  // The direct-SQL side: as many connections as callers, so none waits for a connection.
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: settings.connections, application_name: 'yizhi-bench-search' });
  try {
    const today = platformDate();
    const searches = new Map<Shape, CatalogSearch[]>(
      SHAPES.map((shape) => [shape, shape.requests.map((request) => directSearch(request, today))]),
    );
    /** The statements each query string's first page sent, recorded by its check. */
    const statements = new Map<Shape, Statement[][]>();

    // Checks, match counts and plans.
    const checks = new Map<Shape, Check[]>();
    const plans: string[] = [
      `EXPLAIN (ANALYZE, BUFFERS) of the statements of npm run bench:search, ${new Date().toISOString()}`,
      `corpus: ${corpus.rows} listings (version ${corpus.version}, seed 0x${corpus.seed.toString(16)}), database ${DATABASE_NAME}; today ${today}`,
      '',
    ];
    for (const shape of SHAPES) {
      const shapeChecks: Check[] = [];
      const shapeStatements: Statement[][] = [];
      plans.push(`${'='.repeat(100)}\nshape: ${shape.label}\n`);
      for (let i = 0; i < shape.requests.length; i++) {
        const sent: Statement[] = [];
        const check = await checkQuery(base, pool, shape.requests[i], searches.get(shape)![i], (statement) => sent.push(statement));
        shapeChecks.push(check);
        shapeStatements.push(sent);
        console.log(
          `[bench:search] ${shape.name} ${check.path}: ${check.matches} matches, ${sent.length} statement(s), ${check.bytes} bytes; alone: API ${check.singleMs.api} ms, SQL ${check.singleMs.sql} ms`,
        );
        plans.push(`--- ${check.path}  (${check.matches} matches, ${sent.length} statement(s))\n`);
        for (const statement of sent)
          plans.push(`SQL: ${statement.sql}\nparameters: ${JSON.stringify(statement.params)}\n${await explain(pool, statement)}\n`);
      }
      checks.set(shape, shapeChecks);
      statements.set(shape, shapeStatements);
    }
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const plansFile = join(resultsDir, 'search-plans.txt');
    writeFileSync(plansFile, `${plans.join('\n')}\n`);
    console.log(`[bench:search] plans: ${plansFile}`);

    if (settings.warmupSeconds > 0) {
      console.log(`[bench:search] warming up (${settings.warmupSeconds} s per shape, API and SQL)`);
      for (const shape of SHAPES) {
        if (interrupted) return;
        await cannon(base, shape, settings.warmupSeconds, null);
        await drain(pool);
        await runSearches(pool, searches.get(shape) ?? [], settings.connections, settings.warmupSeconds, () => interrupted);
      }
    }

    const results: ShapeResult[] = [];
    for (const shape of SHAPES) {
      if (interrupted) return;
      if (exited(api)) throw new Error('the API exited');
      const shapeChecks = checks.get(shape) ?? [];
      const seconds = durationFor(shapeChecks);
      if (seconds > settings.durationSeconds) console.log(`[bench:search] ${shape.label}: slow queries, measuring ${seconds} s per side`);
      const apiSide = await measureApi(base, api.pid, shape, seconds);
      const drained = await drain(pool);
      if (drained > 0) console.log(`[bench:search] waited ${drained} s for the statements of abandoned requests`);
      const sqlSide = await measureSql(pool, searches.get(shape) ?? [], seconds);
      const ratio = round3(apiSide.requestsPerSecond / Math.max(0.001, sqlSide.requestsPerSecond));
      const p95 = apiSide.latencyMs.p95 <= settings.targetP95Ms;
      const ratioOk = ratio >= settings.targetRatio;
      const target = shape.diagnostic ? null : { p95, ratio: ratioOk, met: p95 && ratioOk && apiSide.failure === null };
      results.push({
        shape: shape.name,
        label: shape.label,
        seconds,
        checks: shapeChecks,
        api: apiSide,
        sql: sqlSide,
        ratio,
        diagnostic: shape.diagnostic === true,
        target,
        failure: apiSide.failure,
      });
      console.log(
        `[bench:search] ${shape.label.padEnd(34)} API ${apiSide.requestsPerSecond} req/s p50 ${apiSide.latencyMs.p50} p95 ${apiSide.latencyMs.p95} ms | ` +
          `SQL ${sqlSide.requestsPerSecond} q/s p50 ${sqlSide.latencyMs.p50} p95 ${sqlSide.latencyMs.p95} ms | ratio ${ratio.toFixed(2)}`,
      );
    }

    printTable(results);
    for (const r of results) {
      if (!r.target) continue;
      console.log(
        `${r.label}: p95 ${r.api.latencyMs.p95} ms (target <= ${settings.targetP95Ms}) ${r.target.p95 ? 'ok' : 'MISSED'}; ` +
          `ratio API/SQL ${r.ratio.toFixed(2)} (target >= ${settings.targetRatio}) ${r.target.ratio ? 'ok' : 'MISSED'}` +
          (r.failure ? '; FAILED: responses that were not 2xx' : ''),
      );
    }
    const allMet = results.every((r) => !r.target || r.target.met);
    console.log(
      `target (p95 <= ${settings.targetP95Ms} ms and >= ${settings.targetRatio} of direct SQL, every shape): ${allMet ? 'MET' : 'NOT MET'}`,
    );

    const file = join(resultsDir, 'search-latest.json');
    const report = {
      benchmark: 'GET /api/v1/listings?q= vs the same SQL through pg',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model ?? null,
        memoryMb: Math.round(os.totalmem() / 2 ** 20),
        node: process.version,
        loadAverageAfter: os.loadavg(),
      },
      settings: { ...settings, database: DATABASE_URL, queuePrefix: QUEUE_PREFIX, apiPoolSize: 10, sqlPoolSize: settings.connections },
      corpus,
      targetMet: allMet,
      results,
      statements: SHAPES.map((shape) => ({ shape: shape.name, statements: statements.get(shape) })),
    };
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`[bench:search] raw results: ${file}`);
    const failures = results.filter((r) => r.failure);
    if (failures.length) throw new Error(`responses that were not 2xx:\n  ${failures.map((r) => r.failure).join('\n  ')}`);
  } finally {
    await pool.end();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n[bench:search] ${signal}: stopping`);
    current?.stop();
    void stopAll().finally(() => process.exit(130));
  });
}
process.once('exit', killAllNow);

try {
  await main();
} catch (error) {
  if (!interrupted) {
    console.error('[bench:search] FAILED:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
} finally {
  await stopAll();
}
