/**
 * Service records (服务记录) through HTTP: a base's operator records what it did for an enterprise,
 * by organisation id or, for an enterprise not on the platform yet, by credit code and name (which
 * adds it as pending, once, whichever base served it); idempotent retries; who may write and read;
 * and bad input refused with nothing written.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditTrail, expectInvalid, today } from '../catalog/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { loginAdmin, sql, validCreditCode, type Session } from '../support/factories.js';
import { auth } from '../leads/helpers.js';
import { API, dealWorld, expectOk, type Body, type DealWorld } from './helpers.js';

describe('service records', () => {
  let t: TestApp;
  let admin: Session;
  let world: DealWorld;
  let other: DealWorld;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    [world, other] = await Promise.all([dealWorld(t, admin), dealWorld(t, admin)]);
  });
  afterAll(() => t.close());

  const post = (session: Session | undefined, body: Body, headers: Record<string, string> = {}) =>
    t.http().post(`${API}/service-records`).set(auth(session)).set(headers).send(body);
  const list = (session: Session | undefined, query: Record<string, string | number> = {}) =>
    t.http().get(`${API}/service-records`).query(query).set(auth(session));
  const body = (overrides: Body = {}): Body => ({
    baseId: world.baseId,
    enterpriseOrgId: world.buyer.organizationId,
    kind: 'policy',
    servedAt: '2026-05-20',
    note: '为企业解读研发费用加计扣除政策',
    ...overrides,
  });
  /** This suite's records (other suites write theirs into the same database meanwhile). */
  const recordCount = async () =>
    (await sql<{ n: number }>('SELECT count(*)::int AS n FROM service_record WHERE base_id = ANY($1)', [[world.baseId, other.baseId]]))[0]
      .n;
  const organizationsWith = (code: string) =>
    sql<{ id: string; status: string; kind: string; region: string }>(
      'SELECT id, status, kind, region FROM organization WHERE credit_code = $1',
      [code],
    );

  it('records a service to an enterprise on the platform, audited', async () => {
    const res = await expectOk(post(world.operator, body()), 201);
    expect(res.body).toMatchObject({
      baseId: world.baseId,
      enterpriseOrgId: world.buyer.organizationId,
      kind: 'policy',
      servedAt: '2026-05-20',
      note: '为企业解读研发费用加计扣除政策',
      createdById: world.operator.userId,
    });
    const [event] = await auditTrail(t, admin, 'service_record', res.body.id);
    expect(event).toMatchObject({ action: 'service_record.create', after: { id: res.body.id, kind: 'policy' } });
  });

  it('adds an enterprise the platform does not know as pending, once, however many bases serve it', async () => {
    const code = validCreditCode();
    const first = await expectOk(
      post(world.operator, body({ enterpriseOrgId: undefined, enterpriseCreditCode: code, enterpriseName: '重庆某某精密制造有限公司' })),
      201,
    );
    const second = await expectOk(
      post(
        other.operator,
        body({
          baseId: other.baseId,
          enterpriseOrgId: undefined,
          enterpriseCreditCode: code.toLowerCase(),
          enterpriseName: '重庆某某精密制造有限公司',
        }),
      ),
      201,
    );
    const organizations = await organizationsWith(code);
    expect(organizations).toEqual([{ id: first.body.enterpriseOrgId, status: 'pending', kind: 'enterprise', region: expect.any(String) }]);
    expect(second.body.enterpriseOrgId).toBe(first.body.enterpriseOrgId);
    expect(first.body.enterpriseCreditCode).toBe(code);
    // Counted by credit code: once overall, once per base.
    const [served] = await sql<{ overall: number; bases: number }>(
      `SELECT count(DISTINCT o.credit_code)::int AS overall, count(DISTINCT (r.base_id, o.credit_code))::int AS bases
         FROM service_record r JOIN organization o ON o.id = r.enterprise_organization_id WHERE o.credit_code = $1`,
      [code],
    );
    expect(served).toEqual({ overall: 1, bases: 2 });
    expect((await auditTrail(t, admin, 'organization', first.body.enterpriseOrgId)).map((e) => e.action)).toEqual(['organization.create']);
  });

  it('refuses an institute as the enterprise served, by id or by credit code (422), writing nothing', async () => {
    const [{ credit_code: code }] = await sql<{ credit_code: string }>('SELECT credit_code FROM organization WHERE id = $1', [
      world.seller.organizationId,
    ]);
    const before = await recordCount();
    expectErrorBody(await post(world.operator, body({ enterpriseOrgId: world.seller.organizationId })), 422, 'REFERENCE_INVALID', [
      'enterpriseOrgId',
    ]);
    expectErrorBody(
      await post(world.operator, body({ enterpriseOrgId: undefined, enterpriseCreditCode: code, enterpriseName: '某研究院' })),
      422,
      'REFERENCE_INVALID',
      ['enterpriseCreditCode'],
    );
    expectErrorBody(await post(world.operator, body({ enterpriseOrgId: randomUUID() })), 422, 'REFERENCE_INVALID', ['enterpriseOrgId']);
    expect(await recordCount()).toBe(before);
  });

  describe('bad input: 400 naming the field, nothing written', () => {
    const code = validCreditCode();
    const wrongCheck = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
    const cases: [string, Body, string][] = [
      ['neither an id nor a credit code', { enterpriseOrgId: undefined }, 'enterpriseOrgId'],
      ['both an id and a credit code', { enterpriseCreditCode: code, enterpriseName: '某公司' }, 'enterpriseCreditCode'],
      ['a credit code without a name', { enterpriseOrgId: undefined, enterpriseCreditCode: code }, 'enterpriseName'],
      ['a name without a credit code', { enterpriseOrgId: undefined, enterpriseName: '某公司' }, 'enterpriseCreditCode'],
      [
        'a credit code with a wrong check character',
        { enterpriseOrgId: undefined, enterpriseCreditCode: wrongCheck, enterpriseName: '某公司' },
        'enterpriseCreditCode',
      ],
      ['a malformed enterpriseOrgId', { enterpriseOrgId: 'not-a-uuid' }, 'enterpriseOrgId'],
      ['a missing baseId', { baseId: undefined }, 'baseId'],
      ['a missing kind', { kind: undefined }, 'kind'],
      ['an unknown kind', { kind: 'lunch' }, 'kind'],
      ['a missing servedAt', { servedAt: undefined }, 'servedAt'],
      ['an impossible date', { servedAt: '2026-02-30' }, 'servedAt'],
      ['a date in the future', { servedAt: '2999-01-01' }, 'servedAt'],
      ['a number for note', { note: 42 }, 'note'],
      ['a note over 2,000 characters', { note: '政'.repeat(2001) }, 'note'],
      ['an unknown field', { amount: '100.00' }, 'amount'],
    ];
    it.each(cases)('%s', async (_, overrides, field) => {
      const before = await recordCount();
      expectInvalid(await post(world.operator, body(overrides)), field);
      expect(await recordCount()).toBe(before);
    });

    it('a body over 1 MiB is 413, and malformed JSON 400', async () => {
      const before = await recordCount();
      expectErrorBody(await post(world.operator, body({ note: 'x'.repeat(1_100_000) })), 413, 'PAYLOAD_TOO_LARGE');
      const raw = await t
        .http()
        .post(`${API}/service-records`)
        .set(auth(world.operator))
        .set('content-type', 'application/json')
        .send('{"baseId":');
      expectErrorBody(raw, 400, 'MALFORMED_JSON');
      expect(await recordCount()).toBe(before);
    });
  });

  describe('who may', () => {
    it('refuses another base (403), the parties (403) and anonymous callers (401), writing nothing', async () => {
      const before = await recordCount();
      expectErrorBody(await post(other.operator, body()), 403, 'FORBIDDEN');
      for (const party of [world.seller, world.buyer]) expectErrorBody(await post(party, body()), 403, 'FORBIDDEN');
      expectErrorBody(await post(undefined, body()), 401, 'UNAUTHENTICATED');
      expect(await recordCount()).toBe(before);
    });

    it("lists a base's records to its operators only, all to admins; parties get 403", async () => {
      const mine = (await expectOk(post(world.operator, body({ kind: 'training' })), 201)).body;
      const theirs = (await expectOk(post(other.operator, body({ baseId: other.baseId, kind: 'training' })), 201)).body;
      const seen = async (session: Session, query = {}): Promise<string[]> =>
        (await expectOk(list(session, { limit: 100, ...query }))).body.items.map((i: { id: string }) => i.id);
      expect(await seen(world.operator)).toContain(mine.id);
      expect(await seen(world.operator)).not.toContain(theirs.id);
      expect(await seen(admin, { baseId: other.baseId })).toContain(theirs.id);
      expectErrorBody(await list(world.operator, { baseId: other.baseId }), 403, 'FORBIDDEN');
      for (const party of [world.seller, world.buyer]) expectErrorBody(await list(party), 403, 'FORBIDDEN');
      expectInvalid(await list(admin, { kind: 'lunch' }), 'kind');
    });
  });

  it('replays a retry with the same Idempotency-Key: one record for concurrent requests', async () => {
    const headers = { 'idempotency-key': randomUUID() };
    const note = `幂等${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 5 }, () => post(world.operator, body({ note }), headers)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await sql('SELECT 1 FROM service_record WHERE note = $1', [note])).length).toBe(1);
  });

  it('refuses a service dated in a closed month (422 naming servedAt)', async () => {
    const month = `${2001 + Math.floor(Math.random() * 18)}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`;
    const closed = await t.http().post(`${API}/periods/${month}/close`).set(auth(admin));
    expect([200, 409]).toContain(closed.status);
    const before = await recordCount();
    expectErrorBody(await post(world.operator, body({ servedAt: `${month}-10` })), 422, 'PERIOD_CLOSED', ['servedAt']);
    expect(await recordCount()).toBe(before);
    expect(today() > `${month}-10`).toBe(true);
  });
});
