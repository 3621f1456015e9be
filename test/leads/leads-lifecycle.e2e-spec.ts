/**
 * The pipeline of a lead: every legal path, every refused transition (422 naming the current
 * state, nothing written), closing with and without a reason, reassignment within the base, notes,
 * one open lead per listing and organization (409), and the audit event of every change.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { createOperator, loginAdmin, registerAndLogin, type Session } from '../support/factories.js';
import {
  expectIllegal,
  expectInvalid,
  expectOk,
  expressOk,
  freshBase,
  leadAudit,
  leadState,
  leads,
  leadsOfListing,
  publishListing,
  publishNeed,
  registerIn,
  type LeadBody,
} from './helpers.js';

const REASON = '企业预算调整，暂停引进';

describe('lead lifecycle', () => {
  let t: TestApp;
  let admin: Session;
  let institute: Session;
  let enterprise: Session;
  let operator: Session;
  let colleague: Session;
  let otherBaseOperator: Session;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    const [base, otherBase] = await Promise.all([freshBase(t, admin), freshBase(t, admin)]);
    [institute, enterprise, operator, otherBaseOperator] = await Promise.all([
      registerAndLogin(t, 'institute'),
      registerIn(t, 'enterprise', base.region),
      createOperator(t, admin, base.id),
      createOperator(t, admin, otherBase.id),
    ]);
    colleague = await createOperator(t, admin, base.id);
  });

  /** The base's other operator than the lead's: routing spreads the leads over both. */
  const otherOf = (lead: LeadBody) => (lead.operatorId === operator.userId ? colleague : operator);
  afterAll(() => t.close());

  /** A new lead of `enterprise`, on a listing of its own. */
  async function newLead(): Promise<LeadBody> {
    return expressOk(t, enterprise, (await publishListing(t, institute, admin)).id);
  }

  /** A lead brought to `status` by the base's operator. */
  async function leadIn(status: string): Promise<LeadBody> {
    const lead = await newLead();
    const path: Record<string, string[]> = {
      new: [],
      contacted: ['contacted'],
      negotiating: ['contacted', 'negotiating'],
      converted: ['contacted', 'negotiating', 'converted'],
      closed: ['closed'],
    };
    let current = lead;
    for (const step of path[status]) {
      const body = step === 'closed' ? { status: step, reason: REASON } : { status: step };
      current = (await expectOk(leads(t).patch(operator, lead.id, body))).body;
    }
    expect(current.status).toBe(status);
    return current;
  }

  describe('legal paths', () => {
    it.each([
      [['contacted', 'negotiating', 'converted']],
      [['closed']],
      [['contacted', 'closed']],
      [['contacted', 'negotiating', 'closed']],
    ])('new → %j, each step audited and counted as activity', async (steps) => {
      const lead = await newLead();
      let lastActivity = lead.lastActivityAt;
      for (const status of steps) {
        const body = status === 'closed' ? { status, reason: REASON } : { status };
        const res = await expectOk(leads(t).patch(operator, lead.id, body));
        expect(res.body.status).toBe(status);
        expect(res.body.lastActivityAt > lastActivity).toBe(true);
        lastActivity = res.body.lastActivityAt;
      }
      const final = (await expectOk(leads(t).get(enterprise, lead.id))).body;
      expect(final).toMatchObject({
        status: steps.at(-1),
        closeReason: steps.at(-1) === 'closed' ? REASON : null,
        dealId: null,
        overdue: false,
      });

      const verbs: Record<string, string> = { contacted: 'contact', negotiating: 'negotiate', converted: 'convert', closed: 'close' };
      const events = await leadAudit(t, admin, lead.id);
      expect(events.map((e) => [e.action, e.before?.status ?? null, e.after?.status ?? null])).toEqual([
        ['lead.create', null, 'new'],
        ...steps.map((status, i) => [`lead.${verbs[status]}`, i === 0 ? 'new' : steps[i - 1], status]),
      ]);
      expect(events.every((e) => e.entity === 'lead' && e.entityId === lead.id)).toBe(true);
      expect(events.slice(1).every((e) => e.actorId === operator.userId && e.actorRole === 'operator')).toBe(true);
    });
  });

  describe('refused transitions', () => {
    const refused: [string, string][] = [
      ['new', 'new'],
      ['new', 'negotiating'],
      ['new', 'converted'],
      ['contacted', 'new'],
      ['contacted', 'contacted'],
      ['contacted', 'converted'],
      ['negotiating', 'new'],
      ['negotiating', 'contacted'],
      ['converted', 'new'],
      ['converted', 'negotiating'],
      ['converted', 'closed'],
      ['closed', 'new'],
      ['closed', 'contacted'],
      ['closed', 'converted'],
      ['closed', 'closed'],
    ];

    it.each(refused)('%s → %s is a 422 naming the current state, changing nothing', async (from, to) => {
      const lead = await leadIn(from);
      const before = await leadState(lead.id);
      const res = await leads(t).patch(operator, lead.id, to === 'closed' ? { status: to, reason: REASON } : { status: to });
      expectIllegal(res, from);
      expect(await leadState(lead.id)).toBe(before);
    });

    it('refuses a change that also carries a note as a whole: the note is not kept', async () => {
      const lead = await leadIn('new');
      const before = await leadState(lead.id);
      expectIllegal(await leads(t).patch(operator, lead.id, { status: 'converted', note: '直接成交' }), 'new');
      expect(await leadState(lead.id)).toBe(before);
    });
  });

  describe('closing', () => {
    it('without a reason is a 400 naming reason, changing nothing', async () => {
      const lead = await newLead();
      const before = await leadState(lead.id);
      for (const body of [{ status: 'closed' }, { status: 'closed', reason: '   ' }, { status: 'closed', reason: null }]) {
        expectInvalid(await leads(t).patch(operator, lead.id, body), 'reason');
      }
      expect(await leadState(lead.id)).toBe(before);
    });

    it('takes a reason only when closing (400 naming reason otherwise)', async () => {
      const lead = await newLead();
      const before = await leadState(lead.id);
      expectInvalid(await leads(t).patch(operator, lead.id, { status: 'contacted', reason: REASON }), 'reason');
      expectInvalid(await leads(t).patch(operator, lead.id, { reason: REASON }), 'reason');
      expect(await leadState(lead.id)).toBe(before);
    });

    it('trims and keeps the reason', async () => {
      const lead = await newLead();
      const res = await expectOk(leads(t).patch(operator, lead.id, { status: 'closed', reason: `  ${REASON}  ` }));
      expect(res.body).toMatchObject({ status: 'closed', closeReason: REASON });
    });
  });

  describe('reassignment', () => {
    it('moves the lead to another operator of the base, audited as lead.reassign', async () => {
      const lead = await newLead();
      const other = otherOf(lead);
      const res = await expectOk(leads(t).patch(admin, lead.id, { operatorId: other.userId }));
      expect(res.body.operatorId).toBe(other.userId);
      expect(res.body.lastActivityAt > lead.lastActivityAt).toBe(true);

      const reassign = (await leadAudit(t, admin, lead.id)).find((e) => e.action === 'lead.reassign');
      expect(reassign).toMatchObject({
        actorId: admin.userId,
        actorRole: 'admin',
        before: expect.objectContaining({ operatorId: lead.operatorId, status: 'new' }),
        after: expect.objectContaining({ operatorId: other.userId, status: 'new' }),
      });
      await expectOk(leads(t).patch(other, lead.id, { status: 'contacted' }));
    });

    it.each<[string, () => string]>([
      ['an operator of another base', () => otherBaseOperator.userId],
      ['an enterprise user', () => enterprise.userId],
      ['an admin', () => admin.userId],
      ['no user at all', () => '00000000-0000-4000-8000-000000000000'],
    ])('to %s is a 422 naming operatorId, changing nothing', async (_, operatorId) => {
      const lead = await newLead();
      const before = await leadState(lead.id);
      const res = await leads(t).patch(operator, lead.id, { operatorId: operatorId() });
      expectErrorBody(res, 422, 'OPERATOR_NOT_AT_BASE', ['operatorId']);
      expect(await leadState(lead.id)).toBe(before);
    });

    it.each(['converted', 'closed'])('of a %s lead is a 422 naming the state, changing nothing', async (status) => {
      const lead = await leadIn(status);
      const before = await leadState(lead.id);
      expectIllegal(await leads(t).patch(operator, lead.id, { operatorId: otherOf(lead).userId }), status);
      expect(await leadState(lead.id)).toBe(before);
    });

    it('to the operator it already has changes nothing and writes no event', async () => {
      const lead = await newLead();
      const before = await leadState(lead.id);
      const res = await expectOk(leads(t).patch(operator, lead.id, { operatorId: lead.operatorId }));
      expect(res.body.operatorId).toBe(lead.operatorId);
      expect(await leadState(lead.id)).toBe(before);
    });
  });

  describe('notes', () => {
    it('are kept oldest first for the staff, count as activity and are audited as lead.note', async () => {
      const lead = await newLead();
      const first = await expectOk(leads(t).patch(operator, lead.id, { note: '  已与企业约定下周三面谈  ' }));
      const second = await expectOk(leads(t).patch(admin, lead.id, { note: '平台已提供政策补贴说明' }));
      expect(first.body.lastActivityAt > lead.lastActivityAt).toBe(true);
      expect(second.body.notes).toEqual([
        expect.objectContaining({ body: '已与企业约定下周三面谈', authorId: operator.userId }),
        expect.objectContaining({ body: '平台已提供政策补贴说明', authorId: admin.userId }),
      ]);
      expect(second.body.status).toBe('new');
      const notes = (await leadAudit(t, admin, lead.id)).filter((e) => e.action === 'lead.note');
      expect(notes.map((e) => e.after?.note)).toEqual(['已与企业约定下周三面谈', '平台已提供政策补贴说明']);
    });

    it('go with a status change and a reassignment in one request: one event each', async () => {
      const lead = await newLead();
      const other = otherOf(lead);
      const res = await expectOk(
        leads(t).patch(operator, lead.id, { status: 'contacted', operatorId: other.userId, note: '转交同事跟进' }),
      );
      expect(res.body).toMatchObject({ status: 'contacted', operatorId: other.userId });
      expect(res.body.notes).toHaveLength(1);
      const events = await leadAudit(t, admin, lead.id);
      expect(events.map((e) => e.action)).toEqual(['lead.create', 'lead.contact', 'lead.reassign', 'lead.note']);
      expect(events[2]).toMatchObject({
        before: expect.objectContaining({ status: 'contacted', operatorId: lead.operatorId }),
        after: expect.objectContaining({ status: 'contacted', operatorId: other.userId }),
      });
      expect(events[3].after).toMatchObject({ note: '转交同事跟进', operatorId: other.userId });
    });

    it('may be added to a closed lead, which stays closed', async () => {
      const lead = await leadIn('closed');
      const res = await expectOk(leads(t).patch(operator, lead.id, { note: '企业表示明年可能重启' }));
      expect(res.body).toMatchObject({ status: 'closed', overdue: false });
    });
  });

  describe('one open lead per listing and organization', () => {
    it('answers a second interest while one is open with 409 LEAD_ALREADY_OPEN, writing nothing', async () => {
      const listing = await publishListing(t, institute, admin);
      const lead = await expressOk(t, enterprise, listing.id);
      const res = await leads(t).express(enterprise, listing.id);
      const body = expectErrorBody(res, 409, 'LEAD_ALREADY_OPEN');
      expect(body.message).toContain(lead.id);
      expect(await leadsOfListing(listing.id)).toEqual({ rows: 1, events: 1 });
    });

    it('lets another enterprise express interest in the same listing', async () => {
      const listing = await publishListing(t, institute, admin);
      await expressOk(t, enterprise, listing.id);
      await expressOk(t, await registerAndLogin(t, 'enterprise'), listing.id);
      expect((await leadsOfListing(listing.id)).rows).toBe(2);
    });

    it.each(['closed', 'converted'])('accepts a new interest once the open one is %s', async (status) => {
      const lead = await leadIn(status);
      const again = await expressOk(t, enterprise, lead.listingId);
      expect(again.id).not.toBe(lead.id);
      expect(again.status).toBe('new');
    });

    it('lets exactly one of two simultaneous interests through', async () => {
      const listing = await publishListing(t, institute, admin);
      const responses = await Promise.all([leads(t).express(enterprise, listing.id), leads(t).express(enterprise, listing.id)]);
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
      expectErrorBody(
        responses.find((r) => r.status === 409)!,
        409,
        'LEAD_ALREADY_OPEN',
      );
      expect(await leadsOfListing(listing.id)).toEqual({ rows: 1, events: 1 });
    });
  });

  describe('creation', () => {
    it('records the create event with the lead as it was created', async () => {
      const lead = await newLead();
      expect([operator.userId, colleague.userId]).toContain(lead.operatorId);
      const [created] = await leadAudit(t, admin, lead.id);
      expect(created).toMatchObject({
        action: 'lead.create',
        actorId: enterprise.userId,
        actorRole: 'enterprise',
        before: null,
        after: expect.objectContaining({
          id: lead.id,
          listingId: lead.listingId,
          baseId: lead.baseId,
          operatorId: lead.operatorId,
          status: 'new',
          enterpriseOrganizationId: enterprise.organizationId,
          ownerOrganizationId: institute.organizationId,
        }),
      });
    });

    it('links a published need of the enterprise and trims the message', async () => {
      const need = await publishNeed(t, enterprise, admin);
      const listing = await publishListing(t, institute, admin);
      const lead = await expressOk(t, enterprise, listing.id, { needId: need.id, message: '  希望洽谈许可方式  ' });
      expect(lead).toMatchObject({ needId: need.id, message: '希望洽谈许可方式' });
    });
  });
});
