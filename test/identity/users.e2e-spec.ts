import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, createOperator, login, loginAdmin, PASSWORD, registerAndLogin, uniqueEmail, type Session } from '../support/factories.js';
import { expectError, expectValidation, userByEmail } from './helpers.js';

const USERS = '/api/v1/users';

describe('POST /users', () => {
  let t: TestApp;
  let admin: Session;
  let baseId: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    baseId = (await t.http().get('/api/v1/bases?limit=100').expect(200)).body.items[3].id;
  });
  afterAll(() => t.close());

  const create = (session: Session | null, body: object) => {
    const req = t.http().post(USERS);
    return (session ? req.set(bearer(session)) : req).send(body);
  };
  const staff = (overrides: object = {}) => ({ email: uniqueEmail('staff'), password: PASSWORD, displayName: '王芳', ...overrides });

  it('creates an operator tied to a base, who can log in and sees the base in /me', async () => {
    const body = staff({ role: 'operator', baseId });
    const res = await create(admin, body).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      email: body.email,
      displayName: '王芳',
      role: 'operator',
      organizationId: null,
      baseId,
    });
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);

    const row = await userByEmail(body.email);
    expect(row).toMatchObject({ id: res.body.id, role: 'operator', base_id: baseId, organization_id: null });
    expect(row.password_hash).toMatch(/^\$argon2id\$/);

    const operator = await login(t, body.email, PASSWORD);
    const me = await t.http().get('/api/v1/auth/me').set(bearer(operator)).expect(200);
    expect(me.body).toMatchObject({ id: res.body.id, role: 'operator', baseId, organizationId: null });
  });

  it('creates another admin, who can then create users too', async () => {
    const body = staff({ role: 'admin' });
    const res = await create(admin, body).expect(201);
    expect(res.body).toMatchObject({ email: body.email, role: 'admin', organizationId: null, baseId: null });
    expect(await userByEmail(body.email)).toMatchObject({ role: 'admin', base_id: null, organization_id: null });

    const second = await login(t, body.email, PASSWORD);
    const next = staff({ role: 'operator', baseId });
    await create(second, next).expect(201);
    expect(await userByEmail(next.email)).toMatchObject({ role: 'operator', base_id: baseId });
  });

  it('stores the email lower-cased', async () => {
    const body = staff({ role: 'admin' });
    const res = await create(admin, { ...body, email: body.email.toUpperCase() }).expect(201);
    expect(res.body.email).toBe(body.email);
  });

  it('requires baseId for an operator', async () => {
    const body = staff({ role: 'operator' });
    const res = await create(admin, body).expect(400);
    expectValidation(res, 'baseId');
    expect(await userByEmail(body.email)).toBeUndefined();
  });

  it('refuses baseId for an admin', async () => {
    const body = staff({ role: 'admin', baseId });
    const res = await create(admin, body).expect(400);
    expectValidation(res, 'baseId');
    expect(await userByEmail(body.email)).toBeUndefined();
  });

  it('refuses a baseId that is not a UUID', async () => {
    const body = staff({ role: 'operator', baseId: 'base-1' });
    expectValidation(await create(admin, body).expect(400), 'baseId');
    expect(await userByEmail(body.email)).toBeUndefined();
  });

  it('refuses an unknown base with 422', async () => {
    const body = staff({ role: 'operator', baseId: randomUUID() });
    const res = await create(admin, body).expect(422);
    expectError(res, 422, 'UNKNOWN_BASE');
    expect(res.body.details).toEqual([{ field: 'baseId', message: expect.any(String) }]);
    expect(await userByEmail(body.email)).toBeUndefined();
  });

  it.each(['enterprise', 'institute', 'superuser'])('refuses role %s', async (role) => {
    const body = staff({ role });
    const res = await create(admin, body).expect(400);
    expectValidation(res, 'role');
    expect(await userByEmail(body.email)).toBeUndefined();
  });

  it('refuses a taken email with 409 EMAIL_TAKEN, whatever its case', async () => {
    const body = staff({ role: 'operator', baseId });
    await create(admin, body).expect(201);
    const res = await create(admin, staff({ role: 'admin', email: body.email.toUpperCase() })).expect(409);
    expectError(res, 409, 'EMAIL_TAKEN');
    expect(await userByEmail(body.email)).toMatchObject({ role: 'operator' });

    const taken = await create(admin, staff({ role: 'admin', email: process.env.ADMIN_EMAIL })).expect(409);
    expectError(taken, 409, 'EMAIL_TAKEN');
  });

  describe('who may call it', () => {
    it('refuses an anonymous caller with 401 and writes nothing', async () => {
      const body = staff({ role: 'admin' });
      expectError(await create(null, body).expect(401), 401, 'UNAUTHENTICATED');
      expect(await userByEmail(body.email)).toBeUndefined();
    });

    it.each(['enterprise', 'institute', 'operator'] as const)('refuses a signed-in %s with 403 and writes nothing', async (role) => {
      const caller = role === 'operator' ? await createOperator(t, admin, baseId) : await registerAndLogin(t, role);
      for (const body of [staff({ role: 'admin' }), staff({ role: 'operator', baseId })]) {
        expectError(await create(caller, body).expect(403), 403, 'FORBIDDEN');
        expect(await userByEmail(body.email)).toBeUndefined();
      }
    });
  });
});
