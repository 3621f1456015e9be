import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  bearer,
  createOperator,
  login,
  loginAdmin,
  PASSWORD,
  registerAndLogin,
  registerBody,
  sql,
  type Session,
} from '../support/factories.js';
import { expectError, sha256 } from './helpers.js';

const REFRESH = '/api/v1/auth/refresh';
const ME = '/api/v1/auth/me';

describe('tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string) => t.http().post(REFRESH).send({ refreshToken });

  describe('POST /auth/refresh', () => {
    it('rotates: returns a new pair whose tokens work, and the old refresh token no longer does', async () => {
      const session = await registerAndLogin(t);
      const res = await refresh(session.refreshToken).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken']);
      expect(res.body.refreshToken).not.toBe(session.refreshToken);
      expect(res.body.expiresIn).toBe(900);

      const me = await t.http().get(ME).set('authorization', `Bearer ${res.body.accessToken}`).expect(200);
      expect(me.body.id).toBe(session.userId);
      expectError(await refresh(session.refreshToken).expect(401), 401, 'REFRESH_TOKEN_REUSED');
    });

    it('revokes the whole family when a used token is presented again, newest token included', async () => {
      const session = await registerAndLogin(t);
      const second = (await refresh(session.refreshToken).expect(200)).body.refreshToken as string;
      const third = (await refresh(second).expect(200)).body.refreshToken as string;

      expectError(await refresh(session.refreshToken).expect(401), 401, 'REFRESH_TOKEN_REUSED');
      expectError(await refresh(third).expect(401), 401, 'REFRESH_TOKEN_REUSED');

      const rows = await sql<{ revoked: boolean }>('SELECT revoked_at IS NOT NULL AS revoked FROM refresh_token WHERE token_hash = $1', [
        sha256(third),
      ]);
      expect(rows).toEqual([{ revoked: true }]);
    });

    it('revokes only the replayed family: another login of the same user keeps working', async () => {
      const body = registerBody();
      await t.http().post('/api/v1/auth/register').send(body).expect(201);
      const phone = await login(t, body.email, body.password);
      const laptop = await login(t, body.email, body.password);

      await refresh(phone.refreshToken).expect(200);
      expectError(await refresh(phone.refreshToken).expect(401), 401, 'REFRESH_TOKEN_REUSED');
      await refresh(laptop.refreshToken).expect(200);
    });

    it('lets only one of two concurrent refreshes with the same token succeed', async () => {
      const session = await registerAndLogin(t);
      const results = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('stores refresh tokens only as SHA-256 hex hashes', async () => {
      const session = await registerAndLogin(t);
      const rotated = (await refresh(session.refreshToken).expect(200)).body.refreshToken as string;
      for (const token of [session.refreshToken, rotated]) {
        const hashed = await sql<{ user_id: string; token_hash: string }>(
          'SELECT user_id, token_hash FROM refresh_token WHERE token_hash = $1',
          [sha256(token)],
        );
        expect(hashed).toEqual([{ user_id: session.userId, token_hash: sha256(token) }]);
        expect(hashed[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
        const plain = await sql('SELECT id FROM refresh_token r WHERE strpos(r::text, $1) > 0', [token]);
        expect(plain).toHaveLength(0);
      }
    });

    it('refuses a garbage token with 401 REFRESH_TOKEN_INVALID', async () => {
      for (const garbage of ['garbage', 'x'.repeat(43), sha256('not a token')]) {
        expectError(await refresh(garbage).expect(401), 401, 'REFRESH_TOKEN_INVALID');
      }
    });

    it('refuses the stored hash itself in place of the token', async () => {
      const session = await registerAndLogin(t);
      expectError(await refresh(sha256(session.refreshToken)).expect(401), 401, 'REFRESH_TOKEN_INVALID');
      await refresh(session.refreshToken).expect(200);
    });

    it('refuses an expired refresh token with 401 REFRESH_TOKEN_INVALID', async () => {
      const session = await registerAndLogin(t);
      await sql(`UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sha256(session.refreshToken)]);
      expectError(await refresh(session.refreshToken).expect(401), 401, 'REFRESH_TOKEN_INVALID');
    });
  });

  describe('GET /auth/me', () => {
    let jwt: JwtService;
    let enterprise: Session;
    beforeAll(async () => {
      jwt = t.app.get(JwtService, { strict: false });
      enterprise = await registerAndLogin(t);
    });

    it('returns the enterprise user with its organization', async () => {
      const res = await t.http().get(ME).set(bearer(enterprise)).expect(200);
      expect(res.body).toEqual({
        id: enterprise.userId,
        email: enterprise.email,
        displayName: '张伟',
        role: 'enterprise',
        organizationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        baseId: null,
      });
      const [row] = await sql<{ organization_id: string }>('SELECT organization_id FROM "user" WHERE id = $1', [enterprise.userId]);
      expect(res.body.organizationId).toBe(row.organization_id);
    });

    it('returns an institute user, an operator with its base and an admin with neither', async () => {
      const institute = await registerAndLogin(t, 'institute');
      expect((await t.http().get(ME).set(bearer(institute)).expect(200)).body).toMatchObject({ role: 'institute', baseId: null });

      const admin = await loginAdmin(t);
      expect((await t.http().get(ME).set(bearer(admin)).expect(200)).body).toEqual({
        id: admin.userId,
        email: process.env.ADMIN_EMAIL,
        displayName: expect.any(String),
        role: 'admin',
        organizationId: null,
        baseId: null,
      });

      const operator = await createOperator(t, admin);
      const me = await t.http().get(ME).set(bearer(operator)).expect(200);
      expect(me.body).toMatchObject({ role: 'operator', organizationId: null, baseId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    });

    it('refuses an anonymous caller with 401', async () => {
      expectError(await t.http().get(ME).expect(401), 401, 'UNAUTHENTICATED');
    });

    it('refuses malformed authorization headers with 401', async () => {
      for (const header of [
        'Bearer',
        'Bearer not-a-jwt',
        `Basic ${Buffer.from(`${enterprise.email}:${PASSWORD}`).toString('base64')}`,
        enterprise.accessToken,
      ]) {
        expectError(await t.http().get(ME).set('authorization', header).expect(401), 401, 'UNAUTHENTICATED');
      }
    });

    it('accepts a token signed with the server key, but not once it has expired', async () => {
      const claims = { sub: enterprise.userId, role: 'enterprise', org: enterprise.organizationId, base: null };
      const now = Math.floor(Date.now() / 1000);
      const fresh = await jwt.signAsync({ ...claims, exp: now + 60 });
      await t.http().get(ME).set('authorization', `Bearer ${fresh}`).expect(200);

      const expired = await jwt.signAsync({ ...claims, iat: now - 120, exp: now - 60 });
      expectError(await t.http().get(ME).set('authorization', `Bearer ${expired}`).expect(401), 401, 'UNAUTHENTICATED');
    });

    it('refuses forged tokens: another key, a tampered payload, alg none', async () => {
      const claims = { sub: enterprise.userId, role: 'admin', org: null, base: null };
      const otherKey = await jwt.signAsync(claims, { secret: 'an-attacker-chosen-secret-of-32-chars!!', expiresIn: 600 });

      const [header, , signature] = enterprise.accessToken.split('.');
      const payload = JSON.parse(Buffer.from(enterprise.accessToken.split('.')[1], 'base64url').toString());
      const tampered = [header, Buffer.from(JSON.stringify({ ...payload, role: 'admin' })).toString('base64url'), signature].join('.');

      const none = [
        Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url'),
        Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url'),
        '',
      ].join('.');

      for (const token of [otherKey, tampered, none]) {
        expectError(await t.http().get(ME).set('authorization', `Bearer ${token}`).expect(401), 401, 'UNAUTHENTICATED');
      }
      // The genuine token still works.
      await t.http().get(ME).set(bearer(enterprise)).expect(200);
    });

    it('does not accept a refresh token as an access token', async () => {
      expectError(await t.http().get(ME).set('authorization', `Bearer ${enterprise.refreshToken}`).expect(401), 401, 'UNAUTHENTICATED');
    });
  });
});
