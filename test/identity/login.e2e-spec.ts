import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { PASSWORD, randomIp, registerBody, sql, uniqueEmail } from '../support/factories.js';
import { expectError, redisOf, sha256, throttleKey } from './helpers.js';

const LOGIN = '/api/v1/auth/login';
const WRONG = 'wrong-password-123';

describe('POST /auth/login', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const attempt = (email: string, password: string, ip: string) =>
    t.http().post(LOGIN).set('x-forwarded-for', ip).send({ email, password });

  /** A registered account that has never logged in. */
  async function account(): Promise<{ email: string; userId: string }> {
    const body = registerBody();
    const res = await t.http().post('/api/v1/auth/register').send(body).expect(201);
    return { email: body.email, userId: res.body.user.id };
  }

  function expectRateLimited(res: Awaited<ReturnType<typeof attempt>>): void {
    expectError(res, 429, 'RATE_LIMITED');
    const retryAfter = res.headers['retry-after'];
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(900);
  }

  describe('credentials', () => {
    it('returns {accessToken, refreshToken, expiresIn} for the right password, and the tokens work', async () => {
      const { email, userId } = await account();
      const res = await attempt(email, PASSWORD, randomIp()).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken']);
      expect(res.body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(typeof res.body.refreshToken).toBe('string');
      expect(res.body.refreshToken.length).toBeGreaterThanOrEqual(32);
      expect(res.body.expiresIn).toBe(900);

      const me = await t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${res.body.accessToken}`).expect(200);
      expect(me.body.id).toBe(userId);
      const rows = await sql('SELECT id FROM refresh_token WHERE user_id = $1 AND token_hash = $2', [
        userId,
        sha256(res.body.refreshToken),
      ]);
      expect(rows).toHaveLength(1);
    });

    it('matches the email case-insensitively and ignores surrounding spaces', async () => {
      const { email } = await account();
      await attempt(`  ${email.toUpperCase()} `, PASSWORD, randomIp()).expect(200);
    });

    it('refuses a wrong password with 401 INVALID_CREDENTIALS and issues no token', async () => {
      const { email, userId } = await account();
      const res = await attempt(email, WRONG, randomIp()).expect(401);
      expectError(res, 401, 'INVALID_CREDENTIALS');
      expect(res.body.details).toEqual([]);
      expect(res.body).not.toHaveProperty('accessToken');
      expect(await sql('SELECT id FROM refresh_token WHERE user_id = $1', [userId])).toHaveLength(0);
    });

    it('answers an unknown email exactly as a wrong password', async () => {
      const { email } = await account();
      const wrong = await attempt(email, WRONG, randomIp()).expect(401);
      const unknown = await attempt(uniqueEmail('nobody'), WRONG, randomIp()).expect(401);
      expectError(unknown, 401, 'INVALID_CREDENTIALS');
      expect(unknown.body).toEqual(wrong.body);
    });
  });

  describe('per-account throttle', () => {
    it('gives 401 for 5 wrong passwords, then 429 with Retry-After even for the right one', async () => {
      const { email, userId } = await account();
      const ip = randomIp();
      for (let i = 1; i <= 5; i++) expectError(await attempt(email, WRONG, ip), 401, 'INVALID_CREDENTIALS');

      expectRateLimited(await attempt(email, PASSWORD, ip));
      expect(await sql('SELECT id FROM refresh_token WHERE user_id = $1', [userId])).toHaveLength(0);

      const redis = redisOf(t);
      expect(await redis.get(throttleKey('account', email))).toBe('5');
      const ttl = await redis.ttl(throttleKey('account', email));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(900);
    });

    it('counts per account whatever the IP, and leaves other accounts on that IP alone', async () => {
      const { email } = await account();
      const other = await account();
      const ip = randomIp();
      for (let i = 1; i <= 5; i++) expectError(await attempt(email, WRONG, randomIp()), 401, 'INVALID_CREDENTIALS');

      expectRateLimited(await attempt(email, PASSWORD, ip));
      expectRateLimited(await attempt(email, PASSWORD, randomIp()));
      await attempt(other.email, PASSWORD, ip).expect(200);
    });

    it('counts failures under any spelling of the email together', async () => {
      const { email } = await account();
      const spellings = [email, email.toUpperCase(), ` ${email}`, email.replace(/^./, (c) => c.toUpperCase()), `${email.toUpperCase()} `];
      for (const spelling of spellings) expectError(await attempt(spelling, WRONG, randomIp()), 401, 'INVALID_CREDENTIALS');
      expectRateLimited(await attempt(email, PASSWORD, randomIp()));
    });

    it('does not count successful logins (a success clears the account counter)', async () => {
      const { email } = await account();
      const ip = randomIp();
      for (let i = 1; i <= 4; i++) expectError(await attempt(email, WRONG, ip), 401, 'INVALID_CREDENTIALS');
      for (let i = 1; i <= 3; i++) await attempt(email, PASSWORD, ip).expect(200);
      expect(await redisOf(t).exists(throttleKey('account', email))).toBe(0);

      for (let i = 1; i <= 4; i++) expectError(await attempt(email, WRONG, ip), 401, 'INVALID_CREDENTIALS');
      await attempt(email, PASSWORD, ip).expect(200);

      for (let i = 1; i <= 5; i++) expectError(await attempt(email, WRONG, ip), 401, 'INVALID_CREDENTIALS');
      expectRateLimited(await attempt(email, PASSWORD, ip));
    });

    it('lets no more than 5 of many concurrent wrong guesses through', async () => {
      const { email } = await account();
      const results = await Promise.all(Array.from({ length: 20 }, () => attempt(email, WRONG, randomIp())));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
      for (const res of results.filter((r) => r.status === 429)) expectRateLimited(res);
      expectRateLimited(await attempt(email, PASSWORD, randomIp()));
    });
  });

  describe('per-IP throttle', () => {
    it('gives 429 to the 51st attempt from an IP after 50 failures across accounts, while another IP still works', async () => {
      const { email, userId } = await account();
      const ip = randomIp();
      // 49 failures on 49 different (unknown) accounts, in small concurrent batches.
      const emails = Array.from({ length: 49 }, () => uniqueEmail('probe'));
      for (let i = 0; i < emails.length; i += 7) {
        const batch = await Promise.all(emails.slice(i, i + 7).map((e) => attempt(e, WRONG, ip)));
        for (const res of batch) expectError(res, 401, 'INVALID_CREDENTIALS');
      }
      // A success from that IP is not a failure: the limit is still one failure away.
      await attempt(email, PASSWORD, ip).expect(200);
      expectError(await attempt(uniqueEmail('probe'), WRONG, ip), 401, 'INVALID_CREDENTIALS');
      expect(await redisOf(t).get(throttleKey('ip', ip))).toBe('50');

      const tokensBefore = await sql('SELECT id FROM refresh_token WHERE user_id = $1', [userId]);
      expectRateLimited(await attempt(email, PASSWORD, ip));
      expectRateLimited(await attempt(uniqueEmail('probe'), WRONG, ip));
      expect(await sql('SELECT id FROM refresh_token WHERE user_id = $1', [userId])).toHaveLength(tokensBefore.length);

      await attempt(email, PASSWORD, randomIp()).expect(200);
    });

    it('lets no more than 50 of many concurrent failures from one IP through', async () => {
      const ip = randomIp();
      const results = await Promise.all(Array.from({ length: 60 }, () => attempt(uniqueEmail('flood'), WRONG, ip)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(50).fill(401), ...Array(10).fill(429)]);
    });
  });
});
