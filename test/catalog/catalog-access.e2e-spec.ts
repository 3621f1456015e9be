/**
 * Who may do what to listings and needs, including every refusal: the roles that may not create,
 * review or act (401/403, nothing written), visibility (an item you may not see is a 404, never a
 * 403), the admin's view of others' drafts, and `?mine=true`.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { createOperator, loginAdmin, registerAndLogin, type Session } from '../support/factories.js';
import {
  auditCount,
  catalog,
  createDraft,
  expectOk,
  listingBody,
  needBody,
  publish,
  rowsTitled,
  storedRow,
  tag,
  type Kind,
} from './helpers.js';

type Role = 'anonymous' | 'enterprise' | 'institute' | 'operator' | 'admin';

describe('catalog access', () => {
  let t: TestApp;
  let sessions: Record<Exclude<Role, 'anonymous'>, Session>;
  /** A second institute and a second enterprise: strangers to the first ones' items. */
  let otherInstitute: Session;
  let otherEnterprise: Session;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await loginAdmin(t);
    const [enterprise, institute, operator, oi, oe] = await Promise.all([
      registerAndLogin(t, 'enterprise'),
      registerAndLogin(t, 'institute'),
      createOperator(t, admin),
      registerAndLogin(t, 'institute'),
      registerAndLogin(t, 'enterprise'),
    ]);
    sessions = { enterprise, institute, operator, admin };
    [otherInstitute, otherEnterprise] = [oi, oe];
  });
  afterAll(() => t.close());

  const as = (role: Role): Session | undefined => (role === 'anonymous' ? undefined : sessions[role]);
  const ownerOf = (kind: Kind) => (kind === 'listing' ? sessions.institute : sessions.enterprise);
  const strangerOf = (kind: Kind) => (kind === 'listing' ? otherInstitute : otherEnterprise);
  const bodyOf = (kind: Kind) => (kind === 'listing' ? listingBody() : needBody());

  /** Brings a new item of the owner to `state` through the API. */
  async function itemIn(kind: Kind, state: string): Promise<string> {
    const api = catalog(t, kind);
    const owner = ownerOf(kind);
    if (state === 'published') return (await publish(t, kind, owner, sessions.admin)).id;
    const { id } = await createDraft(t, kind, owner);
    if (state === 'draft') return id;
    await expectOk(api.act(owner, id, 'submit'));
    if (state === 'pending_review') return id;
    if (state === 'rejected') {
      await expectOk(api.review(sessions.admin, id, { decision: 'reject', reason: '信息不完整' }));
      return id;
    }
    await expectOk(api.review(sessions.admin, id, { decision: 'approve' }));
    await expectOk(api.act(owner, id, kind === 'listing' ? 'withdraw' : 'close'));
    return id;
  }

  /** The response, with proof that the item and its audit trail are as before. */
  async function unchanged(kind: Kind, id: string, attempt: () => PromiseLike<Response>): Promise<Response> {
    const [row, events] = [await storedRow(kind, id), await auditCount(id)];
    const res = await attempt();
    expect(await storedRow(kind, id)).toBe(row);
    expect(await auditCount(id)).toBe(events);
    return res;
  }

  describe.each<[Kind, Role]>([
    ['listing', 'enterprise'],
    ['listing', 'operator'],
    ['listing', 'admin'],
    ['need', 'institute'],
    ['need', 'operator'],
    ['need', 'admin'],
  ])('creating a %s as %s', (kind, role) => {
    it('is refused with 403, writing nothing', async () => {
      const body = bodyOf(kind);
      expectErrorBody(await catalog(t, kind).create(as(role), body), 403, 'FORBIDDEN');
      expect(await rowsTitled(kind, body.title as string)).toBe(0);
    });
  });

  describe.each<Kind>(['listing', 'need'])('anonymous writes to a %s', (kind) => {
    const api = () => catalog(t, kind);
    it('POST is refused with 401, writing nothing', async () => {
      const body = bodyOf(kind);
      expectErrorBody(await api().create(undefined, body), 401, 'UNAUTHENTICATED');
      expect(await rowsTitled(kind, body.title as string)).toBe(0);
    });

    const actions = kind === 'listing' ? ['submit', 'withdraw', 'transfer', 'renew', 'review'] : ['submit', 'close', 'review'];
    it.each(['PATCH', ...actions])('%s is refused with 401, changing nothing', async (action) => {
      const id = await itemIn(kind, action === 'submit' ? 'draft' : action === 'review' ? 'pending_review' : 'published');
      const res = await unchanged(kind, id, () =>
        action === 'PATCH'
          ? api().patch(undefined, id, { title: `匿名修改${tag()}` })
          : api().act(undefined, id, action, action === 'review' ? { decision: 'approve' } : {}),
      );
      expectErrorBody(res, 401, 'UNAUTHENTICATED');
    });

    it('a bad bearer token on the public reads is a 401, not an anonymous read', async () => {
      const id = await itemIn(kind, 'published');
      const headers = { authorization: 'Bearer not-a-token' };
      expectErrorBody(await t.http().get(`/api/v1/${kind}s/${id}`).set(headers), 401, 'UNAUTHENTICATED');
      expectErrorBody(await t.http().get(`/api/v1/${kind}s`).set(headers), 401, 'UNAUTHENTICATED');
    });
  });

  describe.each<Kind>(['listing', 'need'])('reviewing a %s', (kind) => {
    it.each<Role>(['institute', 'enterprise', 'operator'])('as %s is refused with 403, changing nothing', async (role) => {
      const id = await itemIn(kind, 'pending_review');
      for (const decision of [{ decision: 'approve' }, { decision: 'reject', reason: '不通过' }]) {
        const res = await unchanged(kind, id, () => catalog(t, kind).review(as(role), id, decision));
        expectErrorBody(res, 403, 'FORBIDDEN');
      }
    });

    it('as the admin is allowed', async () => {
      const id = await itemIn(kind, 'pending_review');
      expect((await expectOk(catalog(t, kind).review(sessions.admin, id, { decision: 'approve' }))).body.status).toBe('published');
    });
  });

  describe.each<Kind>(['listing', 'need'])('visibility of a %s', (kind) => {
    const api = () => catalog(t, kind);

    it.each(['draft', 'pending_review', 'rejected', kind === 'listing' ? 'withdrawn' : 'closed'])(
      'a %s one is 404 to anonymous callers, another organisation, the other kind and operators; the owner and admins see it',
      async (state) => {
        const id = await itemIn(kind, state);
        for (const caller of [
          undefined,
          strangerOf(kind),
          kind === 'listing' ? sessions.enterprise : sessions.institute,
          sessions.operator,
        ]) {
          expectErrorBody(await api().get(caller, id), 404, 'NOT_FOUND');
        }
        expect((await expectOk(api().get(ownerOf(kind), id))).body).toMatchObject({ id, status: state });
        expect((await expectOk(api().get(sessions.admin, id))).body).toMatchObject({ id, status: state });
      },
    );

    it.each(['draft', 'pending_review', 'rejected'])(
      'another organisation cannot act on a %s one: 404, as if it did not exist',
      async (state) => {
        const id = await itemIn(kind, state);
        const stranger = strangerOf(kind);
        expectErrorBody(await unchanged(kind, id, () => api().patch(stranger, id, { title: `他人修改${tag()}` })), 404, 'NOT_FOUND');
        expectErrorBody(await unchanged(kind, id, () => api().act(stranger, id, 'submit')), 404, 'NOT_FOUND');
      },
    );

    it('a published one is visible to everyone, but another organisation may not edit it (403), nor end it', async () => {
      const id = await itemIn(kind, 'published');
      for (const caller of [undefined, strangerOf(kind), sessions.enterprise, sessions.institute, sessions.operator, sessions.admin]) {
        expect((await expectOk(api().get(caller, id))).body).toMatchObject({ id, status: 'published' });
      }
      const stranger = strangerOf(kind);
      expectErrorBody(await unchanged(kind, id, () => api().patch(stranger, id, { title: `他人修改${tag()}` })), 403, 'FORBIDDEN');
      for (const action of kind === 'listing' ? ['withdraw', 'transfer', 'renew'] : ['close']) {
        expectErrorBody(await unchanged(kind, id, () => api().act(stranger, id, action, {})), 403, 'FORBIDDEN');
      }
    });

    if (kind === 'listing') {
      it.each<Role>(['enterprise', 'operator', 'admin'])(
        'as %s, ending a published one (withdraw, transfer) is refused with 403',
        async (role) => {
          const id = await itemIn(kind, 'published');
          for (const action of ['withdraw', 'transfer']) {
            expectErrorBody(await unchanged(kind, id, () => api().act(as(role), id, action)), 403, 'FORBIDDEN');
          }
        },
      );
    }

    it('an id that does not exist is 404, and a malformed one 400 naming id', async () => {
      expectErrorBody(await api().get(sessions.admin, randomUUID()), 404, 'NOT_FOUND');
      expectErrorBody(await api().patch(ownerOf(kind), randomUUID(), { title: `不存在${tag()}` }), 404, 'NOT_FOUND');
      expectErrorBody(await api().get(undefined, 'not-a-uuid'), 400, 'VALIDATION_FAILED', ['id']);
    });
  });

  describe.each<Kind>(['listing', 'need'])('?mine=true on %ss', (kind) => {
    const api = () => catalog(t, kind);

    it("lists the caller's organisation's items in every state, newest first, and nobody else's", async () => {
      const owner = await registerAndLogin(t, kind === 'listing' ? 'institute' : 'enterprise');
      const ended = kind === 'listing' ? 'withdraw' : 'close';
      const ids: Record<string, string> = {};
      ids.draft = (await createDraft(t, kind, owner)).id;
      ids.pending_review = (await createDraft(t, kind, owner)).id;
      await expectOk(api().act(owner, ids.pending_review, 'submit'));
      ids.rejected = (await createDraft(t, kind, owner)).id;
      await expectOk(api().act(owner, ids.rejected, 'submit'));
      await expectOk(api().review(sessions.admin, ids.rejected, { decision: 'reject', reason: '请补充材料' }));
      ids.published = (await publish(t, kind, owner, sessions.admin)).id;
      ids[ended] = (await publish(t, kind, owner, sessions.admin)).id;
      await expectOk(api().act(owner, ids[ended], ended));
      // Another organisation's items, in several states, at the same time.
      const foreign = [(await createDraft(t, kind, strangerOf(kind))).id, (await publish(t, kind, strangerOf(kind), sessions.admin)).id];

      const mine = (await expectOk(api().search(owner, { mine: true }))).body;
      expect(mine.nextCursor).toBeNull();
      expect(mine.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
        [ids[ended], kind === 'listing' ? 'withdrawn' : 'closed'],
        [ids.published, 'published'],
        [ids.rejected, 'rejected'],
        [ids.pending_review, 'pending_review'],
        [ids.draft, 'draft'],
      ]);
      expect(mine.items.every((i: { ownerOrganizationId: string }) => i.ownerOrganizationId === owner.organizationId)).toBe(true);
      expect(mine.items.map((i: { id: string }) => i.id)).not.toEqual(expect.arrayContaining([foreign[0]]));

      // Paged, the same items once each.
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = (
          await expectOk(api().search(owner, { mine: true, limit: 2, ...(cursor ? { cursor } : {}) }))
        ).body;
        expect(page.items.length).toBeLessThanOrEqual(2);
        paged.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual(mine.items.map((i: { id: string }) => i.id));

      // Without ?mine the same caller sees only published items.
      const region = `测试区${tag()}`;
      const publicId = (await publish(t, kind, owner, sessions.admin, { region })).id;
      await createDraft(t, kind, owner, { region });
      const open = (await expectOk(api().search(owner, { region }))).body;
      expect(open.items.map((i: { id: string }) => i.id)).toEqual([publicId]);
    });

    it("applies the search filters to the caller's own items too", async () => {
      const owner = await registerAndLogin(t, kind === 'listing' ? 'institute' : 'enterprise');
      const region = `四川省绵阳市${tag()}`;
      const inField = (await createDraft(t, kind, owner, { field: 'aerospace', region })).id;
      const otherField = (await publish(t, kind, owner, sessions.admin, { field: 'biomed' })).id;
      const all = (await expectOk(api().search(owner, { mine: true }))).body.items.map((i: { id: string }) => i.id);
      expect(all).toEqual([otherField, inField]);
      expect((await expectOk(api().search(owner, { mine: true, field: 'aerospace' }))).body.items.map((i: { id: string }) => i.id)).toEqual(
        [inField],
      );
      expect((await expectOk(api().search(owner, { mine: true, region }))).body.items.map((i: { id: string }) => i.id)).toEqual([inField]);
    });

    it('is a 401 for an anonymous caller: "mine" needs to know who is asking', async () => {
      expectErrorBody(await api().search(undefined, { mine: true }), 401, 'UNAUTHENTICATED');
    });

    it.each<Role>(['admin', 'operator'])('is an empty page for %s, who belong to no organisation', async (role) => {
      const res = (await expectOk(api().search(as(role), { mine: true }))).body;
      expect(res).toEqual({ items: [], nextCursor: null });
    });

    it('mine=false is the public search', async () => {
      const region = `测试区${tag()}`;
      const owner = ownerOf(kind);
      const published = await publish(t, kind, owner, sessions.admin, { region });
      await createDraft(t, kind, owner, { region });
      const res = (await expectOk(api().search(owner, { mine: false, region }))).body;
      expect(res.items.map((i: { id: string }) => i.id)).toEqual([published.id]);
    });
  });
});
