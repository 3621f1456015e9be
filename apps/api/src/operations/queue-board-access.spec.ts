import { describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import request from 'supertest';
import { Role, type Principal } from '#yizhi/core';
import type { VerifiedAccessToken } from '#yizhi/identity';
import { QUEUE_BOARD_COOKIE, queueBoardAccess, redactTokenParam } from './queue-board-access.js';

const principal = (role: Role): Principal => ({ userId: 'u', role, organizationId: null, baseId: null });
const TOKENS: Record<string, VerifiedAccessToken> = {
  admin: { principal: principal(Role.Admin), expiresAt: new Date(Date.now() + 600_000) },
  operator: { principal: principal(Role.Operator), expiresAt: new Date(Date.now() + 600_000) },
  timeless: { principal: principal(Role.Admin), expiresAt: null },
};

/** A board stand-in at /board behind the hook, beside an open route outside its scope. */
async function server(secureCookie: boolean) {
  const app = Fastify();
  app.get('/open', async () => ({ ok: true }));
  await app.register(async (scope) => {
    scope.addHook('onRequest', queueBoardAccess({ path: '/board', verify: (token) => TOKENS[token] ?? null, secureCookie }));
    scope.get('/board', async () => 'board');
    scope.get('/board/*', async () => 'board page');
    scope.post('/board/api/retry', async () => ({ retried: true }));
  });
  await app.ready();
  // Through a real socket: Fastify's inject needs light-my-request, which Jest's ESM mode cannot load.
  return { http: () => request(app.server), close: () => app.close() };
}

describe('queueBoardAccess', () => {
  it('marks the cookie Secure when asked (production) and scopes it to the board', async () => {
    const app = await server(true);
    const res = await app.http().get('/board?token=admin');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/board');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie.split('; ')).toEqual([
      `${QUEUE_BOARD_COOKIE}=admin`,
      'Path=/board',
      'HttpOnly',
      'SameSite=Strict',
      expect.stringMatching(/^Max-Age=(599|600)$/),
      'Secure',
    ]);
    await app.close();
  });

  it('sets a session cookie for a token without an expiry, and no Secure outside production', async () => {
    const app = await server(false);
    const res = await app.http().get('/board?token=timeless');
    expect(String(res.headers['set-cookie']).split('; ')).toEqual([
      `${QUEUE_BOARD_COOKIE}=timeless`,
      'Path=/board',
      'HttpOnly',
      'SameSite=Strict',
    ]);
    await app.close();
  });

  it('takes the bearer header first, then the cookie; exchanges ?token= on GET only', async () => {
    const app = await server(false);
    const status = async (method: 'get' | 'post', url: string, headers: Record<string, string> = {}) =>
      (await app.http()[method](url).set(headers)).status;
    expect(await status('get', '/board', { authorization: 'Bearer admin' })).toBe(200);
    expect(await status('get', '/board', { authorization: 'Bearer operator', cookie: `${QUEUE_BOARD_COOKIE}=admin` })).toBe(403);
    expect(await status('get', '/board', { cookie: `a=b; ${QUEUE_BOARD_COOKIE}=admin; c=d` })).toBe(200);
    expect(await status('get', '/board', { cookie: `${QUEUE_BOARD_COOKIE}=` })).toBe(401);
    expect(await status('post', '/board/api/retry?token=admin')).toBe(401);
    expect(await status('post', '/board/api/retry', { cookie: `${QUEUE_BOARD_COOKIE}=admin` })).toBe(200);
    // Outside the plugin's scope nothing is checked.
    expect(await status('get', '/open')).toBe(200);
    await app.close();
  });

  it('redirects to the path as received, never normalised off the board', async () => {
    const app = await server(false);
    const res = await app.http().get('/board/..//evil.example/x?a=1&token=admin');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/board/..//evil.example/x?a=1');
    await app.close();
  });

  it('answers in the API error shape', async () => {
    const app = await server(false);
    const res = await app.http().get('/board');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, code: 'UNAUTHENTICATED', message: 'A valid access token is required', details: [] });
    const forbidden = await app.http().get('/board?token=operator');
    expect(forbidden.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN', details: [] });
    await app.close();
  });
});

describe('redactTokenParam', () => {
  it('keeps a token in the query string out of the request log', () => {
    expect(redactTokenParam('/admin/queues?token=eyJ.a.b')).toBe('/admin/queues?token=[redacted]');
    expect(redactTokenParam('/admin/queues/queue/x?status=failed&token=eyJ.a.b&page=2')).toBe(
      '/admin/queues/queue/x?status=failed&token=[redacted]&page=2',
    );
    expect(redactTokenParam('/api/v1/bases?limit=3')).toBe('/api/v1/bases?limit=3');
    expect(redactTokenParam('/api/v1/listings?mytoken=1')).toBe('/api/v1/listings?mytoken=1');
  });
});
