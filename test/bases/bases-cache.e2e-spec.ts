import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, loginAdmin, type Session } from '../support/factories.js';

/** The public base routes answer repeated reads from the response cache; writes must show at once. */
describe('bases response cache', () => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  async function createBase(): Promise<{ id: string; code: string; name: string }> {
    const code = `e2e-cache-${randomUUID().slice(0, 8)}`;
    const res = await t
      .http()
      .post('/api/v1/bases')
      .set(bearer(admin))
      .send({ code, name: `缓存测试基地${code}`, kind: 'branch', province: '四川', city: '乐山' })
      .expect(201);
    return res.body;
  }

  it('serves a repeated read from the cache, with fresh security headers and request id', async () => {
    const base = await createBase();
    const first = await t.http().get(`/api/v1/bases/${base.id}`).set('x-request-id', 'first-read').expect(200);
    const second = await t.http().get(`/api/v1/bases/${base.id}`).set('x-request-id', 'second-read').expect(200);
    expect(first.headers['x-cache']).toBe('miss');
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.body).toEqual(first.body);
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(second.headers['x-request-id']).toBe('second-read');
    expect(second.headers['x-content-type-options']).toBe('nosniff');
    expect(second.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('shows an admin edit on the next read of the base and of the list', async () => {
    const base = await createBase();
    const listUrl = '/api/v1/bases?province=%E5%9B%9B%E5%B7%9D&limit=100';
    await t.http().get(`/api/v1/bases/${base.id}`).expect(200);
    expect((await t.http().get(`/api/v1/bases/${base.id}`).expect(200)).headers['x-cache']).toBe('hit');
    await t.http().get(listUrl).expect(200);

    const name = `改名基地${randomUUID().slice(0, 8)}`;
    await t.http().patch(`/api/v1/bases/${base.id}`).set(bearer(admin)).send({ name }).expect(200);

    const read = await t.http().get(`/api/v1/bases/${base.id}`).expect(200);
    expect(read.body.name).toBe(name);
    const list = await t.http().get(listUrl).expect(200);
    expect(list.body.items.find((b: { id: string }) => b.id === base.id)?.name).toBe(name);
  });

  it('shows a new base in a list that was cached before it was created', async () => {
    const listUrl = '/api/v1/bases?kind=branch&province=%E5%9B%9B%E5%B7%9D&limit=100';
    await t.http().get(listUrl).expect(200);
    expect((await t.http().get(listUrl).expect(200)).headers['x-cache']).toBe('hit');
    const base = await createBase();
    const list = await t.http().get(listUrl).expect(200);
    expect(list.body.items.map((b: { id: string }) => b.id)).toContain(base.id);
  });

  it('never caches an error answer', async () => {
    const missing = randomUUID();
    await t.http().get(`/api/v1/bases/${missing}`).expect(404);
    const again = await t.http().get(`/api/v1/bases/${missing}`).expect(404);
    expect(again.headers['x-cache']).toBeUndefined();
  });
});
