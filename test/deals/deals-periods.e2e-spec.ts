/**
 * Closing a month, and what it freezes: deals signed in a closed month are not created, edited,
 * moved or verified (422 naming signedAt), payments are not dated in it, and corrections go through
 * adjustments dated today, which leave the month's recorded totals as they were reported.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditTrail, expectInvalid, today as platformToday } from '../catalog/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { loginAdmin, sql, type Session } from '../support/factories.js';
import { API, dealBody, dealCount, dealIn, dealRow, deals, dealWorld, expectOk, registrationNo, type DealWorld } from './helpers.js';

/** A month of this run alone, long past: no other suite signs deals in it. */
const MONTH = `${2001 + Math.floor(Math.random() * 18)}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`;
const IN_MONTH = `${MONTH}-15`;

describe('periods and adjustments', () => {
  let t: TestApp;
  let admin: Session;
  let world: DealWorld;
  /** Deals signed in MONTH before it closed: one signed, one registered and verified, one draft. */
  let signed: { id: string; version: number };
  let verified: { id: string; version: number };
  let draft: { id: string; version: number };
  let totalsBefore: unknown;
  const api = () => deals(t);
  const close = (session: Session | undefined, month: string) =>
    t
      .http()
      .post(`${API}/periods/${month}/close`)
      .set(session ? { authorization: `Bearer ${session.accessToken}` } : {});
  const monthTotals = async () =>
    (
      await sql(
        `SELECT count(*)::int AS deals, sum(contract_amount)::text AS contract, sum(tech_transaction_amount)::text AS tech
           FROM deal WHERE to_char(signed_at, 'YYYY-MM') = $1`,
        [MONTH],
      )
    )[0];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    world = await dealWorld(t, admin);
    signed = await dealIn(t, world, 'signed', { signedAt: IN_MONTH });
    const registered = await dealIn(t, world, 'registered', { signedAt: IN_MONTH });
    verified = (await expectOk(api().verify(admin, registered.id, { decision: 'verified', reason: '核验通过' }))).body;
    draft = await dealIn(t, world, 'draft', { signedAt: IN_MONTH });
    await expectOk(api().pay(world.operator, signed.id, { amount: '1000.00', receivedAt: IN_MONTH }), 201);
    signed = (await expectOk(api().get(admin, signed.id))).body;
    totalsBefore = await monthTotals();
    const closed = await expectOk(close(admin, MONTH));
    expect(closed.body).toMatchObject({ month: MONTH, closedById: admin.userId });
  });
  afterAll(() => t.close());

  describe('closing', () => {
    it('is audited, listed, and refused a second time (409 naming month)', async () => {
      const [event] = await auditTrail(t, admin, 'period', MONTH);
      expect(event).toMatchObject({ action: 'period.close', after: { month: MONTH } });
      const listed = (
        await expectOk(
          t
            .http()
            .get(`${API}/periods`)
            .set({ authorization: `Bearer ${world.operator.accessToken}` }),
        )
      ).body;
      expect(listed.items.map((p: { month: string }) => p.month)).toContain(MONTH);
      expectErrorBody(await close(admin, MONTH), 409, 'CONFLICT', ['month']);
    });

    it('refuses a month that has not ended (422) and a malformed one (400 naming month)', async () => {
      const thisMonth = platformToday().slice(0, 7);
      expectErrorBody(await close(admin, thisMonth), 422, 'RULE_VIOLATED', ['month']);
      expectErrorBody(await close(admin, '2999-01'), 422, 'RULE_VIOLATED', ['month']);
      for (const month of ['2026-13', '2026-5', '202605', 'May-2026']) expectInvalid(await close(admin, month), 'month');
    });

    it('is for admins only: operators and parties get 403, anonymous callers 401', async () => {
      for (const who of [world.operator, world.seller, world.buyer]) expectErrorBody(await close(who, '2000-01'), 403, 'FORBIDDEN');
      expectErrorBody(await close(undefined, '2000-01'), 401, 'UNAUTHENTICATED');
      expect(await sql("SELECT 1 FROM period WHERE month = '2000-01'")).toEqual([]);
    });
  });

  describe('a closed month', () => {
    it('takes no new deal signed in it (422 PERIOD_CLOSED naming signedAt), writing nothing', async () => {
      const before = await dealCount('base_id = $1', [world.baseId]);
      expectErrorBody(await api().create(world.operator, dealBody(world, { signedAt: IN_MONTH })), 422, 'PERIOD_CLOSED', ['signedAt']);
      expect(await dealCount('base_id = $1', [world.baseId])).toBe(before);
    });

    it('refuses edits, moves and verification of its deals, and moving a deal into it, changing nothing', async () => {
      for (const attempt of [
        () => api().patch(world.operator, signed.id, { title: '关账后修改' }, signed.version),
        () => api().transition(world.operator, signed.id, 'cancelled'),
        () => api().transition(world.operator, draft.id, 'signed'),
        () => api().verify(admin, signed.id, { decision: 'verified', reason: '核验' }),
      ]) {
        const rows = [await dealRow(signed.id), await dealRow(draft.id)];
        expectErrorBody(await attempt(), 422, 'PERIOD_CLOSED', ['signedAt']);
        expect([await dealRow(signed.id), await dealRow(draft.id)]).toEqual(rows);
      }
      const open = await dealIn(t, world, 'signed');
      const row = await dealRow(open.id);
      expectErrorBody(await api().patch(world.operator, open.id, { signedAt: IN_MONTH }, open.version), 422, 'PERIOD_CLOSED', ['signedAt']);
      expect(await dealRow(open.id)).toBe(row);
    });

    it('takes no payment dated in it (422 naming receivedAt)', async () => {
      const open = await dealIn(t, world, 'signed');
      expectErrorBody(await api().pay(world.operator, open.id, { amount: '1.00', receivedAt: IN_MONTH }), 422, 'PERIOD_CLOSED', [
        'receivedAt',
      ]);
    });

    it('leaves deals of open months alone', async () => {
      const open = await dealIn(t, world, 'signed', { registrationNo: registrationNo() });
      await expectOk(api().patch(world.operator, open.id, { title: '开放月份的修改' }, open.version));
    });
  });

  describe('adjustments', () => {
    it('correct a closed month’s deal with a signed delta dated today: recorded amounts and the month’s totals stay, effective ones move', async () => {
      const res = await expectOk(
        api().adjust(world.operator, verified.id, { field: 'techTransactionAmount', delta: '-200000.00', reason: '补充协议核减设备费' }),
        201,
      );
      expect(res.body.adjustment).toMatchObject({ field: 'techTransactionAmount', delta: '-200000.00', effectiveOn: platformToday() });
      expect(res.body.deal).toMatchObject({
        techTransactionAmount: '1200000.00',
        effective: { contractAmount: '1500000.00', techTransactionAmount: '1000000.00', receivedAmount: '0.00' },
        verification: 'verified',
      });
      const detail = (await expectOk(api().get(world.buyer, verified.id))).body;
      expect(detail.adjustments).toHaveLength(1);
      expect(detail.effective.techTransactionAmount).toBe('1000000.00');
      expect(await monthTotals()).toEqual(totalsBefore);
      const [event] = (await auditTrail(t, admin, 'deal', verified.id)).slice(-1);
      expect(event).toMatchObject({ action: 'deal.adjust', after: { adjustment: { delta: '-200000.00' } } });
    });

    it('accumulate, and may raise an amount ("+" or unsigned)', async () => {
      const deal = await dealIn(t, world, 'signed');
      await expectOk(api().adjust(world.operator, deal.id, { field: 'contractAmount', delta: '+100.50', reason: '补充协议' }), 201);
      const res = await expectOk(
        api().adjust(world.operator, deal.id, { field: 'contractAmount', delta: '99.50', reason: '补充协议二' }),
        201,
      );
      expect(res.body.deal.effective.contractAmount).toBe('1500200.00');
    });

    it('refuse a delta that breaks a ledger rule once applied (400 naming delta), writing nothing', async () => {
      const deal = await dealIn(t, world, 'signed');
      for (const body of [
        { field: 'techTransactionAmount', delta: '+300000.01', reason: '超过合同额' },
        { field: 'contractAmount', delta: '-300000.01', reason: '低于技术交易额' },
        { field: 'receivedAmount', delta: '-0.01', reason: '低于零' },
      ]) {
        const row = await dealRow(deal.id);
        expectErrorBody(await api().adjust(world.operator, deal.id, body), 400, 'AMOUNT_RULE', ['delta']);
        expect(await dealRow(deal.id)).toBe(row);
      }
      expect(await sql('SELECT 1 FROM deal_adjustment WHERE deal_id = $1', [deal.id])).toEqual([]);
    });

    it('refuse bad input with 400 naming the field, and a cancelled deal with 422', async () => {
      const deal = await dealIn(t, world, 'signed');
      const ok = { field: 'contractAmount', delta: '-1.00', reason: '核减' };
      for (const [body, field] of [
        [{ ...ok, delta: '0' }, 'delta'],
        [{ ...ok, delta: '-0.00' }, 'delta'],
        [{ ...ok, delta: '-1.001' }, 'delta'],
        [{ ...ok, delta: '-1,000' }, 'delta'],
        [{ ...ok, delta: -1 }, 'delta'],
        [{ ...ok, delta: 'abc' }, 'delta'],
        [{ ...ok, field: 'serviceFee' }, 'field'],
        [{ ...ok, reason: '' }, 'reason'],
        [{ ...ok, reason: undefined }, 'reason'],
        [{ ...ok, extra: true }, 'extra'],
      ] as const) {
        expectInvalid(await api().adjust(world.operator, deal.id, body), field);
      }
      const cancelled = await dealIn(t, world, 'cancelled');
      expectErrorBody(await api().adjust(world.operator, cancelled.id, ok), 422, 'ILLEGAL_TRANSITION');
      expect(await sql('SELECT 1 FROM deal_adjustment WHERE deal_id = ANY($1)', [[deal.id, cancelled.id]])).toEqual([]);
    });

    it('are for the base’s operators and admins: parties get 403, other bases’ operators 404', async () => {
      const deal = await dealIn(t, world, 'signed');
      const body = { field: 'contractAmount', delta: '-1.00', reason: '核减' };
      for (const who of [world.seller, world.buyer]) expectErrorBody(await api().adjust(who, deal.id, body), 403, 'FORBIDDEN');
      const other = await dealWorld(t, admin);
      expectErrorBody(await api().adjust(other.operator, deal.id, body), 404, 'NOT_FOUND');
      await expectOk(api().adjust(admin, deal.id, body), 201);
    });
  });
});
