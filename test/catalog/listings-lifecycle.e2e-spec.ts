/**
 * The listing lifecycle through HTTP: every path of the review workflow, every refused transition
 * (422 naming the current state, nothing written), `major` and validUntil, the audit event of
 * each change, and the scheduled expiry. Each test makes its own listings, so nothing depends on
 * what other suites do to the shared database.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { ListingsService } from '#yizhi/catalog';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { bearer, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import {
  API,
  auditCount,
  auditTrail,
  catalog,
  createDraft,
  daysFromToday,
  expectIllegal,
  expectInvalid,
  expectOk,
  listingBody,
  publish,
  storedRow,
  tag,
  today,
  transitions,
  yearsFrom,
} from './helpers.js';

describe('listing lifecycle', () => {
  let t: TestApp;
  let admin: Session;
  let owner: Session;
  let listings: ReturnType<typeof catalog>;

  beforeAll(async () => {
    t = await createTestApp();
    listings = catalog(t, 'listing');
    [admin, owner] = await Promise.all([loginAdmin(t), registerAndLogin(t, 'institute')]);
  });
  afterAll(() => t.close());

  const statusOf = async (id: string) => (await sql<{ status: string }>('SELECT status FROM listing WHERE id = $1', [id]))[0].status;

  describe('draft → pending_review → published', () => {
    it('creates a draft owned by the institute, submits it, and an admin approval publishes it for a year', async () => {
      const created = await expectOk(listings.create(owner, listingBody()), 201);
      const draft = created.body;
      expect(draft).toMatchObject({
        ownerOrganizationId: owner.organizationId,
        status: 'draft',
        major: false,
        publishedAt: null,
        validUntil: null,
        expired: false,
        askingPrice: '1500000.00',
        reviewReason: null,
      });

      const submitted = (await expectOk(listings.act(owner, draft.id, 'submit'))).body;
      expect(submitted).toMatchObject({ id: draft.id, status: 'pending_review', publishedAt: null });

      const before = Date.now();
      const approved = (await expectOk(listings.review(admin, draft.id, { decision: 'approve' }))).body;
      expect(approved.status).toBe('published');
      expect(Date.parse(approved.publishedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(approved.publishedAt)).toBeLessThanOrEqual(Date.now() + 1000);
      // One year after today in Chongqing (the date of publication).
      expect(approved.validUntil).toBe(yearsFrom(today(), 1));
      expect(approved.expired).toBe(false);

      // Now anyone sees it, anonymous callers included.
      const seen = (await expectOk(listings.get(undefined, draft.id))).body;
      expect(seen).toMatchObject({ id: draft.id, status: 'published', validUntil: approved.validUntil });

      const events = await auditTrail(t, admin, 'listing', draft.id);
      expect(transitions(events)).toEqual([
        ['listing.create', null, 'draft'],
        ['listing.submit', 'draft', 'pending_review'],
        ['listing.approve', 'pending_review', 'published'],
      ]);
      expect(events.map((e) => [e.actorId, e.actorRole])).toEqual([
        [owner.userId, 'institute'],
        [owner.userId, 'institute'],
        [admin.userId, 'admin'],
      ]);
      expect(events[0].before).toBeNull();
      expect(events[0].after).toMatchObject({ id: draft.id, title: draft.title, status: 'draft' });
      expect(events[2].after).toMatchObject({ publishedAt: approved.publishedAt, validUntil: approved.validUntil });
    });

    it('keeps a validUntil the owner chose when it lies ahead, later or sooner than a year', async () => {
      const later = daysFromToday(800);
      expect((await publish(t, 'listing', owner, admin, { validUntil: later })).validUntil).toBe(later);
      const sooner = daysFromToday(30);
      expect((await publish(t, 'listing', owner, admin, { validUntil: sooner })).validUntil).toBe(sooner);
    });

    it('gives a year from approval when the chosen validUntil has passed while the listing waited for review', async () => {
      const draft = await createDraft(t, 'listing', owner, { validUntil: daysFromToday(10) });
      await expectOk(listings.act(owner, draft.id, 'submit'));
      await sql('UPDATE listing SET valid_until = $2 WHERE id = $1', [draft.id, daysFromToday(-1)]);
      const approved = (await expectOk(listings.review(admin, draft.id, { decision: 'approve' }))).body;
      expect(approved.validUntil).toBe(yearsFrom(today(), 1));
    });
  });

  describe('rejection', () => {
    it('rejects with a reason; the owner edits and submits again; the next approval publishes', async () => {
      const draft = await createDraft(t, 'listing', owner);
      await expectOk(listings.act(owner, draft.id, 'submit'));

      const rejected = (await expectOk(listings.review(admin, draft.id, { decision: 'reject', reason: '专利号与成果名称不一致，请核实' })))
        .body;
      expect(rejected).toMatchObject({ status: 'rejected', reviewReason: '专利号与成果名称不一致，请核实', publishedAt: null });
      // A rejected listing is not public.
      expectErrorBody(await listings.get(undefined, draft.id), 404, 'NOT_FOUND');

      const title = `碳化硅功率模块银烧结封装工艺${tag()}`;
      const edited = (await expectOk(listings.patch(owner, draft.id, { title, maturity: 7 }))).body;
      expect(edited).toMatchObject({ status: 'rejected', title, maturity: 7, summary: draft.summary });

      expect((await expectOk(listings.act(owner, draft.id, 'submit'))).body.status).toBe('pending_review');
      const approved = (await expectOk(listings.review(admin, draft.id, { decision: 'approve' }))).body;
      expect(approved).toMatchObject({ status: 'published', title, reviewReason: null });

      expect(transitions(await auditTrail(t, admin, 'listing', draft.id))).toEqual([
        ['listing.create', null, 'draft'],
        ['listing.submit', 'draft', 'pending_review'],
        ['listing.reject', 'pending_review', 'rejected'],
        ['listing.edit', 'rejected', 'rejected'],
        ['listing.submit', 'rejected', 'pending_review'],
        ['listing.approve', 'pending_review', 'published'],
      ]);
    });

    it.each([{}, { reason: '' }, { reason: '   ' }, { reason: null }])(
      'refuses a rejection without a reason (%j) with 400 naming reason, changing nothing',
      async (reason) => {
        const draft = await createDraft(t, 'listing', owner);
        await expectOk(listings.act(owner, draft.id, 'submit'));
        const [row, events] = [await storedRow('listing', draft.id), await auditCount(draft.id)];
        expectInvalid(await listings.review(admin, draft.id, { decision: 'reject', ...reason }), 'reason');
        expect(await storedRow('listing', draft.id)).toBe(row);
        expect(await auditCount(draft.id)).toBe(events);
      },
    );
  });

  describe('editing a published listing', () => {
    it('sends it back to review and out of public view until approved again', async () => {
      const published = await publish(t, 'listing', owner, admin);
      const summary = '改进后的银烧结工艺使模块热阻再降低15%，已在两家整车企业完成台架验证。';
      const edited = (await expectOk(listings.patch(owner, published.id, { summary }))).body;
      expect(edited).toMatchObject({ status: 'pending_review', summary });
      expectErrorBody(await listings.get(undefined, published.id), 404, 'NOT_FOUND');

      const again = (await expectOk(listings.review(admin, published.id, { decision: 'approve' }))).body;
      expect(again).toMatchObject({ status: 'published', summary, validUntil: published.validUntil });
      expect((await expectOk(listings.get(undefined, published.id))).body.summary).toBe(summary);

      expect(transitions(await auditTrail(t, admin, 'listing', published.id)).slice(3)).toEqual([
        ['listing.edit', 'published', 'pending_review'],
        ['listing.approve', 'pending_review', 'published'],
      ]);
    });

    it('sets askingPrice back to 面议 with null, and validUntil only to a future date', async () => {
      const draft = await createDraft(t, 'listing', owner);
      expect((await expectOk(listings.patch(owner, draft.id, { askingPrice: null }))).body.askingPrice).toBeNull();
      expect((await expectOk(listings.patch(owner, draft.id, { askingPrice: '880000.5' }))).body.askingPrice).toBe('880000.50');
      const row = await storedRow('listing', draft.id);
      expectInvalid(await listings.patch(owner, draft.id, { validUntil: today() }), 'validUntil');
      expect(await storedRow('listing', draft.id)).toBe(row);
    });
  });

  describe('withdraw', () => {
    it('withdraws a published listing; it leaves public view, and a withdrawn listing can be neither edited nor renewed', async () => {
      const published = await publish(t, 'listing', owner, admin);
      const withdrawn = (await expectOk(listings.act(owner, published.id, 'withdraw'))).body;
      expect(withdrawn.status).toBe('withdrawn');
      expectErrorBody(await listings.get(undefined, published.id), 404, 'NOT_FOUND');
      expect((await expectOk(listings.get(owner, published.id))).body.status).toBe('withdrawn');

      const [row, events] = [await storedRow('listing', published.id), await auditCount(published.id)];
      expectIllegal(await listings.patch(owner, published.id, { title: `已撤回的成果${tag()}` }), 'withdrawn');
      expectIllegal(await listings.act(owner, published.id, 'renew', {}), 'withdrawn');
      expectIllegal(await listings.act(owner, published.id, 'submit'), 'withdrawn');
      expectIllegal(await listings.act(owner, published.id, 'withdraw'), 'withdrawn');
      expectIllegal(await listings.review(admin, published.id, { decision: 'approve' }), 'withdrawn');
      expect(await storedRow('listing', published.id)).toBe(row);
      expect(await auditCount(published.id)).toBe(events);

      expect(transitions(await auditTrail(t, admin, 'listing', published.id)).at(-1)).toEqual([
        'listing.withdraw',
        'published',
        'withdrawn',
      ]);
    });
  });

  describe('transfer', () => {
    it('marks a published listing transferred; it leaves search and public view, and nothing more can happen to it', async () => {
      const published = await publish(t, 'listing', owner, admin);
      const transferred = (await expectOk(listings.act(owner, published.id, 'transfer'))).body;
      expect(transferred.status).toBe('transferred');
      expectErrorBody(await listings.get(undefined, published.id), 404, 'NOT_FOUND');
      expect((await expectOk(listings.get(owner, published.id))).body.status).toBe('transferred');
      const found = (await expectOk(listings.search(undefined, { q: published.title as string }))).body;
      expect(found.items.map((i: { id: string }) => i.id)).not.toContain(published.id);

      const [row, events] = [await storedRow('listing', published.id), await auditCount(published.id)];
      expectIllegal(await listings.patch(owner, published.id, { title: `已转化的成果${tag()}` }), 'transferred');
      expectIllegal(await listings.act(owner, published.id, 'renew', {}), 'transferred');
      expectIllegal(await listings.act(owner, published.id, 'submit'), 'transferred');
      expectIllegal(await listings.act(owner, published.id, 'withdraw'), 'transferred');
      expectIllegal(await listings.act(owner, published.id, 'transfer'), 'transferred');
      expectIllegal(await listings.review(admin, published.id, { decision: 'approve' }), 'transferred');
      expect(await storedRow('listing', published.id)).toBe(row);
      expect(await auditCount(published.id)).toBe(events);

      expect(transitions(await auditTrail(t, admin, 'listing', published.id)).at(-1)).toEqual([
        'listing.transfer',
        'published',
        'transferred',
      ]);
    });

    it('refuses to transfer a withdrawn listing (422 naming withdrawn)', async () => {
      const published = await publish(t, 'listing', owner, admin);
      await expectOk(listings.act(owner, published.id, 'withdraw'));
      expectIllegal(await listings.act(owner, published.id, 'transfer'), 'withdrawn');
      expect(await statusOf(published.id)).toBe('withdrawn');
    });
  });

  describe('renew', () => {
    it('extends by a year past the current validUntil when that is later than today', async () => {
      const published = await publish(t, 'listing', owner, admin);
      const renewed = (await expectOk(listings.act(owner, published.id, 'renew', {}))).body;
      expect(renewed).toMatchObject({ status: 'published', validUntil: yearsFrom(published.validUntil as string, 1), expired: false });
      expect(transitions(await auditTrail(t, admin, 'listing', published.id)).at(-1)).toEqual(['listing.renew', 'published', 'published']);
      const [event] = (await auditTrail(t, admin, 'listing', published.id)).slice(-1);
      expect([event.before?.validUntil, event.after?.validUntil]).toEqual([published.validUntil, renewed.validUntil]);
    });

    it('extends by a year past today when the current validUntil has passed', async () => {
      const published = await publish(t, 'listing', owner, admin);
      await sql('UPDATE listing SET valid_until = $2 WHERE id = $1', [published.id, daysFromToday(-3)]);
      const renewed = (await expectOk(listings.act(owner, published.id, 'renew'))).body;
      expect(renewed.validUntil).toBe(yearsFrom(today(), 1));
    });

    it('sets an explicit future date', async () => {
      const published = await publish(t, 'listing', owner, admin);
      const until = daysFromToday(1000);
      expect((await expectOk(listings.act(owner, published.id, 'renew', { validUntil: until }))).body.validUntil).toBe(until);
    });

    it.each([
      ['yesterday', -1],
      ['today', 0],
      ['a year ago', -365],
    ])('refuses an explicit validUntil of %s with 400 naming validUntil, changing nothing', async (_, days) => {
      const published = await publish(t, 'listing', owner, admin);
      const [row, events] = [await storedRow('listing', published.id), await auditCount(published.id)];
      expectInvalid(await listings.act(owner, published.id, 'renew', { validUntil: daysFromToday(days) }), 'validUntil');
      expect(await storedRow('listing', published.id)).toBe(row);
      expect(await auditCount(published.id)).toBe(events);
    });
  });

  describe('refused transitions: 422 ILLEGAL_TRANSITION naming the current state, nothing written', () => {
    type Step = (id: string) => PromiseLike<Response>;
    const submit: Step = (id) => listings.act(owner, id, 'submit');
    const withdraw: Step = (id) => listings.act(owner, id, 'withdraw');
    const transfer: Step = (id) => listings.act(owner, id, 'transfer');
    const renew: Step = (id) => listings.act(owner, id, 'renew', {});
    const approve: Step = (id) => listings.review(admin, id, { decision: 'approve' });
    const reject: Step = (id) => listings.review(admin, id, { decision: 'reject', reason: '材料不全' });
    const edit: Step = (id) => listings.patch(owner, id, { title: `不应写入的标题${tag()}` });

    /** Brings a new listing to `state` through the API. */
    const inState = async (state: string): Promise<string> => {
      if (state === 'published') return (await publish(t, 'listing', owner, admin)).id;
      const { id } = await createDraft(t, 'listing', owner);
      if (state === 'draft') return id;
      await expectOk(submit(id));
      if (state === 'pending_review') return id;
      if (state === 'rejected') {
        await expectOk(reject(id));
        return id;
      }
      throw new Error(state);
    };

    const cases: [string, string, () => Step][] = [
      ['submit', 'pending_review', () => submit],
      ['submit', 'published', () => submit],
      ['approve', 'draft', () => approve],
      ['approve', 'rejected', () => approve],
      ['approve', 'published', () => approve],
      ['reject', 'draft', () => reject],
      ['reject', 'published', () => reject],
      ['withdraw', 'draft', () => withdraw],
      ['withdraw', 'pending_review', () => withdraw],
      ['withdraw', 'rejected', () => withdraw],
      ['transfer', 'draft', () => transfer],
      ['transfer', 'pending_review', () => transfer],
      ['transfer', 'rejected', () => transfer],
      ['renew', 'draft', () => renew],
      ['renew', 'pending_review', () => renew],
      ['edit', 'pending_review', () => edit],
    ];

    it.each(cases)('refuses to %s a %s listing', async (_, state, step) => {
      const id = await inState(state);
      const [row, events] = [await storedRow('listing', id), await auditCount(id)];
      expectIllegal(await step()(id), state);
      expect(await statusOf(id)).toBe(state);
      expect(await storedRow('listing', id)).toBe(row);
      expect(await auditCount(id)).toBe(events);
    });
  });

  describe('concurrent transitions', () => {
    it('two submits at once: one moves the listing, the other is refused (422) by the state it left behind', async () => {
      const draft = await createDraft(t, 'listing', owner);
      const results = await Promise.all([listings.act(owner, draft.id, 'submit'), listings.act(owner, draft.id, 'submit')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
      expectIllegal(
        results.find((r) => r.status === 422)!,
        'pending_review',
      );
      expect(transitions(await auditTrail(t, admin, 'listing', draft.id))).toEqual([
        ['listing.create', null, 'draft'],
        ['listing.submit', 'draft', 'pending_review'],
      ]);
    });

    it('an approval and a rejection at once: exactly one review happens', async () => {
      const draft = await createDraft(t, 'listing', owner);
      await expectOk(listings.act(owner, draft.id, 'submit'));
      const results = await Promise.all([
        listings.review(admin, draft.id, { decision: 'approve' }),
        listings.review(admin, draft.id, { decision: 'reject', reason: '重复审核' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
      const winner = results.find((r) => r.status === 200)!.body.status as string;
      expect(await statusOf(draft.id)).toBe(winner);
      expect((await auditTrail(t, admin, 'listing', draft.id)).map((e) => e.action)).toHaveLength(3);
    });
  });

  describe('major', () => {
    it('is set only by the admin, in an approving review', async () => {
      const published = await publish(t, 'listing', owner, admin, {}, { major: true });
      expect(published.major).toBe(true);
      const [approval] = (await auditTrail(t, admin, 'listing', published.id)).slice(-1);
      expect([approval.action, approval.before?.major, approval.after?.major]).toEqual(['listing.approve', false, true]);

      const plain = await publish(t, 'listing', owner, admin);
      expect(plain.major).toBe(false);
    });

    it('refuses major from the owner on create (400 naming major), writing nothing', async () => {
      const body = listingBody({ major: true });
      expectInvalid(await listings.create(owner, body), 'major');
      expect((await sql('SELECT id FROM listing WHERE title = $1', [body.title])).length).toBe(0);
    });

    it.each(['draft', 'published'])(
      'refuses major from the owner on edit of a %s listing (400 naming major), changing nothing',
      async (state) => {
        const id = state === 'draft' ? (await createDraft(t, 'listing', owner)).id : (await publish(t, 'listing', owner, admin)).id;
        const [row, events] = [await storedRow('listing', id), await auditCount(id)];
        expectInvalid(await listings.patch(owner, id, { major: true }), 'major');
        expect(await storedRow('listing', id)).toBe(row);
        expect(await auditCount(id)).toBe(events);
      },
    );
  });

  describe('expiry', () => {
    it('the job marks a listing past validUntil, audits it once; the owner sees it expired; renewal brings it back', async () => {
      const region = `测试区${tag()}`;
      const published = await publish(t, 'listing', owner, admin, { region });
      const inSearch = async () => (await expectOk(listings.search(undefined, { region }))).body.items.map((i: { id: string }) => i.id);
      expect(await inSearch()).toEqual([published.id]);

      await sql('UPDATE listing SET valid_until = $2 WHERE id = $1', [published.id, daysFromToday(-1)]);
      // Out of search at once, before the job runs.
      expect(await inSearch()).toEqual([]);
      const asOwner = (await expectOk(listings.get(owner, published.id))).body;
      expect(asOwner).toMatchObject({ status: 'published', expired: true, validUntil: daysFromToday(-1) });

      const marked = await t.app.get(ListingsService).markExpired();
      expect(marked).toBeGreaterThanOrEqual(1);
      const [row] = await sql<{ expired_at: Date | null; status: string }>('SELECT expired_at, status FROM listing WHERE id = $1', [
        published.id,
      ]);
      expect(row.status).toBe('published');
      expect(row.expired_at).toBeInstanceOf(Date);

      // Run again: the listing is already marked, so no second event.
      await t.app.get(ListingsService).markExpired();
      const events = await auditTrail(t, admin, 'listing', published.id);
      const expiries = events.filter((e) => e.action === 'listing.expire');
      expect(expiries).toHaveLength(1);
      expect(expiries[0]).toMatchObject({ actorId: null, actorRole: null });
      expect([expiries[0].before?.status, expiries[0].after?.status, expiries[0].after?.expired]).toEqual(['published', 'published', true]);

      const renewed = (await expectOk(listings.act(owner, published.id, 'renew', {}))).body;
      expect(renewed).toMatchObject({ status: 'published', expired: false, validUntil: yearsFrom(today(), 1) });
      const [after] = await sql<{ expired_at: Date | null }>('SELECT expired_at FROM listing WHERE id = $1', [published.id]);
      expect(after.expired_at).toBeNull();
      expect(await inSearch()).toEqual([published.id]);
      expect(transitions(await auditTrail(t, admin, 'listing', published.id)).slice(-2)).toEqual([
        ['listing.expire', 'published', 'published'],
        ['listing.renew', 'published', 'published'],
      ]);
    });
  });

  describe('the audit trail', () => {
    it('holds one event per change of every kind and verifies as an unbroken chain', async () => {
      const published = await publish(t, 'listing', owner, admin);
      await expectOk(listings.patch(owner, published.id, { maturity: 8 }));
      await expectOk(listings.review(admin, published.id, { decision: 'reject', reason: '成熟度证明材料不足' }));
      await expectOk(listings.patch(owner, published.id, { maturity: 7 }));
      await expectOk(listings.act(owner, published.id, 'submit'));
      await expectOk(listings.review(admin, published.id, { decision: 'approve' }));
      await expectOk(listings.act(owner, published.id, 'renew', {}));
      await expectOk(listings.act(owner, published.id, 'withdraw'));

      const events = await auditTrail(t, admin, 'listing', published.id);
      expect(transitions(events)).toEqual([
        ['listing.create', null, 'draft'],
        ['listing.submit', 'draft', 'pending_review'],
        ['listing.approve', 'pending_review', 'published'],
        ['listing.edit', 'published', 'pending_review'],
        ['listing.reject', 'pending_review', 'rejected'],
        ['listing.edit', 'rejected', 'rejected'],
        ['listing.submit', 'rejected', 'pending_review'],
        ['listing.approve', 'pending_review', 'published'],
        ['listing.renew', 'published', 'published'],
        ['listing.withdraw', 'published', 'withdrawn'],
      ]);
      expect(events.every((e) => e.entity === 'listing' && e.entityId === published.id)).toBe(true);
      const seqs = events.map((e) => BigInt(e.seq));
      expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1])).toBe(true);
      expect([events[3].before?.maturity, events[3].after?.maturity]).toEqual([6, 8]);
    });
  });

  describe('at the end', () => {
    it('GET /audit/verify finds the whole chain intact after all of the above', async () => {
      const res = await expectOk(t.http().get(`${API}/audit/verify`).set(bearer(admin)));
      expect(res.body).toMatchObject({ ok: true, firstBrokenSeq: null });
      expect(res.body.checked).toBeGreaterThan(0);
    });
  });
});
