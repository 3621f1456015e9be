/**
 * The quality half of `npm run bench:matching`: the evaluation set loaded through the built API
 * into a database of its own, matched by the built worker, and the rankings read back through
 * GET /api/v1/needs/:id/matches, exactly as an enterprise (or an operator) would see them.
 *
 *   1. drops yizhi_bench_matching, then migrates and seeds it with the built CLIs, and clears the
 *      Redis prefix {yizhi-bench-matching};
 *   2. starts the built API and the built worker as child processes;
 *   3. registers one institute and one enterprise per city of the set (valid credit codes), logs
 *      in the seeded admin, and creates, submits and approves every listing, then every need;
 *   4. waits until the worker has caught up: the outbox drained, the matching queue idle, and a
 *      match_state of the item's current version for every published listing and need;
 *   5. reads every need's matches (limit 50) three times:
 *      - "at publication": what the worker stored while the set was being published (a need
 *        published before some listings' profiles existed was scored against part of the corpus);
 *      - "on demand": after marking every need's stored matches older than their 24 h lifetime, so
 *        that the request computes them then and there (and queues a refresh), as it does for a
 *        user whose matches are stale;
 *      - "stored" (the headline): after that refresh, served from match_result, as every later
 *        visit sees them.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import pg from 'pg';
import { creditCodeCheckChar, orgCodeCheckChar } from '#yizhi/identity';
import { cityOf } from '#yizhi/matching';
import { DataSource, In } from 'typeorm';
import { Need } from '#yizhi/catalog';
import { platformDate, QueueName, redisConnectionOptions } from '#yizhi/core';
import { dataSourceOptions } from '#yizhi/database';
import { MatchingEngine, MatchingRepository } from '#yizhi/matching';
import { BudgetedRetrievalRepository } from './matching-diagnostics.js';
import type { EvalListing, EvalNeed, EvalSet } from './matching-eval.js';
import { freePort, runNode, spawnNode, stopChild, waitFor200 } from './processes.js';
import { dropDatabase } from './search-data.js';
import { latencySummary, type SqlRunFigures } from './search-sql.js';
import { clearRedisPrefix } from './redis-keys.js';

type LatencyMs = SqlRunFigures['latencyMs'];

export interface QualityOptions {
  root: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  set: EvalSet;
  /** Requests in flight at once while loading the set. */
  concurrency: number;
  /** Keep the database afterwards (for inspection). */
  keepDatabase: boolean;
  log: (line: string) => void;
}

/** One reading of every need's matches: need key → listing keys, best first. */
export type Rankings = Map<string, string[]>;

export interface QualityRun {
  rankings: {
    atPublication: Rankings;
    onDemand: Rankings;
    stored: Rankings;
    /** MatchingEngine.listingsForNeed(need, 50) in this process, on the same database: must equal onDemand. */
    inProcess: Rankings;
    /** (diag) The same with retrieval bounded to a postings budget (bench/matching-diagnostics.ts). */
    budgetedRetrieval: Rankings;
  };
  /** Needs whose on-demand top 50 differs from the stored one after the refresh (same keys, same order). */
  onDemandMismatches: string[];
  /** Needs whose in-process ranking differs from the API's on-demand one (the harness check). */
  inProcessMismatches: string[];
  requests: number;
  timings: Record<string, number>;
  /** Latency (ms) of GET /needs/:id/matches?limit=50 computed on demand, and served from storage. */
  routeMs: { onDemand: LatencyMs; stored: LatencyMs };
  workerFailedJobs: number;
  organizations: { institutes: number; enterprises: number };
}

/** An answer that was not 2xx: the benchmark fails with exit code 1. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 500)}`);
    this.name = 'ApiError';
  }
}

class ApiClient {
  requests = 0;

  constructor(private readonly base: string) {}

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    this.requests++;
    if (response.status < 200 || response.status >= 300) throw new ApiError(method, `/api/v1${path}`, response.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** Runs `work` over `items`, at most `limit` at a time; the first failure rejects. */
async function eachLimit<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  });
  await Promise.all(runners);
}

/** Province-level division codes for the credit codes of the set's organisations. */
const PROVINCE_DIVISIONS: readonly [string, string][] = [
  ['重庆', '500000'],
  ['四川', '510000'],
  ['贵州', '520000'],
  ['云南', '530000'],
  ['陕西', '610000'],
  ['上海', '310000'],
  ['江苏', '320000'],
  ['浙江', '330000'],
  ['福建', '350000'],
  ['湖北', '420000'],
  ['湖南', '430000'],
  ['广东', '440000'],
  ['北京', '110000'],
];

