/**
 * The volume rollups end to end: the real API writes the ledger, the real worker (outbox relay,
 * BullMQ, the volumes jobs) keeps volume_cell, volume_enterprise and volume_major_result, and every
 * figure is checked against the ledger summed independently (helpers.ts). One file on purpose: the
 * rebuild test truncates the tables and the reconciliation test tampers with them, which would
 * race with another file's assertions on them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueEvents, type Queue } from 'bullmq';
import { JobName, QueueName, redisConnectionOptions } from '#yizhi/core';
import { VolumesService, type VolumeDifference } from '#yizhi/volumes';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { auditTrail, listingBody, publish, today } from '../catalog/helpers.js';
import { dealIn, deals, dealWorld, expectOk, type Body, type DealWorld } from '../deals/helpers.js';
import { auth, freshBase, registerIn } from '../leads/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOperator, loginAdmin, sql, type Session } from '../support/factories.js';
import {
  eventually,
  expectRollupsMatchLedger,
  ledgerCells,
  rollupDigest,
  settle,
  storedCells,
  storedEnterprises,
  storedMajorResults,
  type CellRow,
  type RollupScope,
} from './helpers.js';

/** The dealBody defaults (1,500,000.00 contract, 1,200,000.00 technology) in fen. */
const CONTRACT = '150000000';
const TECH = '120000000';
const THIS_MONTH = today().slice(0, 7);
/** A month of this run alone, long past, to close: other suites close months of 2001–2018. */
const CLOSED = `199${Math.floor(Math.random() * 10)}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`;

const cell = (baseId: string, month: string, figures: Partial<CellRow> = {}): CellRow => ({
  baseId,
  month,
  field: 'ic',
  category: 'licence',
  dealCount: 0,
  contractFen: '0',
  techFen: '0',
  receivedFen: '0',
  ...figures,
});

