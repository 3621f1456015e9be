/**
 * `npm run bench:volumes`: the volume rollups (libs/volumes) over a ledger of 1,000,000 deals.
 *
 *   1. drops yizhi_bench_volumes, migrates and seeds it with the built CLIs, clears the Redis
 *      prefix {yizhi-bench-volumes};
 *   2. generates the ledger with set-based SQL (bench/volumes-data.ts): 1,000,000 deals over the
 *      20 seeded bases and the program's 60 months (about 80 % counting), 4,000 organisations,
 *      500 listings (100 major), about 200,000 payments, 20,000 adjustments, 50,000 service
 *      records, and 6,000 signed but unverified deals in 4 bases for step 4; then VACUUM ANALYZE
 *      (autovacuum is off on this machine's PostgreSQL: without it the planner sees empty tables);
 *   3. times VolumesService.rebuild() of the BUILT library, called in-process (a Nest context of
 *      ConfigModule, DatabaseModule and VolumesModule; the worker's job runs the same method, plus
 *      a reconciliation), against the plain SQL baseline in the same run: one GROUP BY base,
 *      month, field, category over the same counting deals (count, contract and technology sums),
 *      its rows fetched by this process; that baseline once with the server's work_mem and once
 *      with the work_mem the rebuild sets (VolumesRepository.allowWholeLedgerWork, applied to the
 *      baseline's own transaction). One warm-up of each, then BENCH_VOLUMES_ROUNDS rounds
 *      alternating rebuild, baseline, baseline at the rebuild's work_mem; medians and ratios;
 *   4. starts the built API and worker (NODE_ENV=production, one process each), logs in as the
 *      bootstrap admin, and verifies the pending deals through POST /api/v1/deals/:id/verify on an
 *      open-loop schedule (BENCH_VOLUMES_RATE per second for BENCH_VOLUMES_DURATION s, one request
 *      every 1/rate s whatever the answers, over BENCH_VOLUMES_CLIENTS keep-alive connections).
 *      Meanwhile it polls GET /api/v1/volumes/progress?programId=&baseId= for each base involved
 *      (BENCH_VOLUMES_POLL_SCOPE=platform: the platform's total, without baseId) every
 *      BENCH_VOLUMES_POLL_MS ms, each poller waiting for its answer. A verification's delay runs from
 *      its 2xx answer to the first progress answer (of its base, received after it) whose volume
 *      `actual`, parsed exactly into fen, reaches the base's starting figure plus the amounts of
 *      every verification of that base answered up to it (in answer order), in the program's
 *      volume measure. After the load it
 *      keeps polling until every verification is reflected, or BENCH_VOLUMES_SETTLE s have passed
 *      (the rest count as not reflected: their delay is only known to exceed the time waited).
 *      Without the progress route (404) it polls the rollup table with SQL instead and says so;
 *   5. prints a table and one line per target, writes bench/results/volumes-latest.json, and drops
 *      the database unless BENCH_VOLUMES_KEEP_DB=1. A failed request, a rebuild that does not count
 *      the baseline's deals, or an error exits 1 after the report.
 *
 * Before each measurement it waits for other benchmarks (dist/bench/…) to end and for a quiet
 * machine (bench/quiet.ts), and records what it found.
 *
 * Env: BENCH_VOLUMES_DEALS (1000000), BENCH_VOLUMES_PENDING (6000), BENCH_VOLUMES_PENDING_BASES (4),
 * BENCH_VOLUMES_ROUNDS (3), BENCH_VOLUMES_RATE (200), BENCH_VOLUMES_DURATION (30),
 * BENCH_VOLUMES_CLIENTS (16), BENCH_VOLUMES_POLL_MS (50), BENCH_VOLUMES_POLL_SCOPE (base | platform),
 * BENCH_VOLUMES_SETTLE (120),
 * BENCH_VOLUMES_KEEP_DB (1 keeps the database), BENCH_QUIET_WAIT (s, 30), BENCH_OTHERS_WAIT (s, 900),
 * REDIS_URL.
 */
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ConfigModule, loadConfig, QueueName, redisConnectionOptions } from '#yizhi/core';
import { DatabaseModule } from '#yizhi/database';
import { VolumesModule, VolumesRepository, VolumesService, type RebuildResult } from '#yizhi/volumes';
import { clockTicks, machineTicks, postgresBackendTicks, postgresCpuSecondsBetween, processCpuSeconds } from './cpu.js';
import { exited, freePort, killAllNow, runNode, spawnNode, stopAll, stopChild, waitFor200 } from './processes.js';
import { waitForQuiet, type Quiet } from './quiet.js';
import { dropDatabase } from './search-data.js';
import { latencySummary, percentile } from './search-sql.js';
import { DEFAULT_VOLUMES_DATA, generateVolumesLedger, PENDING_TITLE, type GeneratedLedger } from './volumes-data.js';
import { clearRedisPrefix } from './redis-keys.js';

