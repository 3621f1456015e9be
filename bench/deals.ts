/**
 * `npm run bench:deals`: recording a deal through the built API, POST /api/v1/deals (an
 * Idempotency-Key per request, so that the idempotency claim, the audit event and the anomaly
 * rules all run), against the bare INSERT of the same row through `pg`, in the same run; then
 * POST /api/v1/deals/import of a generated GBK CSV, with the API process's peak RSS.
 *
 *   1. drops yizhi_bench_deals, migrates and seeds it with the built CLIs, clears the Redis prefix
 *      {yizhi-bench-deals}, and starts the built API (NODE_ENV=production, LOG_LEVEL=info, stdout
 *      to /dev/null) with its own JWT secret and bootstrap admin;
 *   2. through the API: the admin logs in and creates an operator of the first seeded base; a
 *      seller institute and a buyer enterprise register (valid credit codes); the operator logs in;
 *   3. checks that a deal the API writes and the baseline's INSERT of the same terms give the same
 *      row (but for id, registration number and times), and that a retried Idempotency-Key replays;
 *   4. POST /deals with autocannon, BENCH_CONNECTIONS (20) connections, each request with its own
 *      body (bench/deals-data.ts: that base, those parties, a unique 登记编号, amounts and a signing
 *      date spread over the year so far) and a fresh Idempotency-Key; warm-up, then BENCH_DURATION s;
 *      meanwhile pg_stat_activity is sampled (what the API's connections wait on);
 *   5. the baseline: a pg Pool of BENCH_CONNECTIONS, as many concurrent callers, one INSERT INTO deal
 *      per call with the values the API writes; warm-up, then BENCH_DURATION s;
 *   6. POST /deals/import?mode=partial of BENCH_DEALS_IMPORT_ROWS (100,000) rows as GBK CSV (Chinese
 *      headers, each row a buyer new to the platform), sampling the API's VmRSS (and its VmHWM,
 *      reset just before) during the import;
 *   7. prints a table and one line per target, writes bench/results/deals-latest.json, and drops
 *      the database unless BENCH_DEALS_KEEP_DB=1.
 *
 * The API runs with the heap limit it runs with in production (API_NODE_OPTIONS, as scripts/start.mjs
 * and docker/compose.yaml start it): the import streams, and a heap left to grow unbounded would
 * report V8's garbage rather than what the import holds. A file over the import's caps
 * (IMPORT_MAX_ROWS, IMPORT_MAX_BYTES) is sent anyway, and its refusal reported (not a failure).
 *
 * A POST /deals answer that is not 2xx, or an import row refused, fails the run (exit code 1) after
 * the report. Before each measurement it runs ANALYZE (the tables grow from nothing within seconds,
 * and autovacuum may be off: the anomaly rules would be planned for empty tables), then waits for
 * other benchmarks (dist/bench/…) to end and for a quiet machine (bench/quiet.ts).
 *
 * Env: BENCH_DURATION (s per side, 10), BENCH_CONNECTIONS (20), BENCH_WARMUP (s, 3),
 * BENCH_DEALS_IMPORT_ROWS (100000), BENCH_DEALS_KEEP_DB (1 keeps the database), BENCH_QUIET_WAIT (s, 30),
 * BENCH_OTHERS_WAIT (s, 900), REDIS_URL.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon, { type Instance, type Result } from 'autocannon';
import pg from 'pg';
import { platformDate } from '#yizhi/core';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, RULE_QUERIES, RULE_SCOPE, ruleParams, ruleSelect } from '#yizhi/deals';
import { clockTicks, machineTicks, postgresBackendTicks, postgresCpuSecondsBetween, processCpuSeconds } from './cpu.js';
import {
  apiBody,
  creditCode,
  dealTerms,
  importCsv,
  INSERT_DEAL,
  insertParams,
  registrationNo,
  signingDays,
  type DealParties,
} from './deals-data.js';
import { exited, freePort, killAllNow, runNode, spawnNode, stopAll, stopChild, waitFor200 } from './processes.js';
import { waitForQuiet, type Quiet } from './quiet.js';
import { dropDatabase } from './search-data.js';
import { latencySummary, type SqlRunFigures } from './search-sql.js';
import { clearRedisPrefix } from './redis-keys.js';

declare module 'autocannon' {
  interface RequestSpec {
    /** Called before each request of a connection (autocannon clones the options per connection): the request to send. */
    setupRequest?: (request: RequestSpec, context: Record<string, unknown>) => RequestSpec;
    /** Called with every response, its body read. */
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, unknown>) => void;
  }
}

// ---------------------------------------------------------------- settings

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min} (got "${raw}")`);
  return value;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/deals.js -> repository root
const DATABASE_NAME = 'yizhi_bench_deals';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`;
/** pg_stat_activity is read from the maintenance database, so that the sampler's CPU is not counted as the benchmark's. */
const MAINTENANCE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = '{yizhi-bench-deals}';
/** The API's Node options in production (scripts/start.mjs, docker/compose.yaml, docs/operations.md). */
const API_NODE_OPTIONS = '--max-old-space-size=256';
/** The import's row cap: only to warn before sending; the API's answer decides. */
const IMPORT_ROW_CAP = IMPORT_MAX_ROWS;
const settings = {
  durationSeconds: intEnv('BENCH_DURATION', 10, 1),
  connections: intEnv('BENCH_CONNECTIONS', 20, 1),
  warmupSeconds: intEnv('BENCH_WARMUP', 3, 0),
  importRows: intEnv('BENCH_DEALS_IMPORT_ROWS', 100_000, 1),
  keepDatabase: process.env.BENCH_DEALS_KEEP_DB?.trim() === '1',
  quiet: { quietWaitSeconds: intEnv('BENCH_QUIET_WAIT', 30, 0), othersWaitSeconds: intEnv('BENCH_OTHERS_WAIT', 900, 0) },
  /** The issue's targets: POST /deals at 20 clients… */
  targetReqPerSec: 1_000,
  /** …at least this share of the bare INSERT's rate… */
  targetRatio: 0.25,
  /** …and an import of this many rows… */
  targetImportRows: 100_000,
  /** …at this rate or faster… */
  targetImportRowsPerSec: 20_000,
  /** …with the API's peak RSS under this. */
  targetImportRssMb: 300,
};

