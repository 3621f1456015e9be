import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueueName } from '#yizhi/core';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { bearer, createOperator, loginAdmin, type Session } from '../support/factories.js';

const BOARD = '/admin/queues';

/** An HS256 token with our secret and the given claims: to forge an expired one. */
function signed(claims: Record<string, unknown>, secret = process.env.JWT_SECRET!): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** The `name=value` of a Set-Cookie header and its attributes, lower-cased. */
function parseSetCookie(header: string): { pair: string; attributes: string[] } {
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  return { pair, attributes: attributes.map((a) => a.toLowerCase()) };
}

describe('queue dashboard (bull-board) at /admin/queues', () => {
  let t: TestApp;
  let admin: Session;
  let operator: Session;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    operator = await createOperator(t, admin);
  });
  afterAll(() => t.close());

  it('answers 401 in our error shape without a token, or with a bad or expired one', async () => {
    expectErrorBody(await t.http().get(BOARD), 401, 'UNAUTHENTICATED', []);
    expectErrorBody(await t.http().get(`${BOARD}/api/queues`), 401, 'UNAUTHENTICATED', []);
    expectErrorBody(await t.http().get(BOARD).set('authorization', 'Bearer not.a.token'), 401, 'UNAUTHENTICATED', []);
    const claims = { sub: admin.userId, role: 'admin', org: null, base: null };
    const now = Math.floor(Date.now() / 1000);
    expectErrorBody(
      await t
        .http()
        .get(BOARD)
        .set('authorization', `Bearer ${signed({ ...claims, iat: now - 120, exp: now - 60 })}`),
      401,
      'UNAUTHENTICATED',
      [],
    );
    expectErrorBody(
      await t
        .http()
        .get(BOARD)
        .set('authorization', `Bearer ${signed({ ...claims, iat: now, exp: now + 60 }, 'another-secret-0123456789abcdef')}`),
      401,
      'UNAUTHENTICATED',
      [],
    );
    // The forging helper is sound: the same claims with our secret and a future expiry pass.
    await t
      .http()
      .get(BOARD)
      .set('authorization', `Bearer ${signed({ ...claims, iat: now, exp: now + 60 })}`)
      .expect(200);
  });

  it('answers 403 in our error shape to a signed-in user who is not an admin', async () => {
    expectErrorBody(await t.http().get(BOARD).set(bearer(operator)), 403, 'FORBIDDEN', []);
    expectErrorBody(await t.http().get(`${BOARD}/api/queues`).set(bearer(operator)), 403, 'FORBIDDEN', []);
  });

  it("serves the dashboard's HTML to an admin's bearer token, with the security headers", async () => {
    const res = await t
      .http()
      .get(BOARD)
      .set(bearer(admin))
      .expect(200)
      .expect('content-type', /^text\/html/);
    expect(res.text).toContain(`<base href="${BOARD}/"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const asset = res.text.match(/href="(static\/css\/[^"]+)"/)?.[1];
    expect(asset).toBeDefined();
    await t.http().get(`${BOARD}/${asset}`).set(bearer(admin)).expect(200);
    await t.http().get(`${BOARD}/${asset}`).expect(401);
  });

  it('exchanges ?token= for an HttpOnly, SameSite=Strict cookie on its path, redirects without it, and the cookie opens the board', async () => {
    const res = await t.http().get(`${BOARD}?token=${admin.accessToken}`).expect(302);
    expect(res.headers.location).toBe(BOARD);
    const setCookie = res.headers['set-cookie'] as unknown as string[];
    expect(setCookie).toHaveLength(1);
    const { pair, attributes } = parseSetCookie(setCookie[0]);
    expect(pair).toBe(`yizhi_queue_board=${admin.accessToken}`);
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', `path=${BOARD}`]));
    // Not Secure under NODE_ENV=test (plain HTTP); it lives no longer than the token.
    expect(attributes).not.toContain('secure');
    const maxAge = Number(attributes.find((a) => a.startsWith('max-age='))!.slice('max-age='.length));
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(Number(loginTtl()));

    const page = await t.http().get(BOARD).set('cookie', pair).expect(200);
    expect(page.text).toContain(`<base href="${BOARD}/"`);
    const api = await t.http().get(`${BOARD}/api/queues`).set('cookie', `other=1; ${pair}`).expect(200);
    const names = (api.body.queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual(Object.values(QueueName).sort());
  });

  it('keeps other query parameters on the redirect', async () => {
    const res = await t.http().get(`${BOARD}/queue/${QueueName.Maintenance}?status=failed&token=${admin.accessToken}`).expect(302);
    expect(res.headers.location).toBe(`${BOARD}/queue/${QueueName.Maintenance}?status=failed`);
  });

  it('sets no cookie for a ?token= that is not an admin’s or not valid', async () => {
    const forbidden = await t.http().get(`${BOARD}?token=${operator.accessToken}`);
    expectErrorBody(forbidden, 403, 'FORBIDDEN', []);
    expect(forbidden.headers['set-cookie']).toBeUndefined();
    const invalid = await t.http().get(`${BOARD}?token=garbage`);
    expectErrorBody(invalid, 401, 'UNAUTHENTICATED', []);
    expect(invalid.headers['set-cookie']).toBeUndefined();
    // An operator's token in the cookie is refused too.
    expectErrorBody(await t.http().get(BOARD).set('cookie', `yizhi_queue_board=${operator.accessToken}`), 403, 'FORBIDDEN', []);
  });

  it('adds no hook to the other routes: the public ones stay open, with no cookie involved', async () => {
    const res = await t.http().get('/api/v1/fields').expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    await t.http().get('/api/v1/health').expect(200);
    await t.http().get('/metrics').expect(200);
    // The board's cookie is no credential for the API.
    expectErrorBody(
      await t.http().get('/api/v1/auth/me').set('cookie', `yizhi_queue_board=${admin.accessToken}`),
      401,
      'UNAUTHENTICATED',
      [],
    );
  });

  it('is not part of the OpenAPI document', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((path) => path.startsWith(BOARD))).toEqual([]);
    expect(Object.keys(doc.paths)).toContain('/api/v1/jobs/{id}');
  });
});

/** ACCESS_TOKEN_TTL as the app reads it (default 900 s). */
function loginTtl(): string {
  return process.env.ACCESS_TOKEN_TTL ?? '900';
}