// ---------------------------------------------------------------- settings

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min} (got "${raw}")`);
  return value;
}

function pollScope(): 'base' | 'platform' {
  const raw = process.env.BENCH_VOLUMES_POLL_SCOPE?.trim() || 'base';
  if (raw !== 'base' && raw !== 'platform') throw new Error(`BENCH_VOLUMES_POLL_SCOPE must be base or platform (got "${raw}")`);
  return raw;
}

/** The key of the platform's total among the polled series. */
const PLATFORM = 'platform';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/volumes.js -> repository root
const DATABASE_NAME = 'yizhi_bench_volumes';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`;
const REDIS_URL = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = '{yizhi-bench-volumes}';
/** The API's Node options in production (scripts/start.mjs, docker/compose.yaml). */
const API_NODE_OPTIONS = '--max-old-space-size=256';
const settings = {
  deals: intEnv('BENCH_VOLUMES_DEALS', DEFAULT_VOLUMES_DATA.deals, 10_000),
  pending: intEnv('BENCH_VOLUMES_PENDING', DEFAULT_VOLUMES_DATA.pendingVerifications, 1),
  pendingBases: intEnv('BENCH_VOLUMES_PENDING_BASES', DEFAULT_VOLUMES_DATA.pendingBases, 1),
  rounds: intEnv('BENCH_VOLUMES_ROUNDS', 3, 1),
  rate: intEnv('BENCH_VOLUMES_RATE', 200, 1),
  durationSeconds: intEnv('BENCH_VOLUMES_DURATION', 30, 1),
  clients: intEnv('BENCH_VOLUMES_CLIENTS', 16, 1),
  pollMs: intEnv('BENCH_VOLUMES_POLL_MS', 50, 5),
  settleSeconds: intEnv('BENCH_VOLUMES_SETTLE', 120, 1),
  pollScope: pollScope(),
  keepDatabase: process.env.BENCH_VOLUMES_KEEP_DB?.trim() === '1',
  quiet: { quietWaitSeconds: intEnv('BENCH_QUIET_WAIT', 30, 0), othersWaitSeconds: intEnv('BENCH_OTHERS_WAIT', 900, 0) },
  /** The issue's targets: a full rebuild within this many times the plain GROUP BY… */
  targetRatio: 3,
  /** …and the p99 delay from a verification to the progress endpoint reflecting it, at 200 verifications/s. */
  targetP99Seconds: 2,
  targetRate: 200,
};

const ADMIN_EMAIL = 'admin@bench-volumes.example.cn';
const ADMIN_PASSWORD = randomBytes(12).toString('hex');

const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL,
  REDIS_URL,
  QUEUE_PREFIX,
  JWT_SECRET: randomBytes(32).toString('hex'),
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  // The waits for a quiet machine may outlast the default 15 minutes.
  ACCESS_TOKEN_TTL: '86400',
  LOG_LEVEL: 'info',
};

let interrupted = false;
const log = (line: string) => console.log(line);
const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1000) / 1000;
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---------------------------------------------------------------- small helpers

/** Yuan with up to two decimals ("1234.5", "-12.00"), exactly in fen. */
function fenOf(yuan: string | number): bigint {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(String(yuan).trim());
  if (!match) throw new Error(`not an amount of yuan: ${JSON.stringify(yuan)}`);
  const fen = BigInt(match[2]) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -fen : fen;
}

interface HttpAnswer {
  status: number;
  body: string;
  /** performance.now() when a connection took the request, and when the answer was read. */
  socketAt: number;
  receivedAt: number;
}

function http(agent: Agent, base: string, method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    let socketAt = performance.now();
    const req = httpRequest(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        },
        timeout: 120_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), socketAt, receivedAt: performance.now() }),
        );
        res.on('error', reject);
      },
    );
    req.on('socket', () => (socketAt = performance.now()));
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 120 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

// ---------------------------------------------------------------- step 3: the rebuild against the GROUP BY

/** The counting deals' sums by base, month, field and category: the work the rebuild cannot avoid, in one statement. */
const BASELINE = `
  SELECT d.base_id, date_trunc('month', d.signed_at::timestamp)::date AS month, d.field, d.category,
         count(*)::int AS deals, sum(d.contract_amount)::bigint AS contract, sum(d.tech_transaction_amount)::bigint AS tech
    FROM deal d
   WHERE d.verification = 'verified' AND d.status IN ('signed', 'registered', 'completed')
   GROUP BY 1, 2, 3, 4`;

interface RebuildRun {
  ms: number;
  /** Milliseconds of each statement, from the progress callbacks: volume_cell, volume_enterprise, volume_major_result with the commit. */
  stepsMs: [number, number, number];
  result: RebuildResult;
}

interface BaselineRun {
  ms: number;
  rows: number;
  deals: number;
  workMem: string;
}

@Module({})
class BenchVolumesModule {}

async function volumesContext(): Promise<INestApplicationContext> {
  const config = loadConfig(childEnv);
  return NestFactory.createApplicationContext(
    {
      module: BenchVolumesModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot('yizhi-bench-volumes'), VolumesModule],
    },
    { logger: ['error', 'warn'] },
  );
}

async function timeRebuild(volumes: VolumesService): Promise<RebuildRun> {
  const marks: number[] = [];
  const t0 = performance.now();
  const result = await volumes.rebuild((done) => void (marks[done - 1] = performance.now()));
  const t1 = performance.now();
  const at = (i: number) => marks[i] ?? t1;
  return {
    ms: round1(t1 - t0),
    stepsMs: [round1(at(0) - t0), round1(at(1) - at(0)), round1(t1 - at(1))],
    result,
  };
}

/** The baseline in a transaction of its own; with `rebuildSettings`, after the rebuild's own SET LOCALs (work_mem, statement timeout). */
async function timeBaseline(dataSource: DataSource, repository: VolumesRepository, rebuildSettings: boolean): Promise<BaselineRun> {
  return dataSource.transaction(async (manager) => {
    if (rebuildSettings) await repository.allowWholeLedgerWork(manager);
    else await manager.query(`SET LOCAL statement_timeout = '30min'`);
    const [{ work_mem: workMem }] = (await manager.query('SHOW work_mem')) as { work_mem: string }[];
    const t0 = performance.now();
    const rows = (await manager.query(BASELINE)) as { deals: number }[];
    const ms = round1(performance.now() - t0);
    return { ms, rows: rows.length, deals: rows.reduce((sum, r) => sum + r.deals, 0), workMem };
  });
}

