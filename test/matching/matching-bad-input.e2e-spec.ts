/**
 * The matching routes under bad input and the wrong caller, through HTTP: every refusal is a 4xx
 * in the error shape of API.md that names the field (or the missing item), and a refused
 * dismissal writes nothing: no match_dismissal row and no audit event for the need. Controls show
 * that the same requests succeed for the right caller with valid input, so a case passes only
 * because the check under test refused it.
 *
 * Matches are computed in-process with MatchingService.refresh (the body of the compute-matches
 * job): this suite is about the routes, not the queue, and it must not depend on a worker of
 * another suite picking up its outbox rows.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { MatchingService, type MatchKind } from '#yizhi/matching';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { bearer, createOperator, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import {
  API,
  auditTrail,
  BODY_LIMIT,
  createDraft,
  expectInvalid,
  expectOk,
  listingBody,
  needBody,
  publish,
  tag,
  type AuditEvent,
  type Body,
} from '../catalog/helpers.js';

type Caller = 'anonymous' | 'enterprise' | 'institute' | 'operator' | 'admin';

interface Match {
  listing?: { id: string };
  need?: { id: string };
  score: number;
}

const REASONS = ['irrelevant', 'too_early', 'too_expensive', 'already_known', 'other'] as const;
type Reason = (typeof REASONS)[number];

const needMatchesPath = (needId: string) => `${API}/needs/${needId}/matches`;
const listingMatchesPath = (listingId: string) => `${API}/listings/${listingId}/matches`;
const dismissalPath = (needId: string, listingId: string) => `${API}/needs/${needId}/matches/${listingId}/dismissal`;
const FEEDBACK = `${API}/matching/feedback`;

/** Ids that are not UUIDs, each a different way of being wrong. */
const MALFORMED_IDS = [
  'abc',
  '123',
  'not-a-uuid',
  `${randomUUID()}x`,
  randomUUID().slice(0, 35),
  randomUUID().replace(/-/g, ''),
  `${randomUUID().slice(0, 35)}g`,
];
const BAD_LIMITS = ['0', '51', '-1', 'abc', '1.5', ''];
const UNKNOWN_QUERY: [string, string][] = [
  ['offset', '10'],
  ['cursor', 'abc'],
  ['sort', 'score'],
  ['needId', randomUUID()],
];

/** A JSON body made larger than `size` bytes with insignificant whitespace: still valid JSON. */
function padded(body: object, size: number): string {
  const json = JSON.stringify(body);
  return json.slice(0, -1) + ' '.repeat(Math.max(0, size - json.length)) + '}';
}