const ADMIN_EMAIL = 'admin@bench-deals.example.cn';
const ADMIN_PASSWORD = randomBytes(12).toString('hex');
const PASSWORD = 'bench-deals-password';

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
let current: Instance | undefined;
const log = (line: string) => console.log(line);

const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

// ---------------------------------------------------------------- the API as a client sees it

class ApiError extends Error {
  constructor(method: string, path: string, status: number, body: string) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 500)}`);
    this.name = 'ApiError';
  }
}

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T>(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token?: string,
  extra: Record<string, string> = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...extra };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (response.status < 200 || response.status >= 300) throw new ApiError(method, `/api/v1${path}`, response.status, text);
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

interface World {
  parties: DealParties;
  baseName: string;
  operatorToken: string;
  seller: { name: string; creditCode: string };
}

/** The admin creates an operator of the first base; a seller institute and a buyer enterprise register; the operator logs in. */
async function buildWorld(base: string): Promise<World> {
  const login = async (email: string, password: string) =>
    (await call<{ accessToken: string }>(base, 'POST', '/auth/login', { email, password })).body.accessToken;
  const admin = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const bases = (await call<{ items: { id: string; name: string }[] }>(base, 'GET', '/bases')).body.items;
  if (!bases.length) throw new Error('the seed created no base');
  const operatorEmail = 'operator@bench-deals.example.cn';
  const operator = await call<{ id: string }>(
    base,
    'POST',
    '/users',
    { email: operatorEmail, password: PASSWORD, displayName: '王芳', role: 'operator', baseId: bases[0].id },
    admin,
  );
  const register = async (kind: 'institute' | 'enterprise', name: string, code: string) =>
    (
      await call<{ organization: { id: string } }>(base, 'POST', '/auth/register', {
        email: `${kind}@bench-deals.example.cn`,
        password: PASSWORD,
        displayName: kind === 'institute' ? '李娜' : '张伟',
        organization: { name, kind, creditCode: code, region: '重庆市渝北区' },
      })
    ).body.organization.id;
  const seller = { name: '重庆易智评测先进材料研究院', creditCode: creditCode('institute', 10_000_001) };
  const sellerOrgId = await register('institute', seller.name, seller.creditCode);
  const buyerOrgId = await register('enterprise', '重庆易智评测碳化硅功率器件有限公司', creditCode('enterprise', 20_000_001));
  return {
    parties: { baseId: bases[0].id, sellerOrgId, buyerOrgId, operatorId: operator.body.id },
    baseName: bases[0].name,
    operatorToken: await login(operatorEmail, PASSWORD),
    seller,
  };
}

// ---------------------------------------------------------------- database helpers

/**
 * Waits until no connection of the database is in a statement or a transaction: autocannon drops
 * the requests in flight when it stops, and the API finishes them.
 */
async function drain(pool: pg.Pool, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND state <> 'idle' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      [DATABASE_NAME],
    );
    if (rows[0].n === 0) return round1((Date.now() - started) / 1000);
    if (Date.now() - started > timeoutMs)
      throw new Error(`${rows[0].n} connections still busy ${timeoutMs / 1000} s after the load stopped`);
    await sleep(50);
  }
}

/**
 * Statistics for the planner, before each measurement: the tables grow from nothing in seconds, and
 * a server with autovacuum off (or not yet woken) would plan the anomaly rules for empty tables.
 */
async function analyze(pool: pg.Pool): Promise<number> {
  const t0 = performance.now();
  await pool.query('ANALYZE');
  return round3((performance.now() - t0) / 1000);
}

interface Counts {
  deals: number;
  auditEvents: number;
  anomalies: number;
  idempotencyKeys: number;
  organizations: number;
}

async function counts(pool: pg.Pool): Promise<Counts> {
  const { rows } = await pool.query<Counts>(
    `SELECT (SELECT count(*)::int FROM deal) AS deals, (SELECT count(*)::int FROM audit_event) AS "auditEvents",
            (SELECT count(*)::int FROM anomaly) AS anomalies, (SELECT count(*)::int FROM idempotency_key) AS "idempotencyKeys",
            (SELECT count(*)::int FROM organization) AS organizations`,
  );
  return rows[0];
}

const minus = (after: Counts, before: Counts): Counts => ({
  deals: after.deals - before.deals,
  auditEvents: after.auditEvents - before.auditEvents,
  anomalies: after.anomalies - before.anomalies,
  idempotencyKeys: after.idempotencyKeys - before.idempotencyKeys,
  organizations: after.organizations - before.organizations,
});

/** What the database's busy connections were doing, sampled every `everyMs`: average connections per state and wait event. */
function activitySampler(everyMs = 100) {
  const client = new pg.Client({ connectionString: MAINTENANCE_URL, application_name: 'yizhi-bench-deals-sampler' });
  const totals = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ what: string; n: number }>(
        `SELECT state || ' ' || coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS what, count(*)::int AS n
           FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND state <> 'idle' GROUP BY 1`,
        [DATABASE_NAME],
      );
      samples++;
      for (const row of rows) totals.set(row.what, (totals.get(row.what) ?? 0) + row.n);
      await sleep(everyMs);
    }
  })();
  return async (): Promise<{ samples: number; averageConnections: Record<string, number> }> => {
    stopped = true;
    try {
      await loop;
    } finally {
      await client.end();
    }
    const sorted = [...totals.entries()].sort(([, a], [, b]) => b - a);
    return { samples, averageConnections: Object.fromEntries(sorted.map(([what, n]) => [what, round3(n / Math.max(1, samples))])) };
  };
}

// ---------------------------------------------------------------- CPU and memory of the processes

interface Cpu {
  /** Cores used on average: the API process, the database's backends, this process (autocannon or the pg callers), everything else. */
  cores: { api: number | null; postgres: number | null; bench: number; others: number | null };
  cpuUsPerOperation: { api: number | null; postgres: number | null; bench: number };
}

function cpuProbe(apiPid: number | undefined) {
  const t0 = performance.now();
  const api0 = processCpuSeconds(apiPid);
  const pg0 = postgresBackendTicks(DATABASE_NAME);
  const machine0 = machineTicks();
  const self0 = process.cpuUsage();
  return (operations: number): Cpu => {
    const seconds = (performance.now() - t0) / 1000;
    const self = process.cpuUsage(self0);
    const machine1 = machineTicks();
    const pgSeconds = postgresCpuSecondsBetween(pg0, postgresBackendTicks(DATABASE_NAME));
    const api1 = processCpuSeconds(apiPid);
    const apiSeconds = apiPid === undefined ? 0 : api0 === null || api1 === null ? null : api1 - api0;
    const selfSeconds = (self.user + self.system) / 1e6;
    const machineSeconds = machine0 && machine1 ? (machine1[0] - machine0[0]) / clockTicks() : null;
    const ours = apiSeconds === null || pgSeconds === null ? null : apiSeconds + pgSeconds + selfSeconds;
    const cores = (value: number | null) => (value === null ? null : round3(value / seconds));
    const perOp = (value: number | null) => (value === null || operations === 0 ? null : Math.round((value * 1e6) / operations));
    return {
      cores: {
        api: apiPid === undefined ? null : cores(apiSeconds),
        postgres: cores(pgSeconds),
        bench: round3(selfSeconds / seconds),
        others: ours === null || machineSeconds === null ? null : round3(Math.max(0, machineSeconds - ours) / seconds),
      },
      cpuUsPerOperation: {
        api: apiPid === undefined ? null : perOp(apiSeconds),
        postgres: perOp(pgSeconds),
        bench: perOp(selfSeconds) ?? 0,
      },
    };
  };
}

/** VmRSS and VmHWM of a process, in MB; null without /proc. */
function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: round1(kb('VmRSS') / 1024), hwmMb: round1(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

/** Resets the process's peak RSS (VmHWM), so that it then measures one operation; false where the kernel refuses. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- POST /deals under load

interface Side {
  requestsPerSecond: number;
  requests: number;
  seconds: number;
  latencyMs: SqlRunFigures['latencyMs'];
  cpu: Cpu;
  before: Quiet;
}

interface ApiSide extends Side {
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** The first answers that were not 2xx. */
  non2xxSamples: { status: number; body: string }[];
  /** Rows the measurement left in the database, and per 2xx answer. */
  written: Counts;
  writtenPer2xx: Record<keyof Counts, number>;
  anomaliesByRule: Record<string, number>;
  /** What the API's connections were doing meanwhile (pg_stat_activity). */
  activity: { samples: number; averageConnections: Record<string, number> };
  drainedSeconds: number;
  rss: { beforeMb: number | null; afterMb: number | null };
  failure: string | null;
}

let apiSerial = 0;

async function cannon(
  base: string,
  world: World,
  seconds: number,
  latencies: number[] | null,
  bad: ApiSide['non2xxSamples'],
): Promise<Result> {
  const calendar = signingDays(platformDate());
  const instance = autocannon({
    url: base,
    connections: settings.connections,
    duration: seconds,
    pipelining: 1,
    timeout: 60,
    title: 'POST /api/v1/deals',
    requests: [
      {
        method: 'POST',
        path: '/api/v1/deals',
        headers: { authorization: `Bearer ${world.operatorToken}`, 'content-type': 'application/json' },
        setupRequest: (request) => {
          const n = ++apiSerial;
          const body = apiBody(world.parties, dealTerms(n, calendar), registrationNo(calendar.year, 'A', n));
          return { ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() }, body: JSON.stringify(body) };
        },
        onResponse: (status, body) => {
          if ((status < 200 || status >= 300) && bad.length < 5) bad.push({ status, body: body.slice(0, 500) });
        },
      },
    ],
  });
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

async function measureApi(base: string, apiPid: number, world: World, pool: pg.Pool): Promise<ApiSide> {
  if (settings.warmupSeconds > 0) {
    log(`[bench:deals] warming up POST /deals (${settings.warmupSeconds} s)`);
    const warm = await cannon(base, world, settings.warmupSeconds, null, []);
    await drain(pool);
    if (warm.non2xx || warm.errors)
      log(`[bench:deals] warning: the warm-up had ${warm.non2xx} answers that were not 2xx and ${warm.errors} errors`);
  }
  await analyze(pool);
  const before = await waitForQuiet(settings.quiet, log, () => interrupted, 'bench:deals');
  const counted = await counts(pool);
  const rules0 = await anomaliesByRule(pool);
  const rssBefore = memoryOf(apiPid)?.rssMb ?? null;
  log(`[bench:deals] measuring POST /deals: ${settings.connections} connections, ${settings.durationSeconds} s`);
  const latencies: number[] = [];
  const bad: ApiSide['non2xxSamples'] = [];
  const stopSampler = activitySampler();
  const probe = cpuProbe(apiPid);
  const raw = await cannon(base, world, settings.durationSeconds, latencies, bad);
  const cpu = probe(latencies.length);
  const activity = await stopSampler();
  const rssAfter = memoryOf(apiPid)?.rssMb ?? null;
  const drainedSeconds = await drain(pool);
  const written = minus(await counts(pool), counted);
  const rules1 = await anomaliesByRule(pool);
  const statusCodes = Object.fromEntries(Object.entries(raw.statusCodeStats).map(([code, { count }]) => [code, count]));
  let failure: string | null = null;
  if (latencies.length === 0 || raw.non2xx > 0 || raw.errors > 0) {
    failure =
      `POST /deals: ${raw.requests.total} answers, ${raw.non2xx} not 2xx, ${raw.errors} errors (${raw.timeouts} timeouts); ` +
      `status codes ${JSON.stringify(statusCodes)}; first bodies ${JSON.stringify(bad)}`;
    console.error(`[bench:deals] FAILURE: ${failure}`);
  }
  const per = (n: number) => round3(n / Math.max(1, latencies.length));
  return {
    requestsPerSecond: round1(latencies.length / raw.duration),
    requests: latencies.length,
    seconds: raw.duration,
    latencyMs: latencySummary(latencies),
    cpu,
    before,
    non2xx: raw.non2xx,
    errors: raw.errors,
    timeouts: raw.timeouts,
    statusCodes,
    non2xxSamples: bad,
    written,
    writtenPer2xx: {
      deals: per(written.deals),
      auditEvents: per(written.auditEvents),
      anomalies: per(written.anomalies),
      idempotencyKeys: per(written.idempotencyKeys),
      organizations: per(written.organizations),
    },
    anomaliesByRule: Object.fromEntries(Object.entries(rules1).map(([rule, n]) => [rule, n - (rules0[rule] ?? 0)])),
    activity,
    drainedSeconds,
    rss: { beforeMb: rssBefore, afterMb: rssAfter },
    failure,
  };
}

async function anomaliesByRule(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ rule: string; n: number }>(
    'SELECT rule::text, count(*)::int AS n FROM anomaly GROUP BY 1 ORDER BY 1',
  );
  return Object.fromEntries(rows.map((row) => [row.rule, row.n]));
}

// ---------------------------------------------------------------- the bare INSERT

let sqlSerial = 0;

async function inserts(pool: pg.Pool, parties: DealParties, seconds: number): Promise<{ latencies: number[]; seconds: number }> {
  const calendar = signingDays(platformDate());
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: settings.connections }, async () => {
      while (performance.now() < end && !interrupted) {
        const n = ++sqlSerial;
        const params = insertParams(parties, dealTerms(n, calendar), registrationNo(calendar.year, 'S', n));
        const t0 = performance.now();
        try {
          await pool.query(INSERT_DEAL, params);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  if (errors)
    throw new Error(`bare INSERT: ${errors} failed; first: ${firstError instanceof Error ? firstError.message : String(firstError)}`);
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

async function measureSql(pool: pg.Pool, parties: DealParties): Promise<Side> {
  if (settings.warmupSeconds > 0) {
    log(`[bench:deals] warming up the bare INSERT (${settings.warmupSeconds} s)`);
    await inserts(pool, parties, settings.warmupSeconds);
  }
  await analyze(pool);
  const before = await waitForQuiet(settings.quiet, log, () => interrupted, 'bench:deals');
  log(
    `[bench:deals] measuring the bare INSERT: pool of ${settings.connections}, ${settings.connections} callers, ${settings.durationSeconds} s`,
  );
  const probe = cpuProbe(undefined);
  const run = await inserts(pool, parties, settings.durationSeconds);
  const cpu = probe(run.latencies.length);
  return {
    requestsPerSecond: round1(run.latencies.length / run.seconds),
    requests: run.latencies.length,
    seconds: round3(run.seconds),
    latencyMs: latencySummary(run.latencies),
    cpu,
    before,
  };
}

// ---------------------------------------------------------------- checks before measuring

/**
 * A deal written by the API and the baseline's INSERT of the same terms are the same row but for
 * id, 登记编号 and times; a retried Idempotency-Key replays.
 */
async function checkSameRow(base: string, world: World, pool: pg.Pool): Promise<void> {
  const calendar = signingDays(platformDate());
  const terms = dealTerms(0, calendar);
  const key = randomUUID();
  const body = apiBody(world.parties, terms, registrationNo(calendar.year, 'C', 1));
  const first = await call<{ id: string }>(base, 'POST', '/deals', body, world.operatorToken, { 'idempotency-key': key });
  const again = await call<{ id: string }>(base, 'POST', '/deals', body, world.operatorToken, { 'idempotency-key': key });
  if (again.body.id !== first.body.id || again.headers.get('idempotent-replayed') !== 'true')
    throw new Error('a retried Idempotency-Key did not replay the first answer: the benchmark would not measure what it says');
  const { rows } = await pool.query<{ id: string }>(INSERT_DEAL, insertParams(world.parties, terms, registrationNo(calendar.year, 'C', 2)));
  const compared = await pool.query<{ id: string; row: Record<string, unknown> }>(
    `SELECT id, to_jsonb(d) - 'id' - 'registration_no' - 'created_at' - 'updated_at' AS row FROM deal d WHERE id = ANY($1::uuid[])`,
    [[first.body.id, rows[0].id]],
  );
  const [api, sql] = [first.body.id, rows[0].id].map((id) => JSON.stringify(compared.rows.find((r) => r.id === id)?.row));
  if (api !== sql) throw new Error(`the bare INSERT does not write the row the API writes:\n  API ${api}\n  SQL ${sql}`);
  log('[bench:deals] checked: the bare INSERT writes the row POST /deals writes; a retried Idempotency-Key replays');
}

/**
 * The anomaly rules' queries for one deal, timed alone (median of 5) and without writing flags:
 * what every POST /deals runs, in one statement, before its audit events.
 */
async function timeRules(pool: pg.Pool, dealId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const query of RULE_QUERIES) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await pool.query(ruleSelect(query, RULE_SCOPE.given), ruleParams([dealId]));
      times.push(performance.now() - t0);
    }
    out[query.rule] = round3(times.sort((a, b) => a - b)[2]);
  }
  return out;
}

// ---------------------------------------------------------------- the import

interface ImportSide {
  rows: number;
  bytes: number;
  /** The answer: 201 with the report, or the refusal of a file over the import's caps. */
  status: number;
  refusal: string | null;
  accepted: number;
  rejected: number;
  rejectedSamples: unknown[];
  seconds: number;
  rowsPerSecond: number | null;
  memory: {
    beforeMb: number | null;
    /** The largest VmRSS sampled every 25 ms during the request. */
    peakSampledMb: number | null;
    /** VmHWM after the request, reset just before it (null when the kernel refused the reset: it then covers the whole process). */
    peakHwmMb: number | null;
    afterMb: number | null;
    peakMb: number | null;
  };
  cpu: Cpu;
  before: Quiet;
  /**
   * Rows per second in each fifth of the import's time, from the audit sequence (nextval is seen
   * outside the import's transaction): a rate that falls from fifth to fifth is a cost that grows
   * with the rows already written in the transaction.
   */
  rowsPerSecondByFifth: number[] | null;
  /** The anomaly rules' statements for the last imported deal, alone, after the import (ms). */
  ruleMsForLastImportedDeal: Record<string, number> | null;
  /** The first buyer's name as stored: the GBK bytes were read as GBK. */
  gbkReadBack: boolean | null;
  failure: string | null;
}

function postFile(url: string, token: string, file: Buffer): Promise<{ status: number; body: string }> {
  const boundary = `----yizhi-bench-${randomUUID()}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="deals.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Promise((resolve, reject) => {
    // node:http rather than fetch: no headers timeout, however long the import takes.
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(payload.length),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function measureImport(base: string, apiPid: number, world: World, pool: pg.Pool): Promise<ImportSide> {
  const calendar = signingDays(platformDate());
  const generated = importCsv(settings.importRows, world.seller, calendar, 1);
  const bytes = generated.file.length;
  log(
    `[bench:deals] import file: ${generated.rows.toLocaleString('en')} rows, GBK CSV, ${round3(bytes / 2 ** 20)} MiB (${Math.round(bytes / generated.rows)} bytes a row)`,
  );
  const overCap = generated.rows > IMPORT_ROW_CAP || bytes > IMPORT_MAX_BYTES;
  if (overCap)
    log(
      `[bench:deals] note: the import refuses more than ${IMPORT_ROW_CAP.toLocaleString('en')} rows or ${IMPORT_MAX_BYTES / 2 ** 20} MiB; ` +
        'sending the file anyway to record the refusal',
    );
  await analyze(pool);
  const before = await waitForQuiet(settings.quiet, log, () => interrupted, 'bench:deals');
  const counted = await counts(pool);
  const beforeMb = memoryOf(apiPid)?.rssMb ?? null;
  const hwmReset = resetPeakRss(apiPid);
  let peakSampled = beforeMb ?? 0;
  const sampler = setInterval(() => {
    const rss = memoryOf(apiPid)?.rssMb;
    if (rss !== undefined && rss > peakSampled) peakSampled = rss;
  }, 25);
  log(`[bench:deals] POST /deals/import?mode=partial (${generated.rows.toLocaleString('en')} rows)`);
  const events0 = await auditSequence(pool);
  const progress: [number, number][] = [];
  let progressDone = false;
  const probe = cpuProbe(apiPid);
  const t0 = performance.now();
  const progressLoop = (async () => {
    while (!progressDone) {
      await sleep(500);
      progress.push([(performance.now() - t0) / 1000, (await auditSequence(pool)) - events0]);
    }
  })();
  let answer: { status: number; body: string };
  try {
    answer = await postFile(`${base}/api/v1/deals/import?mode=partial`, world.operatorToken, generated.file);
  } finally {
    clearInterval(sampler);
    progressDone = true;
  }
  const seconds = (performance.now() - t0) / 1000;
  await progressLoop;
  const after = memoryOf(apiPid);
  const peakSampledMb = Math.max(peakSampled, after?.rssMb ?? 0) || null;
  const peakHwmMb = hwmReset ? (after?.hwmMb ?? null) : null;
  const memory = {
    beforeMb,
    peakSampledMb,
    peakHwmMb,
    afterMb: after?.rssMb ?? null,
    peakMb: peakHwmMb === null ? peakSampledMb : Math.max(peakHwmMb, peakSampledMb ?? 0),
  };

  let report: { accepted?: number; rejected?: unknown[]; dealIds?: string[]; message?: string } = {};
  try {
    report = JSON.parse(answer.body) as typeof report;
  } catch {
    // Not JSON: reported as is below.
  }
  const accepted = report.accepted ?? 0;
  const rejected = report.rejected ?? [];
  const cpu = probe(accepted);
  let failure: string | null = null;
  let refusal: string | null = null;
  if (answer.status !== 201) {
    const text = `POST /deals/import answered ${answer.status}: ${answer.body.slice(0, 500)}`;
    if (overCap && (answer.status === 400 || answer.status === 413)) refusal = text;
    else failure = text;
  } else if (rejected.length || accepted !== generated.rows) {
    failure = `POST /deals/import accepted ${accepted} of ${generated.rows} rows; first refusals ${JSON.stringify(rejected.slice(0, 3))}`;
  }
  let gbkReadBack: boolean | null = null;
  let rowsPerSecondByFifth: number[] | null = null;
  let ruleMsForLastImportedDeal: Record<string, number> | null = null;
  if (answer.status === 201 && accepted > 0) {
    const eventsPerRow = ((await auditSequence(pool)) - events0) / accepted;
    progress.push([seconds, accepted * eventsPerRow]);
    rowsPerSecondByFifth = [1, 2, 3, 4, 5].map((fifth) => {
      const at = (k: number) => eventsAt(progress, (seconds * k) / 5) / eventsPerRow;
      return round1((at(fifth) - at(fifth - 1)) / (seconds / 5));
    });
    const lastId = report.dealIds?.at(-1);
    if (lastId) ruleMsForLastImportedDeal = await timeRules(pool, lastId);
    const { rows } = await pool.query<{ name: string }>('SELECT name FROM organization WHERE credit_code = $1', [
      generated.firstBuyer.creditCode,
    ]);
    gbkReadBack = rows[0]?.name === generated.firstBuyer.name;
    if (!gbkReadBack)
      failure ??= `the first buyer was stored as "${rows[0]?.name}", not "${generated.firstBuyer.name}": the GBK file was misread`;
    const written = minus(await counts(pool), counted);
    log(
      `[bench:deals] import wrote ${written.deals} deals, ${written.organizations} organisations, ${written.auditEvents} audit events, ${written.anomalies} anomaly flags`,
    );
  }
  if (failure) console.error(`[bench:deals] FAILURE: ${failure}`);
  if (refusal) log(`[bench:deals] the import refused the file, as expected: ${refusal}`);
  return {
    rows: generated.rows,
    bytes,
    status: answer.status,
    refusal,
    accepted,
    rejected: rejected.length,
    rejectedSamples: rejected.slice(0, 5),
    seconds: round3(seconds),
    rowsPerSecond: answer.status === 201 ? round1(accepted / seconds) : null,
    memory,
    cpu,
    before,
    rowsPerSecondByFifth,
    ruleMsForLastImportedDeal,
    gbkReadBack,
    failure,
  };
}

