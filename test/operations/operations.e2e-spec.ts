import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { loadConfig } from '#yizhi/core';
import { createApiApp } from '../../apps/api/src/create-app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { bearer, loginAdmin } from '../support/factories.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The value of one series in Prometheus text, found by its labels in any order. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = line.match(/^(\w+)\{(.*)\} (\S+)$/);
    if (!match || match[1] !== name) continue;
    const have = match[2].split(/,(?=\w+=")/);
    if (wanted.every((label) => have.includes(label)) && have.length === wanted.length) return Number(match[3]);
  }
  return undefined;
}

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('GET /api/v1/health', () => {
    it('reports PostgreSQL and Redis up, to anyone', async () => {
      const res = await t.http().get('/api/v1/health').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } });
      expect(res.body.error ?? {}).toEqual({});
    });
  });

  describe('GET /metrics', () => {
    const scrape = async () => {
      const res = await t
        .http()
        .get('/metrics')
        .expect(200)
        .expect('content-type', /^text\/plain; version=0\.0\.4/);
      return res.text;
    };

    it('serves Prometheus text at the root, with latency per route pattern and process metrics', async () => {
      const labels = { method: 'GET', route: '/api/v1/bases', status_code: '200' };
      const before = sample(await scrape(), 'http_request_duration_seconds_count', labels) ?? 0;
      await t.http().get('/api/v1/bases').expect(200);
      await t.http().get('/api/v1/bases?limit=3').expect(200);
      const unknownId = randomUUID();
      await t.http().get(`/api/v1/bases/${unknownId}`).expect(404);

      const text = await scrape();
      expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
      expect(sample(text, 'http_request_duration_seconds_count', labels)).toBe(before + 2);
      expect(sample(text, 'http_request_duration_seconds_bucket', { le: '+Inf', ...labels })).toBe(before + 2);
      expect(text).toMatch(/^http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/bases"[^}]*\} \d+$/m);
      // The route pattern, never the raw URL: label cardinality stays bounded.
      expect(
        sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/bases/:id', status_code: '404' }),
      ).toBeGreaterThanOrEqual(1);
      expect(text).not.toContain(unknownId);
      expect(text).not.toContain('limit=3');
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    });

    it('labels unknown routes as one series, not one per URL', async () => {
      const path = `/api/v1/nope-${randomUUID()}`;
      await t.http().get(path).expect(404);
      const text = await scrape();
      expect(text).not.toContain(path);
      expect(
        sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' }),
      ).toBeGreaterThanOrEqual(1);
    });

    it('is not served under /api/v1', async () => {
      expectErrorBody(await t.http().get('/api/v1/metrics'), 404, 'NOT_FOUND', []);
    });

    it('requires METRICS_TOKEN as a bearer token when it is set', async () => {
      const token = `metrics-${randomUUID()}`;
      const guarded = await createApiApp({ ...loadConfig(), metricsToken: token });
      const http = () => request(guarded.getHttpServer());
      try {
        expectErrorBody(await http().get('/metrics'), 401, 'UNAUTHENTICATED', []);
        expectErrorBody(await http().get('/metrics').set('authorization', `Bearer ${token}x`), 401, 'UNAUTHENTICATED', []);
        expectErrorBody(await http().get('/metrics').set('authorization', token), 401, 'UNAUTHENTICATED', []);
        const admin = await loginAdmin(t);
        expectErrorBody(await http().get('/metrics').set(bearer(admin)), 401, 'UNAUTHENTICATED', []);
        const ok = await http().get('/metrics').set('authorization', `Bearer ${token}`).expect(200);
        expect(ok.text).toMatch(/^process_cpu_user_seconds_total \d/m);
      } finally {
        await guarded.close();
      }
      // The app without a token keeps /metrics open.
      await t.http().get('/metrics').expect(200);
    });
  });

  describe('X-Request-Id', () => {
    it('echoes a request id the client sent', async () => {
      const id = `e2e-${randomUUID()}`;
      const res = await t.http().get('/api/v1/health').set('x-request-id', id).expect(200);
      expect(res.headers['x-request-id']).toBe(id);
      const error = await t.http().get('/api/v1/no-such-route').set('x-request-id', id).expect(404);
      expect(error.headers['x-request-id']).toBe(id);
    });

    it('generates a fresh one when none is sent', async () => {
      const [a, b] = await Promise.all([t.http().get('/api/v1/health'), t.http().get('/api/v1/health')]);
      expect(a.headers['x-request-id']).toMatch(UUID);
      expect(b.headers['x-request-id']).toMatch(UUID);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });

    it.each([
      ['with spaces', 'not a sane id'],
      ['too long', 'x'.repeat(65)],
      ['with markup', '<script>'],
    ])('replaces one %s with a generated id', async (_, id) => {
      const res = await t.http().get('/api/v1/health').set('x-request-id', id).expect(200);
      expect(res.headers['x-request-id']).toMatch(UUID);
    });
  });

  describe('security headers (helmet)', () => {
    it.each([
      ['a JSON response', '/api/v1/fields', 200],
      ['an error', '/api/v1/no-such-route', 404],
      ['the metrics', '/metrics', 200],
    ])('are set on %s', async (_, path, status) => {
      const res = await t.http().get(path).expect(status);
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('unknown routes', () => {
    it.each([
      ['GET', '/api/v1/no-such-route'],
      ['POST', '/api/v1/no-such-route'],
      ['DELETE', '/api/v1/bases'],
      ['GET', '/no-such-route'],
      ['GET', '/api/v2/bases'],
    ] as const)('answer %s %s with 404 NOT_FOUND in the error shape', async (method, path) => {
      const res = await t.http()[method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete'](path);
      expectErrorBody(res, 404, 'NOT_FOUND', []);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });
  });
});
