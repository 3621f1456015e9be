/**
 * The anomaly rules on deal writes and in the nightly scan, each shown to fire on its case and to
 * stay quiet on the near miss; GET /anomalies and POST /anomalies/:id/resolve for admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AnomaliesService } from '#yizhi/deals';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { auditTrail, expectInvalid, today } from '../catalog/helpers.js';
import { auth } from '../leads/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { loginAdmin, type Session } from '../support/factories.js';
import { API, dealBody, deals, dealWorld, expectOk, registrationNo, type Body, type DealWorld } from './helpers.js';

interface AnomalyBody {
  id: string;
  dealId: string;
  rule: string;
  detail: string;
  status: string;
}

/** A day `days` after `date` (YYYY-MM-DD). */
const shift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('anomalies', () => {
  let t: TestApp;
  let admin: Session;
  const api = () => deals(t);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  const anomaliesOf = async (dealId: string, status = 'open'): Promise<AnomalyBody[]> =>
    (await expectOk(t.http().get(`${API}/anomalies`).query({ dealId, status, limit: 100 }).set(auth(admin)))).body.items;
  const rulesOf = async (dealId: string) => (await anomaliesOf(dealId)).map((a) => a.rule).sort();
  const record = async (world: DealWorld, overrides: Body = {}) =>
    (await expectOk(api().create(world.operator, dealBody(world, overrides)), 201)).body as { id: string; version: number };

  it('flags a development contract whose technology-transaction amount equals the contract amount, and only that', async () => {
    const world = await dealWorld(t, admin);
    const equal = await record(world, { category: 'development', contractAmount: '800000', techTransactionAmount: '800000' });
    const [flag] = await anomaliesOf(equal.id);
    expect(flag).toMatchObject({ rule: 'tech_equals_contract', status: 'open' });
    expect(flag.detail).toContain('800000.00元');
    const second = await dealWorld(t, admin);
    const deducted = await record(second, { category: 'development', contractAmount: '800000', techTransactionAmount: '799999.99' });
    const licence = await record(await dealWorld(t, admin), {
      category: 'licence',
      contractAmount: '800000',
      techTransactionAmount: '800000',
    });
    expect(await rulesOf(deducted.id)).toEqual([]);
    expect(await rulesOf(licence.id)).toEqual([]);
    expect((await auditTrail(t, admin, 'anomaly', flag.id)).map((e) => e.action)).toEqual(['anomaly.flag']);
  });

  it('flags the same two parties again within 30 days, either way round, and not after 31', async () => {
    const world = await dealWorld(t, admin);
    await record(world, { signedAt: '2026-03-01' });
    const soon = await record(world, { signedAt: '2026-03-31' });
    expect(await rulesOf(soon.id)).toEqual(['repeat_parties']);
    // The deal's event and its flag's were appended together (AuditService.recordMany): the chain still verifies.
    const [flag] = await anomaliesOf(soon.id);
    const [dealEvent] = await auditTrail(t, admin, 'deal', soon.id);
    const [flagEvent] = await auditTrail(t, admin, 'anomaly', flag.id);
    expect(BigInt(flagEvent.seq)).toBeGreaterThan(BigInt(dealEvent.seq));
    expect((await expectOk(t.http().get(`${API}/audit/verify`).set(auth(admin)))).body).toMatchObject({ ok: true, firstBrokenSeq: null });
    const reversed = await dealWorld(t, admin);
    await record(reversed, { signedAt: '2026-03-01' });
    const back = await record(reversed, {
      signedAt: '2026-03-20',
      sellerOrgId: reversed.buyer.organizationId,
      buyerOrgId: reversed.seller.organizationId,
    });
    expect(await rulesOf(back.id)).toEqual(['repeat_parties']);
    const later = await dealWorld(t, admin);
    await record(later, { signedAt: '2026-03-01' });
    expect(await rulesOf((await record(later, { signedAt: '2026-04-01' })).id)).toEqual([]);
  });

  it('flags contracts split under the 5,000,000-yuan review line, not one contract above it', async () => {
    const world = await dealWorld(t, admin);
    const amounts = { contractAmount: '2000000', techTransactionAmount: '1500000' };
    const first = await record(world, { ...amounts, signedAt: '2026-01-05' });
    const second = await record(world, { ...amounts, signedAt: '2026-02-20' });
    const third = await record(world, { ...amounts, signedAt: '2026-03-30' });
    expect(await rulesOf(first.id)).toEqual([]);
    expect((await rulesOf(second.id)).includes('split_contracts')).toBe(false);
    expect(await rulesOf(third.id)).toEqual(['split_contracts']);
    const big = await dealWorld(t, admin);
    await record(big, { contractAmount: '6000000', techTransactionAmount: '5000000', signedAt: '2026-01-05' });
    const after = await record(big, { ...amounts, signedAt: '2026-05-10' });
    expect((await rulesOf(after.id)).includes('split_contracts')).toBe(false);
  });

  it("flags a registration number that a cancelled deal had; a live deal's number is still a 409", async () => {
    const world = await dealWorld(t, admin);
    const no = registrationNo();
    const first = await record(world, { registrationNo: no, signedAt: '2025-01-10' });
    expectErrorBody(await api().create(world.operator, dealBody(world, { registrationNo: no })), 409, 'ALREADY_EXISTS', ['registrationNo']);
    await expectOk(api().transition(world.operator, first.id, 'cancelled'));
    const again = await record(world, { registrationNo: no, signedAt: '2025-06-10' });
    const [flag] = await anomaliesOf(again.id);
    expect(flag).toMatchObject({ rule: 'duplicate_registration' });
    expect(flag.detail).toContain(first.id);
  });

  it("flags an amount above 20× the median of the base's deals, not one at exactly 20×", async () => {
    const world = await dealWorld(t, admin);
    for (let i = 0; i < 5; i++) {
      const party = await dealWorld(t, admin);
      await record(world, {
        sellerOrgId: party.seller.organizationId,
        buyerOrgId: party.buyer.organizationId,
        contractAmount: '100000',
        techTransactionAmount: '80000',
      });
    }
    const fresh = async (amount: string) => {
      const party = await dealWorld(t, admin);
      return record(world, {
        sellerOrgId: party.seller.organizationId,
        buyerOrgId: party.buyer.organizationId,
        contractAmount: amount,
        techTransactionAmount: '1000',
      });
    };
    expect(await rulesOf((await fresh('2000000')).id)).toEqual([]);
    expect(await rulesOf((await fresh('2000000.01')).id)).toEqual(['amount_outlier']);
  });

  it('flags a signing date in the future, not today', async () => {
    const world = await dealWorld(t, admin);
    expect(await rulesOf((await record(world, { signedAt: shift(today(), 1) })).id)).toEqual(['future_signing']);
    const other = await dealWorld(t, admin);
    expect(await rulesOf((await record(other, { signedAt: today() })).id)).toEqual([]);
  });

  describe('related parties', () => {
    let worker: INestApplicationContext;
    beforeAll(async () => {
      worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
      await worker.init();
    }, 60_000);
    afterAll(() => worker?.close());

    const group = (organizationId: string, value: string | null) =>
      t.http().put(`${API}/organizations/${organizationId}/related-party-group`).set(auth(admin)).send({ group: value });

    it('flags parties an admin put in one group: on the next write, and in the nightly scan for deals recorded before', async () => {
      const world = await dealWorld(t, admin);
      const before = await record(world, { signedAt: '2025-02-01' });
      expect(await rulesOf(before.id)).toEqual([]);
      const name = `group-${registrationNo()}`;
      for (const org of [world.seller.organizationId!, world.buyer.organizationId!]) {
        expect((await expectOk(group(org, name))).body.relatedPartyGroup).toBe(name);
      }
      const next = await record(world, { signedAt: '2025-09-01' });
      expect(await rulesOf(next.id)).toEqual(['related_parties']);
      expect(await rulesOf(before.id)).toEqual([]);
      expect(await worker.get(AnomaliesService).scanAll()).toBeGreaterThanOrEqual(1);
      expect(await rulesOf(before.id)).toEqual(['related_parties']);
      // The scan adds nothing the second time.
      const again = await worker.get(AnomaliesService).scanAll();
      expect((await anomaliesOf(before.id)).length).toBe(1);
      expect(again).toBeGreaterThanOrEqual(0);
    });

    it('refuses a malformed group (400 naming group) and non-admins (403)', async () => {
      const world = await dealWorld(t, admin);
      for (const value of ['', 'has space', 'x'.repeat(65), 42])
        expectInvalid(await group(world.seller.organizationId!, value as string), 'group');
      expectInvalid(
        await t.http().put(`${API}/organizations/${world.seller.organizationId}/related-party-group`).set(auth(admin)).send({}),
        'group',
      );
      const res = await t
        .http()
        .put(`${API}/organizations/${world.seller.organizationId}/related-party-group`)
        .set(auth(world.operator))
        .send({ group: 'x' });
      expectErrorBody(res, 403, 'FORBIDDEN');
    });
  });

  describe('resolving', () => {
    it('resolves a flag with a note, audited; the rule does not raise it again for that deal; a second resolve is 422', async () => {
      const world = await dealWorld(t, admin);
      const deal = await record(world, { signedAt: shift(today(), 3) });
      const [flag] = await anomaliesOf(deal.id);
      const resolved = await expectOk(
        t.http().post(`${API}/anomalies/${flag.id}/resolve`).set(auth(admin)).send({ note: '合同已签署，登记日期录入有误，已核实' }),
      );
      expect(resolved.body).toMatchObject({
        status: 'resolved',
        resolutionNote: '合同已签署，登记日期录入有误，已核实',
        resolvedById: admin.userId,
      });
      await expectOk(api().patch(world.operator, deal.id, { title: '再次编辑' }, deal.version));
      expect(await anomaliesOf(deal.id)).toEqual([]);
      expect((await anomaliesOf(deal.id, 'resolved')).map((a) => a.id)).toEqual([flag.id]);
      expectErrorBody(
        await t.http().post(`${API}/anomalies/${flag.id}/resolve`).set(auth(admin)).send({ note: '再次' }),
        422,
        'ILLEGAL_TRANSITION',
      );
      expect((await auditTrail(t, admin, 'anomaly', flag.id)).map((e) => e.action)).toEqual(['anomaly.flag', 'anomaly.resolve']);
    });

    it('refuses bad input (400 naming the field), unknown ids (404) and non-admins (403)', async () => {
      const world = await dealWorld(t, admin);
      const deal = await record(world, { signedAt: shift(today(), 5) });
      const [flag] = await anomaliesOf(deal.id);
      const resolve = (session: Session | undefined, id: string, body: unknown) =>
        t
          .http()
          .post(`${API}/anomalies/${id}/resolve`)
          .set(auth(session))
          .send(body as object);
      expectInvalid(await resolve(admin, flag.id, {}), 'note');
      expectInvalid(await resolve(admin, flag.id, { note: '  ' }), 'note');
      expectInvalid(await resolve(admin, flag.id, { note: 42 }), 'note');
      expectInvalid(await resolve(admin, flag.id, { note: '好', status: 'resolved' }), 'status');
      expectInvalid(await resolve(admin, 'not-a-uuid', { note: '好' }), 'id');
      expectErrorBody(await resolve(admin, '00000000-0000-4000-8000-000000000000', { note: '好' }), 404, 'NOT_FOUND');
      for (const who of [world.operator, world.seller, world.buyer]) {
        expectErrorBody(await resolve(who, flag.id, { note: '好' }), 403, 'FORBIDDEN');
        expectErrorBody(await t.http().get(`${API}/anomalies`).set(auth(who)), 403, 'FORBIDDEN');
      }
      expectErrorBody(await t.http().get(`${API}/anomalies`), 401, 'UNAUTHENTICATED');
      expectInvalid(await t.http().get(`${API}/anomalies`).query({ rule: 'nope' }).set(auth(admin)), 'rule');
      expect((await anomaliesOf(deal.id))[0].status).toBe('open');
    });
  });
});
