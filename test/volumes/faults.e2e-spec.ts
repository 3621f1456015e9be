/**
 * Fault tests of the volume rollups (issue 6, "Fault tests"), with REAL worker processes: the
 * built worker (dist/apps/worker/src/main.js, so `npm run build` first) is started, cut off from
 * Redis, SIGKILLed and restarted by the test, and every case ends with every rollup row of the
 * bases it created compared with the ledger summed independently (helpers.ts), to the fen.
 *
 * The suite has a database and a Redis prefix of its own (test/support/isolated-database.ts):
 * its workers' outbox relay would otherwise dispatch the other suites' ledger events (and theirs
 * its own), its TRUNCATE would empty tables that volumes.e2e-spec asserts on, and its 200,000
 * generated deals would slow every other suite down. The API under test is the in-process test
 * app on that database and prefix.
 *
 *   a. Redis unreachable: 200 deals created, signed and verified through the API while the only
 *      worker points at a closed port; every write succeeds and the outbox keeps every event; a
 *      worker with Redis then brings the rollups to the ledger.
 *   b. Worker killed: a first rebuild job brings 200,000 generated deals into the rollups; a second
 *      is SIGKILLed while its rebuild's INSERT … SELECT runs; the tables stay as they were, to the
 *      computed_at (one transaction); a new worker recovers the stalled job (the volumes processor's
 *      lock lapses after 10 s and stalled jobs are looked for every 5 s) and the rollups end
 *      exact. It holds whichever way round the job runs its rebuild and its reconciliation.
 *   c. Duplicates: the same ledger-changed payload 3 times under different job ids, many
 *      overlapping recomputes at once on two worker processes, a ledger change in the middle.
 *   d. Truncated rollups: md5 of all three tables, TRUNCATE, a rebuild job: identical.
 *
 * Cases b, c and d write the ledger with plain SQL (no outbox event): only the jobs the test adds
 * can bring the rollups to it, so each case fails if the job handlers do nothing.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, type Job } from 'bullmq';
import pg from 'pg';
import { DEFAULT_JOB_OPTIONS, JobName, QueueName, redisConnectionOptions, type LedgerChange } from '#yizhi/core';
import { FIELD_SEEDS } from '#yizhi/fields';
import { listingBody, publish } from '../catalog/helpers.js';
import { dealIn, deals, dealWorld, expectOk } from '../deals/helpers.js';
import { freshBase } from '../leads/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loginAdmin, registerAndLogin, sql, validCreditCode, type Session } from '../support/factories.js';
import { useIsolatedDatabase, useOwnQueuePrefix, type IsolatedDatabase } from '../support/isolated-database.js';
import { requireBuiltWorker, startWorker, stopAllWorkers, type WorkerProcess } from '../support/worker-process.js';
import {
  eventually,
  expectRollupsMatchLedger,
  ledgerCells,
  ledgerCellsGrouped,
  rollupsMatchLedger,
  storedCells,
  storedEnterprises,
  storedMajorResults,
  tableDigests,
  type RollupScope,
} from './helpers.js';

/** Deals generated for the killed rebuild (case b): enough that the rebuild's statements take a while. */
const GENERATED_DEALS = 200_000;
const FIELDS = FIELD_SEEDS.map((f) => f.code);
const CATEGORIES = ['development', 'transfer', 'licence', 'consulting', 'service'];

/** Runs `work(0..count-1)` with at most `width` at a time. */
async function inPool(count: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

const pendingLedgerEvents = async () =>
  (
    await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_message WHERE queue = 'volumes' AND job_name = 'ledger-changed' AND dispatched_at IS NULL`,
    )
  )[0].n;

/** The outbox rows about a base: how many, still pending, and tried at least once. */
async function eventsOf(baseId: string): Promise<{ total: number; pending: number; attempted: number; lastError: string | null }> {
  const [row] = await sql<{ total: number; pending: number; attempted: number; lastError: string | null }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE dispatched_at IS NULL)::int AS pending,
            count(*) FILTER (WHERE attempts > 0)::int AS attempted, max(last_error) AS "lastError"
       FROM outbox_message
      WHERE queue = 'volumes' AND EXISTS (SELECT 1 FROM jsonb_array_elements(payload->'cells') c WHERE c->>'baseId' = $1)`,
    [baseId],
  );
  return row;
}