interface RebuildSide {
  rounds: { rebuild: RebuildRun; baseline: BaselineRun; baselineAtRebuildWorkMem: BaselineRun }[];
  medianMs: { rebuild: number; baseline: number; baselineAtRebuildWorkMem: number };
  ratio: number;
  ratioAtRebuildWorkMem: number;
  warmUp: { rebuildMs: number; baselineMs: number; baselineAtRebuildWorkMemMs: number };
  workMem: { server: string; rebuild: string };
  /** Workers the planner gives the baseline (the rebuild's INSERT … SELECT gets none: PostgreSQL 15 runs no INSERT in parallel). */
  baselineParallelWorkers: number;
  countedDeals: { baseline: number; rollups: number };
  rollupRows: { cells: number; enterprises: number; majorResults: number };
  before: Quiet;
  failure: string | null;
}

async function measureRebuild(pool: pg.Pool): Promise<RebuildSide> {
  const app = await volumesContext();
  try {
    const volumes = app.get(VolumesService);
    const repository = app.get(VolumesRepository, { strict: false });
    const dataSource = app.get(DataSource);
    log('[bench:volumes] warm-up: one rebuild, one baseline at each work_mem');
    const warmRebuild = await timeRebuild(volumes);
    const warmBaseline = await timeBaseline(dataSource, repository, false);
    const warmBaseline2 = await timeBaseline(dataSource, repository, true);
    const plan = (await pool.query<{ 'QUERY PLAN': { Plan: unknown }[] }>(`EXPLAIN (FORMAT JSON) ${BASELINE}`)).rows[0]['QUERY PLAN'];
    const baselineParallelWorkers = Math.max(0, ...[...JSON.stringify(plan).matchAll(/"Workers Planned":(\d+)/g)].map((m) => Number(m[1])));
    const before = await waitForQuiet(settings.quiet, log, () => interrupted, 'bench:volumes');
    const rounds: RebuildSide['rounds'] = [];
    for (let round = 1; round <= settings.rounds && !interrupted; round++) {
      const rebuild = await timeRebuild(volumes);
      const baseline = await timeBaseline(dataSource, repository, false);
      const baselineAtRebuildWorkMem = await timeBaseline(dataSource, repository, true);
      rounds.push({ rebuild, baseline, baselineAtRebuildWorkMem });
      log(
        `[bench:volumes] round ${round}: rebuild ${rebuild.ms} ms (${rebuild.stepsMs.join(' + ')}), ` +
          `GROUP BY ${baseline.ms} ms (work_mem ${baseline.workMem}), ${baselineAtRebuildWorkMem.ms} ms (work_mem ${baselineAtRebuildWorkMem.workMem})`,
      );
    }
    const medianMs = {
      rebuild: round1(median(rounds.map((r) => r.rebuild.ms))),
      baseline: round1(median(rounds.map((r) => r.baseline.ms))),
      baselineAtRebuildWorkMem: round1(median(rounds.map((r) => r.baselineAtRebuildWorkMem.ms))),
    };
    const { rows: stored } = await pool.query<{ deals: number; cells: number; enterprises: number; majors: number }>(
      `SELECT (SELECT coalesce(sum(deal_count), 0)::int FROM volume_cell) AS deals, (SELECT count(*)::int FROM volume_cell) AS cells,
              (SELECT count(*)::int FROM volume_enterprise) AS enterprises, (SELECT count(*)::int FROM volume_major_result) AS majors`,
    );
    const countedDeals = { baseline: rounds[0]?.baseline.deals ?? warmBaseline.deals, rollups: stored[0].deals };
    const failure =
      countedDeals.baseline === countedDeals.rollups
        ? null
        : `the rollups count ${countedDeals.rollups} deals, the baseline ${countedDeals.baseline}: they do not read the same ledger`;
    if (failure) console.error(`[bench:volumes] FAILURE: ${failure}`);
    return {
      rounds,
      medianMs,
      ratio: round3(medianMs.rebuild / Math.max(0.1, medianMs.baseline)),
      ratioAtRebuildWorkMem: round3(medianMs.rebuild / Math.max(0.1, medianMs.baselineAtRebuildWorkMem)),
      warmUp: { rebuildMs: warmRebuild.ms, baselineMs: warmBaseline.ms, baselineAtRebuildWorkMemMs: warmBaseline2.ms },
      workMem: { server: warmBaseline.workMem, rebuild: warmBaseline2.workMem },
      baselineParallelWorkers,
      countedDeals,
      rollupRows: { cells: stored[0].cells, enterprises: stored[0].enterprises, majorResults: stored[0].majors },
      before,
      failure,
    };
  } finally {
    await app.close();
  }
}

// ---------------------------------------------------------------- step 4: verifications against the progress endpoint

interface Pending {
  id: string;
  baseId: string;
  /** The deal's amount in the program's volume measure, in fen. */
  fen: bigint;
}

interface Verification {
  deal: Pending;
  scheduledAt: number;
  socketAt: number;
  answeredAt: number;
  status: number;
  /** Seconds from the 2xx answer to the progress answer that reflects it; null when none did within the wait. */
  delay: number | null;
}

interface Poll {
  at: number;
  fen: bigint;
}

type ProgressSource = 'GET /api/v1/volumes/progress' | 'volume_cell (SQL)';