/** The audit sequence's last value: two events per imported row (a new buyer, the deal), more with anomaly flags. */
async function auditSequence(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string | null }>(
    "SELECT pg_sequence_last_value(pg_get_serial_sequence('audit_event', 'seq'))::text AS n",
  );
  return Number(rows[0].n ?? 0);
}

/** The events written `at` seconds into the import, interpolated between the samples. */
function eventsAt(progress: readonly [number, number][], at: number): number {
  let previous: [number, number] = [0, 0];
  for (const point of progress) {
    if (point[0] >= at) {
      const span = point[0] - previous[0];
      return span <= 0 ? point[1] : previous[1] + ((point[1] - previous[1]) * (at - previous[0])) / span;
    }
    previous = point;
  }
  return previous[1];
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

const show = (value: number | null | undefined) => (value === null || value === undefined ? '?' : String(value));

function printReport(api: ApiSide, sql: Side, ratio: number, imported: ImportSide, rulesMs: Record<string, number>): void {
  console.log('');
  console.log(
    `POST /deals at ${settings.connections} clients vs the bare INSERT (pool of ${settings.connections}, ${settings.connections} callers); ` +
      'latencies in ms; CPU in µs per request and in cores (API | PostgreSQL backends | this process | everything else)',
  );
  const cores = (c: Cpu) => `${show(c.cores.api)} | ${show(c.cores.postgres)} | ${c.cores.bench} | ${show(c.cores.others)}`;
  const perOp = (c: Cpu) => `${show(c.cpuUsPerOperation.api)} | ${show(c.cpuUsPerOperation.postgres)} | ${c.cpuUsPerOperation.bench}`;
  table(
    ['side', 'req/s', 'p50', 'p95', 'p99', 'max', 'requests', 'not 2xx', 'µs/req API|pg|bench', 'cores API|pg|bench|others'],
    [
      [
        'POST /api/v1/deals (Idempotency-Key)',
        String(api.requestsPerSecond),
        String(api.latencyMs.p50),
        String(api.latencyMs.p95),
        String(api.latencyMs.p99),
        String(api.latencyMs.max),
        String(api.requests),
        String(api.non2xx + api.errors),
        perOp(api.cpu),
        cores(api.cpu),
      ],
      [
        'INSERT INTO deal through pg',
        String(sql.requestsPerSecond),
        String(sql.latencyMs.p50),
        String(sql.latencyMs.p95),
        String(sql.latencyMs.p99),
        String(sql.latencyMs.max),
        String(sql.requests),
        '0',
        perOp(sql.cpu),
        cores(sql.cpu),
      ],
    ],
  );
  console.log(`ratio API ÷ bare INSERT: ${ratio.toFixed(3)}`);
  const w = api.writtenPer2xx;
  console.log(
    `per POST /deals: ${w.deals} deal, ${w.auditEvents} audit events, ${w.anomalies} anomaly flags, ${w.idempotencyKeys} idempotency keys; ` +
      `flags by rule ${JSON.stringify(api.anomaliesByRule)}`,
  );
  console.log(
    `the API's connections during the load (average, of ${api.activity.samples} samples): ${Object.entries(api.activity.averageConnections)
      .slice(0, 6)
      .map(([what, n]) => `${what} ${n}`)
      .join('; ')}`,
  );
  console.log(
    `the anomaly rules' statements for one deal at the end, alone (ms): ${Object.entries(rulesMs)
      .map(([rule, ms]) => `${rule} ${ms}`)
      .join(', ')}`,
  );
  console.log('');
  console.log(`POST /deals/import?mode=partial, GBK CSV; memory of the API process in MB`);
  table(
    [
      'rows',
      'MiB',
      'status',
      'accepted',
      'rejected',
      'seconds',
      'rows/s',
      'RSS before',
      'peak RSS',
      'RSS after',
      'cores API|pg|bench|others',
    ],
    [
      [
        String(imported.rows),
        String(round3(imported.bytes / 2 ** 20)),
        String(imported.status),
        String(imported.accepted),
        String(imported.rejected),
        String(imported.seconds),
        show(imported.rowsPerSecond),
        show(imported.memory.beforeMb),
        `${show(imported.memory.peakMb)}${imported.memory.peakHwmMb === null ? ' (sampled)' : ''}`,
        show(imported.memory.afterMb),
        cores(imported.cpu),
      ],
    ],
  );
  if (imported.rowsPerSecondByFifth) console.log(`import rows/s in each fifth of its time: ${imported.rowsPerSecondByFifth.join(', ')}`);
  if (imported.ruleMsForLastImportedDeal)
    console.log(
      `the anomaly rules' statements for the last imported deal, alone, after the import (ms): ${Object.entries(
        imported.ruleMsForLastImportedDeal,
      )
        .map(([rule, ms]) => `${rule} ${ms}`)
        .join(', ')}`,
    );
  console.log('');
}

interface Verdict {
  name: string;
  met: boolean | null;
  line: string;
}

function verdicts(api: ApiSide, ratio: number, imported: ImportSide): Verdict[] {
  const ok = (met: boolean) => (met ? 'MET' : 'MISSED');
  const out: Verdict[] = [];
  const rps = api.requestsPerSecond >= settings.targetReqPerSec && api.failure === null;
  out.push({
    name: 'throughput',
    met: rps,
    line: `POST /deals at ${settings.connections} clients: ${api.requestsPerSecond} req/s (target >= ${settings.targetReqPerSec.toLocaleString('en')}) ${ok(rps)}; p50 ${api.latencyMs.p50} ms, p95 ${api.latencyMs.p95} ms, p99 ${api.latencyMs.p99} ms${api.failure ? '; FAILED: answers that were not 2xx' : ''}`,
  });
  const ratioOk = ratio >= settings.targetRatio && api.failure === null;
  out.push({
    name: 'ratio',
    met: ratioOk,
    line: `POST /deals ÷ bare INSERT: ${ratio.toFixed(3)} (target >= ${settings.targetRatio}) ${ok(ratioOk)}`,
  });
  const n = imported.rows.toLocaleString('en');
  if (imported.rowsPerSecond === null) {
    out.push({
      name: 'import rate',
      met: null,
      line: `import of ${n} rows: not measured (${imported.refusal ?? imported.failure ?? `HTTP ${imported.status}`})`,
    });
  } else {
    const rate = imported.rowsPerSecond >= settings.targetImportRowsPerSec && imported.failure === null;
    out.push({
      name: 'import rate',
      met: rate,
      line: `import of ${n} rows: ${imported.rowsPerSecond} rows/s (target >= ${settings.targetImportRowsPerSec.toLocaleString('en')}) ${ok(rate)}`,
    });
    const memory = imported.memory.peakMb !== null && imported.memory.peakMb < settings.targetImportRssMb;
    out.push({
      name: 'import memory',
      met: memory,
      line: `import of ${n} rows: API peak RSS ${show(imported.memory.peakMb)} MB (target < ${settings.targetImportRssMb}) ${ok(memory)}`,
    });
  }
  if (imported.rows < settings.targetImportRows || imported.refusal) {
    out.push({
      name: 'import at the issue’s size',
      met: null,
      line: `import of ${settings.targetImportRows.toLocaleString('en')} rows (the issue's figure): NOT MEASURED in this run (BENCH_DEALS_IMPORT_ROWS=${imported.rows})`,
    });
  }
  return out;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const startedAt = new Date();
  const t0 = performance.now();
  log(
    `[bench:deals] ${os.availableParallelism()} CPUs, Node ${process.version}; ${settings.connections} connections, ` +
      `${settings.durationSeconds} s per side, ${settings.warmupSeconds} s warm-up; import of ${settings.importRows.toLocaleString('en')} rows`,
  );
  const quietAtStart = await waitForQuiet(settings.quiet, log, () => interrupted, 'bench:deals');
  if (interrupted) return;

  log(`[bench:deals] fresh database ${DATABASE_NAME}, Redis prefix ${QUEUE_PREFIX}`);
  await dropDatabase(DATABASE_URL);
  await clearRedisPrefix(REDIS_URL, QUEUE_PREFIX);
  await runNode('dist/apps/api/src/cli/migrate.js', childEnv, ROOT);
  await runNode('dist/apps/api/src/cli/seed.js', childEnv, ROOT);

  const port = await freePort();
  // stdout (pino's JSON lines, one per request at info) goes to /dev/null; stderr stays visible.
  const apiProcess = spawnNode('dist/apps/api/src/main.js', [], {
    cwd: ROOT,
    env: { ...childEnv, PORT: String(port), NODE_OPTIONS: API_NODE_OPTIONS },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: settings.connections, application_name: 'yizhi-bench-deals' });
  try {
    await waitFor200(`${base}/api/v1/health`, apiProcess);
    const apiPid = apiProcess.pid;
    if (apiPid === undefined) throw new Error('the API has no pid');
    log(`[bench:deals] API: pid ${apiPid}, port ${port}`);
    const world = await buildWorld(base);
    log(
      `[bench:deals] base "${world.baseName}", operator ${world.parties.operatorId}, seller ${world.parties.sellerOrgId}, buyer ${world.parties.buyerOrgId}`,
    );
    const autovacuum = (await pool.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0].autovacuum;
    if (autovacuum !== 'on')
      log(`[bench:deals] note: autovacuum is ${autovacuum} on this server; the benchmark runs ANALYZE before each measurement`);
    await checkSameRow(base, world, pool);
    if (interrupted) return;

    const api = await measureApi(base, apiPid, world, pool);
    log(
      `[bench:deals] POST /deals: ${api.requestsPerSecond} req/s, p50 ${api.latencyMs.p50} ms, p95 ${api.latencyMs.p95} ms, p99 ${api.latencyMs.p99} ms`,
    );
    const { rows: last } = await pool.query<{ id: string }>(
      "SELECT id FROM deal WHERE registration_no LIKE '____A%' ORDER BY created_at DESC, id DESC LIMIT 1",
    );
    const rulesMs = last[0] ? await timeRules(pool, last[0].id) : {};
    if (interrupted || exited(apiProcess)) throw new Error(interrupted ? 'interrupted' : 'the API exited');

    const sql = await measureSql(pool, world.parties);
    log(
      `[bench:deals] bare INSERT: ${sql.requestsPerSecond} inserts/s, p50 ${sql.latencyMs.p50} ms, p95 ${sql.latencyMs.p95} ms, p99 ${sql.latencyMs.p99} ms`,
    );
    const ratio = round3(api.requestsPerSecond / Math.max(0.001, sql.requestsPerSecond));
    if (interrupted || exited(apiProcess)) throw new Error(interrupted ? 'interrupted' : 'the API exited');

    const imported = await measureImport(base, apiPid, world, pool);

    printReport(api, sql, ratio, imported, rulesMs);
    const lines = verdicts(api, ratio, imported);
    for (const verdict of lines) console.log(verdict.line);
    const seconds = round1((performance.now() - t0) / 1000);
    console.log(`[bench:deals] done in ${seconds} s`);

    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, 'deals-latest.json');
    const report = {
      benchmark: 'POST /api/v1/deals vs the bare INSERT through pg; POST /api/v1/deals/import of a GBK CSV',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seconds,
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model ?? null,
        memoryMb: Math.round(os.totalmem() / 2 ** 20),
        node: process.version,
        loadAverageAfter: os.loadavg(),
        quietAtStart,
        autovacuum,
      },
      settings: {
        ...settings,
        database: DATABASE_URL,
        queuePrefix: QUEUE_PREFIX,
        apiPoolSize: 10,
        sqlPoolSize: settings.connections,
        importRowCap: IMPORT_ROW_CAP,
        importByteCap: IMPORT_MAX_BYTES,
      },
      targets: lines,
      api: { ...api, ratio },
      anomalyRuleMsForOneDeal: rulesMs,
      sql,
      import: imported,
    };
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`[bench:deals] raw results: ${file}`);
    const failures = [api.failure, imported.failure].filter((f): f is string => f !== null);
    if (failures.length) throw new Error(`the run failed:\n  ${failures.join('\n  ')}`);
  } finally {
    await pool.end();
    await stopChild(apiProcess);
    await clearRedisPrefix(REDIS_URL, QUEUE_PREFIX).catch(() => undefined);
    if (settings.keepDatabase) log(`[bench:deals] kept ${DATABASE_URL} (BENCH_DEALS_KEEP_DB=1)`);
    else await dropDatabase(DATABASE_URL);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n[bench:deals] ${signal}: stopping`);
    current?.stop();
    void stopAll().finally(() => process.exit(130));
  });
}
process.once('exit', killAllNow);

try {
  await main();
} catch (error) {
  if (!interrupted) {
    console.error('[bench:deals] FAILED:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
} finally {
  await stopAll();
}