/** A valid unified social credit code: 12 (事业单位) for institutes, 91 (企业) for enterprises. */
function creditCode(kind: 'institute' | 'enterprise', region: string, serial: number): string {
  const division = PROVINCE_DIVISIONS.find(([prefix]) => region.startsWith(prefix))?.[1] ?? '500000';
  const orgCode = `${kind === 'institute' ? 1 : 2}${String(serial).padStart(7, '0')}`;
  const first17 = `${kind === 'institute' ? '12' : '91'}${division}${orgCode}${orgCodeCheckChar(orgCode)}`;
  return first17 + creditCodeCheckChar(first17);
}

const PASSWORD = 'bench-matching-password';

/** Registers one organisation of `kind` per city of `regions`; city → its user's access token. */
async function registerOrganizations(
  api: ApiClient,
  kind: 'institute' | 'enterprise',
  regions: readonly string[],
  concurrency: number,
): Promise<Map<string, string>> {
  const byCity = new Map<string, string>();
  for (const region of regions) {
    const city = cityOf(region) ?? region;
    if (!byCity.has(city)) byCity.set(city, region);
  }
  const tokens = new Map<string, string>();
  const cities = [...byCity.entries()];
  await eachLimit(cities, concurrency, async ([city, region], i) => {
    const email = `${kind}.${i}@bench-matching.example.cn`;
    await api.call('POST', '/auth/register', {
      email,
      password: PASSWORD,
      displayName: kind === 'institute' ? '李娜' : '张伟',
      organization: {
        name: kind === 'institute' ? `${city}易智评测技术研究院` : `${city}易智评测科技有限公司`,
        kind,
        creditCode: creditCode(kind, region, i + 1),
        region,
      },
    });
    const session = await api.call<{ accessToken: string }>('POST', '/auth/login', { email, password: PASSWORD });
    tokens.set(city, session.accessToken);
  });
  return tokens;
}

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

function listingBody(listing: EvalListing): object {
  return {
    title: listing.title,
    summary: listing.summary,
    field: listing.field,
    keywords: listing.keywords,
    maturity: listing.maturity,
    transferModes: listing.transferModes,
    askingPrice: listing.askingPrice,
    region: listing.region,
  };
}

function needBody(need: EvalNeed, today: string): object {
  return {
    title: need.title,
    description: need.description,
    field: need.field,
    keywords: need.keywords,
    budgetMin: need.budgetMin,
    budgetMax: need.budgetMax,
    ...(need.maturityMin === undefined ? {} : { maturityMin: need.maturityMin }),
    deadline: addDays(today, 365),
    region: need.region,
  };
}

interface Backlog {
  outbox: number;
  queued: number;
  failed: number;
  /** Published items without matches of their current version (or, with `since`, computed before it). */
  behind: number;
}

async function backlog(db: pg.Pool, queue: Queue, needsComputedSince: Date | null): Promise<Backlog> {
  const [{ rows: outbox }, counts, { rows: items }] = await Promise.all([
    db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox_message WHERE dispatched_at IS NULL'),
    queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'),
    db.query<{ kind: string; updated_at: Date; version: string | null; computed_at: Date | null }>(
      `SELECT i.kind, i.updated_at, s.version, s.computed_at
         FROM (SELECT 'listing' AS kind, id, updated_at FROM listing WHERE status = 'published'
               UNION ALL SELECT 'need', id, updated_at FROM need WHERE status = 'published') i
         LEFT JOIN match_state s ON s.kind = i.kind AND s.item_id = i.id`,
    ),
  ]);
  // The version is the item's updated_at as JavaScript prints it (MatchingService.versionOf): compare in JavaScript.
  const behind = items.filter(
    (item) =>
      item.version !== item.updated_at.toISOString() ||
      (needsComputedSince !== null && item.kind === 'need' && (item.computed_at === null || item.computed_at < needsComputedSince)),
  ).length;
  const { failed = 0, ...queued } = counts;
  return { outbox: outbox[0].n, queued: Object.values(queued).reduce((sum, n) => sum + n, 0), failed, behind };
}