const rebuiltAt = async () =>
  (await sql<{ at: string | null }>(`SELECT rebuilt_at::text AS at FROM volume_watermark WHERE id = 1`))[0]?.at ?? null;

/** Organisations made with SQL: an institute and `buyers` enterprises, a quarter of them outside Chongqing. */
async function organisations(buyers: number): Promise<{ sellerId: string; buyerIds: string[] }> {
  const codes = Array.from({ length: buyers + 1 }, (_, i) => validCreditCode(i === 0 ? '12' : '91'));
  const rows = await sql<{ id: string; kind: string }>(
    `INSERT INTO organization (name, kind, credit_code, region, status)
     SELECT CASE WHEN i = 0 THEN '重庆故障测试研究院' ELSE '重庆故障测试企业' || i || '有限公司' END || $2::text,
            CASE WHEN i = 0 THEN 'institute' ELSE 'enterprise' END::organization_kind,
            code, CASE WHEN i % 4 = 3 THEN '四川省成都市' ELSE '重庆市渝北区' END, 'verified'
       FROM unnest($1::text[]) WITH ORDINALITY AS c(code, ord), LATERAL (SELECT (ord - 1)::int AS i) n
     RETURNING id::text AS id, kind::text AS kind`,
    [codes, randomUUID().slice(0, 6)],
  );
  return { sellerId: rows.find((r) => r.kind === 'institute')!.id, buyerIds: rows.filter((r) => r.kind === 'enterprise').map((r) => r.id) };
}

interface Ledger {
  baseId: string;
  sellerId: string;
  buyerIds: string[];
  listingIds: string[];
  creatorId: string;
}

/**
 * `count` deals of the base with plain SQL (no outbox event), over the program's 60 months: 80 %
 * counting (verified; signed, registered or completed), the rest unverified, draft, or verified
 * then cancelled; every 997th a transfer of one of the listings. Then payments for a tenth of
 * them, adjustments for one in a hundred and service records.
 */
async function generateLedger(l: Ledger, count: number, firstMonth = '2021-06-01', months = 60): Promise<void> {
  await sql(
    `INSERT INTO deal (base_id, seller_organization_id, buyer_organization_id, title, listing_id, category, field, contract_amount,
                       tech_transaction_amount, signed_at, status, verification, verification_reason, verified_at, created_by_id)
     SELECT $1, $2, ($3::uuid[])[1 + n % cardinality($3::uuid[])], '故障测试技术合同',
            CASE WHEN n % 997 = 0 THEN ($4::uuid[])[1 + (n / 997) % cardinality($4::uuid[])] END,
            (CASE WHEN n % 997 = 0 THEN 'transfer' ELSE ($5::text[])[1 + n % 5] END)::deal_category,
            ($6::text[])[1 + (n / 5) % cardinality($6::text[])],
            amount, amount * (60 + n % 41) / 100,
            $7::date + ((n * 7919) % ($8::int * 30)),
            (CASE WHEN n % 20 < 16 THEN (ARRAY['signed', 'registered', 'completed'])[1 + n % 3]
                  WHEN n % 20 < 18 THEN 'signed' WHEN n % 20 = 18 THEN 'draft' ELSE 'cancelled' END)::deal_status,
            (CASE WHEN n % 20 < 16 OR n % 20 = 19 THEN 'verified' ELSE 'unverified' END)::deal_verification,
            CASE WHEN n % 20 < 16 OR n % 20 = 19 THEN '核验通过' END,
            CASE WHEN n % 20 < 16 OR n % 20 = 19 THEN now() END,
            $9
       FROM generate_series(1, $10::int) n, LATERAL (SELECT (5000000 + (n * 7919) % 495000000)::bigint + n % 100 AS amount) a`,
    [l.baseId, l.sellerId, l.buyerIds, l.listingIds, CATEGORIES, FIELDS, firstMonth, months, l.creatorId, count],
  );
  await sql(
    `INSERT INTO deal_payment (deal_id, amount, received_at, created_by_id)
     SELECT id, contract_amount / 3 + 1, signed_at + (hashtext(id::text) & 2147483647) % 90, $2
       FROM deal WHERE base_id = $1 AND (hashtext(id::text) & 2147483647) % 10 = 0`,
    [l.baseId, l.creatorId],
  );
  await sql(
    `INSERT INTO deal_adjustment (deal_id, field, decrease, amount, reason, effective_on, created_by_id)
     SELECT id, (ARRAY['contractAmount', 'techTransactionAmount', 'receivedAmount'])[1 + h % 3]::deal_adjusted_amount,
            h % 2 = 0, 1000 + h % 100000, '补充协议调整', signed_at + 20 + h % 200, $2
       FROM deal, LATERAL (SELECT hashtext(id::text || 'a') & 2147483647 AS h) x
      WHERE base_id = $1 AND h % 100 = 1`,
    [l.baseId, l.creatorId],
  );
  await sql(
    `INSERT INTO service_record (base_id, enterprise_organization_id, kind, served_at, note, created_by_id)
     SELECT $1, ($2::uuid[])[1 + i % cardinality($2::uuid[])], 'consulting', $3::date + (i * 37) % ($4::int * 30), '技术需求诊断', $5
       FROM generate_series(1, greatest(10, $6::int / 100)) i`,
    [l.baseId, l.buyerIds, firstMonth, months, l.creatorId, count],
  );
  await sql('ANALYZE deal, deal_payment, deal_adjustment, service_record, organization');
}

