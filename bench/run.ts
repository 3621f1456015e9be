/**
 * `npm run bench`: GET /api/v1/bases of the built API against a bare Fastify 5 server that
 * answers the same route with the same bytes, both loaded by autocannon from this process.
 *
 *   1. migrates and seeds a dedicated database (yizhi_bench) through the built CLIs;
 *   2. starts the built API (NODE_ENV=production, LOG_LEVEL=info, stdout to /dev/null);
 *   3. fetches GET /api/v1/bases once (a cache miss, which fills the API's response cache) and
 *      starts bench/bare-fastify.js with that body;
 *   4. checks that every target answers the same bytes, and that each API target takes the path
 *      it stands for (x-cache: hit, or no response cache at all);
 *   5. warms each server up, then alternates the measurements (bare, api, bare, api, ...) and
 *      reports medians, the ratio api/bare, and the CPU time each process spent per request.
 *      Repeated requests of the API are cache hits (an entry lives 30 s, so one request in 30 s
 *      per process is a miss): the headline measures the cached path, what production serves;
 *   6. unless BENCH_EXTRAS=0, adds DIAGNOSTIC variants: bare Fastify plus the API's response-header
 *      hook, plus JSON serialisation on every request, plus both; the API at LOG_LEVEL=warn (the
 *      cost of the request log line); the API with its response cache off (bench/api-uncached.ts:
 *      every request takes the cache-miss path through Nest, TypeORM and PostgreSQL); then a
 *      Node-side micro-benchmark of the miss path's query (raw pg vs TypeORM, bench/db-query.ts)
 *      and the CPU cost of a few pieces of the route (bench/components.ts).
 *
 * Before each measurement it waits (up to BENCH_QUIET_WAIT s) for other processes to leave the
 * machine quiet, and it records how many cores they used during each run.
 *
 * Env: BENCH_DURATION (s per measurement, 10), BENCH_CONNECTIONS (50), BENCH_ROUNDS (2),
 * BENCH_WARMUP (s, 3), BENCH_EXTRAS (1), BENCH_DB_DURATION (s, 5), BENCH_QUIET_WAIT (s, 30).
 * Writes bench/results/bases-latest.json.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Instance, type Result } from 'autocannon';
import type { BareMode, BareReady, BareRequest } from './bare-fastify.js';
import type { ComponentsReport } from './components.js';
import { clockTicks, machineTicks, postgresBackendTicks, postgresCpuSecondsBetween, processCpuSeconds } from './cpu.js';
import type { DbQueryReport } from './db-query.js';
import { exited, freePort, killAllNow, nextMessage, runNode, spawnNode, stopAll, waitFor200 } from './processes.js';

// ---------------------------------------------------------------- settings

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min} (got "${raw}")`);
  return value;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/run.js -> repository root
const ROUTE = '/api/v1/bases';
const DATABASE_NAME = 'yizhi_bench';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE_NAME}`;
const QUEUE_PREFIX = '{yizhi-bench}';
const settings = {
  durationSeconds: intEnv('BENCH_DURATION', 10, 1),
  connections: intEnv('BENCH_CONNECTIONS', 50, 1),
  rounds: intEnv('BENCH_ROUNDS', 2, 1),
  warmupSeconds: intEnv('BENCH_WARMUP', 3, 0),
  extras: process.env.BENCH_EXTRAS?.trim() !== '0',
  dbDurationSeconds: intEnv('BENCH_DB_DURATION', 5, 1),
  /** Before each measurement, wait up to this long for the machine to be quiet (< 0.5 core busy). */
  quietWaitSeconds: intEnv('BENCH_QUIET_WAIT', 30, 0),
  pipelining: 1,
};

const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL,
  QUEUE_PREFIX,
  JWT_SECRET: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'info',
};

// ---------------------------------------------------------------- targets

interface Target {
  name: string;
  label: string;
  /** Not the headline comparison: a variant that isolates one cost. */
  diagnostic: boolean;
  /** The x-cache header a repeated request must get: 'hit' for the API with its cache, null where there is no cache. */
  xCache: 'hit' | null;
  /** Whether it sends the API's response headers (helmet's and x-request-id). */
  apiHeaders: boolean;
  url: string;
  child: ChildProcess;
}