/** Waits until the worker has caught up (see backlog); returns the seconds it took. */
async function waitForWorker(
  db: pg.Pool,
  queue: Queue,
  needsComputedSince: Date | null,
  worker: { exitCode: number | null; signalCode: NodeJS.Signals | null },
  timeoutMs = 600_000,
): Promise<{ seconds: number; failed: number }> {
  const started = performance.now();
  for (;;) {
    if (worker.exitCode !== null || worker.signalCode !== null) throw new Error('the worker exited');
    const state = await backlog(db, queue, needsComputedSince);
    if (state.outbox === 0 && state.queued === 0 && state.behind === 0)
      return { seconds: Math.round(performance.now() - started) / 1000, failed: state.failed };
    if (performance.now() - started > timeoutMs)
      throw new Error(`the worker did not catch up within ${timeoutMs / 1000} s: ${JSON.stringify(state)}`);
    await sleep(250);
  }
}

interface MatchesView {
  items: { listing: { id: string }; score: number }[];
}

async function readRankings(
  api: ApiClient,
  token: string,
  needIds: ReadonlyMap<string, string>,
  listingKeys: ReadonlyMap<string, string>,
  concurrency: number,
): Promise<{ rankings: Rankings; ms: number[] }> {
  const rankings: Rankings = new Map();
  const ms: number[] = [];
  await eachLimit([...needIds.entries()], concurrency, async ([key, id]) => {
    const t0 = performance.now();
    const view = await api.call<MatchesView>('GET', `/needs/${id}/matches?limit=50`, undefined, token);
    ms.push(performance.now() - t0);
    rankings.set(
      key,
      view.items.map((item) => listingKeys.get(item.listing.id) ?? `?${item.listing.id}`),
    );
  });
  return { rankings, ms };
}

/**
 * The engine called in this process on the loaded set: as the application runs it (which must give
 * what the API gave on demand), and with the diagnostic retrieval.
 */
async function rankInProcess(
  databaseUrl: string,
  needIds: ReadonlyMap<string, string>,
  listingKeys: ReadonlyMap<string, string>,
): Promise<{ engine: Rankings; budgetedRetrieval: Rankings }> {
  const dataSource = new DataSource(dataSourceOptions({ databaseUrl }, { applicationName: 'yizhi-bench-matching', poolSize: 2 }));
  await dataSource.initialize();
  try {
    const needs = await dataSource.getRepository(Need).findBy({ id: In([...needIds.values()]) });
    const keyOf = new Map([...needIds.entries()].map(([key, id]) => [id, key]));
    const today = platformDate();
    const engines = {
      engine: new MatchingEngine(new MatchingRepository(dataSource)),
      budgetedRetrieval: new MatchingEngine(new BudgetedRetrievalRepository(dataSource)),
    };
    const out = { engine: new Map() as Rankings, budgetedRetrieval: new Map() as Rankings };
    for (const need of needs)
      for (const name of ['engine', 'budgetedRetrieval'] as const) {
        const matches = await engines[name].listingsForNeed(need, 50, today);
        out[name].set(
          keyOf.get(need.id)!,
          matches.map((m) => listingKeys.get(m.otherId) ?? `?${m.otherId}`),
        );
      }
    return out;
  } finally {
    await dataSource.destroy();
  }
}