describe('volumes under faults (real worker processes)', () => {
  let db: IsolatedDatabase | undefined;
  let prefix: string;
  let t: TestApp;
  let admin: Session;
  let queue: Queue;
  /** The worker of the moment; case b kills it, case c adds a second. */
  let worker: WorkerProcess | undefined;
  const scopes: Record<'a' | 'b' | 'c', RollupScope> = { a: { baseIds: [] }, b: { baseIds: [] }, c: { baseIds: [] } };
  let institute: Session;

  /** Waits until these jobs have all finished; the jobs, or an error naming the unfinished and the workers' output. */
  async function finished(ids: readonly string[], ms: number): Promise<Job[]> {
    const until = Date.now() + ms;
    for (;;) {
      const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
      if (states.every((s) => s === 'completed' || s === 'failed')) return Promise.all(ids.map(async (id) => (await queue.getJob(id))!));
      if (Date.now() > until) {
        const open = ids.map((id, i) => `${id}: ${states[i]}`).filter((line) => !/completed|failed/.test(line));
        throw new Error(`jobs not finished within ${ms} ms: ${open.slice(0, 5).join(', ')}\nworker output:\n${worker?.output()}`);
      }
      await sleep(250);
    }
  }

  /** Waits until the volumes queue has nothing waiting or running (delayed jobs are the schedulers' next runs). */
  async function idle(ms = 60_000): Promise<void> {
    const counts = await eventually(
      () => queue.getJobCounts('waiting', 'active', 'prioritized'),
      (c) => Object.values(c).every((n) => n === 0),
      ms,
    );
    if (Object.values(counts).some((n) => n > 0))
      throw new Error(`the volumes queue is still busy after ${ms} ms: ${JSON.stringify(counts)}`);
  }

  async function runningWorker(name: string): Promise<WorkerProcess> {
    if (!worker || worker.exited()) {
      worker = startWorker(name);
      await worker.ready();
    }
    return worker;
  }

  beforeAll(async () => {
    requireBuiltWorker();
    db = await useIsolatedDatabase('faults');
    prefix = useOwnQueuePrefix('faults');
    t = await createTestApp();
    admin = await loginAdmin(t);
    institute = await registerAndLogin(t, 'institute');
    queue = new Queue(QueueName.Volumes, {
      connection: redisConnectionOptions(process.env.REDIS_URL!),
      prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    queue.on('error', () => undefined);
  }, 120_000);

  afterAll(async () => {
    await stopAllWorkers(3_000);
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await t?.close();
    await db?.drop();
  }, 60_000);

  it('a. Redis unreachable: 200 deals verified through the API; the outbox keeps every event; a worker with Redis brings the rollups to the ledger', async () => {
    const w = await dealWorld(t, admin);
    scopes.a.baseIds.push(w.baseId);
    const scope = scopes.a;
    const pendingBefore = await pendingLedgerEvents();
    // The only worker, pointed at a closed port: its outbox relay claims the rows and fails to add them.
    const cut = startWorker('no-redis', { REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'warn' });
    try {
      const api = deals(t);
      await inPool(200, 6, async (i) => {
        const contract = 100_000 + i * 1_373;
        const deal = await dealIn(t, w, 'signed', {
          signedAt: `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
          field: FIELDS[i % 5],
          category: CATEGORIES[i % CATEGORIES.length],
          contractAmount: `${contract}.${String(i % 100).padStart(2, '0')}`,
          techTransactionAmount: `${Math.floor(contract * 0.8)}.${String((i * 7) % 100).padStart(2, '0')}`,
        });
        await expectOk(api.verify(admin, deal.id, { decision: 'verified', reason: '核验通过' }));
      });
      // Every write succeeded (expectOk above); every event is still in the outbox, none dispatched.
      const pendingAfter = await pendingLedgerEvents();
      expect(pendingAfter - pendingBefore).toBeGreaterThanOrEqual(200);
      const events = await eventually(
        () => eventsOf(w.baseId),
        (e) => e.attempted > 0,
        30_000,
      );
      expect({ total: events.total >= 600, pending: events.pending }).toEqual({ total: true, pending: events.total });
      // The relay did try, and recorded why it could not.
      expect(events.attempted).toBeGreaterThan(0);
      expect(events.lastError).toMatch(/Redis/);
      expect(cut.exited()).toBe(false);
      expect(await storedCells(scope)).toEqual([]);
    } finally {
      await cut.kill('SIGKILL');
    }

    // Redis is back for the workers: the rollups converge to the ledger (the rows' retry delays run out first).
    await runningWorker('a');
    const converged = await eventually(
      () => rollupsMatchLedger(scope),
      (same) => same,
      90_000,
    );
    expect({ converged, output: converged ? '' : worker!.output() }).toEqual({ converged: true, output: '' });
    // Every event is dispatched in the end (some wait out their retry delay after the rollups already match) and handled.
    const relayed = await eventually(
      () => eventsOf(w.baseId),
      (e) => e.pending === 0,
      60_000,
    );
    expect(relayed.pending).toBe(0);
    await idle();
    const counted = await sql<{ n: number }>(`SELECT sum(deal_count)::int AS n FROM volume_cell WHERE base_id = $1`, [w.baseId]);
    expect(counted[0].n).toBe(200);
    await expectRollupsMatchLedger(scope);
  }, 180_000);

  it('b. Worker killed: a rebuild SIGKILLed mid-statement leaves the tables as they were; a new worker recovers the job and the rollups end exact', async () => {
    const base = await freshBase(t, admin);
    scopes.b.baseIds.push(base.id);
    const scope = scopes.b;
    const majors = await Promise.all([0, 1].map(() => publish(t, 'listing', institute, admin, listingBody(), { major: true })));
    const { sellerId, buyerIds } = await organisations(40);
    const t0 = Date.now();
    await generateLedger(
      { baseId: base.id, sellerId, buyerIds, listingIds: majors.map((m) => m.id), creatorId: admin.userId },
      GENERATED_DEALS,
    );
    const generatedMs = Date.now() - t0;
    // No events came with the generated ledger: the rollups know nothing of it.
    expect(await storedCells(scope)).toEqual([]);

    const victim = await runningWorker('b-victim');
    await idle();
    // A first rebuild job, to completion: the rollups now hold the generated ledger (every row written at one computed_at).
    const first = await queue.add(JobName.RebuildVolumes, {}, { jobId: `faults-rebuild-${randomUUID()}` });
    const [firstDone] = await finished([first.id!], 120_000);
    expect({ state: await firstDone.getState(), failedReason: firstDone.failedReason }).toEqual({
      state: 'completed',
      failedReason: undefined,
    });
    await expectRollupsMatchLedger(scope, { cells: 'grouped' });
    const old = await tableDigests(true);
    const oldRows = await tableDigests();
    const rebuilt0 = await rebuiltAt();

    // A second one, SIGKILLed while its rebuild's INSERT … SELECT of volume_cell or volume_enterprise runs, after the TRUNCATE of
    // the same transaction (a recompute's statements start with WITH, and the major results' INSERT is a recompute's too).
    const watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await watcher.connect();
    const job = await queue.add(JobName.RebuildVolumes, {}, { jobId: `faults-rebuild-${randomUUID()}` });
    let seen: { pid: number; query: string }[] = [];
    try {
      const until = Date.now() + 60_000;
      while (!seen.length && Date.now() < until && !victim.exited()) {
        ({ rows: seen } = await watcher.query<{ pid: number; query: string }>(
          `SELECT pid, left(query, 40) AS query FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'yizhi-worker' AND state = 'active'
              AND (query LIKE 'INSERT INTO volume\\_cell %' OR query LIKE 'INSERT INTO volume\\_enterprise %')`,
        ));
        if (!seen.length) await sleep(5);
      }
      await victim.kill('SIGKILL');
    } finally {
      await watcher.end();
    }
    expect({ midRebuild: seen.length, output: seen.length ? '' : victim.output() }).toEqual({ midRebuild: 1, output: '' });
    expect(await queue.getJobState(job.id!)).toBe('active');

    // One transaction: its TRUNCATE and inserts went with it. The tables are the old ones, row for row and computed_at for
    // computed_at (the reads wait for the orphaned backend to notice its client is gone and roll back).
    expect(await tableDigests(true)).toEqual(old);
    expect(await rebuiltAt()).toBe(rebuilt0);

    // A new worker: BullMQ's stalled-job check puts the job back (within about 15 s: see the volumes processor) and it runs again.
    const recovering = Date.now();
    worker = undefined;
    await runningWorker('b-replacement');
    const [done] = await finished([job.id!], 120_000);
    const recoveredMs = Date.now() - recovering;
    expect({ state: await done.getState(), failedReason: done.failedReason }).toEqual({ state: 'completed', failedReason: undefined });
    expect(done.stalledCounter).toBeGreaterThanOrEqual(1);
    expect(await rebuiltAt()).not.toBe(rebuilt0);
    // Rewritten by the recovered job (new computed_at), to the same rows.
    expect((await tableDigests(true)).cells.md5).not.toBe(old.cells.md5);
    expect(await tableDigests()).toEqual(oldRows);
    expect(await storedMajorResults(scope)).not.toHaveLength(0);
    await expectRollupsMatchLedger(scope, { cells: 'grouped' });
    console.info(
      `faults b: ${GENERATED_DEALS} deals generated in ${generatedMs} ms; the killed job ran again ${recoveredMs} ms after the new worker was started`,
    );
  }, 240_000);

  it('c. Duplicates: one payload 3 times, overlapping recomputes on two worker processes, a ledger change midway: totals exact', async () => {
    const base = await freshBase(t, admin);
    scopes.c.baseIds.push(base.id);
    const scope = scopes.c;
    const major = await publish(t, 'listing', institute, admin, listingBody(), { major: true });
    const { sellerId, buyerIds } = await organisations(12);
    await generateLedger({ baseId: base.id, sellerId, buyerIds, listingIds: [major.id], creatorId: admin.userId }, 1_500, '2025-01-01', 12);
    await runningWorker('c-1');
    const second = startWorker('c-2');
    await second.ready();

    // Every base month the ledger of the base has (signings, payments, adjustments, services).
    const cells = (
      await sql<{ month: string }>(
        `SELECT DISTINCT to_char(day, 'YYYY-MM') AS month FROM (
           SELECT signed_at AS day FROM deal WHERE base_id = $1
           UNION ALL SELECT p.received_at FROM deal_payment p JOIN deal d ON d.id = p.deal_id WHERE d.base_id = $1
           UNION ALL SELECT a.effective_on FROM deal_adjustment a JOIN deal d ON d.id = a.deal_id WHERE d.base_id = $1
           UNION ALL SELECT served_at FROM service_record WHERE base_id = $1) x ORDER BY 1`,
        [base.id],
      )
    ).map(({ month }) => ({ baseId: base.id, month }));
    const dealIds = (await sql<{ id: string }>(`SELECT id::text AS id FROM deal WHERE base_id = $1 ORDER BY id LIMIT 60`, [base.id])).map(
      (r) => r.id,
    );
    const majorDeals = (await sql<{ id: string }>(`SELECT id::text AS id FROM deal WHERE listing_id = $1`, [major.id])).map((r) => r.id);
    const change = (id: string, cellsOf: typeof cells, ids: string[]): LedgerChange => ({
      entity: 'deal',
      id,
      action: 'verify',
      cells: cellsOf,
      dealIds: ids,
    });
    const whole = change(dealIds[0], cells, [...dealIds, ...majorDeals]);
    const perMonth = cells.map((cell, i) => change(dealIds[i % dealIds.length], [cell], dealIds.slice((i * 4) % 56, ((i * 4) % 56) + 4)));
    // The same payload three times under three job ids, and each month's three times, shuffled.
    const first = [whole, whole, whole, ...perMonth, ...perMonth, ...perMonth]
      .map((payload) => ({ payload, order: Math.random() }))
      .sort((a, b) => a.order - b.order)
      .map(({ payload }) => ({ name: JobName.LedgerChanged, data: payload, opts: { jobId: `faults-dup-${randomUUID()}` } }));
    const added = await queue.addBulk(first);

    // Meanwhile the ledger moves (plain SQL again): some deals cancelled, some paid; their events follow, three times.
    const moved = await sql<{ id: string; month: string }>(
      `WITH c AS (UPDATE deal SET status = 'cancelled', updated_at = now()
                   WHERE id IN (SELECT id FROM deal WHERE base_id = $1 AND status = 'signed' AND verification = 'verified' ORDER BY id LIMIT 150)
                   RETURNING id, signed_at)
       SELECT id::text AS id, to_char(signed_at, 'YYYY-MM') AS month FROM c`,
      [base.id],
    );
    const paid = await sql<{ id: string; month: string }>(
      `INSERT INTO deal_payment (deal_id, amount, received_at, created_by_id)
       SELECT id, 12345, signed_at + 3, $2 FROM deal WHERE base_id = $1 AND status = 'completed' AND verification = 'verified' ORDER BY id LIMIT 150
       RETURNING deal_id::text AS id, to_char(received_at, 'YYYY-MM') AS month`,
      [base.id, admin.userId],
    );
    const touched = [...new Set([...moved, ...paid].map((r) => r.month))].map((month) => ({ baseId: base.id, month }));
    const later = change(
      moved[0].id,
      touched,
      [...moved, ...paid].map((r) => r.id),
    );
    const added2 = await queue.addBulk(
      [later, later, later].map((payload) => ({
        name: JobName.LedgerChanged,
        data: payload,
        opts: { jobId: `faults-dup-${randomUUID()}` },
      })),
    );

    const jobs = await finished(
      [...added, ...added2].map((j) => j.id!),
      120_000,
    );
    const outcomes = await Promise.all(jobs.map(async (j) => ({ state: await j.getState(), failures: j.stacktrace?.length ?? 0 })));
    expect(outcomes.filter((o) => o.state !== 'completed' || o.failures > 0)).toEqual([]);
    expect(jobs).toHaveLength(3 + 3 * cells.length + 3);
    // Both workers took jobs at the same time: some jobs' runs overlap.
    const spans = jobs.map((j) => [j.processedOn!, j.finishedOn!] as const).sort((x, y) => x[0] - y[0]);
    expect(spans.some(([start], i) => i > 0 && start < spans[i - 1][1])).toBe(true);
    expect(second.exited()).toBe(false);

    expect(await ledgerCellsGrouped(scope)).toEqual(await ledgerCells(scope));
    expect(await storedEnterprises(scope)).not.toHaveLength(0);
    await expectRollupsMatchLedger(scope);
  }, 180_000);

  it('d. Truncated rollups: a rebuild job after a TRUNCATE gives tables identical by md5', async () => {
    await runningWorker('d');
    await idle();
    const before = await tableDigests();
    expect(before.cells.rows).toBeGreaterThan(0);
    expect(before.enterprises.rows).toBeGreaterThan(0);
    expect(before.majorResults.rows).toBeGreaterThan(0);

    await sql('TRUNCATE volume_cell, volume_enterprise, volume_major_result');
    expect((await tableDigests()).cells.rows).toBe(0);
    const job = await queue.add(JobName.RebuildVolumes, {}, { jobId: `faults-rebuild-${randomUUID()}` });
    const [done] = await finished([job.id!], 90_000);
    expect({ state: await done.getState(), failedReason: done.failedReason }).toEqual({ state: 'completed', failedReason: undefined });

    expect(await tableDigests()).toEqual(before);
    const all = { baseIds: [...scopes.a.baseIds, ...scopes.b.baseIds, ...scopes.c.baseIds] };
    await expectRollupsMatchLedger(all, { cells: 'grouped' });
  }, 120_000);
});
