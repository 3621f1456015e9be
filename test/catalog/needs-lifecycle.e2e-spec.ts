/**
 * The need lifecycle through HTTP: draft → review → published | rejected, edits (a published need
 * goes back to review), close, every refused transition (422 naming the current state, nothing
 * written), the budget range on edit, and the audit event of each change.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { bearer, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import {
  API,
  auditCount,
  auditTrail,
  catalog,
  createDraft,
  expectIllegal,
  expectInvalid,
  expectOk,
  needBody,
  publish,
  storedRow,
  tag,
  transitions,
} from './helpers.js';

describe('need lifecycle', () => {
  let t: TestApp;
  let admin: Session;
  let owner: Session;
  let needs: ReturnType<typeof catalog>;

  beforeAll(async () => {
    t = await createTestApp();
    needs = catalog(t, 'need');
    [admin, owner] = await Promise.all([loginAdmin(t), registerAndLogin(t, 'enterprise')]);
  });
  afterAll(() => t.close());

  const statusOf = async (id: string) => (await sql<{ status: string }>('SELECT status FROM need WHERE id = $1', [id]))[0].status;

  it('creates a draft owned by the enterprise, submits it, and an admin approval publishes it', async () => {
    const body = needBody();
    const draft = (await expectOk(needs.create(owner, body), 201)).body;
    expect(draft).toMatchObject({
      ownerOrganizationId: owner.organizationId,
      title: body.title,
      status: 'draft',
      budgetMin: '500000.00',
      budgetMax: '2000000.00',
      deadline: body.deadline,
      publishedAt: null,
      reviewReason: null,
    });
    expect((await expectOk(needs.act(owner, draft.id, 'submit'))).body.status).toBe('pending_review');
    const before = Date.now();
    const approved = (await expectOk(needs.review(admin, draft.id, { decision: 'approve' }))).body;
    expect(approved.status).toBe('published');
    expect(Date.parse(approved.publishedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await expectOk(needs.get(undefined, draft.id))).body.status).toBe('published');

    const events = await auditTrail(t, admin, 'need', draft.id);
    expect(transitions(events)).toEqual([
      ['need.create', null, 'draft'],
      ['need.submit', 'draft', 'pending_review'],
      ['need.approve', 'pending_review', 'published'],
    ]);
    expect(events.map((e) => e.actorRole)).toEqual(['enterprise', 'enterprise', 'admin']);
    expect(events[2].after).toMatchObject({ publishedAt: approved.publishedAt });
  });

  it('rejects with a reason; the owner edits and submits again; the next approval publishes', async () => {
    const draft = await createDraft(t, 'need', owner);
    await expectOk(needs.act(owner, draft.id, 'submit'));
    const rejected = (await expectOk(needs.review(admin, draft.id, { decision: 'reject', reason: '预算范围与技术指标不匹配' }))).body;
    expect(rejected).toMatchObject({ status: 'rejected', reviewReason: '预算范围与技术指标不匹配' });
    expectErrorBody(await needs.get(undefined, draft.id), 404, 'NOT_FOUND');

    const edited = (await expectOk(needs.patch(owner, draft.id, { budgetMin: '800000', budgetMax: null }))).body;
    expect(edited).toMatchObject({ status: 'rejected', budgetMin: '800000.00', budgetMax: null });
    await expectOk(needs.act(owner, draft.id, 'submit'));
    expect((await expectOk(needs.review(admin, draft.id, { decision: 'approve' }))).body).toMatchObject({
      status: 'published',
      reviewReason: null,
    });

    expect(transitions(await auditTrail(t, admin, 'need', draft.id))).toEqual([
      ['need.create', null, 'draft'],
      ['need.submit', 'draft', 'pending_review'],
      ['need.reject', 'pending_review', 'rejected'],
      ['need.edit', 'rejected', 'rejected'],
      ['need.submit', 'rejected', 'pending_review'],
      ['need.approve', 'pending_review', 'published'],
    ]);
  });

  it.each([{}, { reason: '' }, { reason: ' ' }])('refuses a rejection without a reason (%j) with 400 naming reason', async (reason) => {
    const draft = await createDraft(t, 'need', owner);
    await expectOk(needs.act(owner, draft.id, 'submit'));
    const [row, events] = [await storedRow('need', draft.id), await auditCount(draft.id)];
    expectInvalid(await needs.review(admin, draft.id, { decision: 'reject', ...reason }), 'reason');
    expect(await storedRow('need', draft.id)).toBe(row);
    expect(await auditCount(draft.id)).toBe(events);
  });

  it('refuses major in a need review (only listings are major results) with 400 naming major', async () => {
    const draft = await createDraft(t, 'need', owner);
    await expectOk(needs.act(owner, draft.id, 'submit'));
    expectInvalid(await needs.review(admin, draft.id, { decision: 'approve', major: true }), 'major');
    expect(await statusOf(draft.id)).toBe('pending_review');
  });

  it('sends an edited published need back to review, out of public view', async () => {
    const published = await publish(t, 'need', owner, admin);
    const description = '需求更新：量程扩展至0～40MPa，要求通过-40℃～125℃温度循环试验。';
    expect((await expectOk(needs.patch(owner, published.id, { description }))).body).toMatchObject({
      status: 'pending_review',
      description,
    });
    expectErrorBody(await needs.get(undefined, published.id), 404, 'NOT_FOUND');
    await expectOk(needs.review(admin, published.id, { decision: 'approve' }));
    expect((await expectOk(needs.get(undefined, published.id))).body.description).toBe(description);
    expect(transitions(await auditTrail(t, admin, 'need', published.id)).slice(3)).toEqual([
      ['need.edit', 'published', 'pending_review'],
      ['need.approve', 'pending_review', 'published'],
    ]);
  });

  it('closes a published need: out of public view, still the owner’s, and then final', async () => {
    const published = await publish(t, 'need', owner, admin);
    expect((await expectOk(needs.act(owner, published.id, 'close'))).body.status).toBe('closed');
    expectErrorBody(await needs.get(undefined, published.id), 404, 'NOT_FOUND');
    expect((await expectOk(needs.get(owner, published.id))).body.status).toBe('closed');

    const [row, events] = [await storedRow('need', published.id), await auditCount(published.id)];
    expectIllegal(await needs.patch(owner, published.id, { title: `已关闭的需求${tag()}` }), 'closed');
    expectIllegal(await needs.act(owner, published.id, 'close'), 'closed');
    expectIllegal(await needs.act(owner, published.id, 'submit'), 'closed');
    expectIllegal(await needs.review(admin, published.id, { decision: 'approve' }), 'closed');
    expect(await storedRow('need', published.id)).toBe(row);
    expect(await auditCount(published.id)).toBe(events);
    expect(transitions(await auditTrail(t, admin, 'need', published.id)).at(-1)).toEqual(['need.close', 'published', 'closed']);
  });

  it('has no withdraw or renew: those are listing routes', async () => {
    const published = await publish(t, 'need', owner, admin);
    expect((await needs.act(owner, published.id, 'withdraw')).status).toBe(404);
    expect((await needs.act(owner, published.id, 'renew', {})).status).toBe(404);
    expect(await statusOf(published.id)).toBe('published');
  });

  describe('the budget stays a range on edit', () => {
    it('refuses a budgetMax below the stored budgetMin (400 naming budgetMax), changing nothing', async () => {
      const draft = await createDraft(t, 'need', owner, { budgetMin: '500000', budgetMax: '2000000' });
      const [row, events] = [await storedRow('need', draft.id), await auditCount(draft.id)];
      expectInvalid(await needs.patch(owner, draft.id, { budgetMax: '499999.99' }), 'budgetMax');
      expect(await storedRow('need', draft.id)).toBe(row);
      expect(await auditCount(draft.id)).toBe(events);
    });

    it('refuses a budgetMin above the stored budgetMax (400 naming budgetMax), changing nothing', async () => {
      const draft = await createDraft(t, 'need', owner, { budgetMin: '500000', budgetMax: '2000000' });
      const row = await storedRow('need', draft.id);
      expectInvalid(await needs.patch(owner, draft.id, { budgetMin: '2000000.01' }), 'budgetMax');
      expect(await storedRow('need', draft.id)).toBe(row);
    });

    it('accepts an equal minimum and maximum', async () => {
      const draft = await createDraft(t, 'need', owner);
      expect((await expectOk(needs.patch(owner, draft.id, { budgetMin: '2000000' }))).body).toMatchObject({
        budgetMin: '2000000.00',
        budgetMax: '2000000.00',
      });
    });
  });

  describe('refused transitions: 422 ILLEGAL_TRANSITION naming the current state, nothing written', () => {
    type Step = (id: string) => PromiseLike<Response>;
    const submit: Step = (id) => needs.act(owner, id, 'submit');
    const close: Step = (id) => needs.act(owner, id, 'close');
    const approve: Step = (id) => needs.review(admin, id, { decision: 'approve' });
    const reject: Step = (id) => needs.review(admin, id, { decision: 'reject', reason: '需求描述过于笼统' });
    const edit: Step = (id) => needs.patch(owner, id, { title: `不应写入的需求${tag()}` });

    const inState = async (state: string): Promise<string> => {
      if (state === 'published') return (await publish(t, 'need', owner, admin)).id;
      const { id } = await createDraft(t, 'need', owner);
      if (state === 'draft') return id;
      await expectOk(submit(id));
      if (state === 'pending_review') return id;
      await expectOk(reject(id));
      return id;
    };

    const cases: [string, string, () => Step][] = [
      ['submit', 'pending_review', () => submit],
      ['submit', 'published', () => submit],
      ['approve', 'draft', () => approve],
      ['approve', 'rejected', () => approve],
      ['approve', 'published', () => approve],
      ['reject', 'draft', () => reject],
      ['reject', 'published', () => reject],
      ['close', 'draft', () => close],
      ['close', 'pending_review', () => close],
      ['close', 'rejected', () => close],
      ['edit', 'pending_review', () => edit],
    ];

    it.each(cases)('refuses to %s a %s need', async (_, state, step) => {
      const id = await inState(state);
      const [row, events] = [await storedRow('need', id), await auditCount(id)];
      expectIllegal(await step()(id), state);
      expect(await statusOf(id)).toBe(state);
      expect(await storedRow('need', id)).toBe(row);
      expect(await auditCount(id)).toBe(events);
    });
  });

  it('writes one audit event per change, in order, and the chain verifies', async () => {
    const published = await publish(t, 'need', owner, admin);
    await expectOk(needs.patch(owner, published.id, { keywords: ['MEMS', '压力传感器', '国产化'] }));
    await expectOk(needs.review(admin, published.id, { decision: 'reject', reason: '关键词与描述不符' }));
    await expectOk(needs.patch(owner, published.id, { keywords: ['MEMS'] }));
    await expectOk(needs.act(owner, published.id, 'submit'));
    await expectOk(needs.review(admin, published.id, { decision: 'approve' }));
    await expectOk(needs.act(owner, published.id, 'close'));

    const events = await auditTrail(t, admin, 'need', published.id);
    expect(transitions(events)).toEqual([
      ['need.create', null, 'draft'],
      ['need.submit', 'draft', 'pending_review'],
      ['need.approve', 'pending_review', 'published'],
      ['need.edit', 'published', 'pending_review'],
      ['need.reject', 'pending_review', 'rejected'],
      ['need.edit', 'rejected', 'rejected'],
      ['need.submit', 'rejected', 'pending_review'],
      ['need.approve', 'pending_review', 'published'],
      ['need.close', 'published', 'closed'],
    ]);
    expect([events[3].before?.keywords, events[3].after?.keywords]).toEqual([
      ['MEMS', '压力传感器'],
      ['MEMS', '压力传感器', '国产化'],
    ]);

    const verify = await expectOk(t.http().get(`${API}/audit/verify`).set(bearer(admin)));
    expect(verify.body).toMatchObject({ ok: true, firstBrokenSeq: null });
  });
});
