/**
 * Every ledger change (create, edit, transition, verify, payment, adjustment, service record,
 * import) writes an outbox event for the volumes next to its audit event, naming the base months
 * whose totals it may move; a refused change writes none.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditTrail, today } from '../catalog/helpers.js';
import { auth } from '../leads/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { loginAdmin, sql, validCreditCode, type Session } from '../support/factories.js';
import { API, dealBody, dealIn, deals, dealWorld, expectOk, registrationNo, type DealWorld } from './helpers.js';

interface LedgerEvent {
  entity: string;
  id: string;
  action: string;
  cells: { baseId: string; month: string }[];
  dealIds: string[];
  listingIds?: string[];
}

/** The ledger events about a deal (or any entity id), oldest first. */
async function eventsAbout(id: string): Promise<LedgerEvent[]> {
  const rows = await sql<{ payload: LedgerEvent }>(
    `SELECT payload FROM outbox_message
      WHERE job_name = 'ledger-changed' AND queue = 'volumes' AND (payload->>'id' = $1 OR payload->'dealIds' ? $1)
      ORDER BY created_at, id`,
    [id],
  );
  return rows.map((r) => r.payload);
}

/** The ledger events touching a base (other suites write theirs at the same time). */
const ledgerEventCount = async (baseId: string) =>
  (
    await sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox_message WHERE job_name = 'ledger-changed' AND payload->'cells' @> $1::jsonb",
      [JSON.stringify([{ baseId }])],
    )
  )[0].n;

describe('ledger events in the outbox', () => {
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

  it('follows a deal through create, edit, transitions, verification, payment and adjustment, each with its audit event', async () => {
    const created = (await expectOk(api().create(world.operator, dealBody(world, { registrationNo: registrationNo() })), 201)).body;
    const cell = (month: string) => ({ baseId: world.baseId, month });
    let events = await eventsAbout(created.id);
    expect(events).toEqual([
      { entity: 'deal', id: created.id, action: 'create', cells: [cell('2026-05')], dealIds: [created.id], listingIds: [] },
    ]);

    // Moved to another month: both months are touched.
    await expectOk(api().patch(world.operator, created.id, { signedAt: '2026-03-20' }, 1));
    await expectOk(api().transition(world.operator, created.id, 'signed'));
    await expectOk(api().verify(admin, created.id, { decision: 'verified', reason: '材料齐全' }));
    const day = today();
    const payment = (await expectOk(api().pay(world.operator, created.id, { amount: '1000.00', receivedAt: day }), 201)).body;
    const adjustment = (
      await expectOk(api().adjust(world.operator, created.id, { field: 'contractAmount', delta: '-100.00', reason: '核减设备款' }), 201)
    ).body;
    events = await eventsAbout(created.id);
    expect(events.map((e) => [e.entity, e.action])).toEqual([
      ['deal', 'create'],
      ['deal', 'update'],
      ['deal', 'sign'],
      ['deal', 'verify'],
      ['payment', 'create'],
      ['adjustment', 'create'],
    ]);
    expect(events[1].cells).toEqual([cell('2026-03'), cell('2026-05')]);
    expect(events[2].cells).toEqual([cell('2026-03')]);
    const thisMonth = day.slice(0, 7);
    const months = (e: LedgerEvent) => e.cells.map((c) => c.month);
    expect(events[4]).toMatchObject({ id: payment.payment.id, dealIds: [created.id] });
    expect(months(events[4])).toEqual([...new Set(['2026-03', thisMonth])].sort());
    expect(events[5]).toMatchObject({ id: adjustment.adjustment.id, dealIds: [created.id] });
    expect(months(events[5])).toEqual([...new Set(['2026-03', thisMonth])].sort());
    // Each has its audit event too.
    const actions = (await auditTrail(t, admin, 'deal', created.id)).map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['deal.create', 'deal.update', 'deal.sign', 'deal.verify', 'deal.receive', 'deal.adjust']),
    );
  });

  it('writes none for a refused change', async () => {
    const deal = await dealIn(t, world, 'signed');
    const before = await ledgerEventCount(world.baseId);
    expect((await api().transition(world.operator, deal.id, 'draft')).status).toBe(422);
    expect((await api().patch(world.operator, deal.id, { title: '改名' }, 1)).status).toBe(409);
    expect((await api().pay(world.operator, deal.id, { amount: '99999999.00', receivedAt: today() })).status).toBe(400);
    expect((await api().verify(world.operator, deal.id, { decision: 'verified', reason: 'x' })).status).toBe(403);
    expect((await api().create(world.operator, dealBody(world, { techTransactionAmount: '9999999.00' }))).status).toBe(400);
    expect(await ledgerEventCount(world.baseId)).toBe(before);
  });

  it('covers service records and imports', async () => {
    const served = (
      await expectOk(
        t
          .http()
          .post(`${API}/service-records`)
          .set(auth(world.operator))
          .send({ baseId: world.baseId, enterpriseOrgId: world.buyer.organizationId, kind: 'consulting', servedAt: '2026-04-02' }),
        201,
      )
    ).body;
    expect(await eventsAbout(served.id)).toEqual([
      { entity: 'service_record', id: served.id, action: 'create', cells: [{ baseId: world.baseId, month: '2026-04' }], dealIds: [] },
    ]);

    const header = '合同类型,合同成交额(元),技术交易额(元),签订日期,卖方,卖方统一社会信用代码,买方,买方统一社会信用代码,技术领域';
    const line = (date: string) => `技术服务,10000,8000,${date},研究院,${validCreditCode('12')},某公司,${validCreditCode('91')},ic`;
    const file = Buffer.from([header, line('2026-01-05'), line('2026-02-06'), line('2026-02-07')].join('\n'));
    const before = await ledgerEventCount(world.baseId);
    const report = (await expectOk(t.http().post(`${API}/deals/import`).set(auth(world.operator)).attach('file', file, 'deals.csv'), 201))
      .body;
    expect(report.accepted).toBe(3);
    expect(await ledgerEventCount(world.baseId)).toBe(before + 1);
    const [imported] = await sql<{ payload: LedgerEvent }>(
      "SELECT payload FROM outbox_message WHERE job_name = 'ledger-changed' AND payload->>'entity' = 'import' AND payload->'cells' @> $1::jsonb",
      [JSON.stringify([{ baseId: world.baseId, month: '2026-01' }])],
    );
    expect(imported.payload.cells).toEqual([
      { baseId: world.baseId, month: '2026-01' },
      { baseId: world.baseId, month: '2026-02' },
    ]);
  });
});