export async function runQuality(options: QualityOptions): Promise<QualityRun> {
  const { set, log } = options;
  const timings: Record<string, number> = {};
  const lap = (() => {
    let last = performance.now();
    return (name: string) => {
      const now = performance.now();
      timings[name] = Math.round(now - last) / 1000;
      last = now;
    };
  })();

  const adminEmail = 'admin@bench-matching.example.cn';
  const adminPassword = randomBytes(12).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: options.queuePrefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'warn',
  };

  log(`[bench:matching] quality: fresh database ${new URL(options.databaseUrl).pathname.slice(1)}, Redis prefix ${options.queuePrefix}`);
  await dropDatabase(options.databaseUrl);
  await clearRedisPrefix(options.redisUrl, options.queuePrefix);
  await runNode('dist/apps/api/src/cli/migrate.js', env, options.root);
  await runNode('dist/apps/api/src/cli/seed.js', env, options.root);
  lap('database');

  const port = await freePort();
  const apiProcess = spawnNode('dist/apps/api/src/main.js', [], {
    cwd: options.root,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const worker = spawnNode('dist/apps/worker/src/main.js', [], { cwd: options.root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const db = new pg.Pool({ connectionString: options.databaseUrl, max: 2, application_name: 'yizhi-bench-matching' });
  const queue = new Queue(QueueName.Matching, { connection: redisConnectionOptions(options.redisUrl), prefix: options.queuePrefix });
  try {
    await waitFor200(`${base}/api/v1/health`, apiProcess);
    log(`[bench:matching] API pid ${apiProcess.pid} on port ${port}, worker pid ${worker.pid}`);
    lap('start API and worker');
    const api = new ApiClient(base);

    const institutes = await registerOrganizations(
      api,
      'institute',
      set.listings.map((l) => l.region),
      options.concurrency,
    );
    const enterprises = await registerOrganizations(
      api,
      'enterprise',
      set.needs.map((n) => n.region),
      options.concurrency,
    );
    const admin = (await api.call<{ accessToken: string }>('POST', '/auth/login', { email: adminEmail, password: adminPassword }))
      .accessToken;
    log(`[bench:matching] registered ${institutes.size} institutes and ${enterprises.size} enterprises (one per city)`);
    lap('register organisations');

    const today = platformDate();
    const listingIds = new Map<string, string>();
    const needIds = new Map<string, string>();
    const publish = async (kind: 'listings' | 'needs', token: string, body: object): Promise<string> => {
      const { id } = await api.call<{ id: string }>('POST', `/${kind}`, body, token);
      await api.call('POST', `/${kind}/${id}/submit`, undefined, token);
      await api.call('POST', `/${kind}/${id}/review`, { decision: 'approve' }, admin);
      return id;
    };
    await eachLimit(set.listings, options.concurrency, async (listing) => {
      listingIds.set(
        listing.key,
        await publish('listings', institutes.get(cityOf(listing.region) ?? listing.region)!, listingBody(listing)),
      );
    });
    await eachLimit(set.needs, options.concurrency, async (need) => {
      needIds.set(need.key, await publish('needs', enterprises.get(cityOf(need.region) ?? need.region)!, needBody(need, today)));
    });
    log(`[bench:matching] published ${listingIds.size} listings and ${needIds.size} needs`);
    lap('publish the set');

    const caughtUp = await waitForWorker(db, queue, null, worker);
    log(`[bench:matching] the worker caught up ${caughtUp.seconds} s after the last approval`);
    lap('wait for the worker');

    const listingKeys = new Map([...listingIds.entries()].map(([key, id]) => [id, key]));
    const atPublication = await readRankings(api, admin, needIds, listingKeys, options.concurrency);
    lap('read matches (at publication)');

    // Every need's stored matches past their 24 h lifetime: the next request computes them on demand.
    const agedAt = new Date();
    await db.query(`UPDATE match_state SET computed_at = computed_at - interval '25 hours' WHERE kind = 'need'`);
    const onDemand = await readRankings(api, admin, needIds, listingKeys, 1);
    lap('read matches (on demand)');
    const refreshed = await waitForWorker(db, queue, agedAt, worker);
    log(`[bench:matching] the refresh the on-demand reads queued took ${refreshed.seconds} s more`);
    lap('wait for the refresh');
    const stored = await readRankings(api, admin, needIds, listingKeys, 1);
    lap('read matches (stored)');

    const inProcess = await rankInProcess(options.databaseUrl, needIds, listingKeys);
    lap('rank in process (harness check and diagnostic)');

    const differ = (a: Rankings, b: Rankings) =>
      set.needs.map((n) => n.key).filter((key) => (a.get(key) ?? []).join() !== (b.get(key) ?? []).join());
    return {
      rankings: {
        atPublication: atPublication.rankings,
        onDemand: onDemand.rankings,
        stored: stored.rankings,
        inProcess: inProcess.engine,
        budgetedRetrieval: inProcess.budgetedRetrieval,
      },
      onDemandMismatches: differ(onDemand.rankings, stored.rankings),
      inProcessMismatches: differ(inProcess.engine, onDemand.rankings),
      requests: api.requests,
      timings,
      routeMs: { onDemand: latencySummary(onDemand.ms), stored: latencySummary(stored.ms) },
      workerFailedJobs: refreshed.failed,
      organizations: { institutes: institutes.size, enterprises: enterprises.size },
    };
  } finally {
    await queue.close();
    await db.end();
    await Promise.all([stopChild(apiProcess), stopChild(worker)]);
    await clearRedisPrefix(options.redisUrl, options.queuePrefix);
    if (!options.keepDatabase) await dropDatabase(options.databaseUrl);
  }
}