interface ApiVariant {
  name: string;
  label: string;
  script: string;
  logLevel: string;
  diagnostic: boolean;
  /** False for bench/api-uncached.js, whose response cache is off. */
  cached: boolean;
}

async function startApi({ name, label, script, logLevel, diagnostic, cached }: ApiVariant): Promise<Target> {
  const port = await freePort();
  // stdout (pino's JSON lines, one per request at info) goes to /dev/null; stderr stays visible.
  const child = spawnNode(script, [], {
    cwd: ROOT,
    env: { ...childEnv, PORT: String(port), LOG_LEVEL: logLevel },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor200(`${base}/api/v1/health`, child);
  console.log(`[bench] ${label}: pid ${child.pid}, port ${port}`);
  return { name, label, diagnostic, xCache: cached ? 'hit' : null, apiHeaders: true, url: `${base}${ROUTE}`, child };
}

function isBareReady(message: unknown): message is BareReady {
  return typeof message === 'object' && message !== null && typeof (message as Record<string, unknown>).port === 'number';
}

async function startBare(name: string, label: string, mode: BareMode, reference: { body: string; contentType: string }): Promise<Target> {
  const child = spawnNode('dist/bench/bare-fastify.js', [], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = nextMessage(child, isBareReady);
  const request: BareRequest = { body: reference.body, contentType: reference.contentType, mode };
  child.send(request);
  const { port } = await ready;
  console.log(`[bench] ${label}: pid ${child.pid}, port ${port}`);
  const apiHeaders = mode === 'string-headers' || mode === 'object-headers';
  return { name, label, diagnostic: mode !== 'string', xCache: null, apiHeaders, url: `http://127.0.0.1:${port}${ROUTE}`, child };
}

interface Fetched {
  body: string;
  contentType: string;
  status: number;
  headers: Headers;
}

async function fetchBody(url: string): Promise<Fetched> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = await response.text();
  return { body, contentType: response.headers.get('content-type') ?? '', status: response.status, headers: response.headers };
}

/** Headers that differ per response or per server, left out when comparing header sets. */
const PER_RESPONSE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'x-request-id', 'x-cache']);

/** The headers of a response that every response of the API carries unchanged (helmet's). */
function staticHeaders(headers: Headers): string {
  return [...headers]
    .filter(([name]) => !PER_RESPONSE_HEADERS.has(name))
    .map(([name, value]) => `${name}: ${value}`)
    .sort()
    .join('\n');
}

/**
 * Fails unless `target` answers the API's bytes, by the path it stands for: the API's static headers and a request id
 * where it should send them (none otherwise), and x-cache: hit on a repeated request of the API with its cache.
 */
async function checkTarget(target: Target, reference: Fetched): Promise<void> {
  await fetchBody(target.url); // the first request of an API target may be the cache miss that fills it
  const { status, body, headers } = await fetchBody(target.url);
  const problems: string[] = [];
  if (status !== 200 || body !== reference.body) problems.push(`it does not answer the reference body (HTTP ${status})`);
  const xCache = headers.get('x-cache');
  if (xCache !== target.xCache) problems.push(`x-cache is ${xCache ?? 'absent'}, expected ${target.xCache ?? 'absent'}`);
  const expected = target.apiHeaders ? staticHeaders(reference.headers) : '';
  if (staticHeaders(headers) !== expected) problems.push(`its static headers are not ${target.apiHeaders ? "the API's" : 'empty'}`);
  if (headers.has('x-request-id') !== target.apiHeaders)
    problems.push(`x-request-id is ${target.apiHeaders ? 'missing' : 'present where the API headers are not'}`);
  if (problems.length) throw new Error(`${target.label}: ${problems.join('; ')}`);
}

// ---------------------------------------------------------------- measuring

let current: Instance | undefined;
let interrupted = false;

