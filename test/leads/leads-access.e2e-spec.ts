/**
 * Who sees and who changes a lead: both parties read it (without the staff's notes), the base's
 * operators and the admins read and manage it; an operator of another base, another enterprise or
 * institute get 404 (never 403), anonymous callers 401. A party that changes a lead gets 403.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { createOperator, loginAdmin, registerAndLogin, type Session } from '../support/factories.js';
import {
  expectOk,
  expressOk,
  freshBase,
  leadState,
  leads,
  leadsOfListing,
  listAll,
  publishListing,
  registerIn,
  type LeadBody,
} from './helpers.js';

type Who = 'enterprise' | 'institute' | 'operator' | 'admin' | 'otherOperator' | 'otherEnterprise' | 'otherInstitute' | 'anonymous';

describe('lead access', () => {
  let t: TestApp;
  let s: Record<Exclude<Who, 'anonymous'>, Session>;
  let base: { id: string; region: string };
  let otherBase: { id: string };
  let lead: LeadBody;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await loginAdmin(t);
    [base, otherBase] = await Promise.all([freshBase(t, admin), freshBase(t, admin)]);
    const [enterprise, institute, operator, otherOperator, otherEnterprise, otherInstitute] = await Promise.all([
      registerIn(t, 'enterprise', base.region),
      registerAndLogin(t, 'institute'),
      createOperator(t, admin, base.id),
      createOperator(t, admin, otherBase.id),
      registerIn(t, 'enterprise', base.region),
      registerAndLogin(t, 'institute'),
    ]);
    s = { enterprise, institute, operator, admin, otherOperator, otherEnterprise, otherInstitute };
    lead = await expressOk(t, enterprise, (await publishListing(t, institute, admin)).id);
    // A note, so that hiding the notes from the parties is visible.
    await expectOk(leads(t).patch(operator, lead.id, { note: '已电话联系企业技术负责人' }));
  });
  afterAll(() => t.close());

  const as = (who: Who) => (who === 'anonymous' ? undefined : s[who]);

  it('routes the lead to the base and its one operator', () => {
    expect(lead).toMatchObject({
      baseId: base.id,
      operatorId: s.operator.userId,
      enterpriseOrganizationId: s.enterprise.organizationId,
      ownerOrganizationId: s.institute.organizationId,
      status: 'new',
      overdue: false,
      dealId: null,
    });
  });

  describe('GET /leads/:id', () => {
    it.each<Who>(['enterprise', 'institute'])('shows the %s party the lead without the notes', async (who) => {
      const res = await expectOk(leads(t).get(as(who), lead.id));
      expect(res.body).toMatchObject({ id: lead.id, status: 'new', notes: null });
    });

    it.each<Who>(['operator', 'admin'])('shows the %s the lead with the notes', async (who) => {
      const res = await expectOk(leads(t).get(as(who), lead.id));
      expect(res.body.id).toBe(lead.id);
      expect(res.body.notes).toEqual([expect.objectContaining({ body: '已电话联系企业技术负责人', authorId: s.operator.userId })]);
    });

    it.each<Who>(['otherOperator', 'otherEnterprise', 'otherInstitute'])(
      'answers the %s 404, as for a lead that does not exist',
      async (who) => {
        const res = await leads(t).get(as(who), lead.id);
        expectErrorBody(res, 404, 'NOT_FOUND');
        expect(res.body.message).toBe(`lead ${lead.id} not found`);
      },
    );

    it('answers an anonymous caller 401', async () => {
      expectErrorBody(await leads(t).get(undefined, lead.id), 401, 'UNAUTHENTICATED');
    });

    it('answers 404 for an id that is no lead', async () => {
      expectErrorBody(await leads(t).get(s.admin, '00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
    });
  });

  describe('GET /leads', () => {
    it.each<[Who, boolean]>([
      ['enterprise', true],
      ['institute', true],
      ['operator', true],
      ['otherOperator', false],
      ['otherEnterprise', false],
      ['otherInstitute', false],
    ])('lists the lead to the %s: %s', async (who, visible) => {
      const ids = (await listAll(t, as(who)!)).map((l) => l.id);
      expect(ids.includes(lead.id)).toBe(visible);
    });

    it('lists the lead to an admin, who may filter by any base', async () => {
      const items = await listAll(t, s.admin, { baseId: base.id });
      expect(items.map((l) => l.id)).toContain(lead.id);
      expect(items.filter((l) => l.baseId !== base.id)).toEqual([]);
      expect(await listAll(t, s.admin, { baseId: otherBase.id })).toEqual([]);
    });

    it("lists only the base's leads to an operator, who may filter by their own base only", async () => {
      for (const query of [{}, { baseId: base.id }] as Record<string, string>[]) {
        const items = await listAll(t, s.operator, query);
        expect(items.map((l) => l.id)).toContain(lead.id);
        expect(items.filter((l) => l.baseId !== base.id)).toEqual([]);
      }
      expectErrorBody(await leads(t).list(s.operator, { baseId: otherBase.id }), 403, 'FORBIDDEN');
    });

    it('pages newest first with a cursor, each lead once', async () => {
      for (let i = 0; i < 3; i++) await expressOk(t, s.otherEnterprise, (await publishListing(t, s.institute, s.admin)).id);
      const whole = await listAll(t, s.operator);
      expect(whole.length).toBeGreaterThanOrEqual(4);
      const paged = await listAll(t, s.operator, { limit: 2 });
      expect(paged.map((l) => l.id)).toEqual(whole.map((l) => l.id));
      const created = whole.map((l) => l.createdAt);
      expect(created).toEqual([...created].sort().reverse());
      const first = await expectOk(leads(t).list(s.operator, { limit: 2 }));
      expect(first.body.items).toHaveLength(2);
      expect(typeof first.body.nextCursor).toBe('string');
    });

    it('refuses the parties a baseId filter', async () => {
      expectErrorBody(await leads(t).list(s.enterprise, { baseId: base.id }), 403, 'FORBIDDEN');
    });

    it('answers an anonymous caller 401', async () => {
      expectErrorBody(await leads(t).list(undefined), 401, 'UNAUTHENTICATED');
    });
  });

  describe('PATCH /leads/:id', () => {
    const changes = [{ status: 'contacted' }, { note: '试图修改' }, { status: 'closed', reason: '不想要了' }];

    async function unchanged(attempt: () => PromiseLike<Response>): Promise<Response> {
      const before = await leadState(lead.id);
      const res = await attempt();
      expect(await leadState(lead.id)).toBe(before);
      return res;
    }

    it.each<Who>(['enterprise', 'institute'])('refuses the %s party with 403, changing nothing', async (who) => {
      for (const body of [...changes, { operatorId: s.operator.userId }]) {
        const res = await unchanged(() => leads(t).patch(as(who), lead.id, body));
        expectErrorBody(res, 403, 'FORBIDDEN');
      }
    });

    it.each<Who>(['otherOperator', 'otherEnterprise', 'otherInstitute'])('refuses the %s with 404, changing nothing', async (who) => {
      for (const body of changes) expectErrorBody(await unchanged(() => leads(t).patch(as(who), lead.id, body)), 404, 'NOT_FOUND');
    });

    it('refuses an anonymous caller with 401, changing nothing', async () => {
      for (const body of changes) expectErrorBody(await unchanged(() => leads(t).patch(undefined, lead.id, body)), 401, 'UNAUTHENTICATED');
    });

    it("lets the base's operator and an admin change it", async () => {
      const own = await expressOk(t, s.otherEnterprise, (await publishListing(t, s.institute, s.admin)).id);
      expect((await expectOk(leads(t).patch(s.operator, own.id, { status: 'contacted' }))).body.status).toBe('contacted');
      expect((await expectOk(leads(t).patch(s.admin, own.id, { status: 'negotiating' }))).body.status).toBe('negotiating');
    });
  });

  describe('a lead at a base without operators', () => {
    it('is seen by the admins and by an operator who joins the base later, who can take it', async () => {
      const admin = s.admin;
      const empty = await freshBase(t, admin);
      const enterprise = await registerIn(t, 'enterprise', empty.region);
      const unassigned = await expressOk(t, enterprise, (await publishListing(t, s.institute, admin)).id);
      expect(unassigned.operatorId).toBeNull();
      expect((await listAll(t, admin, { baseId: empty.id })).map((l) => l.id)).toEqual([unassigned.id]);

      const newcomer = await createOperator(t, admin, empty.id);
      expect((await listAll(t, newcomer)).map((l) => l.id)).toEqual([unassigned.id]);
      const taken = await expectOk(leads(t).patch(newcomer, unassigned.id, { operatorId: newcomer.userId }));
      expect(taken.body.operatorId).toBe(newcomer.userId);
    });
  });

  describe('who may express interest', () => {
    it.each<Who>(['institute', 'operator', 'admin'])('refuses the %s with 403, writing nothing', async (who) => {
      const listing = await publishListing(t, s.institute, s.admin);
      expectErrorBody(await leads(t).express(as(who), listing.id), 403, 'FORBIDDEN');
      expect(await leadsOfListing(listing.id)).toEqual({ rows: 0, events: 0 });
    });

    it('refuses an anonymous caller with 401', async () => {
      const listing = await publishListing(t, s.institute, s.admin);
      expectErrorBody(await leads(t).express(undefined, listing.id), 401, 'UNAUTHENTICATED');
      expect(await leadsOfListing(listing.id)).toEqual({ rows: 0, events: 0 });
    });

    it('accepts an enterprise whose organization is not verified yet, as the catalog does for needs', async () => {
      const listing = await publishListing(t, s.institute, s.admin);
      const fresh = await registerIn(t, 'enterprise', '北京市海淀区');
      await expressOk(t, fresh, listing.id);
    });
  });
});