interface LoadSide {
  source: ProgressSource;
  sourceNote: string | null;
  measure: 'tech' | 'contract';
  bases: number;
  /** What was polled: each base involved, or the platform's total. */
  polled: 'bases' | 'platform';
  scheduled: number;
  answered: number;
  non2xx: number;
  non2xxSamples: { status: number; body: string }[];
  errors: number;
  /** Answers per second over the load (answered ÷ time from the first schedule to the last answer). */
  achievedRate: number;
  /** From the moment the schedule says to send (open loop: queueing in this client included), and from a connection taking it. */
  requestLatencyMs: { fromSchedule: ReturnType<typeof latencySummary>; fromSocket: ReturnType<typeof latencySummary> };
  reflected: number;
  notReflected: number;
  /** Seconds; null where the percentile falls among verifications not reflected within the wait (`> settleSeconds`). */
  delaySeconds: { p50: number | null; p95: number | null; p99: number | null; max: number | null; mean: number | null };
  waitedAfterLoadSeconds: number;
  polls: number;
  pollLatencyMs: ReturnType<typeof latencySummary>;
  /** The increase of each base's figure over the run against the verified deals' amounts: what the endpoint ended up showing. */
  reconciliation: { baseId: string; expectedIncreaseFen: string; observedIncreaseFen: string }[];
  /** Every second: verifications answered, reflected, the outbox's pending ledger events, and the volumes queue's waiting and active jobs. */
  timeline: { second: number; answered: number; reflected: number; outboxPending: number | null; queued: number | null }[];
  cpu: { cores: Record<string, number | null> };
  before: Quiet;
  failure: string | null;
}

