/**
 * Where a lead lands: the base by the enterprise's region (branch by district, Sichuan branch by
 * city, offline base by the district table, else online; inactive bases skipped), and within the
 * base the operator with the fewest open leads, also when interests arrive at once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, loginAdmin, registerAndLogin, type Session } from '../support/factories.js';
import {
  API,
  baseIdOf,
  expectOk,
  expressOk,
  freshBase,
  leads,
  operatorsOf,
  publishListing,
  registerIn,
  tag,
  type LeadBody,
} from './helpers.js';

describe('lead routing', () => {
  let t: TestApp;
  let admin: Session;
  let institute: Session;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, institute] = await Promise.all([loginAdmin(t), registerAndLogin(t, 'institute')]);
  });
  afterAll(() => t.close());

  const listing = async () => (await publishListing(t, institute, admin)).id;

  describe('to a base by the enterprise region', () => {
    it.each([
      ['重庆市万州区', 'branch-wanzhou'],
      ['四川省成都市高新区', 'branch-chengdu'],
      ['四川省成都市', 'branch-chengdu'],
      ['重庆市渝北区', 'liangjiang'],
      ['重庆市江北区', 'liangjiang'],
      ['重庆市沙坪坝区', 'gaoxin'],
      ['重庆市九龙坡区', 'gaoxin'],
      ['北京市海淀区', 'online'],
      ['重庆', 'online'],
    ])('%s → %s', async (region, code) => {
      const enterprise = await registerIn(t, 'enterprise', region);
      const lead = await expressOk(t, enterprise, await listing());
      expect(lead.baseId).toBe(await baseIdOf(code));
      expect(lead.status).toBe('new');
    });

    it('skips an inactive base that would match and falls through to the next rule', async () => {
      const base = await freshBase(t, admin);
      const first = await expressOk(t, await registerIn(t, 'enterprise', base.region), await listing());
      expect(first.baseId).toBe(base.id);

      await expectOk(t.http().patch(`${API}/bases/${base.id}`).set(bearer(admin)).send({ active: false }));
      const second = await expressOk(t, await registerIn(t, 'enterprise', base.region), await listing());
      expect(second.baseId).toBe(await baseIdOf('online'));
      // The lead routed before the base closed stays where it was.
      expect((await expectOk(leads(t).get(admin, first.id))).body.baseId).toBe(base.id);
    });

    it('leaves the lead unassigned at a base without operators', async () => {
      const base = await freshBase(t, admin);
      const lead = await expressOk(t, await registerIn(t, 'enterprise', base.region), await listing());
      expect(lead).toMatchObject({ baseId: base.id, operatorId: null });
    });
  });

  describe('to the operator of the base with the fewest open leads', () => {
    it('takes the earliest-created on a tie, the less loaded otherwise, and does not count converted or closed leads', async () => {
      const base = await freshBase(t, admin);
      const [first, second] = await operatorsOf(t, admin, base.id, 2);
      const enterprise = await registerIn(t, 'enterprise', base.region);
      const next = async () => (await expressOk(t, enterprise, await listing())).operatorId;

      const lead1 = await expressOk(t, enterprise, await listing());
      expect(lead1.operatorId).toBe(first.userId); // 0 : 0, the first created wins
      expect(await next()).toBe(second.userId); // 1 : 0
      const lead3 = await expressOk(t, enterprise, await listing());
      expect(lead3.operatorId).toBe(first.userId); // 1 : 1
      expect(await next()).toBe(second.userId); // 2 : 1, the second has fewer

      // Now 2 : 2. Close one of the first's leads and convert the other: neither counts any more.
      await expectOk(leads(t).patch(first, lead1.id, { status: 'closed', reason: '企业已另寻合作方' }));
      for (const status of ['contacted', 'negotiating', 'converted']) await expectOk(leads(t).patch(first, lead3.id, { status }));
      expect(await next()).toBe(first.userId); // 0 : 2
      expect(await next()).toBe(first.userId); // 1 : 2
      expect(await next()).toBe(first.userId); // 2 : 2, a tie: the first created
      expect(await next()).toBe(second.userId); // 3 : 2
    });

    it('spreads interests that arrive at once evenly over the operators', async () => {
      const base = await freshBase(t, admin);
      const operators = await operatorsOf(t, admin, base.id, 3);
      const enterprise = await registerIn(t, 'enterprise', base.region);
      const listings = await Promise.all(Array.from({ length: 9 }, () => listing()));

      const responses = await Promise.all(listings.map((id) => leads(t).express(enterprise, id, { message: `同时提交的意向${tag()}` })));
      expect(responses.map((r) => r.status)).toEqual(listings.map(() => 201));
      const perOperator = new Map<string | null, number>();
      for (const lead of responses.map((r) => r.body as LeadBody)) {
        expect(lead.baseId).toBe(base.id);
        perOperator.set(lead.operatorId, (perOperator.get(lead.operatorId) ?? 0) + 1);
      }
      expect(Object.fromEntries(perOperator)).toEqual(Object.fromEntries(operators.map((o) => [o.userId, 3])));
    });
  });
});
