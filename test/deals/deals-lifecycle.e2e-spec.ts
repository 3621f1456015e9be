/**
 * The deals ledger through HTTP: recording a deal, its status machine and the refused transitions,
 * verification, payments, optimistic locking (If-Match) and idempotent retries (Idempotency-Key),
 * with the audit events of every change and nothing written by a refused request.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { auditTrail, expectIllegal, expectInvalid } from '../catalog/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { loginAdmin, sql, type Session } from '../support/factories.js';
import {
  dealBody,
  dealCount,
  dealIn,
  dealRow,
  deals,
  dealWorld,
  expectOk,
  paymentCount,
  registrationNo,
  type DealWorld,
} from './helpers.js';

describe('deals', () => {
  let t: TestApp;
  let admin: Session;
  let world: DealWorld;
  const api = () => deals(t);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    world = await dealWorld(t, admin);
  });
  afterAll(() => t.close());

  const actions = async (id: string) => (await auditTrail(t, admin, 'deal', id)).map((e) => e.action);

  describe('recording a deal', () => {
    it('creates a draft, unverified deal at version 1, brokered by the operator who recorded it, and audits it', async () => {
      const no = registrationNo();
      const res = await expectOk(api().create(world.operator, dealBody(world, { registrationNo: no })), 201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        baseId: world.baseId,
        sellerOrgId: world.seller.organizationId,
        buyerOrgId: world.buyer.organizationId,
        category: 'licence',
        field: 'ic',
        contractAmount: '1500000.00',
        techTransactionAmount: '1200000.00',
        serviceFee: '30000.00',
        receivedAmount: '0.00',
        signedAt: '2026-05-01',
        registrationNo: no,
        status: 'draft',
        verification: 'unverified',
        version: 1,
        brokerId: world.operator.userId,
      });
      const [stored] = await sql<{ contract_amount: string; tech_transaction_amount: string }>(
        'SELECT contract_amount, tech_transaction_amount FROM deal WHERE id = $1',
        [res.body.id],
      );
      expect(stored).toEqual({ contract_amount: '150000000', tech_transaction_amount: '120000000' });
      const [event] = await auditTrail(t, admin, 'deal', res.body.id);
      expect(event).toMatchObject({
        action: 'deal.create',
        before: null,
        after: { id: res.body.id, status: 'draft', contractAmount: '1500000.00' },
      });
    });

    it('refuses a technology-transaction amount above the contract amount (400 naming it), writing nothing', async () => {
      const before = await dealCount('base_id = $1', [world.baseId]);
      const res = await api().create(world.operator, dealBody(world, { contractAmount: '100.00', techTransactionAmount: '100.01' }));
      expectErrorBody(res, 400, 'AMOUNT_RULE', ['techTransactionAmount']);
      expect(await dealCount('base_id = $1', [world.baseId])).toBe(before);
    });

    it('refuses a registration number another deal has (409 naming registrationNo), writing nothing', async () => {
      const no = registrationNo();
      await expectOk(api().create(world.operator, dealBody(world, { registrationNo: no })), 201);
      const res = await api().create(world.colleague, dealBody(world, { registrationNo: no }));
      expectErrorBody(res, 409, 'ALREADY_EXISTS', ['registrationNo']);
      expect(await dealCount('registration_no = $1', [no])).toBe(1);
    });
  });

  describe('status', () => {
    it('moves draft → signed → registered → completed, one version and one audit event per step', async () => {
      const deal = await dealIn(t, world, 'draft');
      for (const [to, version] of [
        ['signed', 2],
        ['registered', 3],
        ['completed', 4],
      ] as const) {
        const res = await expectOk(api().transition(world.operator, deal.id, to));
        expect(res.body).toMatchObject({ status: to, version });
        expect(res.headers.etag).toBe(`"${version}"`);
      }
      expect(await actions(deal.id)).toEqual(['deal.create', 'deal.sign', 'deal.register', 'deal.complete']);
    });

    it.each(['draft', 'signed', 'registered'])('cancels a %s deal', async (status) => {
      const deal = await dealIn(t, world, status);
      expect((await expectOk(api().transition(world.operator, deal.id, 'cancelled'))).body.status).toBe('cancelled');
      expect((await actions(deal.id)).at(-1)).toBe('deal.cancel');
    });

    const refused: [string, string][] = [
      ['draft', 'registered'],
      ['draft', 'completed'],
      ['draft', 'draft'],
      ['signed', 'completed'],
      ['signed', 'draft'],
      ['registered', 'signed'],
      ['completed', 'cancelled'],
      ['completed', 'registered'],
      ['cancelled', 'signed'],
      ['cancelled', 'draft'],
    ];
    it.each(refused)('refuses to move a %s deal to %s: 422 naming the state, nothing written', async (status, to) => {
      const deal = await dealIn(t, world, status);
      const [row, events] = [await dealRow(deal.id), (await actions(deal.id)).length];
      expectIllegal(await api().transition(world.operator, deal.id, to), status);
      expect(await dealRow(deal.id)).toBe(row);
      expect((await actions(deal.id)).length).toBe(events);
    });

    it('refuses to register a deal without a registration number (422 naming registrationNo)', async () => {
      const deal = await dealIn(t, world, 'signed', { registrationNo: null });
      const row = await dealRow(deal.id);
      expectErrorBody(await api().transition(world.operator, deal.id, 'registered'), 422, 'REFERENCE_INVALID', ['registrationNo']);
      expect(await dealRow(deal.id)).toBe(row);
    });
  });

  describe('verification', () => {
    it('lets an admin verify a signed deal with a reason, then reject it, each audited', async () => {
      const deal = await dealIn(t, world, 'signed');
      const verified = (await expectOk(api().verify(admin, deal.id, { decision: 'verified', reason: '合同与登记材料一致' }))).body;
      expect(verified).toMatchObject({ verification: 'verified', verificationReason: '合同与登记材料一致', version: deal.version + 1 });
      expect(verified.verifiedAt).toEqual(expect.any(String));
      const rejected = (await expectOk(api().verify(admin, deal.id, { decision: 'rejected', reason: '发现关联交易' }))).body;
      expect(rejected).toMatchObject({ verification: 'rejected', verificationReason: '发现关联交易' });
      expect((await actions(deal.id)).slice(-2)).toEqual(['deal.verify', 'deal.reject']);
    });

    it.each(['draft', 'cancelled'])('refuses to verify a %s deal (422 naming its state), writing nothing', async (status) => {
      const deal = await dealIn(t, world, status);
      const row = await dealRow(deal.id);
      expectIllegal(await api().verify(admin, deal.id, { decision: 'verified', reason: '核验' }), status);
      expect(await dealRow(deal.id)).toBe(row);
    });

    it('refuses the decision the deal already has (422)', async () => {
      const deal = await dealIn(t, world, 'registered');
      await expectOk(api().verify(admin, deal.id, { decision: 'verified', reason: '核验通过' }));
      const row = await dealRow(deal.id);
      expectErrorBody(await api().verify(admin, deal.id, { decision: 'verified', reason: '再次核验' }), 422, 'ILLEGAL_TRANSITION', [
        'decision',
      ]);
      expect(await dealRow(deal.id)).toBe(row);
    });

    it.each(['operator', 'seller', 'buyer'] as const)('refuses verification by the %s (403), writing nothing', async (who) => {
      const deal = await dealIn(t, world, 'signed');
      const row = await dealRow(deal.id);
      expectErrorBody(await api().verify(world[who], deal.id, { decision: 'verified', reason: '核验' }), 403, 'FORBIDDEN');
      expect(await dealRow(deal.id)).toBe(row);
    });
  });

  describe('payments', () => {
    it('adds each amount received to receivedAmount, up to the contract amount exactly, and audits both', async () => {
      const deal = await dealIn(t, world, 'signed', { contractAmount: '1000.00', techTransactionAmount: '800.00' });
      const first = (await expectOk(api().pay(world.operator, deal.id, { amount: '600.55', receivedAt: '2026-06-01' }), 201)).body;
      expect(first.payment).toMatchObject({ amount: '600.55', receivedAt: '2026-06-01', dealId: deal.id });
      expect(first.deal).toMatchObject({ receivedAmount: '600.55', version: deal.version + 1 });
      const second = (await expectOk(api().pay(world.operator, deal.id, { amount: '399.45', receivedAt: '2026-06-02' }), 201)).body;
      expect(second.deal.receivedAmount).toBe('1000.00');
      const detail = (await expectOk(api().get(world.operator, deal.id))).body;
      expect(detail.payments.map((p: { amount: string }) => p.amount)).toEqual(['600.55', '399.45']);
      expect((await actions(deal.id)).slice(-2)).toEqual(['deal.receive', 'deal.receive']);
      expect((await auditTrail(t, admin, 'payment', first.payment.id)).map((e) => e.action)).toEqual(['payment.create']);
    });

    it('refuses a payment that would take the received total past the contract amount (400 naming amount), writing nothing', async () => {
      const deal = await dealIn(t, world, 'signed', { contractAmount: '1000.00', techTransactionAmount: '800.00' });
      await expectOk(api().pay(world.operator, deal.id, { amount: '999.99', receivedAt: '2026-06-01' }), 201);
      const row = await dealRow(deal.id);
      expectErrorBody(await api().pay(world.operator, deal.id, { amount: '0.02', receivedAt: '2026-06-01' }), 400, 'AMOUNT_RULE', [
        'amount',
      ]);
      expect(await dealRow(deal.id)).toBe(row);
      expect(await paymentCount(deal.id)).toBe(1);
    });

    it.each(['draft', 'cancelled'])('refuses a payment on a %s deal (422 naming the state)', async (status) => {
      const deal = await dealIn(t, world, status);
      expectIllegal(await api().pay(world.operator, deal.id, { amount: '1.00', receivedAt: '2026-06-01' }), status);
      expect(await paymentCount(deal.id)).toBe(0);
    });

    it('refuses a zero amount and a date in the future (400 naming the field)', async () => {
      const deal = await dealIn(t, world, 'signed');
      expectInvalid(await api().pay(world.operator, deal.id, { amount: '0.00', receivedAt: '2026-06-01' }), 'amount');
      expectInvalid(await api().pay(world.operator, deal.id, { amount: '1.00', receivedAt: '2999-01-01' }), 'receivedAt');
      expect(await paymentCount(deal.id)).toBe(0);
    });

    it('refuses lowering the contract amount below what was received (400 naming contractAmount)', async () => {
      const deal = await dealIn(t, world, 'signed', { contractAmount: '1000.00', techTransactionAmount: '500.00' });
      const paid = (await expectOk(api().pay(world.operator, deal.id, { amount: '900.00', receivedAt: '2026-06-01' }), 201)).body.deal;
      expectErrorBody(await api().patch(world.operator, deal.id, { contractAmount: '899.99' }, paid.version), 400, 'AMOUNT_RULE', [
        'contractAmount',
      ]);
    });
  });

  describe('editing with If-Match', () => {
    it('changes the terms at the version read, one version on, audited with before and after', async () => {
      const deal = await dealIn(t, world, 'signed');
      const res = await expectOk(
        api().patch(world.operator, deal.id, { contractAmount: '2000000', title: '修订后的合同名称' }, deal.version),
      );
      expect(res.body).toMatchObject({ contractAmount: '2000000.00', title: '修订后的合同名称', version: deal.version + 1 });
      expect(res.headers.etag).toBe(`"${deal.version + 1}"`);
      const [event] = (await auditTrail(t, admin, 'deal', deal.id)).slice(-1);
      expect(event).toMatchObject({
        action: 'deal.update',
        before: { contractAmount: '1500000.00' },
        after: { contractAmount: '2000000.00' },
      });
    });

    it('sends a verified deal back to unverified when its terms change', async () => {
      const deal = await dealIn(t, world, 'signed');
      const verified = (await expectOk(api().verify(admin, deal.id, { decision: 'verified', reason: '核验通过' }))).body;
      const edited = (await expectOk(api().patch(world.operator, deal.id, { techTransactionAmount: '1000000' }, verified.version))).body;
      expect(edited).toMatchObject({ verification: 'unverified', verificationReason: null, verifiedAt: null });
    });

    it('refuses a PATCH without If-Match (428), with a malformed one (400) and with a stale one (409), writing nothing', async () => {
      const deal = await dealIn(t, world, 'signed');
      const row = await dealRow(deal.id);
      expectErrorBody(await api().patch(world.operator, deal.id, { title: '无版本' }), 428, 'PRECONDITION_REQUIRED', ['If-Match']);
      expectErrorBody(await api().patch(world.operator, deal.id, { title: '坏版本' }, 'abc'), 400, 'VALIDATION_FAILED', ['If-Match']);
      const stale = await api().patch(world.operator, deal.id, { title: '旧版本' }, deal.version - 1);
      expectErrorBody(stale, 409, 'VERSION_CONFLICT', ['If-Match']);
      expect(stale.headers.etag).toBe(`"${deal.version}"`);
      expect(await dealRow(deal.id)).toBe(row);
    });

    it('lets exactly one of two concurrent PATCHes at the same version win; the other gets 409', async () => {
      const deal = await dealIn(t, world, 'signed');
      const results = await Promise.all([
        api().patch(world.operator, deal.id, { title: '甲方修改' }, deal.version),
        api().patch(world.colleague, deal.id, { title: '乙方修改' }, deal.version),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)!;
      const stored = (await expectOk(api().get(admin, deal.id))).body;
      expect(stored).toMatchObject({ title: winner.body.title, version: deal.version + 1 });
      expect((await actions(deal.id)).filter((a) => a === 'deal.update')).toHaveLength(1);
    });

    it.each(['completed', 'cancelled'])('refuses to edit a %s deal (422 naming the state)', async (status) => {
      const deal = await dealIn(t, world, status);
      expectIllegal(await api().patch(world.operator, deal.id, { title: '不应写入' }, deal.version), status);
    });
  });

  describe('Idempotency-Key', () => {
    const key = () => ({ 'idempotency-key': randomUUID() });

    it('replays the first response to a retry with the same key and body, with one deal written', async () => {
      const headers = key();
      const body = dealBody(world, { registrationNo: registrationNo() });
      const first = await expectOk(api().create(world.operator, body, headers), 201);
      const again = await expectOk(api().create(world.operator, body, headers), 201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(await dealCount('registration_no = $1', [body.registrationNo])).toBe(1);
    });

    it('refuses the same key with a different body (409 naming Idempotency-Key), writing nothing', async () => {
      const headers = key();
      await expectOk(api().create(world.operator, dealBody(world, { title: '第一份合同' }), headers), 201);
      const before = await dealCount('base_id = $1', [world.baseId]);
      expectErrorBody(
        await api().create(world.operator, dealBody(world, { title: '第二份合同' }), headers),
        409,
        'IDEMPOTENCY_KEY_REUSED',
        ['Idempotency-Key'],
      );
      expect(await dealCount('base_id = $1', [world.baseId])).toBe(before);
    });

    it('gives one deal and identical responses for 50 concurrent requests with one key', async () => {
      const headers = key();
      const body = dealBody(world, { registrationNo: registrationNo() });
      const results: Response[] = await Promise.all(Array.from({ length: 50 }, () => api().create(world.operator, body, headers)));
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
      expect(await dealCount('registration_no = $1', [body.registrationNo])).toBe(1);
    });

    it('keeps keys per caller: another operator with the same key records its own deal', async () => {
      const headers = key();
      const a = await expectOk(api().create(world.operator, dealBody(world), headers), 201);
      const b = await expectOk(api().create(world.colleague, dealBody(world), headers), 201);
      expect(b.body.id).not.toBe(a.body.id);
    });

    it('replays a payment retried with its key: one payment, one amount added', async () => {
      const deal = await dealIn(t, world, 'signed');
      const headers = key();
      const results = await Promise.all(
        Array.from({ length: 4 }, () => api().pay(world.operator, deal.id, { amount: '100.00', receivedAt: '2026-06-01' }, headers)),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(await paymentCount(deal.id)).toBe(1);
      expect((await expectOk(api().get(admin, deal.id))).body.receivedAmount).toBe('100.00');
    });

    it('refuses a malformed key with 400 naming Idempotency-Key', async () => {
      const before = await dealCount('base_id = $1', [world.baseId]);
      expectErrorBody(
        await api().create(world.operator, dealBody(world), { 'idempotency-key': 'x'.repeat(256) }),
        400,
        'VALIDATION_FAILED',
        ['Idempotency-Key'],
      );
      expect(await dealCount('base_id = $1', [world.baseId])).toBe(before);
    });
  });
});
