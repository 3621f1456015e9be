import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { REAL_CREDIT_CODES, registerBody, sql, uniqueEmail, validCreditCode } from '../support/factories.js';
import { expectError, expectValidation, orgByCreditCode, userByEmail } from './helpers.js';

const REGISTER = '/api/v1/auth/register';

/** Replaces one character of a code with another digit (or '0' when it was a letter). */
function changeOne(code: string, index: number): string {
  const ch = code[index];
  const replacement = /\d/.test(ch) ? String((Number(ch) + 1) % 10) : '0';
  return code.slice(0, index) + replacement + code.slice(index + 1);
}

describe('POST /auth/register', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates a pending enterprise and its first user, whose role is enterprise', async () => {
    const body = registerBody('enterprise');
    const res = await t.http().post(REGISTER).send(body).expect(201);

    expect(Object.keys(res.body).sort()).toEqual(['organization', 'user']);
    expect(res.body.organization).toMatchObject({
      name: body.organization.name,
      kind: 'enterprise',
      creditCode: body.organization.creditCode,
      region: '重庆市渝北区',
      status: 'pending',
      statusReason: null,
      verifiedAt: null,
    });
    expect(res.body.user).toEqual({
      id: expect.any(String),
      email: body.email,
      displayName: body.displayName,
      role: 'enterprise',
      organizationId: res.body.organization.id,
      baseId: null,
    });

    const [row] = await sql<{ role: string; organization_id: string; status: string }>(
      'SELECT u.role, u.organization_id, o.status FROM "user" u JOIN organization o ON o.id = u.organization_id WHERE u.email = $1',
      [body.email],
    );
    expect(row).toEqual({ role: 'enterprise', organization_id: res.body.organization.id, status: 'pending' });
  });

  it('gives the first user of an institute the institute role', async () => {
    const body = registerBody('institute');
    const res = await t.http().post(REGISTER).send(body).expect(201);
    expect(res.body.organization).toMatchObject({ kind: 'institute', status: 'pending' });
    expect(res.body.user.role).toBe('institute');
    expect((await userByEmail(body.email)).role).toBe('institute');
  });

  it('stores the password as an argon2id hash only, and never returns it', async () => {
    const body = registerBody();
    const res = await t.http().post(REGISTER).send(body).expect(201);
    const row = await userByEmail(body.email);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toBe(body.password);
    expect(row.password_hash).not.toContain(body.password);
    const [{ matches }] = await sql<{ matches: boolean }>(
      `SELECT password_hash LIKE '$argon2id$%' AND password_hash <> $2 AS matches FROM "user" WHERE email = $1`,
      [body.email, body.password],
    );
    expect(matches).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain(body.password);
    expect(JSON.stringify(res.body)).not.toContain('argon2');
  });

  it('refuses a taken email with 409 EMAIL_TAKEN and does not write the second organization', async () => {
    const first = registerBody();
    await t.http().post(REGISTER).send(first).expect(201);
    const second = registerBody('institute', { email: first.email });

    const res = await t.http().post(REGISTER).send(second).expect(409);
    expectError(res, 409, 'EMAIL_TAKEN');
    expect(res.body.details).toEqual([{ field: 'email', message: expect.any(String) }]);
    expect(await orgByCreditCode(second.organization.creditCode)).toBeUndefined();
    expect((await userByEmail(first.email)).role).toBe('enterprise');
  });

  it('treats email case-insensitively: A@x.cn then a@x.cn is a 409', async () => {
    const email = uniqueEmail('Case').replace(/^c/, 'C');
    const upper = registerBody('enterprise', { email: email.toUpperCase() });
    const created = await t.http().post(REGISTER).send(upper).expect(201);
    expect(created.body.user.email).toBe(email.toLowerCase());

    const lower = registerBody('enterprise', { email: email.toLowerCase() });
    const res = await t.http().post(REGISTER).send(lower).expect(409);
    expectError(res, 409, 'EMAIL_TAKEN');
    expect(await orgByCreditCode(lower.organization.creditCode)).toBeUndefined();
    const rows = await sql('SELECT id FROM "user" WHERE lower(email) = lower($1)', [email]);
    expect(rows).toHaveLength(1);
  });

  it('refuses a taken credit code with 409 CREDIT_CODE_TAKEN and does not write the second user', async () => {
    const first = registerBody();
    await t.http().post(REGISTER).send(first).expect(201);
    const second = registerBody('enterprise', {
      organization: { ...registerBody().organization, creditCode: first.organization.creditCode },
    });

    const res = await t.http().post(REGISTER).send(second).expect(409);
    expectError(res, 409, 'CREDIT_CODE_TAKEN');
    expect(res.body.details).toEqual([{ field: 'organization.creditCode', message: expect.any(String) }]);
    expect(await userByEmail(second.email)).toBeUndefined();
    const orgs = await sql('SELECT id FROM organization WHERE credit_code = $1', [first.organization.creditCode]);
    expect(orgs).toHaveLength(1);
  });

  it('normalises a credit code typed in lower case with spaces, so the same code cannot register twice', async () => {
    const code = validCreditCode();
    const typed = `${code.slice(0, 4)} ${code.slice(4, 10)}\u3000${code.slice(10)}`.toLowerCase();
    const first = registerBody('enterprise', { organization: { ...registerBody().organization, creditCode: typed } });
    const res = await t.http().post(REGISTER).send(first).expect(201);
    expect(res.body.organization.creditCode).toBe(code);
    expect(await orgByCreditCode(code)).toMatchObject({ credit_code: code });

    const again = registerBody('enterprise', { organization: { ...registerBody().organization, creditCode: code } });
    expectError(await t.http().post(REGISTER).send(again).expect(409), 409, 'CREDIT_CODE_TAKEN');
    expect(await userByEmail(again.email)).toBeUndefined();
  });

  it('accepts real, published credit codes', async () => {
    // Each real code can be registered once per run: this is the only test that registers them.
    for (const code of REAL_CREDIT_CODES) {
      const body = registerBody('enterprise', { organization: { ...registerBody().organization, creditCode: code } });
      const res = await t.http().post(REGISTER).send(body);
      expect({ code, status: res.status }).toEqual({ code, status: 201 });
      expect(res.body.organization.creditCode).toBe(code);
      expect(await orgByCreditCode(code)).toMatchObject({ id: res.body.organization.id, status: 'pending' });
    }
  });

  it.each(REAL_CREDIT_CODES.flatMap((code) => [2, 9, 16, 17].map((index) => [code, index, changeOne(code, index)] as const)))(
    'refuses %s with character %i changed (%s) and writes nothing',
    async (_real, _index, wrong) => {
      const body = registerBody('enterprise', { organization: { ...registerBody().organization, creditCode: wrong } });
      const res = await t.http().post(REGISTER).send(body).expect(400);
      expectValidation(res, 'organization.creditCode');
      expect(res.body.details).toHaveLength(1);
      expect(await orgByCreditCode(wrong)).toBeUndefined();
      expect(await userByEmail(body.email)).toBeUndefined();
    },
  );

  it('refuses a registration body that tries to set the organization status or the user role', async () => {
    const body = { ...registerBody(), role: 'admin', organization: { ...registerBody().organization, status: 'verified' } };
    const res = await t.http().post(REGISTER).send(body).expect(400);
    expectValidation(res, 'role', 'organization.status');
    expect(await userByEmail(body.email)).toBeUndefined();
    expect(await orgByCreditCode(body.organization.creditCode)).toBeUndefined();
  });

  it('refuses a password shorter than 10 characters', async () => {
    const body = registerBody('enterprise', { password: 'short' });
    const res = await t.http().post(REGISTER).send(body).expect(400);
    expectValidation(res, 'password');
    expect(await userByEmail(body.email)).toBeUndefined();
  });
});