/** What a dismissal writes for a need: its dismissal rows and its audit events. */
async function writesFor(needId: string): Promise<{ dismissals: number; events: number }> {
  const [row] = await sql<{ dismissals: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM match_dismissal WHERE need_id = $1) AS dismissals,
            (SELECT count(*)::int FROM audit_event WHERE entity = 'need' AND entity_id = $1::text) AS events`,
    [needId],
  );
  return row;
}

describe('bad input and refusals on the matching routes', () => {
  let t: TestApp;
  let sessions: Record<Exclude<Caller, 'anonymous'>, Session>;
  /** Strangers: an enterprise that does not own the needs, an institute that does not own the listings. */
  let otherEnterprise: Session;
  let otherInstitute: Session;
  const RUN = tag();
  // A term only this suite's fixtures carry, so that other suites' items do not crowd them out.
  const marker = `钙钛矿叠层${RUN}`;
  /** Three published listings and two published needs that share the marker; a draft listing. */
  let listings: string[];
  let needs: string[];
  let draftListing: string;

  const as = (caller: Caller): Record<string, string> => (caller === 'anonymous' ? {} : bearer(sessions[caller]));
  const refresh = (kind: MatchKind, id: string) => t.app.get(MatchingService).refresh(kind, id);
  /** Whether every fixture need's stored matches hold every fixture listing, and the reverse. */
  const allPaired = async () => {
    const [row] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM match_result
        WHERE (kind = 'need' AND item_id = ANY($1::uuid[]) AND other_id = ANY($2::uuid[]))
           OR (kind = 'listing' AND item_id = ANY($2::uuid[]) AND other_id = ANY($1::uuid[]))`,
      [needs, listings],
    );
    return row.n === 2 * needs.length * listings.length;
  };

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await loginAdmin(t);
    const [enterprise, institute, operator, oe, oi] = await Promise.all([
      registerAndLogin(t, 'enterprise'),
      registerAndLogin(t, 'institute'),
      createOperator(t, admin),
      registerAndLogin(t, 'enterprise'),
      registerAndLogin(t, 'institute'),
    ]);
    sessions = { enterprise, institute, operator, admin };
    [otherEnterprise, otherInstitute] = [oe, oi];

    const listing = (title: string, summary: string) =>
      publish(
        t,
        'listing',
        institute,
        admin,
        listingBody({ title: `${title}${RUN}`, summary, field: 'new-energy', keywords: [marker, '光伏组件'] }),
      );
    const need = (title: string, description: string) =>
      publish(
        t,
        'need',
        enterprise,
        admin,
        needBody({ title: `${title}${RUN}`, description, field: 'new-energy', keywords: [marker, '光伏组件'] }),
      );
    listings = (
      await Promise.all([
        listing('钙钛矿叠层光伏组件', '钙钛矿/晶硅叠层光伏组件，转换效率超过30%。'),
        listing('钙钛矿薄膜制备工艺', '钙钛矿叠层电池的大面积薄膜制备工艺与光伏组件封装。'),
        listing('叠层光伏组件封装', '叠层光伏组件的封装材料与可靠性测试。'),
      ])
    ).map((l) => l.id);
    needs = (
      await Promise.all([
        need('钙钛矿叠层光伏组件量产', '寻求钙钛矿叠层光伏组件的量产工艺，转换效率不低于28%。'),
        need('光伏组件效率提升', '需要钙钛矿叠层技术提升现有光伏组件的效率。'),
      ])
    ).map((n) => n.id);
    draftListing = (await createDraft(t, 'listing', institute, { title: `钙钛矿叠层草稿${RUN}`, field: 'new-energy', keywords: [marker] }))
      .id;

    // Listings first (a need's matches read the listings' profiles), one job at a time, until every
    // pair is stored both ways. Another suite's worker may run this suite's jobs meanwhile, hence the rounds.
    for (let round = 0; round < 5 && !(await allPaired()); round++) {
      for (const id of listings) await refresh('listing', id);
      for (const id of needs) await refresh('need', id);
    }
    expect(await allPaired()).toBe(true);
  }, 60_000);
  afterAll(() => t.close());

  /** A need of the enterprise, published now: each dismissal test gets its own. */
  const freshNeed = async () =>
    (await publish(t, 'need', sessions.enterprise, sessions.admin, needBody({ title: `钙钛矿组件需求${tag()}` }))).id;

  const dismiss = (caller: Caller, needId: string, listingId: string, body?: Body) => {
    const req = t.http().post(dismissalPath(needId, listingId)).set(as(caller));
    return body === undefined ? req : req.send(body);
  };
  const sendRaw = (needId: string, raw: string, contentType = 'application/json') =>
    t.http().post(dismissalPath(needId, listings[0])).set(as('enterprise')).set('content-type', contentType).send(raw);

  /** Runs `request` against a fresh need and expects it to write nothing for that need. */
  async function refusedWithoutWrites(request: (needId: string) => PromiseLike<Response>): Promise<Response> {
    const needId = await freshNeed();
    const before = await writesFor(needId);
    const res = await request(needId);
    expect(await writesFor(needId)).toEqual(before);
    return res;
  }

  describe('controls', () => {
    it('a valid dismissal by the need’s enterprise answers 204 and writes one dismissal and one audit event', async () => {
      const needId = await freshNeed();
      const before = await writesFor(needId);
      const res = await dismiss('enterprise', needId, listings[0], { reason: 'irrelevant', note: '  方向不符  ' });
      expect({ status: res.status, body: res.body }).toEqual({ status: 204, body: {} });
      expect(await writesFor(needId)).toEqual({ dismissals: before.dismissals + 1, events: before.events + 1 });
      // The note is stored trimmed.
      expect(await sql('SELECT reason, note FROM match_dismissal WHERE need_id = $1', [needId])).toEqual([
        { reason: 'irrelevant', note: '方向不符' },
      ]);
    });

    it.each<[string, Body]>([
      ['without a note', { reason: 'other' }],
      ['with a null note', { reason: 'other', note: null }],
      ['with a note of exactly 1000 characters', { reason: 'other', note: '注'.repeat(1000) }],
    ])('accepts a dismissal %s', async (_, body) => {
      const needId = await freshNeed();
      expect((await dismiss('enterprise', needId, listings[1], body)).status).toBe(204);
      expect((await writesFor(needId)).dismissals).toBe(1);
    });

    it('accepts a valid body padded with whitespace to just under 1 MiB', async () => {
      const needId = await freshNeed();
      const raw = padded({ reason: 'too_early' }, BODY_LIMIT - 4096);
      expect(Buffer.byteLength(raw)).toBeLessThan(BODY_LIMIT);
      expect((await sendRaw(needId, raw)).status).toBe(204);
      expect((await writesFor(needId)).dismissals).toBe(1);
    });

    it('accepts limit at its bounds, 1 and 50, on both match routes', async () => {
      for (const limit of ['1', '50']) {
        await expectOk(t.http().get(needMatchesPath(needs[0])).query({ limit }).set(as('enterprise')));
        await expectOk(t.http().get(listingMatchesPath(listings[0])).query({ limit }).set(as('institute')));
      }
    });
  });

  describe('malformed ids in the path (400 naming the parameter)', () => {
    it.each(MALFORMED_IDS)('GET /needs/%s/matches', async (id) => {
      for (const caller of ['enterprise', 'admin'] as const) {
        expectErrorBody(await t.http().get(needMatchesPath(id)).set(as(caller)), 400, 'VALIDATION_FAILED', ['id']);
      }
    });

    it.each(MALFORMED_IDS)('GET /listings/%s/matches', async (id) => {
      for (const caller of ['institute', 'admin'] as const) {
        expectErrorBody(await t.http().get(listingMatchesPath(id)).set(as(caller)), 400, 'VALIDATION_FAILED', ['id']);
      }
    });

    it.each(MALFORMED_IDS)('POST /needs/%s/matches/:listingId/dismissal, writing nothing', async (id) => {
      // The bad need id is beside a real need that the request must leave alone.
      const needId = await freshNeed();
      const before = await writesFor(needId);
      const res = await dismiss('enterprise', id, listings[0], { reason: 'irrelevant' });
      expectErrorBody(res, 400, 'VALIDATION_FAILED', ['id']);
      expect(await writesFor(needId)).toEqual(before);
    });

    it.each(MALFORMED_IDS)('POST /needs/:id/matches/%s/dismissal, writing nothing', async (listingId) => {
      const res = await refusedWithoutWrites((needId) => dismiss('enterprise', needId, listingId, { reason: 'irrelevant' }));
      expectErrorBody(res, 400, 'VALIDATION_FAILED', ['listingId']);
    });
  });

  describe('query parameters', () => {
    it.each(BAD_LIMITS)('refuses limit=%j on GET /needs/:id/matches with 400 naming limit', async (limit) => {
      expectInvalid(await t.http().get(needMatchesPath(needs[0])).query({ limit }).set(as('enterprise')), 'limit');
    });

    it.each(BAD_LIMITS)('refuses limit=%j on GET /listings/:id/matches with 400 naming limit', async (limit) => {
      expectInvalid(await t.http().get(listingMatchesPath(listings[0])).query({ limit }).set(as('institute')), 'limit');
    });

    it('refuses limit given twice with 400 naming limit', async () => {
      expectInvalid(
        await t
          .http()
          .get(`${needMatchesPath(needs[0])}?limit=1&limit=2`)
          .set(as('enterprise')),
        'limit',
      );
      expectInvalid(
        await t
          .http()
          .get(`${listingMatchesPath(listings[0])}?limit=1&limit=2`)
          .set(as('institute')),
        'limit',
      );
    });

    it.each(UNKNOWN_QUERY)(
      'refuses the unknown parameter %s on GET /needs/:id/matches and GET /listings/:id/matches',
      async (param, value) => {
        expectInvalid(
          await t
            .http()
            .get(needMatchesPath(needs[0]))
            .query({ limit: '5', [param]: value })
            .set(as('enterprise')),
          param,
        );
        expectInvalid(
          await t
            .http()
            .get(listingMatchesPath(listings[0]))
            .query({ limit: '5', [param]: value })
            .set(as('institute')),
          param,
        );
      },
    );

    // These two routes declare no query at all: UndeclaredQueryInterceptor refuses any parameter.
    it.each(UNKNOWN_QUERY)('refuses the unknown parameter %s on GET /matching/feedback', async (param, value) => {
      expectInvalid(
        await t
          .http()
          .get(FEEDBACK)
          .query({ [param]: value })
          .set(as('admin')),
        param,
      );
    });

    it.each(UNKNOWN_QUERY)('refuses the unknown parameter %s on the dismissal, writing nothing', async (param, value) => {
      const res = await refusedWithoutWrites((needId) =>
        t
          .http()
          .post(dismissalPath(needId, listings[0]))
          .query({ [param]: value })
          .set(as('enterprise'))
          .send({ reason: 'irrelevant' }),
      );
      expectInvalid(res, param);
    });
  });

  describe('dismissal bodies (400 naming the field, nothing written)', () => {
    it.each<[string, Body, string]>([
      ['without reason', { note: '已有合作' }, 'reason'],
      ['an unknown reason', { reason: 'boring' }, 'reason'],
      ['a reason in the wrong case', { reason: 'IRRELEVANT' }, 'reason'],
      ['a number reason', { reason: 1 }, 'reason'],
      ['a null reason', { reason: null }, 'reason'],
      ['a list of reasons', { reason: ['irrelevant'] }, 'reason'],
      ['an empty note', { reason: 'irrelevant', note: '' }, 'note'],
      ['a whitespace note', { reason: 'irrelevant', note: ' \t\n ' }, 'note'],
      ['a note of 1001 characters', { reason: 'irrelevant', note: '注'.repeat(1001) }, 'note'],
      ['a number note', { reason: 'irrelevant', note: 42 }, 'note'],
      ['a boolean note', { reason: 'irrelevant', note: true }, 'note'],
      ['an object note', { reason: 'irrelevant', note: { text: '已有合作' } }, 'note'],
      ['a list note', { reason: 'irrelevant', note: ['已有合作'] }, 'note'],
    ])('refuses a body with %s', async (_, body, field) => {
      const res = await refusedWithoutWrites((needId) => dismiss('enterprise', needId, listings[0], body));
      expectInvalid(res, field);
      if (!('reason' in body)) expect(res.body.details[0].message).toMatch(/required/);
      if (field === 'reason' && 'reason' in body) expect(res.body.details[0].message).toBe(`reason must be one of ${REASONS.join(', ')}`);
    });

    it('refuses a request without a body with 400 naming reason', async () => {
      const res = await refusedWithoutWrites((needId) => dismiss('enterprise', needId, listings[0]));
      expectInvalid(res, 'reason');
    });

    it.each<[string, unknown]>([
      ['listingId', randomUUID()],
      ['needId', randomUUID()],
      ['userId', randomUUID()],
      ['createdAt', '2025-01-01T00:00:00Z'],
      ['reasons', ['irrelevant']],
    ])('refuses the unknown field %s with 400 naming it', async (field, value) => {
      const res = await refusedWithoutWrites((needId) =>
        dismiss('enterprise', needId, listings[0], { reason: 'irrelevant', [field]: value }),
      );
      expectInvalid(res, field);
    });

    it.each(['[]', '[{"reason":"irrelevant"}]', 'null', '"irrelevant"', '42', 'true'])(
      'refuses the non-object JSON body %s with 400',
      async (raw) => {
        expectErrorBody(await refusedWithoutWrites((needId) => sendRaw(needId, raw)), 400, 'VALIDATION_FAILED');
      },
    );

    it.each(['{bad', '{"reason":"irrelevant"', '{"reason":"irrelevant"},', "{'reason': 'irrelevant'}", '{"reason":"irrelevant",}'])(
      'refuses the malformed JSON %s with 400 MALFORMED_JSON',
      async (raw) => {
        expectErrorBody(await refusedWithoutWrites((needId) => sendRaw(needId, raw)), 400, 'MALFORMED_JSON', []);
      },
    );

    it('refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
      const raw = padded({ reason: 'irrelevant' }, BODY_LIMIT + 1024);
      expect(Buffer.byteLength(raw)).toBeGreaterThan(BODY_LIMIT);
      expectErrorBody(await refusedWithoutWrites((needId) => sendRaw(needId, raw)), 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('who may call each route', () => {
    it('answers 401 to anonymous callers on every route, writing nothing', async () => {
      for (const url of [needMatchesPath(needs[0]), listingMatchesPath(listings[0]), FEEDBACK]) {
        expectErrorBody(await t.http().get(url), 401, 'UNAUTHENTICATED');
      }
      const res = await refusedWithoutWrites((needId) => dismiss('anonymous', needId, listings[0], { reason: 'irrelevant' }));
      expectErrorBody(res, 401, 'UNAUTHENTICATED');
    });

    it('answers 401 to a malformed or foreign token', async () => {
      for (const token of ['Bearer not-a-jwt', `Bearer ${sessions.admin.accessToken.slice(0, -2)}xx`]) {
        expectErrorBody(await t.http().get(FEEDBACK).set('authorization', token), 401, 'UNAUTHENTICATED');
      }
    });

    it('refuses an institute on GET /needs/:id/matches (403): the route is for enterprises, operators and admins', async () => {
      const res = await t.http().get(needMatchesPath(needs[0])).set(as('institute'));
      expectErrorBody(res, 403, 'FORBIDDEN');
    });

    it('refuses an enterprise on GET /listings/:id/matches (403): the route is for institutes, operators and admins', async () => {
      const res = await t.http().get(listingMatchesPath(listings[0])).set(as('enterprise'));
      expectErrorBody(res, 403, 'FORBIDDEN');
    });

    it.each<Caller>(['operator', 'admin', 'institute'])('refuses the dismissal to %s users (403), writing nothing', async (caller) => {
      const res = await refusedWithoutWrites((needId) => dismiss(caller, needId, listings[0], { reason: 'irrelevant' }));
      expectErrorBody(res, 403, 'FORBIDDEN');
    });

    it.each<Caller>(['enterprise', 'institute', 'operator'])('refuses GET /matching/feedback to %s users (403)', async (caller) => {
      expectErrorBody(await t.http().get(FEEDBACK).set(as(caller)), 403, 'FORBIDDEN');
    });

    it('answers 404, never 403, to an enterprise that does not own the need', async () => {
      expectErrorBody(await t.http().get(needMatchesPath(needs[0])).set(bearer(otherEnterprise)), 404, 'NOT_FOUND');
      const res = await refusedWithoutWrites((needId) =>
        t.http().post(dismissalPath(needId, listings[0])).set(bearer(otherEnterprise)).send({ reason: 'irrelevant' }),
      );
      expectErrorBody(res, 404, 'NOT_FOUND');
    });

    it('answers 404, never 403, to an institute that does not own the listing', async () => {
      expectErrorBody(await t.http().get(listingMatchesPath(listings[0])).set(bearer(otherInstitute)), 404, 'NOT_FOUND');
    });

    it('answers 404 for a need or a listing that does not exist, and for an id of the other kind', async () => {
      for (const caller of ['enterprise', 'operator', 'admin'] as const) {
        for (const id of [randomUUID(), listings[0]])
          expectErrorBody(await t.http().get(needMatchesPath(id)).set(as(caller)), 404, 'NOT_FOUND');
      }
      for (const caller of ['institute', 'operator', 'admin'] as const) {
        for (const id of [randomUUID(), needs[0]])
          expectErrorBody(await t.http().get(listingMatchesPath(id)).set(as(caller)), 404, 'NOT_FOUND');
      }
    });

    it('answers 404 to a dismissal of a need that does not exist', async () => {
      const missing = randomUUID();
      expectErrorBody(await dismiss('enterprise', missing, listings[0], { reason: 'irrelevant' }), 404, 'NOT_FOUND');
      expect(await writesFor(missing)).toEqual({ dismissals: 0, events: 0 });
    });

    it.each<[string, () => string]>([
      ['a listing that does not exist', () => randomUUID()],
      ['a draft listing', () => draftListing],
      ['a need id in place of the listing', () => needs[0]],
    ])('answers 404 to a dismissal of %s, writing nothing', async (_, listingId) => {
      const res = await refusedWithoutWrites((needId) => dismiss('enterprise', needId, listingId(), { reason: 'irrelevant' }));
      expectErrorBody(res, 404, 'NOT_FOUND');
    });
  });

  describe('the successful paths', () => {
    const listingIds = (items: Match[]) => items.map((m) => m.listing!.id);
    const needIds = (items: Match[]) => items.map((m) => m.need!.id);

    it.each<Caller>(['enterprise', 'operator', 'admin'])("shows the need's matches to the %s, respecting limit", async (caller) => {
      const all: Match[] = (await expectOk(t.http().get(needMatchesPath(needs[0])).query({ limit: 50 }).set(as(caller)))).body.items;
      expect(listingIds(all)).toEqual(expect.arrayContaining(listings));
      for (const limit of [1, 2]) {
        const some: Match[] = (await expectOk(t.http().get(needMatchesPath(needs[0])).query({ limit }).set(as(caller)))).body.items;
        // The best `limit`, best first: a prefix of the full list.
        expect(listingIds(some)).toEqual(listingIds(all).slice(0, limit));
      }
    });

    it.each<Caller>(['institute', 'operator', 'admin'])("shows the listing's matches to the %s, respecting limit", async (caller) => {
      const all: Match[] = (await expectOk(t.http().get(listingMatchesPath(listings[0])).query({ limit: 50 }).set(as(caller)))).body.items;
      expect(needIds(all)).toEqual(expect.arrayContaining(needs));
      const one: Match[] = (await expectOk(t.http().get(listingMatchesPath(listings[0])).query({ limit: 1 }).set(as(caller)))).body.items;
      expect(needIds(one)).toEqual(needIds(all).slice(0, 1));
    });

    it('lets the admin read the feedback', async () => {
      const body = (await expectOk(t.http().get(FEEDBACK).set(as('admin')))).body;
      expect(Object.keys(body.byReason).sort()).toEqual([...REASONS].sort());
      expect(body.total).toBe(REASONS.reduce((sum, r) => sum + body.byReason[r], 0));
    });
  });

  describe('a dismissal and its change of mind', () => {
    type Counts = Record<Reason, number> & { total: number };

    /**
     * The feedback's counts for this one need: the route's counts minus every other need's rows,
     * read from the table before and after the request and retried until those two reads agree, so
     * that other suites dismissing at the same time cannot move the result.
     */
    async function feedbackOf(needId: string): Promise<Counts> {
      const others = async () =>
        JSON.stringify(
          await sql<{ reason: Reason; n: number }>(
            'SELECT reason, count(*)::int AS n FROM match_dismissal WHERE need_id <> $1 GROUP BY reason ORDER BY reason',
            [needId],
          ),
        );
      for (let attempt = 0; ; attempt++) {
        const before = await others();
        const body = (await expectOk(t.http().get(FEEDBACK).set(as('admin')))).body as { total: number; byReason: Record<Reason, number> };
        if ((await others()) !== before && attempt < 10) continue;
        const rows = JSON.parse(before) as { reason: Reason; n: number }[];
        const counts = { total: body.total - rows.reduce((sum, r) => sum + r.n, 0) } as Counts;
        for (const reason of REASONS) counts[reason] = body.byReason[reason] - (rows.find((r) => r.reason === reason)?.n ?? 0);
        return counts;
      }
    }
    const counts = (total: number, by: Partial<Record<Reason, number>> = {}): Counts =>
      ({ total, ...Object.fromEntries(REASONS.map((r) => [r, by[r] ?? 0])) }) as Counts;
    const dismissals = (events: AuditEvent[]) => events.filter((e) => e.action === 'need.dismiss_match');

    it('writes one need.dismiss_match event; dismissing again with another reason updates the dismissal and moves the count', async () => {
      const needId = await freshNeed();
      const listingId = listings[2];
      const enterprise = sessions.enterprise;
      const trail = () => auditTrail(t, sessions.admin, 'need', needId);
      const published = await trail();
      expect(dismissals(published)).toEqual([]);
      expect(await feedbackOf(needId)).toEqual(counts(0));

      expect((await dismiss('enterprise', needId, listingId, { reason: 'too_early', note: '尚在小试阶段' })).status).toBe(204);
      const first = await trail();
      expect(first.slice(0, published.length)).toEqual(published);
      expect(first.slice(published.length)).toEqual([
        expect.objectContaining({
          action: 'need.dismiss_match',
          entity: 'need',
          entityId: needId,
          actorId: enterprise.userId,
          actorRole: 'enterprise',
          before: null,
          after: { listingId, reason: 'too_early', note: '尚在小试阶段' },
        }),
      ]);
      expect(await feedbackOf(needId)).toEqual(counts(1, { too_early: 1 }));

      expect((await dismiss('enterprise', needId, listingId, { reason: 'too_expensive' })).status).toBe(204);
      const second = await trail();
      expect(second.slice(0, first.length)).toEqual(first);
      expect(second.slice(first.length)).toEqual([
        expect.objectContaining({
          action: 'need.dismiss_match',
          actorId: enterprise.userId,
          before: { listingId, reason: 'too_early', note: '尚在小试阶段' },
          after: { listingId, reason: 'too_expensive', note: null },
        }),
      ]);
      // Still one dismissal for the pair, now with the new reason: the count moved, the total did not.
      expect(await sql('SELECT listing_id, reason, note, user_id FROM match_dismissal WHERE need_id = $1', [needId])).toEqual([
        { listing_id: listingId, reason: 'too_expensive', note: null, user_id: enterprise.userId },
      ]);
      expect(await feedbackOf(needId)).toEqual(counts(1, { too_expensive: 1 }));
    });

    it('hides the dismissed listing from that need only', async () => {
      // The second need: the first one's full list is the fixture of the other tests.
      const [otherNeed, needId] = needs;
      const shown = async (id: string) =>
        ((await expectOk(t.http().get(needMatchesPath(id)).query({ limit: 50 }).set(as('enterprise')))).body.items as Match[]).map(
          (m) => m.listing!.id,
        );
      expect(await shown(needId)).toContain(listings[1]);
      expect((await dismiss('enterprise', needId, listings[1], { reason: 'already_known' })).status).toBe(204);
      expect(await shown(needId)).not.toContain(listings[1]);
      expect(await shown(otherNeed)).toContain(listings[1]);
    });
  });
});
