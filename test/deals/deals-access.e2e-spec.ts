/**
 * Who sees and who changes a deal, route by route and role by role: the seller and buyer read it
 * and change nothing (403), the base's operators read and keep it but do not verify it (403), the
 * admins do everything at any base; an operator of another base, an unrelated enterprise or
 * institute get 404 on the deal (never 403, so ids cannot be probed) and 403 on the routes their
 * role may not call; anonymous callers get 401 everywhere. Every refused write is checked for
 * having written nothing: the deal's row, its payments, its audit trail and the deal count of both
 * bases as before.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
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
  type Body,
  type DealWorld,
} from './helpers.js';

type Who = 'buyer' | 'seller' | 'otherEnterprise' | 'otherInstitute' | 'operator' | 'otherOperator' | 'admin' | 'anonymous';
type SignedIn = Exclude<Who, 'anonymous'>;
type Deal = Body & { id: string; version: number; baseId: string; sellerOrgId: string; buyerOrgId: string };

const PARTIES: Who[] = ['buyer', 'seller'];
const UNRELATED: Who[] = ['otherEnterprise', 'otherInstitute'];

/** Audit events of a deal and of its payments, straight from the table. */
async function auditCount(dealId: string): Promise<number> {
  const [row] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_event
      WHERE (entity = 'deal' AND entity_id = $1::text) OR (entity = 'payment' AND after->>'dealId' = $1::text)`,
    [dealId],
  );
  return row.n;
}

/** Deal-creation audit events at these bases. */
async function creationEvents(baseIds: string[]): Promise<number> {
  const [row] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_event WHERE entity = 'deal' AND action = 'deal.create' AND after->>'baseId' = ANY($1::text[])`,
    [baseIds],
  );
  return row.n;
}