async function cannon(url: string, durationSeconds: number, title: string): Promise<Result> {
  const instance = autocannon({
    url,
    connections: settings.connections,
    duration: durationSeconds,
    pipelining: settings.pipelining,
    title,
  });
  current = instance;
  try {
    return await instance;
  } finally {
    current = undefined;
  }
}

/** Busy share of the whole machine over `ms` (0..1), or null without /proc. */
async function machineBusy(ms: number): Promise<number | null> {
  const before = machineTicks();
  await sleep(ms);
  const after = machineTicks();
  return before && after ? (after[0] - before[0]) / Math.max(1, after[1] - before[1]) : null;
}

/** Waits (up to BENCH_QUIET_WAIT s) until other processes leave the machine mostly idle. */
async function waitForQuiet(): Promise<{ busyCores: number | null; waitedSeconds: number }> {
  const cpus = os.availableParallelism();
  const started = Date.now();
  let busy = await machineBusy(1_000);
  while (busy !== null && busy * cpus > 0.5 && Date.now() - started < settings.quietWaitSeconds * 1000) {
    if (interrupted) break;
    busy = await machineBusy(2_000);
  }
  const waitedSeconds = Math.round((Date.now() - started) / 100) / 10;
  const busyCores = busy === null ? null : round3(busy * cpus);
  if (busyCores !== null && busyCores > 0.5)
    console.log(`[bench] warning: ${busyCores} cores busy elsewhere after waiting ${waitedSeconds} s; measuring anyway`);
  return { busyCores, waitedSeconds };
}