async function measureLoad(base: string, apiPid: number, workerPid: number, pool: pg.Pool): Promise<LoadSide> {
  const agent = new Agent({ keepAlive: true, maxSockets: settings.clients });
  const pollAgent = new Agent({ keepAlive: true, maxSockets: settings.pendingBases + 1 });
  const login = await http(agent, base, 'POST', '/api/v1/auth/login', undefined, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`the admin could not log in: ${login.status} ${login.body.slice(0, 300)}`);
  const token = (JSON.parse(login.body) as { accessToken: string }).accessToken;

  const { rows: programs } = await pool.query<{ id: string; measure: string; starts: string; ends: string }>(
    `SELECT id::text AS id, volume_measure::text AS measure, starts_on::text AS starts, ends_on::text AS ends
       FROM program ORDER BY starts_on DESC LIMIT 1`,
  );
  const program = programs[0];
  const measure = program.measure === 'contractAmount' ? 'contract' : 'tech';
  const { rows: pendingRows } = await pool.query<{ id: string; baseId: string; fen: string }>(
    `SELECT id::text AS id, base_id::text AS "baseId", ${measure === 'contract' ? 'contract_amount' : 'tech_transaction_amount'}::text AS fen
       FROM deal WHERE title = $1 AND status = 'signed' AND verification = 'unverified' ORDER BY registration_no LIMIT $2`,
    [PENDING_TITLE, Math.min(settings.pending, settings.rate * settings.durationSeconds)],
  );
  const pending: Pending[] = pendingRows.map((r) => ({ id: r.id, baseId: r.baseId, fen: BigInt(r.fen) }));
  const baseIds = [...new Set(pending.map((p) => p.baseId))];
  // What is polled: each base involved, or the platform's total (PLATFORM: no baseId).
  const platform = settings.pollScope === 'platform';
  const keys = platform ? [PLATFORM] : baseIds;
  const keyOf = (deal: Pending) => (platform ? PLATFORM : deal.baseId);

  // Where the progress figure is read: the endpoint, or (without it) the rollup table as it would sum it.
  const progressPath = (key: string) => `/api/v1/volumes/progress?programId=${program.id}${key === PLATFORM ? '' : `&baseId=${key}`}`;
  const probe = await http(pollAgent, base, 'GET', progressPath(keys[0]), token);
  let source: ProgressSource = 'GET /api/v1/volumes/progress';
  let sourceNote: string | null = null;
  if (probe.status === 404) {
    source = 'volume_cell (SQL)';
    sourceNote =
      'GET /api/v1/volumes/progress answered 404 (not built yet): the delays are to the rollup table (what the endpoint would read), not to the endpoint';
    log(`[bench:volumes] note: ${sourceNote}`);
  } else if (probe.status !== 200) {
    throw new Error(`GET ${progressPath(keys[0])} answered ${probe.status}: ${probe.body.slice(0, 300)}`);
  }
  const column = measure === 'contract' ? 'contract_fen' : 'tech_fen';
  const read = async (key: string): Promise<{ fen: bigint; at: number; ms: number }> => {
    if (source === 'volume_cell (SQL)') {
      const t0 = performance.now();
      const { rows } = await pool.query<{ fen: string }>(
        `SELECT coalesce(sum(${column}), 0)::text AS fen FROM volume_cell
          WHERE ($1::uuid IS NULL OR base_id = $1::uuid) AND month BETWEEN date_trunc('month', $2::date) AND $3::date`,
        [key === PLATFORM ? null : key, program.starts, program.ends],
      );
      const at = performance.now();
      return { fen: BigInt(rows[0].fen), at, ms: at - t0 };
    }
    const answer = await http(pollAgent, base, 'GET', progressPath(key), token);
    if (answer.status !== 200) throw new Error(`GET ${progressPath(key)} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    const view = JSON.parse(answer.body) as { volume: { actual: string | number } };
    return { fen: fenOf(view.volume.actual), at: answer.receivedAt, ms: answer.receivedAt - answer.socketAt };
  };
  const start = new Map<string, bigint>();
  for (const key of keys) start.set(key, (await read(key)).fen);
  log(
    `[bench:volumes] ${pending.length} verifications over ${baseIds.length} bases at ${settings.rate}/s for ${settings.durationSeconds} s ` +
      `(${settings.clients} connections); progress from ${source} every ${settings.pollMs} ms ${platform ? '(the platform total)' : 'per base'}; ` +
      `measure: ${measure}`,
  );

  const before = await waitForQuiet(settings.quiet, log, () => interrupted, 'bench:volumes');
  const queue = new Queue(QueueName.Volumes, { connection: redisConnectionOptions(REDIS_URL), prefix: QUEUE_PREFIX });
  queue.on('error', () => undefined);
  const polls = new Map<string, Poll[]>(keys.map((k) => [k, []]));
  const pollMs: number[] = [];
  const verifications: Verification[] = [];
  const timelineRaw: { at: number; outboxPending: number | null; queued: number | null }[] = [];
  let pollError: unknown;
  let stopPolling = false;
  const cpu0 = {
    api: processCpuSeconds(apiPid),
    worker: processCpuSeconds(workerPid),
    pg: postgresBackendTicks(DATABASE_NAME),
    machine: machineTicks(),
    self: process.cpuUsage(),
  };

  const t0 = performance.now();
  const pollers = keys.map(async (key) => {
    while (!stopPolling) {
      const sent = performance.now();
      try {
        const { fen, at, ms } = await read(key);
        polls.get(key)!.push({ at, fen });
        pollMs.push(ms);
      } catch (error) {
        pollError ??= error;
      }
      const left = settings.pollMs - (performance.now() - sent);
      if (left > 0) await sleep(left);
    }
  });
  const sampler = (async () => {
    while (!stopPolling) {
      const at = performance.now();
      const [outbox, counts] = await Promise.all([
        pool
          .query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_message WHERE queue = 'volumes' AND dispatched_at IS NULL`)
          .then((r) => r.rows[0].n)
          .catch(() => null),
        queue
          .getJobCounts('waiting', 'active', 'prioritized')
          .then((c) => Object.values(c).reduce((a, b) => a + b, 0))
          .catch(() => null),
      ]);
      timelineRaw.push({ at, outboxPending: outbox, queued: counts });
      await sleep(Math.max(0, 1_000 - (performance.now() - at)));
    }
  })();

  // The open-loop schedule: the i-th verification leaves at t0 + i / rate, whatever became of the earlier ones.
  const interval = 1000 / settings.rate;
  const inFlight: Promise<void>[] = [];
  let errors = 0;
  const bad: LoadSide['non2xxSamples'] = [];
  for (let i = 0; i < pending.length && !interrupted; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const deal = pending[i];
    inFlight.push(
      http(agent, base, 'POST', `/api/v1/deals/${deal.id}/verify`, token, { decision: 'verified', reason: '评测核验通过' }).then(
        (answer) => {
          verifications.push({
            deal,
            scheduledAt: due,
            socketAt: answer.socketAt,
            answeredAt: answer.receivedAt,
            status: answer.status,
            delay: null,
          });
          if ((answer.status < 200 || answer.status >= 300) && bad.length < 5)
            bad.push({ status: answer.status, body: answer.body.slice(0, 300) });
        },
        (error: unknown) => {
          errors++;
          if (bad.length < 5) bad.push({ status: 0, body: error instanceof Error ? error.message : String(error) });
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const loadEnd = performance.now();
  const cpu1 = {
    api: processCpuSeconds(apiPid),
    worker: processCpuSeconds(workerPid),
    pg: postgresBackendTicks(DATABASE_NAME),
    machine: machineTicks(),
    self: process.cpuUsage(cpu0.self),
  };
  const ok = verifications.filter((v) => v.status >= 200 && v.status < 300).sort((a, b) => a.answeredAt - b.answeredAt);
  log(
    `[bench:volumes] ${verifications.length} verifications answered (${ok.length} 2xx) in ${round1((loadEnd - t0) / 1000)} s; waiting for the progress figures`,
  );

  // The figure each base must reach for each verification: its start plus everything of the base answered up to it.
  const targets = new Map<Verification, bigint>();
  const running = new Map(start);
  for (const v of ok) {
    const sum = running.get(keyOf(v.deal))! + v.deal.fen;
    running.set(keyOf(v.deal), sum);
    targets.set(v, sum);
  }
  const allReflected = () => keys.every((k) => (polls.get(k)!.at(-1)?.fen ?? -1n) >= running.get(k)!);
  const settleUntil = performance.now() + settings.settleSeconds * 1000;
  while (!allReflected() && performance.now() < settleUntil && !interrupted) await sleep(100);
  const waitedAfterLoadSeconds = round1((performance.now() - loadEnd) / 1000);
  stopPolling = true;
  await Promise.all([...pollers, sampler]);
  await queue.close();
  agent.destroy();
  pollAgent.destroy();

  // Each verification's delay: the first poll of its base answered after it whose figure reaches its target.
  const cursor = new Map<string, number>(keys.map((k) => [k, 0]));
  for (const v of ok) {
    const series = polls.get(keyOf(v.deal))!;
    let j = cursor.get(keyOf(v.deal))!;
    while (j < series.length && series[j].at < v.answeredAt) j++;
    let k = j;
    while (k < series.length && series[k].fen < targets.get(v)!) k++;
    cursor.set(keyOf(v.deal), j);
    v.delay = k < series.length ? (series[k].at - v.answeredAt) / 1000 : null;
  }
  const reflected = ok.filter((v) => v.delay !== null);
  const delays = ok.map((v) => v.delay ?? Infinity).sort((a, b) => a - b);
  const pick = (p: number) => {
    const value = percentile(delays, p);
    return Number.isFinite(value) ? round3(value) : null;
  };
  const reconciliation = keys.map((key) => ({
    baseId: key,
    expectedIncreaseFen: (running.get(key)! - start.get(key)!).toString(),
    observedIncreaseFen: ((polls.get(key)!.at(-1)?.fen ?? start.get(key)!) - start.get(key)!).toString(),
  }));
  const seconds = Math.ceil((Math.max(loadEnd, ...reflected.map((v) => v.answeredAt + v.delay! * 1000)) - t0) / 1000);
  const timeline = Array.from({ length: seconds }, (_, s) => {
    const until = t0 + (s + 1) * 1000;
    const sample = timelineRaw.filter((r) => r.at <= until).at(-1);
    return {
      second: s + 1,
      answered: ok.filter((v) => v.answeredAt <= until).length,
      reflected: reflected.filter((v) => v.answeredAt + v.delay! * 1000 <= until).length,
      outboxPending: sample?.outboxPending ?? null,
      queued: sample?.queued ?? null,
    };
  });
  const loadSeconds = (loadEnd - t0) / 1000;
  const cores = (cpuSeconds: number | null) => (cpuSeconds === null ? null : round3(cpuSeconds / loadSeconds));
  const pgSeconds = postgresCpuSecondsBetween(cpu0.pg, cpu1.pg);
  const machineSeconds = cpu0.machine && cpu1.machine ? (cpu1.machine[0] - cpu0.machine[0]) / clockTicks() : null;
  const selfSeconds = (cpu1.self.user + cpu1.self.system) / 1e6;
  const apiSeconds = cpu0.api === null || cpu1.api === null ? null : cpu1.api - cpu0.api;
  const workerSeconds = cpu0.worker === null || cpu1.worker === null ? null : cpu1.worker - cpu0.worker;
  const ours = [apiSeconds, workerSeconds, pgSeconds].every((x) => x !== null)
    ? apiSeconds! + workerSeconds! + pgSeconds! + selfSeconds
    : null;

  const non2xx = verifications.length - ok.length;
  let failure: string | null = null;
  if (non2xx || errors) failure = `${non2xx} verifications answered other than 2xx and ${errors} failed: ${JSON.stringify(bad)}`;
  else if (pollError) failure = `reading the progress failed: ${pollError instanceof Error ? pollError.message : String(pollError)}`;
  if (failure) console.error(`[bench:volumes] FAILURE: ${failure}`);
  return {
    source,
    sourceNote,
    measure,
    bases: baseIds.length,
    polled: platform ? 'platform' : 'bases',
    scheduled: pending.length,
    answered: verifications.length,
    non2xx,
    non2xxSamples: bad,
    errors,
    achievedRate: round1(ok.length / loadSeconds),
    requestLatencyMs: {
      fromSchedule: latencySummary(ok.map((v) => v.answeredAt - v.scheduledAt)),
      fromSocket: latencySummary(ok.map((v) => v.answeredAt - v.socketAt)),
    },
    reflected: reflected.length,
    notReflected: ok.length - reflected.length,
    delaySeconds: {
      p50: pick(50),
      p95: pick(95),
      p99: pick(99),
      max: reflected.length === ok.length ? pick(100) : null,
      mean: reflected.length ? round3(reflected.reduce((sum, v) => sum + v.delay!, 0) / reflected.length) : null,
    },
    waitedAfterLoadSeconds,
    polls: pollMs.length,
    pollLatencyMs: latencySummary(pollMs),
    reconciliation,
    timeline,
    cpu: {
      cores: {
        api: cores(apiSeconds),
        worker: cores(workerSeconds),
        postgres: cores(pgSeconds),
        bench: round3(selfSeconds / loadSeconds),
        others: ours === null || machineSeconds === null ? null : round3(Math.max(0, machineSeconds - ours) / loadSeconds),
      },
    },
    before,
    failure,
  };
}

// ---------------------------------------------------------------- processes

/** Starts the built worker and waits for its "worker started" line (stdout is read and dropped, so that pino never blocks on it). */
async function startWorker(): Promise<ChildProcess> {
  const child = spawnNode('dist/apps/worker/src/main.js', [], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  let started = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    if (!started && chunk.toString('utf8').includes('"msg":"worker started"')) started = true;
  });
  const until = Date.now() + 60_000;
  while (!started) {
    if (exited(child)) throw new Error(`the worker exited (${child.signalCode ?? child.exitCode}) before it started`);
    if (Date.now() > until) throw new Error('the worker did not start within 60 s');
    await sleep(100);
  }
  return child;
}

// ---------------------------------------------------------------- report

function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

const seconds = (value: number | null, bound: number) => (value === null ? `> ${bound}` : String(value));

function printReport(generated: GeneratedLedger, rebuild: RebuildSide, load: LoadSide | null): void {
  console.log('');
  console.log(
    `Ledger: ${generated.rows.deals.toLocaleString('en')} deals (${generated.rows.countingDeals.toLocaleString('en')} counting), ` +
      `${generated.rows.payments.toLocaleString('en')} payments, ${generated.rows.adjustments.toLocaleString('en')} adjustments, ` +
      `${generated.rows.serviceRecords.toLocaleString('en')} service records, ${generated.rows.organizations.toLocaleString('en')} organisations, ` +
      `${generated.rows.majorListings} major listings; months ${generated.months.first}..${generated.months.last}; generated in ${generated.seconds} s`,
  );
  console.log('');
  console.log(
    `Full rebuild (VolumesService.rebuild, in-process) vs one GROUP BY over the counting deals; ms, median of ${rebuild.rounds.length}`,
  );
  table(
    ['side', 'median ms', 'runs ms', 'work_mem'],
    [
      [
        'rebuild (TRUNCATE, 3 × INSERT … SELECT, commit)',
        String(rebuild.medianMs.rebuild),
        rebuild.rounds.map((r) => r.rebuild.ms).join(', '),
        rebuild.workMem.rebuild,
      ],
      [
        'GROUP BY base, month, field, category',
        String(rebuild.medianMs.baseline),
        rebuild.rounds.map((r) => r.baseline.ms).join(', '),
        rebuild.workMem.server,
      ],
      [
        "GROUP BY, at the rebuild's work_mem",
        String(rebuild.medianMs.baselineAtRebuildWorkMem),
        rebuild.rounds.map((r) => r.baselineAtRebuildWorkMem.ms).join(', '),
        rebuild.workMem.rebuild,
      ],
    ],
  );
  const last = rebuild.rounds.at(-1);
  if (last)
    console.log(
      `rebuild statements (last round, ms): volume_cell ${last.rebuild.stepsMs[0]}, volume_enterprise ${last.rebuild.stepsMs[1]}, ` +
        `volume_major_result + commit ${last.rebuild.stepsMs[2]}; rows ${rebuild.rollupRows.cells} cells, ${rebuild.rollupRows.enterprises} ` +
        `enterprise months, ${rebuild.rollupRows.majorResults} major results; the baseline's plan has ${rebuild.baselineParallelWorkers} parallel workers`,
    );
  console.log(`ratio rebuild ÷ GROUP BY: ${rebuild.ratio} (at the rebuild's work_mem: ${rebuild.ratioAtRebuildWorkMem})`);
  if (!load) return;
  console.log('');
  console.log(
    `Verifications at ${settings.rate}/s for ${settings.durationSeconds} s (open loop, ${settings.clients} connections) against ${load.source}; ` +
      `delay from each 2xx answer to the progress figure reflecting it`,
  );
  if (load.sourceNote) console.log(`NOTE: ${load.sourceNote}`);
  // A verification never reflected waited at least as long as the wait after the load.
  const b = load.waitedAfterLoadSeconds;
  table(
    ['figure', 'value'],
    [
      ['verifications answered (2xx)', `${load.answered - load.non2xx} of ${load.scheduled}, ${load.achievedRate}/s`],
      ['verify latency from schedule p50 / p95 / p99 / max ms', Object.values(load.requestLatencyMs.fromSchedule).slice(1).join(' / ')],
      ['verify latency from connection p50 / p95 / p99 / max ms', Object.values(load.requestLatencyMs.fromSocket).slice(1).join(' / ')],
      ['reflected / not reflected', `${load.reflected} / ${load.notReflected} (waited ${load.waitedAfterLoadSeconds} s after the load)`],
      [
        'delay p50 / p95 / p99 / max s',
        [load.delaySeconds.p50, load.delaySeconds.p95, load.delaySeconds.p99, load.delaySeconds.max].map((v) => seconds(v, b)).join(' / '),
      ],
      ['progress reads', `${load.polls}, p50 ${load.pollLatencyMs.p50} ms, p99 ${load.pollLatencyMs.p99} ms`],
      [
        'cores API | worker | PostgreSQL | bench | others',
        ['api', 'worker', 'postgres', 'bench', 'others'].map((k) => String(load.cpu.cores[k] ?? '?')).join(' | '),
      ],
    ],
  );
  const peak = load.timeline.reduce((m, s) => Math.max(m, s.outboxPending ?? 0, s.queued ?? 0), 0);
  console.log(`largest backlog seen (outbox pending or volumes jobs queued): ${peak}`);
  for (const r of load.reconciliation)
    if (r.expectedIncreaseFen !== r.observedIncreaseFen)
      console.log(
        `base ${r.baseId}: the figure rose by ${r.observedIncreaseFen} fen, the verified deals add up to ${r.expectedIncreaseFen}`,
      );
  console.log('');
}

interface Verdict {
  name: string;
  met: boolean | null;
  line: string;
}

function verdicts(rebuild: RebuildSide, load: LoadSide | null, loadError: string | null): Verdict[] {
  const ok = (met: boolean) => (met ? 'MET' : 'MISSED');
  const out: Verdict[] = [];
  const ratioMet = rebuild.ratio <= settings.targetRatio && rebuild.failure === null;
  out.push({
    name: 'rebuild ratio',
    met: ratioMet,
    line:
      `full rebuild of ${settings.deals.toLocaleString('en')} deals ÷ one GROUP BY: ${rebuild.ratio} (${rebuild.medianMs.rebuild} ms ÷ ${rebuild.medianMs.baseline} ms; ` +
      `target <= ${settings.targetRatio}) ${ok(ratioMet)}; at the rebuild's work_mem ${rebuild.ratioAtRebuildWorkMem}`,
  });
  if (!load) {
    out.push({
      name: 'verification delay',
      met: null,
      line: `p99 delay from verification to progress: NOT MEASURED (${loadError ?? 'skipped'})`,
    });
    return out;
  }
  const atRate = settings.rate === settings.targetRate && settings.durationSeconds >= 30;
  const p99 = load.delaySeconds.p99;
  const viaEndpoint = load.source === 'GET /api/v1/volumes/progress';
  const met = p99 !== null && p99 <= settings.targetP99Seconds && load.failure === null;
  out.push({
    name: 'verification delay',
    met: viaEndpoint && atRate ? met : null,
    line:
      `p99 delay from verification to ${viaEndpoint ? 'the progress endpoint' : 'the rollup table (NOT the endpoint)'} at ${settings.rate}/s: ` +
      `${seconds(p99, load.waitedAfterLoadSeconds)} s (target <= ${settings.targetP99Seconds} s at ${settings.targetRate}/s) ` +
      `${viaEndpoint && atRate ? ok(met) : 'NOT COMPARABLE with the target in this run'}; p50 ${seconds(load.delaySeconds.p50, load.waitedAfterLoadSeconds)} s; ` +
      `${load.reflected} of ${load.answered - load.non2xx} reflected`,
  });
  return out;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const startedAt = new Date();
  const t0 = performance.now();
  log(
    `[bench:volumes] ${os.availableParallelism()} CPUs, Node ${process.version}; ${settings.deals.toLocaleString('en')} deals, ` +
      `${settings.rounds} rounds; ${settings.rate} verifications/s for ${settings.durationSeconds} s`,
  );
  const quietAtStart = await waitForQuiet(settings.quiet, log, () => interrupted, 'bench:volumes');
  if (interrupted) return;

  log(`[bench:volumes] fresh database ${DATABASE_NAME}, Redis prefix ${QUEUE_PREFIX}`);
  await dropDatabase(DATABASE_URL);
  await clearRedisPrefix(REDIS_URL, QUEUE_PREFIX);
  await runNode('dist/apps/api/src/cli/migrate.js', childEnv, ROOT);
  await runNode('dist/apps/api/src/cli/seed.js', childEnv, ROOT);

  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4, application_name: 'yizhi-bench-volumes' });
  const children: ChildProcess[] = [];
  const failures: string[] = [];
  try {
    const autovacuum = (await pool.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0].autovacuum;
    const { rows: admins } = await pool.query<{ id: string }>(`SELECT id::text AS id FROM "user" WHERE email = $1`, [ADMIN_EMAIL]);
    log(`[bench:volumes] generating the ledger (autovacuum ${autovacuum})`);
    const client = new pg.Client({ connectionString: DATABASE_URL, application_name: 'yizhi-bench-volumes-data' });
    await client.connect();
    let generated: GeneratedLedger;
    let vacuumSeconds: number;
    try {
      generated = await generateVolumesLedger(
        client,
        { ...DEFAULT_VOLUMES_DATA, deals: settings.deals, pendingVerifications: settings.pending, pendingBases: settings.pendingBases },
        admins[0].id,
        log,
      );
      const v0 = performance.now();
      await client.query('VACUUM (ANALYZE)');
      vacuumSeconds = round3((performance.now() - v0) / 1000);
    } finally {
      await client.end();
    }
    log(`[bench:volumes] generated in ${generated.seconds} s (${JSON.stringify(generated.rows)}); VACUUM (ANALYZE) ${vacuumSeconds} s`);
    if (interrupted) return;

    const rebuild = await measureRebuild(pool);
    if (rebuild.failure) failures.push(rebuild.failure);
    if (interrupted) return;

    let load: LoadSide | null = null;
    let loadError: string | null = null;
    try {
      const port = await freePort();
      const api = spawnNode('dist/apps/api/src/main.js', [], {
        cwd: ROOT,
        env: { ...childEnv, PORT: String(port), NODE_OPTIONS: API_NODE_OPTIONS },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(api);
      const base = `http://127.0.0.1:${port}`;
      await waitFor200(`${base}/api/v1/health`, api);
      const worker = await startWorker();
      children.push(worker);
      log(`[bench:volumes] API pid ${api.pid} on port ${port}; worker pid ${worker.pid}`);
      load = await measureLoad(base, api.pid!, worker.pid!, pool);
      if (load.failure) failures.push(load.failure);
      if (exited(api) || exited(worker)) failures.push('the API or the worker exited during the load');
    } catch (error) {
      loadError = error instanceof Error ? error.message : String(error);
      failures.push(`the verification load: ${loadError}`);
      console.error(`[bench:volumes] FAILURE: ${loadError}`);
    }

    printReport(generated, rebuild, load);
    const lines = verdicts(rebuild, load, loadError);
    for (const verdict of lines) console.log(verdict.line);
    const totalSeconds = round1((performance.now() - t0) / 1000);
    console.log(`[bench:volumes] done in ${totalSeconds} s`);

    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, 'volumes-latest.json');
    const report = {
      benchmark: 'VolumesService.rebuild vs one GROUP BY; verifications at a fixed rate against GET /api/v1/volumes/progress',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seconds: totalSeconds,
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model ?? null,
        memoryMb: Math.round(os.totalmem() / 2 ** 20),
        node: process.version,
        loadAverageAfter: os.loadavg(),
        quietAtStart,
        autovacuum,
      },
      settings: { ...settings, database: DATABASE_URL, queuePrefix: QUEUE_PREFIX },
      targets: lines,
      generation: { ...generated, vacuumAnalyzeSeconds: vacuumSeconds },
      rebuild,
      load,
      loadError,
      failures,
    };
    writeFileSync(file, `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
    log(`[bench:volumes] raw results: ${file}`);
    if (failures.length) throw new Error(`the run failed:\n  ${failures.join('\n  ')}`);
  } finally {
    await pool.end();
    for (const child of children.reverse()) await stopChild(child);
    await clearRedisPrefix(REDIS_URL, QUEUE_PREFIX).catch(() => undefined);
    if (settings.keepDatabase) log(`[bench:volumes] kept ${DATABASE_URL} (BENCH_VOLUMES_KEEP_DB=1)`);
    else await dropDatabase(DATABASE_URL);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n[bench:volumes] ${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  });
}
process.once('exit', killAllNow);

try {
  await main();
} catch (error) {
  if (!interrupted) {
    console.error('[bench:volumes] FAILED:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
} finally {
  await stopAll();
}
