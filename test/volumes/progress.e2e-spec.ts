/**
 * GET /volumes/progress, GET /volumes/breakdown and POST /volumes/rebuild: progress against a
 * program's targets (the platform's, or a base's against its allocation), breakdowns as JSON and
 * CSV, who may see what. The ledger is written through the API, the rollups recomputed with
 * VolumesService (not a rebuild: another file checks the tables while this one runs), and the
 * program is one of this file's own, in the 1970s, so that no other suite's deals fall in it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { ConfigModule, loadConfig, QueueClient } from '#yizhi/core';
import { DatabaseModule } from '#yizhi/database';
import { VolumesModule, VolumesService } from '#yizhi/volumes';
import { createApiApp } from '../../apps/api/src/create-app.js';
import { expectInvalid } from '../catalog/helpers.js';
import { dealIn, deals, dealWorld, expectOk, type DealWorld } from '../deals/helpers.js';
import { auth } from '../leads/helpers.js';
import type { TestApp } from '../support/app.js';
import { prepareTestDatabase } from '../support/database.js';
import { expectErrorBody } from '../support/errors.js';
import { loginAdmin, sql, type Session } from '../support/factories.js';

const API = '/api/v1';
// Jobs of this suite's own: no worker takes them (a rebuild would race with test/volumes/volumes.e2e-spec.ts).
const queuePrefix = `${process.env.QUEUE_PREFIX}-progress-${randomUUID().slice(0, 8)}`;

@Module({ imports: [ConfigModule.forRoot(), DatabaseModule.forRoot('yizhi-test-volumes-progress'), VolumesModule] })
class RollupsModule {}

describe('volume progress and breakdowns', () => {
  let t: TestApp;
  let rollups: INestApplicationContext;
  let admin: Session;
  let a: DealWorld;
  let b: DealWorld;
  let programId: string;

  const get = (session: Session | undefined, path: string, query: Record<string, string> = {}) =>
    t.http().get(`${API}/volumes/${path}`).query(query).set(auth(session));
  const progress = async (session: Session, query: Record<string, string>) => (await expectOk(get(session, 'progress', query))).body;

  beforeAll(async () => {
    await prepareTestDatabase();
    const app = await createApiApp({ ...loadConfig(), queuePrefix });
    t = { app, http: () => request(app.getHttpServer()), close: () => app.close() };
    rollups = await NestFactory.createApplicationContext(RollupsModule, { logger: false });
    admin = await loginAdmin(t);
    [a, b] = await Promise.all([dealWorld(t, admin), dealWorld(t, admin)]);
    programId = (
      await expectOk(
        t
          .http()
          .post(`${API}/programs`)
          .set(auth(admin))
          .send({
            code: `progress-${randomUUID().slice(0, 8)}`,
            name: '测试计划（1971—1975）',
            startsOn: '1971-01-01',
            endsOn: '1975-12-31',
            volumeTarget: '1000000.00',
            enterprisesTarget: 10,
            majorResultsTarget: 2,
          }),
        201,
      )
    ).body.id;

    const api = deals(t);
    const verify = (id: string) => expectOk(api.verify(admin, id, { decision: 'verified', reason: '核验通过' }));
    // Counts: signed and verified (技术交易额 1,200,000.00).
    const counted = await dealIn(t, a, 'signed', { signedAt: '1973-03-10' });
    await verify(counted.id);
    // Do not count: signed but unverified; verified, then cancelled.
    await dealIn(t, a, 'signed', { signedAt: '1973-03-11' });
    const cancelled = await dealIn(t, a, 'registered', { signedAt: '1973-03-12' });
    await verify(cancelled.id);
    await expectOk(api.transition(a.operator, cancelled.id, 'cancelled'));
    // A's buyer is served by base B too: one enterprise, once overall, once for each base.
    await expectOk(
      t
        .http()
        .post(`${API}/service-records`)
        .set(auth(b.operator))
        .send({ baseId: b.baseId, enterpriseOrgId: a.buyer.organizationId, kind: 'consulting', servedAt: '1973-05-02' }),
      201,
    );
    await rollups.get(VolumesService).recompute(
      ['1973-03', '1973-05'].flatMap((month) => [a, b].map((w) => ({ baseId: w.baseId, month }))),
      [counted.id, cancelled.id],
    );
  });
  afterAll(async () => {
    await rollups?.close();
    await t?.close();
  });

  describe('progress', () => {
    it("shows the seeded program's targets by default: 30,000,000,000.00 yuan, 15,000 enterprises, 100 major results", async () => {
      const [seeded] = await sql<{ id: string }>("SELECT id FROM program WHERE starts_on = '2021-06-01'");
      const body = await progress(admin, {});
      expect(body).toMatchObject({ programId: seeded.id, baseId: null, volumeMeasure: 'techTransactionAmount' });
      expect([body.volume.target, body.enterprisesServed.target, body.majorResults.target]).toEqual(['30000000000.00', 15000, 100]);
      expect(body.volume.actual).toMatch(/^-?\d+\.\d{2}$/);
      expect(Number.isInteger(body.enterprisesServed.actual)).toBe(true);
      expect(body.asOf).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    });

    it('counts only verified deals that are signed, registered or completed, and each enterprise once overall', async () => {
      const body = await progress(admin, { programId });
      expect(body.volume).toEqual({
        actual: '1200000.00',
        target: '1000000.00',
        percent: 120,
        // The program is over: the whole target was expected, and nothing more is projected.
        expectedToDate: '1000000.00',
        projected: '1200000.00',
        status: 'ahead',
      });
      expect(body.enterprisesServed).toMatchObject({ actual: 1, target: 10, percent: 10, expectedToDate: 10, status: 'behind' });
      expect(body.majorResults).toMatchObject({ actual: 0, target: 2, status: 'behind' });
      for (const world of [a, b]) expect((await progress(admin, { programId, baseId: world.baseId })).enterprisesServed.actual).toBe(1);
    });

    it('judges a base against its allocation, and shows a base without one unjudged', async () => {
      const unjudged = await progress(admin, { programId, baseId: a.baseId });
      expect(unjudged.volume).toEqual({
        actual: '1200000.00',
        target: null,
        percent: null,
        expectedToDate: null,
        projected: '1200000.00',
        status: null,
      });
      await expectOk(
        t
          .http()
          .put(`${API}/programs/${programId}/allocations`)
          .set(auth(admin))
          .send({ allocations: [{ baseId: a.baseId, volumeTarget: '2000000.00', enterprisesTarget: 1, majorResultsTarget: 0 }] }),
      );
      const judged = await progress(admin, { programId, baseId: a.baseId });
      expect(judged.volume).toMatchObject({ actual: '1200000.00', target: '2000000.00', percent: 60, status: 'behind' });
      expect(judged.enterprisesServed).toMatchObject({ actual: 1, target: 1, percent: 100, status: 'on_track' });
    });

    it("gives an operator its own base, 403 for another's; 403 to the parties, 401 to anonymous callers", async () => {
      expect(await progress(a.operator, { programId })).toMatchObject({ baseId: a.baseId, volume: { actual: '1200000.00' } });
      expectErrorBody(await get(a.operator, 'progress', { baseId: b.baseId }), 403, 'FORBIDDEN');
      for (const party of [a.seller, a.buyer]) expectErrorBody(await get(party, 'progress'), 403, 'FORBIDDEN');
      expectErrorBody(await get(undefined, 'progress'), 401, 'UNAUTHENTICATED');
    });

    it('refuses malformed ids and unknown parameters (400 naming them), and an unknown program (404)', async () => {
      expectInvalid(await get(admin, 'progress', { programId: 'nope' }), 'programId');
      expectInvalid(await get(admin, 'progress', { baseId: '12345' }), 'baseId');
      expectInvalid(await get(admin, 'progress', { programID: programId }), 'programID');
      expectErrorBody(await get(admin, 'progress', { programId: randomUUID() }), 404, 'NOT_FOUND');
    });
  });

  describe('breakdown', () => {
    const range = { from: '1973-01', to: '1973-12' };
    const rowOf = (body: { items: { key: string }[] }, key: string) => body.items.find((item) => item.key === key);

    it('sums the counted deals by base, with the enterprises each served, and a total', async () => {
      const body = (await expectOk(get(admin, 'breakdown', { by: 'base', ...range }))).body;
      expect(rowOf(body, a.baseId)).toEqual({
        key: a.baseId,
        label: expect.any(String),
        dealCount: 1,
        contractAmount: '1500000.00',
        techTransactionAmount: '1200000.00',
        receivedAmount: '0.00',
        enterprisesServed: 1,
      });
      expect(rowOf(body, b.baseId)).toMatchObject({ dealCount: 0, techTransactionAmount: '0.00', enterprisesServed: 1 });
      expect(body.total).toMatchObject({ key: 'total', label: '合计' });
      expect(body.total.enterprisesServed).toBeGreaterThanOrEqual(1);
    });

    it('by field, category and month, with Chinese labels; enterprises only by base and month', async () => {
      const only = { ...range, baseId: a.baseId };
      const field = (await expectOk(get(admin, 'breakdown', { by: 'field', ...only }))).body;
      expect(field.items).toEqual([expect.objectContaining({ key: 'ic', label: '集成电路', dealCount: 1, enterprisesServed: null })]);
      const category = (await expectOk(get(admin, 'breakdown', { by: 'category', ...only }))).body;
      expect(category.items).toEqual([expect.objectContaining({ key: 'licence', label: '技术许可', dealCount: 1 })]);
      const month = (await expectOk(get(admin, 'breakdown', { by: 'month', ...only }))).body;
      expect(month.items.map((i: { key: string }) => i.key)).toEqual(['1973-03']);
      expect(month.items[0]).toMatchObject({ dealCount: 1, enterprisesServed: 1 });
      const outside = (await expectOk(get(admin, 'breakdown', { by: 'base', from: '1974-01', to: '1974-12', baseId: a.baseId }))).body;
      expect(outside.items).toEqual([]);
    });

    it("gives an operator its own base only (403 for another's), and CSV with a BOM", async () => {
      const mine = (await expectOk(get(a.operator, 'breakdown', { by: 'base', ...range }))).body;
      expect(mine.items.map((i: { key: string }) => i.key)).toEqual([a.baseId]);
      expectErrorBody(await get(a.operator, 'breakdown', { by: 'base', baseId: b.baseId }), 403, 'FORBIDDEN');
      expectErrorBody(await get(a.buyer, 'breakdown', { by: 'base' }), 403, 'FORBIDDEN');
      expectErrorBody(await get(undefined, 'breakdown', { by: 'base' }), 401, 'UNAUTHENTICATED');

      const csv = await expectOk(
        get(a.operator, 'breakdown', { by: 'month', format: 'csv', ...range })
          .buffer(true)
          .parse((res, done) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => done(null, Buffer.concat(chunks)));
          }),
      );
      expect(csv.headers['content-type']).toContain('text/csv');
      const bytes = csv.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
      expect(lines[0]).toBe('分组,名称,合同数,合同成交额(元),技术交易额(元),实际到账(元),服务企业数');
      expect(lines[1]).toBe('1973-03,1973-03,1,1500000.00,1200000.00,0.00,1');
      expect(lines.at(-1)).toBe('total,合计,1,1500000.00,1200000.00,0.00,1');
    });

    it('refuses a missing or unknown dimension, malformed months and format (400 naming them)', async () => {
      expectInvalid(await get(admin, 'breakdown', {}), 'by');
      expectInvalid(await get(admin, 'breakdown', { by: 'day' }), 'by');
      expectInvalid(await get(admin, 'breakdown', { by: 'base', from: '1973-13' }), 'from');
      expectInvalid(await get(admin, 'breakdown', { by: 'base', to: '1973-1' }), 'to');
      expectInvalid(await get(admin, 'breakdown', { by: 'base', format: 'xml' }), 'format');
      expectInvalid(await get(admin, 'breakdown', { by: 'base', region: 'x' }), 'region');
    });
  });

  describe('rebuild', () => {
    it('is an admin job: 202 with its id, which GET /jobs/:id follows; 403 to operators, 401 to anonymous callers', async () => {
      const post = (session?: Session) => t.http().post(`${API}/volumes/rebuild`).set(auth(session));
      const accepted = await expectOk(post(admin), 202);
      expect(accepted.body).toEqual({ jobId: expect.stringMatching(/^rebuild-volumes-/) });
      const job = (await expectOk(t.http().get(`${API}/jobs/${accepted.body.jobId}`).set(auth(admin)))).body;
      expect(job).toMatchObject({ id: accepted.body.jobId, name: 'rebuild-volumes', queue: 'volumes', state: 'waiting' });
      expectErrorBody(await post(a.operator), 403, 'FORBIDDEN');
      expectErrorBody(await post(undefined), 401, 'UNAUTHENTICATED');
      await t.app
        .get(QueueClient)
        .queues.find((q) => q.name === 'volumes')!
        .obliterate({ force: true });
    });
  });
});