interface Run {
  target: string;
  round: number;
  requests: number;
  reqPerSec: number;
  latencyMs: { mean: number; p50: number; p99: number; max: number };
  /** CPU microseconds per completed request; null where /proc is unreadable. */
  cpuUsPerRequest: { server: number | null; postgres: number | null; loadGenerator: number };
  /** Share of the whole machine's CPU that was busy during the run (0..1). */
  machineBusy: number | null;
  /** Cores used by other processes (not the server, PostgreSQL or this load generator) during the run. */
  neighbourCores: number | null;
  /** Busy cores just before the run, and how long we waited for quiet. */
  before: { busyCores: number | null; waitedSeconds: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  raw: Result;
}

async function measure(target: Target, round: number): Promise<Run> {
  if (exited(target.child)) throw new Error(`${target.label} is no longer running`);
  const before = await waitForQuiet();
  const pid = target.child.pid;
  const server0 = processCpuSeconds(pid);
  const pg0 = postgresBackendTicks(DATABASE_NAME);
  const machine0 = machineTicks();
  const self0 = process.cpuUsage();
  const raw = await cannon(target.url, settings.durationSeconds, `${target.name} round ${round}`);
  const self = process.cpuUsage(self0);
  const machine1 = machineTicks();
  const pg1 = postgresBackendTicks(DATABASE_NAME);
  const pgSeconds = postgresCpuSecondsBetween(pg0, pg1);
  const server1 = processCpuSeconds(pid);

  const requests = raw.requests.total;
  const ours =
    server0 === null || server1 === null || pgSeconds === null ? null : server1 - server0 + pgSeconds + (self.user + self.system) / 1e6;
  const machineBusySeconds = machine0 && machine1 ? (machine1[0] - machine0[0]) / clockTicks() : null;
  const perRequest = (seconds: number | null) => (seconds === null || requests === 0 ? null : round1((seconds * 1e6) / requests));
  const run: Run = {
    target: target.name,
    round,
    requests,
    reqPerSec: Math.round(requests / raw.duration),
    latencyMs: { mean: raw.latency.mean, p50: raw.latency.p50, p99: raw.latency.p99, max: raw.latency.max },
    cpuUsPerRequest: {
      server: perRequest(server0 === null || server1 === null ? null : server1 - server0),
      postgres: perRequest(pgSeconds),
      loadGenerator: round1((self.user + self.system) / Math.max(1, requests)),
    },
    machineBusy: machine0 && machine1 ? round3((machine1[0] - machine0[0]) / Math.max(1, machine1[1] - machine0[1])) : null,
    neighbourCores: ours === null || machineBusySeconds === null ? null : round3(Math.max(0, machineBusySeconds - ours) / raw.duration),
    before,
    non2xx: raw.non2xx,
    errors: raw.errors,
    timeouts: raw.timeouts,
    raw,
  };
  console.log(
    `[bench] round ${round} ${target.name.padEnd(16)} ${String(run.reqPerSec).padStart(7)} req/s  p50 ${run.latencyMs.p50} ms  p99 ${run.latencyMs.p99} ms` +
      `  cpu/req: server ${run.cpuUsPerRequest.server ?? '?'} µs, postgres ${run.cpuUsPerRequest.postgres ?? '?'} µs, autocannon ${run.cpuUsPerRequest.loadGenerator} µs; neighbours ${run.neighbourCores ?? '?'} cores`,
  );
  if (requests === 0 || raw.non2xx > 0 || raw.errors > 0) {
    const codes = Object.entries(raw.statusCodeStats)
      .map(([code, { count }]) => `${code}: ${count}`)
      .join(', ');
    throw new Error(
      `${target.label}, round ${round}: ${requests} requests, ${raw.non2xx} non-2xx, ${raw.errors} errors (${raw.timeouts} timeouts); status codes {${codes}}. ` +
        'The benchmark measures successful responses only: fix this before reading any figure.',
    );
  }
  return run;
}

// ---------------------------------------------------------------- statistics

const round1 = (value: number) => Math.round(value * 10) / 10;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianOrNull(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === values.length && known.length ? round1(median(known)) : null;
}

interface Summary {
  target: string;
  label: string;
  diagnostic: boolean;
  rounds: number;
  reqPerSec: { median: number; perRound: number[] };
  p50Ms: number;
  p99Ms: { median: number; perRound: number[] };
  cpuUsPerRequest: { server: number | null; postgres: number | null; loadGenerator: number | null };
  /** Median cores used by other processes during the runs: the noise. */
  neighbourCores: number | null;
  /** Median req/s of this target over the median req/s of bare Fastify. */
  ratioToBare: number;
}

function summarise(target: Target, runs: readonly Run[], bareMedian: number): Summary {
  const mine = runs.filter((run) => run.target === target.name);
  const reqPerSec = mine.map((run) => run.reqPerSec);
  const p99 = mine.map((run) => run.latencyMs.p99);
  const rps = Math.round(median(reqPerSec));
  return {
    target: target.name,
    label: target.label,
    diagnostic: target.diagnostic,
    rounds: mine.length,
    reqPerSec: { median: rps, perRound: reqPerSec },
    p50Ms: median(mine.map((run) => run.latencyMs.p50)),
    p99Ms: { median: median(p99), perRound: p99 },
    cpuUsPerRequest: {
      server: medianOrNull(mine.map((run) => run.cpuUsPerRequest.server)),
      postgres: medianOrNull(mine.map((run) => run.cpuUsPerRequest.postgres)),
      loadGenerator: medianOrNull(mine.map((run) => run.cpuUsPerRequest.loadGenerator)),
    },
    neighbourCores: medianOrNull(mine.map((run) => run.neighbourCores)),
    ratioToBare: bareMedian ? Math.round((rps / bareMedian) * 1000) / 1000 : 0,
  };
}

function printTable(summaries: readonly Summary[]): void {
  const header = ['target', 'req/s (median)', 'per round', 'p50 ms', 'p99 ms', 'vs bare', 'server µs/req', 'pg µs/req', 'others (cores)'];
  const rows = summaries.map((s) => [
    (s.diagnostic ? '(diag) ' : '') + s.label,
    String(s.reqPerSec.median),
    s.reqPerSec.perRound.join(' / '),
    String(s.p50Ms),
    String(s.p99Ms.median),
    s.ratioToBare.toFixed(2),
    String(s.cpuUsPerRequest.server ?? '?'),
    String(s.cpuUsPerRequest.postgres ?? '?'),
    String(s.neighbourCores ?? '?'),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('');
}

function gitCommit(): string | null {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}+uncommitted` : commit;
  } catch {
    return null;
  }
}

function runDbQuery(): Promise<DbQueryReport> {
  return new Promise((resolve, reject) => {
    const child = spawnNode('dist/bench/db-query.js', [], {
      cwd: ROOT,
      env: { ...childEnv, BENCH_DB_DURATION: String(settings.dbDurationSeconds), BENCH_CONNECTIONS: String(settings.connections) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`db-query exited with code ${code}`));
      try {
        resolve(JSON.parse(out) as DbQueryReport);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

function isComponentsReport(message: unknown): message is ComponentsReport {
  return typeof message === 'object' && message !== null && Array.isArray((message as Record<string, unknown>).figures);
}

async function runComponents(): Promise<ComponentsReport> {
  // stdout to /dev/null: the in-process API writes its request lines there, as in production.
  const child = spawnNode('dist/bench/components.js', [], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return nextMessage(child, isComponentsReport, 180_000);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const startedAt = new Date();
  const git = gitCommit(); // read now, just after the build: the tree may change during the run

  const loadBefore = os.loadavg();
  console.log(
    `[bench] ${os.availableParallelism()} CPUs, Node ${process.version}; ${settings.connections} connections, ` +
      `${settings.durationSeconds} s per measurement, ${settings.rounds} rounds, ${settings.warmupSeconds} s warm-up; extras ${settings.extras ? 'on' : 'off'}`,
  );

  console.log(`[bench] migrating and seeding ${DATABASE_URL}`);
  await runNode('dist/apps/api/src/cli/migrate.js', childEnv, ROOT);
  await runNode('dist/apps/api/src/cli/seed.js', childEnv, ROOT);

  const API_MAIN = 'dist/apps/api/src/main.js';
  const api = await startApi({
    name: 'api',
    label: 'API, LOG_LEVEL=info (cache hits)',
    script: API_MAIN,
    logLevel: 'info',
    diagnostic: false,
    cached: true,
  });
  const reference = await fetchBody(api.url);
  if (reference.status !== 200) throw new Error(`GET ${ROUTE} answered ${reference.status}: ${reference.body.slice(0, 500)}`);
  const items = (JSON.parse(reference.body) as { items: unknown[] }).items.length;
  console.log(`[bench] GET ${ROUTE}: ${Buffer.byteLength(reference.body)} bytes, ${items} items, ${reference.contentType}`);

  const bare = await startBare('bare', 'bare Fastify 5, same body', 'string', reference);
  const targets: Target[] = [bare, api];
  if (settings.extras) {
    // Two ladders from bare Fastify, one cost at a time (each a DIAGNOSTIC variant): to the API's cached
    // path (+ the response-header hook, then the API itself at warn and at info), and to its cache-miss
    // path (+ JSON serialisation, + the header hook, then the API with its cache off).
    targets.push(await startBare('bare-headers', 'bare + API response headers', 'string-headers', reference));
    targets.push(
      await startApi({
        name: 'api-warn',
        label: 'API, LOG_LEVEL=warn (cache hits)',
        script: API_MAIN,
        logLevel: 'warn',
        diagnostic: true,
        cached: true,
      }),
    );
    targets.push(await startBare('bare-json', 'bare + JSON serialisation', 'object', reference));
    targets.push(await startBare('bare-json-headers', 'bare + JSON serialisation + API response headers', 'object-headers', reference));
    targets.push(
      await startApi({
        name: 'api-uncached',
        label: 'API, LOG_LEVEL=info, cache off (the cache-miss path)',
        script: 'dist/bench/api-uncached.js',
        logLevel: 'info',
        diagnostic: true,
        cached: false,
      }),
    );
  }

  // Every target must serve the very bytes the API serves, by the path it stands for.
  for (const target of targets) await checkTarget(target, reference);

  if (settings.warmupSeconds > 0) {
    for (const target of targets) {
      console.log(`[bench] warming up ${target.name} (${settings.warmupSeconds} s)`);
      await cannon(target.url, settings.warmupSeconds, `${target.name} warm-up`);
    }
  }

  const runs: Run[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of targets) runs.push(await measure(target, round));
  }

  if (settings.extras) console.log("[bench] diagnostics: the cache-miss path's query from Node, then the per-piece CPU costs");
  const dbQuery = settings.extras ? await runDbQuery() : null;
  const components = settings.extras ? await runComponents() : null;

  const bareMedian = median(runs.filter((run) => run.target === 'bare').map((run) => run.reqPerSec));
  // The table reads as two ladders from bare Fastify, one cost added at a time: to the API's cached
  // path (the headline), then to its cache-miss path.
  const LADDER = ['bare', 'bare-headers', 'api-warn', 'api', 'bare-json', 'bare-json-headers', 'api-uncached'];
  const summaries = targets
    .map((target) => summarise(target, runs, bareMedian))
    .sort((a, b) => LADDER.indexOf(a.target) - LADDER.indexOf(b.target));
  const apiSummary = summaries.find((summary) => summary.target === 'api');
  if (!apiSummary) throw new Error('no API summary');
  const perRoundRatio = Array.from({ length: settings.rounds }, (_, index) => {
    const of = (name: string) => runs.find((run) => run.target === name && run.round === index + 1)?.reqPerSec ?? 0;
    return Math.round((of('api') / Math.max(1, of('bare'))) * 1000) / 1000;
  });

  printTable(summaries);
  if (dbQuery) {
    console.log(`(diag) the cache-miss path's query alone, from Node, pool 10, ${settings.connections} concurrent callers:`);
    for (const figures of dbQuery.results) {
      console.log(
        `  ${figures.label.padEnd(18)} ${String(figures.opsPerSecond).padStart(7)} queries/s  p50 ${figures.latencyMs.p50} ms  p99 ${figures.latencyMs.p99} ms  Node CPU ${figures.nodeCpuUsPerOp} µs/query`,
      );
    }
    console.log('');
  }
  if (components) {
    console.log('(diag) CPU per operation, in one process, one at a time (hot loops are optimistic):');
    for (const figure of components.figures)
      console.log(`  ${figure.name.padEnd(34)} ${String(figure.cpuUsPerOp).padStart(8)} µs  ${figure.when.padEnd(13)}  (${figure.note})`);
    console.log('');
  }
  for (const summary of summaries.filter((s) => s.diagnostic)) {
    console.log(`(diag) ${summary.label} vs bare Fastify: ${summary.ratioToBare.toFixed(2)}`);
  }
  const uncached = summaries.find((summary) => summary.target === 'api-uncached');
  if (uncached)
    console.log(
      `(diag) cache-miss path vs cached path (req/s, both at info): ${(uncached.reqPerSec.median / apiSummary.reqPerSec.median).toFixed(3)}`,
    );
  console.log(`per-round ratios api/bare: ${perRoundRatio.map((ratio) => ratio.toFixed(2)).join(', ')}`);
  console.log(`ratio GET ${ROUTE} vs bare Fastify: ${apiSummary.ratioToBare.toFixed(2)} (target >= 0.5)`);

  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, 'bases-latest.json');
  const report = {
    benchmark: `GET ${ROUTE}: API vs bare Fastify`,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    git,
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    },
    settings: { ...settings, database: DATABASE_URL, queuePrefix: QUEUE_PREFIX },
    response: { bytes: Buffer.byteLength(reference.body), items, contentType: reference.contentType },
    ratio: apiSummary.ratioToBare,
    ratioPerRound: perRoundRatio,
    summaries,
    dbQuery,
    components,
    runs,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`[bench] raw results: ${file}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n[bench] ${signal}: stopping`);
    current?.stop();
    void stopAll().finally(() => process.exit(130));
  });
}
process.once('exit', killAllNow);

try {
  await main();
} catch (error) {
  if (!interrupted) {
    console.error('[bench] FAILED:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
} finally {
  await stopAll();
}