describe('deal access', () => {
  let t: TestApp;
  let a: DealWorld;
  let b: DealWorld;
  let s: Record<SignedIn, Session>;
  /** A signed deal at base A between A's seller and buyer: the deal every refusal is tried on. */
  let deal: Deal;
  /** A signed deal at base B, between B's parties. */
  let dealOfB: Deal;
  const api = () => deals(t);
  const as = (who: Who) => (who === 'anonymous' ? undefined : s[who]);

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await loginAdmin(t);
    [a, b] = await Promise.all([dealWorld(t, admin), dealWorld(t, admin)]);
    const [otherEnterprise, otherInstitute] = await Promise.all([registerAndLogin(t, 'enterprise'), registerAndLogin(t, 'institute')]);
    s = {
      buyer: a.buyer,
      seller: a.seller,
      otherEnterprise,
      otherInstitute,
      operator: a.operator,
      otherOperator: b.operator,
      admin,
    };
    [deal, dealOfB] = (await Promise.all([dealIn(t, a, 'signed'), dealIn(t, b, 'signed')])) as Deal[];
  });
  afterAll(() => t.close());

  /** Everything a refused request on `id` must leave as it was. */
  const snapshot = async (id: string) => ({
    row: await dealRow(id),
    payments: await paymentCount(id),
    audit: await auditCount(id),
    deals: await dealCount('base_id = ANY($1::uuid[])', [[a.baseId, b.baseId]]),
    created: await creationEvents([a.baseId, b.baseId]),
  });

  /** Runs a refused request and checks that it wrote nothing. */
  async function unchanged(id: string, attempt: () => PromiseLike<Response>): Promise<Response> {
    const before = await snapshot(id);
    const res = await attempt();
    expect(await snapshot(id)).toEqual(before);
    return res;
  }

  /** Every deal a caller's GET /deals lists with this query, following the cursors. */
  async function listAll(session: Session, query: Record<string, string | number> = {}): Promise<Deal[]> {
    const items: Deal[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await expectOk(api().list(session, { limit: 100, ...query, ...(cursor ? { cursor } : {}) }));
      items.push(...(res.body.items as Deal[]));
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  const ids = (items: Deal[]) => items.map((d) => d.id);

  it('sets up a signed deal at each base, between that base’s parties', () => {
    expect(deal).toMatchObject({ baseId: a.baseId, sellerOrgId: a.seller.organizationId, buyerOrgId: a.buyer.organizationId });
    expect(dealOfB).toMatchObject({ baseId: b.baseId, sellerOrgId: b.seller.organizationId, buyerOrgId: b.buyer.organizationId });
    expect([deal.status, dealOfB.status]).toEqual(['signed', 'signed']);
  });

  describe('GET /deals/:id', () => {
    it.each<Who>(['buyer', 'seller', 'operator', 'admin'])(
      'shows the %s the deal, with its payments and its version as ETag',
      async (who) => {
        const res = await expectOk(api().get(as(who), deal.id));
        expect(res.body).toMatchObject({ id: deal.id, baseId: a.baseId, status: 'signed', payments: [] });
        expect(res.headers.etag).toBe(`"${res.body.version}"`);
      },
    );

    it.each<Who>(['otherOperator', 'otherEnterprise', 'otherInstitute'])(
      'answers the %s 404, exactly as for a deal that does not exist',
      async (who) => {
        const res = await api().get(as(who), deal.id);
        expectErrorBody(res, 404, 'NOT_FOUND', []);
        expect(res.body.message).toBe(`deal ${deal.id} not found`);
        const none = '00000000-0000-4000-8000-000000000000';
        const missing = await api().get(as(who), none);
        expectErrorBody(missing, 404, 'NOT_FOUND', []);
        expect(missing.body.message).toBe(`deal ${none} not found`);
      },
    );

    it("answers the base's operator 404 for the other base's deal, and the admin 200 for both", async () => {
      expectErrorBody(await api().get(a.operator, dealOfB.id), 404, 'NOT_FOUND');
      await expectOk(api().get(b.operator, dealOfB.id));
      await expectOk(api().get(s.admin, dealOfB.id));
    });

    it('answers an anonymous caller 401', async () => {
      expectErrorBody(await api().get(undefined, deal.id), 401, 'UNAUTHENTICATED');
    });
  });

  describe('GET /deals', () => {
    it.each<[Who, boolean]>([
      ['buyer', true],
      ['seller', true],
      ['operator', true],
      ['admin', true],
      ['otherOperator', false],
      ['otherEnterprise', false],
      ['otherInstitute', false],
    ])('lists the deal to the %s: %s', async (who, visible) => {
      expect(ids(await listAll(as(who)!)).includes(deal.id)).toBe(visible);
    });

    it.each<SignedIn>(['buyer', 'seller'])('lists to the %s only deals its organization is a party to', async (who) => {
      const organization = s[who].organizationId;
      const items = await listAll(s[who]);
      expect(ids(items)).toContain(deal.id);
      expect(ids(items)).not.toContain(dealOfB.id);
      expect(items.filter((d) => d.sellerOrgId !== organization && d.buyerOrgId !== organization)).toEqual([]);
    });

    it.each<SignedIn>(['otherEnterprise', 'otherInstitute'])('lists nothing to the unrelated %s', async (who) => {
      expect(await listAll(s[who])).toEqual([]);
    });

    it("lists only its own base's deals to an operator, who may filter by its own base only", async () => {
      for (const [operator, own, other] of [
        [a.operator, a.baseId, b.baseId],
        [b.operator, b.baseId, a.baseId],
      ] as const) {
        for (const query of [{}, { baseId: own }] as Record<string, string>[]) {
          const items = await listAll(operator, query);
          expect(items.length).toBeGreaterThan(0);
          expect(items.filter((d) => d.baseId !== own)).toEqual([]);
        }
        expectErrorBody(await api().list(operator, { baseId: other }), 403, 'FORBIDDEN');
      }
      expect(ids(await listAll(b.operator))).toEqual(expect.arrayContaining([dealOfB.id]));
      expect(ids(await listAll(b.operator))).not.toContain(deal.id);
    });

    it.each<Who>([...PARTIES, ...UNRELATED])('refuses the %s a baseId filter with 403', async (who) => {
      expectErrorBody(await api().list(as(who), { baseId: a.baseId }), 403, 'FORBIDDEN');
    });

    it('lets an admin list every base and filter by any base', async () => {
      expect(ids(await listAll(s.admin))).toEqual(expect.arrayContaining([deal.id, dealOfB.id]));
      const ofA = await listAll(s.admin, { baseId: a.baseId });
      expect(ids(ofA)).toContain(deal.id);
      expect(ids(ofA)).not.toContain(dealOfB.id);
      expect(ofA.filter((d) => d.baseId !== a.baseId)).toEqual([]);
      const ofB = await listAll(s.admin, { baseId: b.baseId });
      expect(ids(ofB)).toContain(dealOfB.id);
      expect(ofB.filter((d) => d.baseId !== b.baseId)).toEqual([]);
    });

    it('answers an anonymous caller 401', async () => {
      expectErrorBody(await api().list(undefined), 401, 'UNAUTHENTICATED');
      expectErrorBody(await api().list(undefined, { baseId: a.baseId }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('POST /deals', () => {
    const bodyAt = (world: DealWorld) => dealBody(world, { registrationNo: registrationNo() });

    it.each<Who>([...PARTIES, ...UNRELATED])('refuses the %s with 403, writing nothing', async (who) => {
      expectErrorBody(await unchanged(deal.id, () => api().create(as(who), bodyAt(a))), 403, 'FORBIDDEN');
    });

    it('refuses an operator of another base a deal at this base with 403, writing nothing', async () => {
      expectErrorBody(await unchanged(deal.id, () => api().create(b.operator, bodyAt(a))), 403, 'FORBIDDEN');
      expectErrorBody(await unchanged(deal.id, () => api().create(a.operator, bodyAt(b))), 403, 'FORBIDDEN');
    });

    it('refuses an anonymous caller with 401, writing nothing', async () => {
      expectErrorBody(await unchanged(deal.id, () => api().create(undefined, bodyAt(a))), 401, 'UNAUTHENTICATED');
    });

    it("lets the base's operator record a deal at its base", async () => {
      const before = await dealCount('base_id = $1', [a.baseId]);
      const res = await expectOk(api().create(a.operator, bodyAt(a)), 201);
      expect(res.body).toMatchObject({ baseId: a.baseId, status: 'draft', brokerId: a.operator.userId });
      expect(await dealCount('base_id = $1', [a.baseId])).toBe(before + 1);
    });

    it('lets an admin record a deal at any base', async () => {
      for (const world of [a, b]) {
        const before = await dealCount('base_id = $1', [world.baseId]);
        const res = await expectOk(api().create(s.admin, bodyAt(world)), 201);
        expect(res.body).toMatchObject({ baseId: world.baseId, status: 'draft', brokerId: null });
        expect(await dealCount('base_id = $1', [world.baseId])).toBe(before + 1);
      }
    });
  });

  describe('PATCH /deals/:id', () => {
    const patch = (who: Who, target: Deal = deal) => api().patch(as(who), target.id, { title: '越权修改的合同名称' }, target.version);

    it.each<Who>([...PARTIES, ...UNRELATED])('refuses the %s with 403, changing nothing', async (who) => {
      expectErrorBody(await unchanged(deal.id, () => patch(who)), 403, 'FORBIDDEN');
    });

    it('refuses an operator of another base with 404, changing nothing', async () => {
      const res = await unchanged(deal.id, () => patch('otherOperator'));
      expectErrorBody(res, 404, 'NOT_FOUND');
      expect(res.body.message).toBe(`deal ${deal.id} not found`);
      expectErrorBody(await unchanged(dealOfB.id, () => patch('operator', dealOfB)), 404, 'NOT_FOUND');
    });

    it('refuses an anonymous caller with 401, changing nothing', async () => {
      expectErrorBody(await unchanged(deal.id, () => patch('anonymous')), 401, 'UNAUTHENTICATED');
    });

    it.each<Who>(['operator', 'admin'])('lets the %s change it (and the snapshot of a refusal would see it)', async (who) => {
      const own = await dealIn(t, a, 'signed');
      const before = await snapshot(own.id);
      const res = await expectOk(api().patch(as(who), own.id, { title: '修订后的合同名称' }, own.version));
      expect(res.body).toMatchObject({ title: '修订后的合同名称', version: own.version + 1 });
      expect(await snapshot(own.id)).not.toEqual(before);
    });

    it("lets an admin change another base's deal", async () => {
      const own = await dealIn(t, b, 'draft');
      await expectOk(api().patch(s.admin, own.id, { title: '管理员修订' }, own.version));
    });
  });

  describe('POST /deals/:id/transition', () => {
    // The deal is signed and has a registration number: registering it would be legal for its staff.
    const move = (who: Who, target: Deal = deal) => api().transition(as(who), target.id, 'registered');

    it.each<Who>([...PARTIES, ...UNRELATED])('refuses the %s with 403, changing nothing', async (who) => {
      expectErrorBody(await unchanged(deal.id, () => move(who)), 403, 'FORBIDDEN');
    });

    it('refuses an operator of another base with 404, changing nothing', async () => {
      const res = await unchanged(deal.id, () => move('otherOperator'));
      expectErrorBody(res, 404, 'NOT_FOUND');
      expect(res.body.message).toBe(`deal ${deal.id} not found`);
      expectErrorBody(await unchanged(dealOfB.id, () => move('operator', dealOfB)), 404, 'NOT_FOUND');
    });

    it('refuses an anonymous caller with 401, changing nothing', async () => {
      expectErrorBody(await unchanged(deal.id, () => move('anonymous')), 401, 'UNAUTHENTICATED');
    });

    it.each<Who>(['operator', 'admin'])('lets the %s move it on', async (who) => {
      const own = await dealIn(t, a, 'draft');
      expect((await expectOk(api().transition(as(who), own.id, 'signed'))).body).toMatchObject({ status: 'signed', version: 2 });
    });

    it("lets an admin move another base's deal on", async () => {
      const own = await dealIn(t, b, 'draft');
      await expectOk(api().transition(s.admin, own.id, 'cancelled'));
    });
  });

  describe('POST /deals/:id/verify', () => {
    const verify = (who: Who, target: Deal = deal) =>
      api().verify(as(who), target.id, { decision: 'verified', reason: '合同与登记材料一致' });

    it.each<Who>([...PARTIES, ...UNRELATED, 'operator', 'otherOperator'])(
      'refuses the %s with 403 (admins only), changing nothing',
      async (who) => {
        expectErrorBody(await unchanged(deal.id, () => verify(who)), 403, 'FORBIDDEN');
      },
    );

    it("refuses the base's other operator too, on either base", async () => {
      expectErrorBody(
        await unchanged(deal.id, () => api().verify(a.colleague, deal.id, { decision: 'rejected', reason: '自行核验' })),
        403,
        'FORBIDDEN',
      );
      expectErrorBody(await unchanged(dealOfB.id, () => verify('operator', dealOfB)), 403, 'FORBIDDEN');
    });

    it('refuses an anonymous caller with 401, changing nothing', async () => {
      expectErrorBody(await unchanged(deal.id, () => verify('anonymous')), 401, 'UNAUTHENTICATED');
    });

    it('lets an admin verify a deal of any base', async () => {
      for (const world of [a, b]) {
        const own = (await dealIn(t, world, 'signed')) as Deal;
        expect((await expectOk(verify('admin', own))).body).toMatchObject({ verification: 'verified', version: own.version + 1 });
      }
    });
  });

  describe('POST /deals/:id/payments', () => {
    const payment = { amount: '100.00', receivedAt: '2026-06-01' };
    const pay = (who: Who, target: Deal = deal) => api().pay(as(who), target.id, payment);

    it.each<Who>([...PARTIES, ...UNRELATED])('refuses the %s with 403, writing nothing', async (who) => {
      expectErrorBody(await unchanged(deal.id, () => pay(who)), 403, 'FORBIDDEN');
    });

    it('refuses an operator of another base with 404, writing nothing', async () => {
      const res = await unchanged(deal.id, () => pay('otherOperator'));
      expectErrorBody(res, 404, 'NOT_FOUND');
      expect(res.body.message).toBe(`deal ${deal.id} not found`);
      expectErrorBody(await unchanged(dealOfB.id, () => pay('operator', dealOfB)), 404, 'NOT_FOUND');
    });

    it('refuses an anonymous caller with 401, writing nothing', async () => {
      expectErrorBody(await unchanged(deal.id, () => pay('anonymous')), 401, 'UNAUTHENTICATED');
    });

    it.each<Who>(['operator', 'admin'])('lets the %s record a payment', async (who) => {
      const own = (await dealIn(t, a, 'signed')) as Deal;
      const res = await expectOk(pay(who, own), 201);
      expect(res.body.deal).toMatchObject({ receivedAmount: '100.00', version: own.version + 1 });
      expect(await paymentCount(own.id)).toBe(1);
    });

    it("lets an admin record a payment on another base's deal", async () => {
      const own = (await dealIn(t, b, 'signed')) as Deal;
      await expectOk(pay('admin', own), 201);
    });
  });

  describe("the base's operator", () => {
    it('reads, records, edits, moves and is paid on a deal, but does not verify it', async () => {
      const { operator } = a;
      const created = (await expectOk(api().create(operator, dealBody(a, { registrationNo: registrationNo() })), 201)).body as Deal;
      await expectOk(api().get(operator, created.id));
      const edited = (await expectOk(api().patch(operator, created.id, { title: '经办人修订' }, created.version))).body as Deal;
      await expectOk(api().transition(operator, edited.id, 'signed'));
      await expectOk(api().pay(operator, edited.id, { amount: '1.00', receivedAt: '2026-06-01' }), 201);
      expectErrorBody(
        await unchanged(created.id, () => api().verify(operator, created.id, { decision: 'verified', reason: '核验' })),
        403,
        'FORBIDDEN',
      );
    });
  });
});