describe('volumes', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let volumes: VolumesService;
  let queue: Queue;
  let admin: Session;
  /** Every base this file creates: the scope of the whole-table checks. */
  const mine: RollupScope = { baseIds: [] };

  const api = () => deals(t);
  const world = async (): Promise<DealWorld> => {
    const created = await dealWorld(t, admin);
    mine.baseIds.push(created.baseId);
    return created;
  };
  const verify = (id: string) => expectOk(api().verify(admin, id, { decision: 'verified', reason: '核验通过' }));
  /** A deal moved to `status` and verified: one that counts. */
  const counting = async (w: DealWorld, status: string, overrides: Body = {}) => {
    const deal = await dealIn(t, w, status, overrides);
    return (await verify(deal.id)).body as Body & { id: string };
  };
  const scopeOf = (...worlds: { baseId: string }[]): RollupScope => ({ baseIds: worlds.map((w) => w.baseId) });

  beforeAll(async () => {
    t = await createTestApp();
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    volumes = worker.get(VolumesService);
    queue = worker.get<Queue>(getQueueToken(QueueName.Volumes), { strict: false });
    admin = await loginAdmin(t);
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  describe('what counts', () => {
    it('counts verified signed, registered and completed deals, at their recorded amounts, in their signing month', async () => {
      const w = await world();
      await counting(w, 'signed', { signedAt: '2024-03-05' });
      await counting(w, 'completed', { signedAt: '2024-03-12' });
      await counting(w, 'registered', {
        signedAt: '2024-03-10',
        field: 'ai',
        category: 'development',
        contractAmount: '800000.00',
        techTransactionAmount: '500000.50',
      });
      // None of these counts: unverified, rejected, draft, and verified then cancelled.
      await dealIn(t, w, 'signed', { signedAt: '2024-03-15' });
      const rejected = await dealIn(t, w, 'signed', { signedAt: '2024-03-16' });
      await expectOk(api().verify(admin, rejected.id, { decision: 'rejected', reason: '材料不全' }));
      await dealIn(t, w, 'draft', { signedAt: '2024-03-17' });
      const cancelled = await counting(w, 'registered', { signedAt: '2024-03-18' });
      await expectOk(api().transition(w.operator, cancelled.id, 'cancelled'));

      await settle(queue, scopeOf(w));
      await volumes.recompute([{ baseId: w.baseId, month: '2024-03' }], []);

      expect(await storedCells(scopeOf(w))).toEqual([
        cell(w.baseId, '2024-03', { field: 'ai', category: 'development', dealCount: 1, contractFen: '80000000', techFen: '50000050' }),
        cell(w.baseId, '2024-03', { dealCount: 2, contractFen: '300000000', techFen: '240000000' }),
      ]);
      await expectRollupsMatchLedger(scopeOf(w));
    }, 120_000);

    it('puts payments in the month received and adjustments in the month they take effect', async () => {
      const w = await world();
      const deal = await counting(w, 'signed', { signedAt: '2024-01-20' });
      await expectOk(api().pay(w.operator, deal.id, { amount: '200000.00', receivedAt: '2024-02-03' }), 201);
      await expectOk(api().pay(w.operator, deal.id, { amount: '100000.00', receivedAt: '2024-01-25' }), 201);
      await expectOk(api().adjust(w.operator, deal.id, { field: 'contractAmount', delta: '-10000.00', reason: '补充协议核减设备费' }), 201);
      await expectOk(api().adjust(w.operator, deal.id, { field: 'receivedAmount', delta: '+500', reason: '补记到账' }), 201);

      await settle(queue, scopeOf(w));
      // The deal alone: the recompute finds its months (signing, payments, adjustments) itself.
      const { cells } = await volumes.recompute([], [deal.id]);
      expect(cells).toEqual([
        { baseId: w.baseId, month: '2024-01' },
        { baseId: w.baseId, month: '2024-02' },
        { baseId: w.baseId, month: THIS_MONTH },
      ]);

      expect(await storedCells(scopeOf(w))).toEqual([
        cell(w.baseId, '2024-01', { dealCount: 1, contractFen: CONTRACT, techFen: TECH, receivedFen: '10000000' }),
        cell(w.baseId, '2024-02', { receivedFen: '20000000' }),
        cell(w.baseId, THIS_MONTH, { contractFen: '-1000000', receivedFen: '50000' }),
      ]);
      await expectRollupsMatchLedger(scopeOf(w));
    }, 120_000);

    it('leaves a closed month as it was reported: an adjustment to one of its deals lands in the open month', async () => {
      const w = await world();
      const deal = await counting(w, 'signed', { signedAt: `${CLOSED}-15` });
      await settle(queue, scopeOf(w));
      const reported = (await storedCells(scopeOf(w))).filter((c) => c.month === CLOSED);
      expect(reported).toEqual([cell(w.baseId, CLOSED, { dealCount: 1, contractFen: CONTRACT, techFen: TECH })]);

      await expectOk(t.http().post(`/api/v1/periods/${CLOSED}/close`).set(auth(admin)));
      await expectOk(api().adjust(w.operator, deal.id, { field: 'techTransactionAmount', delta: '-20000.00', reason: '核减材料费' }), 201);
      await settle(queue, scopeOf(w));
      await volumes.recompute([{ baseId: w.baseId, month: CLOSED }], [deal.id]);

      expect(await storedCells(scopeOf(w))).toEqual([...reported, cell(w.baseId, THIS_MONTH, { techFen: '-2000000' })]);
      await expectRollupsMatchLedger(scopeOf(w));
    }, 120_000);
  });

  describe('enterprises served', () => {
    it('counts an enterprise served by two bases once overall and once for each base', async () => {
      const w = await world();
      const other = await freshBase(t, admin);
      mine.baseIds.push(other.id);
      const otherOperator = await createOperator(t, admin, other.id);
      const serve = (operator: Session, baseId: string, servedAt: string) =>
        expectOk(
          t
            .http()
            .post('/api/v1/service-records')
            .set(auth(operator))
            .send({ baseId, enterpriseOrgId: w.buyer.organizationId, kind: 'consulting', servedAt, note: '技术需求诊断' }),
          201,
        );
      await serve(w.operator, w.baseId, '2024-04-02');
      await serve(otherOperator, other.id, '2024-04-20');
      // The same enterprise as the buyer of a counting deal at the first base, and of one that does not count at the second.
      await counting(w, 'signed', { signedAt: '2024-05-10' });
      await dealIn(t, { ...w, baseId: other.id, operator: otherOperator, colleague: otherOperator }, 'signed', { signedAt: '2024-06-10' });
      const [{ code }] = await sql<{ code: string }>('SELECT credit_code AS code FROM organization WHERE id = $1', [
        w.buyer.organizationId,
      ]);

      const scope = { baseIds: [w.baseId, other.id] };
      await settle(queue, scope);
      await volumes.recompute(
        [
          { baseId: w.baseId, month: '2024-04' },
          { baseId: w.baseId, month: '2024-05' },
          { baseId: other.id, month: '2024-04' },
        ],
        [],
      );

      const expected = [
        { baseId: w.baseId, month: '2024-04', creditCode: code },
        { baseId: w.baseId, month: '2024-05', creditCode: code },
        { baseId: other.id, month: '2024-04', creditCode: code },
      ].sort((a, b) => `${a.baseId}${a.month}`.localeCompare(`${b.baseId}${b.month}`));
      expect(await storedEnterprises(scope)).toEqual(expected);
      const [counts] = await sql<{ overall: number; first: number; second: number }>(
        `SELECT count(DISTINCT credit_code)::int AS overall,
                count(DISTINCT credit_code) FILTER (WHERE base_id = $2)::int AS first,
                count(DISTINCT credit_code) FILTER (WHERE base_id = $3)::int AS second
           FROM volume_enterprise WHERE base_id = ANY($1::uuid[])`,
        [scope.baseIds, w.baseId, other.id],
      );
      expect(counts).toEqual({ overall: 1, first: 1, second: 1 });
      // Overall, across every base of the platform, the code is one enterprise.
      const [{ overall }] = await sql<{ overall: number }>(
        'SELECT count(*)::int AS overall FROM (SELECT DISTINCT credit_code FROM volume_enterprise WHERE credit_code = $1) c',
        [code],
      );
      expect(overall).toBe(1);
      await expectRollupsMatchLedger(scope);
    }, 120_000);
  });

  describe('major results', () => {
    it('counts a major listing once, for its earliest verified transfer or licence to a Chongqing buyer', async () => {
      const w = await world();
      const major = await publish(t, 'listing', w.seller, admin, listingBody(), { major: true });
      const ordinary = await publish(t, 'listing', w.seller, admin, listingBody());
      const sichuan = await registerIn(t, 'enterprise', '四川省成都市');
      const later = await counting(w, 'signed', { listingId: major.id, category: 'transfer', signedAt: '2024-07-20' });
      await settle(queue, scopeOf(w));
      expect(await storedMajorResults(scopeOf(w))).toEqual([{ listingId: major.id, baseId: w.baseId, month: '2024-07', dealId: later.id }]);

      const earliest = await counting(w, 'registered', { listingId: major.id, category: 'licence', signedAt: '2024-07-02' });
      // None of these qualifies: a development contract, a buyer in Sichuan, an unverified deal, a listing not major.
      await counting(w, 'signed', { listingId: major.id, category: 'development', signedAt: '2024-06-01' });
      await counting(w, 'signed', {
        listingId: major.id,
        category: 'transfer',
        signedAt: '2024-05-01',
        buyerOrgId: sichuan.organizationId,
      });
      await dealIn(t, w, 'signed', { listingId: major.id, category: 'transfer', signedAt: '2024-04-01' });
      await counting(w, 'signed', { listingId: ordinary.id, category: 'transfer', signedAt: '2024-04-02' });
      await settle(queue, scopeOf(w));
      await volumes.recompute([], [earliest.id]);

      expect(await storedMajorResults(scopeOf(w))).toEqual([
        { listingId: major.id, baseId: w.baseId, month: '2024-07', dealId: earliest.id },
      ]);
      await expectRollupsMatchLedger(scopeOf(w));
    }, 120_000);

    it('follows a deal moved off its major listing through the event alone (it names the listing before and after)', async () => {
      const w = await world();
      const major = await publish(t, 'listing', w.seller, admin, listingBody(), { major: true });
      const deal = await dealIn(t, w, 'draft', { listingId: major.id, category: 'transfer', signedAt: '2024-09-09' });
      await expectOk(api().transition(w.operator, deal.id, 'signed'));
      const verified = (await verify(deal.id)).body as Body & { version: number };
      await settle(queue, scopeOf(w));
      expect(await storedMajorResults(scopeOf(w))).toEqual([{ listingId: major.id, baseId: w.baseId, month: '2024-09', dealId: deal.id }]);

      // The deal no longer names the listing: only the event's listingIds can say which listing to look at again.
      await expectOk(api().patch(w.operator, deal.id, { listingId: null }, verified.version));
      await settle(queue, scopeOf(w));
      expect(await storedMajorResults(scopeOf(w))).toEqual([]);
      await expectRollupsMatchLedger(scopeOf(w));
    }, 120_000);
  });

  describe('recomputing', () => {
    it('gives the same rows however often it runs, and when several run at once', async () => {
      await Promise.all(mine.baseIds.map((baseId) => settle(queue, { baseIds: [baseId] })));
      const cells = (await ledgerCells(mine)).map((c) => ({ baseId: c.baseId, month: c.month }));
      const deals = await sql<{ id: string; baseId: string }>(
        'SELECT id::text AS id, base_id::text AS "baseId" FROM deal WHERE base_id = ANY($1::uuid[]) ORDER BY id',
        [mine.baseIds],
      );
      const dealIds = deals.map((r) => r.id);
      const dealIdsOf = new Map<string, string[]>();
      for (const deal of deals) dealIdsOf.set(deal.baseId, [...(dealIdsOf.get(deal.baseId) ?? []), deal.id]);
      await volumes.recompute(cells, dealIds);
      const digest = await rollupDigest(mine);
      await expectRollupsMatchLedger(mine);

      for (let run = 0; run < 3; run++) {
        await volumes.recompute(cells, dealIds);
        expect(await rollupDigest(mine)).toEqual(digest);
      }
      for (let round = 0; round < 3; round++) {
        // Overlapping cells in different orders, and every one rewriting the major results.
        await Promise.all([
          volumes.recompute(cells, dealIds),
          volumes.recompute([...cells].reverse(), [...dealIds].reverse()),
          volumes.recompute(cells.slice(0, Math.ceil(cells.length / 2)), dealIds.slice(0, 3)),
          volumes.recompute([], dealIds.slice(-3)),
        ]);
        expect(await rollupDigest(mine)).toEqual(digest);
      }
      // Disjoint cells (one base each) run side by side; each still rewrites the major results.
      const perBase = mine.baseIds.map((baseId) => ({
        cells: cells.filter((c) => c.baseId === baseId),
        dealIds: dealIdsOf.get(baseId) ?? [],
      }));
      for (let round = 0; round < 5; round++) {
        await Promise.all(perBase.map((job) => volumes.recompute(job.cells, job.dealIds)));
        expect(await rollupDigest(mine)).toEqual(digest);
      }
      await expectRollupsMatchLedger(mine);
    }, 120_000);
  });

  describe('rebuilding', () => {
    it('rebuilds, after a TRUNCATE, exactly the rows the recomputes kept, reporting progress', async () => {
      await Promise.all(mine.baseIds.map((baseId) => settle(queue, { baseIds: [baseId] })));
      await expectRollupsMatchLedger(mine);
      const kept = await rollupDigest(mine);

      await sql('TRUNCATE volume_cell, volume_enterprise, volume_major_result');
      expect(await storedCells(mine)).toEqual([]);
      const progress: [number, number][] = [];
      const rebuilt = await volumes.rebuild((done, total) => void progress.push([done, total]));

      expect(await rollupDigest(mine)).toEqual(kept);
      await expectRollupsMatchLedger(mine);
      expect(rebuilt.cells).toBeGreaterThanOrEqual((await storedCells(mine)).length);
      expect(progress).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
    }, 120_000);

    it('runs the nightly job through the worker: rebuild, then reconcile, with its progress at 100', async () => {
      const events = new QueueEvents(QueueName.Volumes, {
        connection: redisConnectionOptions(process.env.REDIS_URL!),
        prefix: process.env.QUEUE_PREFIX,
      });
      try {
        await events.waitUntilReady();
        const before = await rollupDigest(mine);
        const job = await queue.add(JobName.RebuildVolumes, {});
        const result = (await job.waitUntilFinished(events, 60_000)) as { cells: number; differences: number };
        expect(result.cells).toBeGreaterThan(0);
        expect((await queue.getJob(job.id!))!.progress).toBe(100);
        expect(await rollupDigest(mine)).toEqual(before);
      } finally {
        await events.close();
      }
    }, 120_000);
  });

  describe('reconciling', () => {
    it('finds tampered rows, reports both figures, repairs them, and records a finding and its audit event', async () => {
      await Promise.all(mine.baseIds.map((baseId) => settle(queue, { baseIds: [baseId] })));
      await expectRollupsMatchLedger(mine);
      const [target] = await storedCells(mine);
      const [enterprise] = await storedEnterprises(mine);
      const baseId = mine.baseIds[0];
      await sql(
        `UPDATE volume_cell SET contract_fen = contract_fen + 7 WHERE base_id = $1 AND month = $2 AND field = $3 AND category = $4`,
        [target.baseId, `${target.month}-01`, target.field, target.category],
      );
      await sql(`DELETE FROM volume_enterprise WHERE base_id = $1 AND month = $2 AND credit_code = $3`, [
        enterprise.baseId,
        `${enterprise.month}-01`,
        enterprise.creditCode,
      ]);
      await sql(
        `INSERT INTO volume_cell (base_id, month, field, category, deal_count, contract_fen, tech_fen, received_fen, computed_at)
         VALUES ($1, '2023-02-01', 'bigdata', 'service', 1, 100, 100, 0, now())`,
        [baseId],
      );

      const result = await volumes.reconcile();

      const ours = result.differences.filter((d) => d.table !== 'volume_major_result' && mine.baseIds.includes(d.baseId));
      const tampered = BigInt(target.contractFen) + 7n;
      const expected: VolumeDifference[] = [
        {
          table: 'volume_cell',
          baseId: target.baseId,
          month: target.month,
          field: target.field,
          category: target.category,
          rollup: {
            dealCount: target.dealCount,
            contractFen: tampered.toString(),
            techFen: target.techFen,
            receivedFen: target.receivedFen,
          },
          ledger: {
            dealCount: target.dealCount,
            contractFen: target.contractFen,
            techFen: target.techFen,
            receivedFen: target.receivedFen,
          },
        },
        { table: 'volume_enterprise', ...enterprise, rollup: false, ledger: true },
        {
          table: 'volume_cell',
          baseId,
          month: '2023-02',
          field: 'bigdata',
          category: 'service',
          rollup: { dealCount: 1, contractFen: '100', techFen: '100', receivedFen: '0' },
          ledger: null,
        },
      ];
      expect(ours).toEqual(expect.arrayContaining(expected));
      expect(ours).toHaveLength(3);
      await expectRollupsMatchLedger(mine);

      expect(result.findingId).not.toBeNull();
      const [finding] = await sql<{ detail: string; cells: { baseId: string; month: string }[]; difference_count: number }>(
        'SELECT detail, cells, difference_count FROM volume_finding WHERE id = $1',
        [result.findingId],
      );
      expect(finding.difference_count).toBe(result.differences.length);
      expect(finding.cells).toEqual(
        expect.arrayContaining([
          { baseId: target.baseId, month: target.month },
          { baseId, month: '2023-02' },
        ]),
      );
      expect(finding.detail).toContain('2023-02');
      const [event, ...more] = await auditTrail(t, admin, 'anomaly', result.findingId!);
      expect(more).toEqual([]);
      expect(event).toMatchObject({ action: 'anomaly.flag', actorId: null, after: { rule: 'volume_mismatch', id: result.findingId } });

      // Repaired: nothing of ours differs any more.
      const again = await volumes.reconcile();
      expect(again.differences.filter((d) => d.table !== 'volume_major_result' && mine.baseIds.includes(d.baseId))).toEqual([]);
    }, 120_000);
  });

  describe('the worker', () => {
    it('schedules the nightly rebuild and the hourly freshness check on the volumes queue', async () => {
      expect(await queue.getJobSchedulers()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            key: 'rebuild-volumes-nightly',
            name: JobName.RebuildVolumes,
            pattern: '40 2 * * *',
            tz: 'Asia/Shanghai',
          }),
          expect.objectContaining({ key: 'check-volumes-freshness-hourly', name: JobName.CheckVolumesFreshness, pattern: '53 * * * *' }),
        ]),
      );
    });

    it('has the freshness check enqueue a rebuild when a volumes event has waited over an hour', async () => {
      // A pending event two hours old, not due yet, so that the relay leaves it where it is.
      const [{ id }] = await sql<{ id: string }>(
        `INSERT INTO outbox_message (queue, job_name, payload, created_at, available_at)
         VALUES ('volumes', 'ledger-changed', '{"entity":"deal","id":"x","action":"test","cells":[],"dealIds":[]}',
                 now() - interval '2 hours', now() + interval '1 day') RETURNING id::text AS id`,
      );
      const events = new QueueEvents(QueueName.Volumes, {
        connection: redisConnectionOptions(process.env.REDIS_URL!),
        prefix: process.env.QUEUE_PREFIX,
      });
      try {
        expect((await volumes.freshness()).outbox.oldestAgeSeconds).toBeGreaterThan(3_600);
        await events.waitUntilReady();
        const check = await queue.add(JobName.CheckVolumesFreshness, {});
        const result = (await check.waitUntilFinished(events, 60_000)) as { stale: boolean; rebuildJobId: string | null };
        expect(result.stale).toBe(true);
        const rebuild = await queue.getJob(result.rebuildJobId!);
        expect(rebuild?.name).toBe(JobName.RebuildVolumes);
        await rebuild!.waitUntilFinished(events, 60_000);
      } finally {
        await events.close();
        await sql('DELETE FROM outbox_message WHERE id = $1', [id]);
      }
    }, 120_000);

    it('shows a deal verified through the API in volume_cell without any manual step', async () => {
      const w = await world();
      const deal = await dealIn(t, w, 'registered', { signedAt: '2024-08-08', category: 'transfer', field: 'biomed' });
      await settle(queue, scopeOf(w));
      expect(await storedCells(scopeOf(w))).toEqual([]);

      await verify(deal.id);
      const expected = [
        cell(w.baseId, '2024-08', { field: 'biomed', category: 'transfer', dealCount: 1, contractFen: CONTRACT, techFen: TECH }),
      ];
      expect(
        await eventually(
          () => storedCells(scopeOf(w)),
          (rows) => rows.length > 0,
        ),
      ).toEqual(expected);

      await expectOk(api().pay(w.operator, deal.id, { amount: '1234.56', receivedAt: '2024-09-01' }), 201);
      expect(
        await eventually(
          () => storedCells(scopeOf(w)),
          (rows) => rows.length > 1,
        ),
      ).toEqual([...expected, cell(w.baseId, '2024-09', { field: 'biomed', category: 'transfer', receivedFen: '123456' })]);
      await expectRollupsMatchLedger(scopeOf(w));
    }, 120_000);
  });
});
