/**
 * The bad-input matrix for every identity route that takes a body: unknown field, wrong type,
 * each required field missing, malformed JSON and an oversized body. Every case checks the error
 * shape and that nothing was written, by the specific email, credit code, token or organisation
 * the request carried. Bodies are otherwise valid (and the controls show they succeed), so a
 * case passes only because the check under test refused it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { loginAdmin, PASSWORD, randomIp, registerAndLogin, registerBody, sql, uniqueEmail, type Session } from '../support/factories.js';
import {
  BODY_LIMIT,
  expectError,
  fieldsOf,
  orgByCreditCode,
  padded,
  postRaw,
  redisOf,
  sha256,
  throttleKey,
  userByEmail,
} from './helpers.js';

type Body = Record<string, unknown>;

/** One request's worth of fixtures: where to send it, a valid body, and whether anything of it was written. */
interface Case {
  path: string;
  headers: Record<string, string>;
  body: Body;
  written: () => Promise<boolean>;
}

interface RouteSpec {
  name: string;
  /** Status of the valid body. */
  ok: number;
  setup: () => Promise<Case>;
  unknownField: [string, unknown];
  wrongTypes: [string, unknown][];
  required: string[];
}

function withField(body: Body, path: string, value: unknown): Body {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Body;
  target[keys[keys.length - 1]] = value;
  return copy;
}

function without(body: Body, path: string): Body {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Body;
  delete target[keys[keys.length - 1]];
  return copy;
}

describe('bad input on identity routes', () => {
  let t: TestApp;
  let admin: Session;
  let baseId: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    baseId = (await t.http().get('/api/v1/bases').expect(200)).body.items[0].id;
  });
  afterAll(() => t.close());

  const adminHeaders = () => ({ authorization: `Bearer ${admin.accessToken}` });

  const routes: RouteSpec[] = [
    {
      name: 'POST /auth/register',
      ok: 201,
      setup: async () => {
        const body = registerBody() as unknown as Body;
        const { email, organization } = body as { email: string; organization: { creditCode: string } };
        return {
          path: '/api/v1/auth/register',
          headers: {},
          body,
          written: async () => (await userByEmail(email)) !== undefined || (await orgByCreditCode(organization.creditCode)) !== undefined,
        };
      },
      unknownField: ['role', 'admin'],
      wrongTypes: [
        ['email', 12345],
        ['displayName', 42],
        ['organization', 'an organization'],
        ['organization.region', 500],
        ['organization.kind', 1],
      ],
      required: [
        'email',
        'password',
        'displayName',
        'organization',
        'organization.name',
        'organization.kind',
        'organization.creditCode',
        'organization.region',
      ],
    },
    {
      name: 'POST /auth/login',
      ok: 200,
      setup: async () => {
        const registered = registerBody();
        const res = await t.http().post('/api/v1/auth/register').send(registered).expect(201);
        const userId = res.body.user.id as string;
        return {
          path: '/api/v1/auth/login',
          headers: { 'x-forwarded-for': randomIp() },
          body: { email: registered.email, password: PASSWORD },
          // A login writes a refresh token; a counted failure writes a throttle key.
          written: async () =>
            (await sql('SELECT id FROM refresh_token WHERE user_id = $1', [userId])).length > 0 ||
            (await redisOf(t).exists(throttleKey('account', registered.email))) > 0,
        };
      },
      unknownField: ['role', 'admin'],
      wrongTypes: [
        ['password', 12345678901],
        ['email', 42],
      ],
      required: ['email', 'password'],
    },
    {
      name: 'POST /auth/refresh',
      ok: 200,
      setup: async () => {
        const session = await registerAndLogin(t);
        return {
          path: '/api/v1/auth/refresh',
          headers: {},
          body: { refreshToken: session.refreshToken },
          // A rotation marks the token used and writes its successor.
          written: async () => {
            const rows = await sql<{ token_hash: string; used_at: Date | null }>(
              'SELECT token_hash, used_at FROM refresh_token WHERE user_id = $1',
              [session.userId],
            );
            return rows.length !== 1 || rows[0].token_hash !== sha256(session.refreshToken) || rows[0].used_at !== null;
          },
        };
      },
      unknownField: ['userId', '00000000-0000-0000-0000-000000000000'],
      wrongTypes: [['refreshToken', 12345]],
      required: ['refreshToken'],
    },
    {
      name: 'POST /users',
      ok: 201,
      setup: async () => {
        const email = uniqueEmail('staff');
        return {
          path: '/api/v1/users',
          headers: adminHeaders(),
          body: { email, password: PASSWORD, displayName: '王芳', role: 'operator', baseId },
          written: async () => (await userByEmail(email)) !== undefined,
        };
      },
      unknownField: ['organizationId', '00000000-0000-0000-0000-000000000000'],
      wrongTypes: [
        ['displayName', 7],
        ['password', 12345678901],
        ['role', 1],
        ['baseId', 5],
      ],
      required: ['email', 'password', 'displayName', 'role', 'baseId'],
    },
    {
      name: 'POST /organizations/:id/verify',
      ok: 200,
      setup: async () => {
        const member = await registerAndLogin(t);
        const id = member.organizationId!;
        return {
          path: `/api/v1/organizations/${id}/verify`,
          headers: adminHeaders(),
          body: { decision: 'rejected', reason: '营业执照与名称不符' },
          written: async () => {
            const [row] = await sql<{ status: string; status_reason: string | null }>(
              'SELECT status, status_reason FROM organization WHERE id = $1',
              [id],
            );
            return row.status !== 'pending' || row.status_reason !== null;
          },
        };
      },
      unknownField: ['verifiedAt', '2025-01-01T00:00:00Z'],
      wrongTypes: [
        ['reason', 42],
        ['decision', true],
      ],
      required: ['decision', 'reason'],
    },
  ];

  describe.each(routes)('$name', (route) => {
    const send = (c: Case, body: Body) => t.http().post(c.path).set(c.headers).send(body);

    it('control: the valid body succeeds and is seen as written', async () => {
      const c = await route.setup();
      expect(await c.written()).toBe(false);
      const res = await send(c, c.body);
      expect(res.status).toBe(route.ok);
      expect(await c.written()).toBe(true);
    });

    it('control: the same body padded with whitespace to just under 1 MiB succeeds', async () => {
      const c = await route.setup();
      const raw = padded(c.body, BODY_LIMIT - 4096);
      expect(Buffer.byteLength(raw)).toBeLessThan(BODY_LIMIT);
      const res = await postRaw(t, c.path, raw, c.headers);
      expect(res.status).toBe(route.ok);
      expect(await c.written()).toBe(true);
    });

    it(`refuses the unknown field ${route.unknownField[0]} with 400 naming it, writing nothing`, async () => {
      const c = await route.setup();
      const [field, value] = route.unknownField;
      const res = await send(c, { ...c.body, [field]: value });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual([field]);
      expect(await c.written()).toBe(false);
    });

    it.each(route.wrongTypes)('refuses %s of the wrong type (%j) with 400 naming it, writing nothing', async (field, value) => {
      const c = await route.setup();
      const res = await send(c, withField(c.body, field, value));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual([field]);
      expect(await c.written()).toBe(false);
    });

    it.each(route.required)('refuses a body without %s with 400 naming it, writing nothing', async (field) => {
      const c = await route.setup();
      const res = await send(c, without(c.body, field));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual([field]);
      expect(await c.written()).toBe(false);
    });

    it('refuses malformed JSON with 400 MALFORMED_JSON, writing nothing', async () => {
      const c = await route.setup();
      for (const raw of ['{bad', JSON.stringify(c.body).slice(0, -1), `${JSON.stringify(c.body)},`]) {
        const res = await postRaw(t, c.path, raw, c.headers);
        expectError(res, 400, 'MALFORMED_JSON');
        expect(res.body.details).toEqual([]);
      }
      expect(await c.written()).toBe(false);
    });

    it('refuses an empty body declared as JSON with 400 MALFORMED_JSON', async () => {
      const c = await route.setup();
      expectError(await postRaw(t, c.path, '', c.headers), 400, 'MALFORMED_JSON');
      expect(await c.written()).toBe(false);
    });

    it.each(['null', '[]', '"text"', '42'])('refuses the non-object JSON body %s with 400, writing nothing', async (raw) => {
      const c = await route.setup();
      expectError(await postRaw(t, c.path, raw, c.headers), 400, 'VALIDATION_FAILED');
      expect(await c.written()).toBe(false);
    });

    it('refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE, writing nothing', async () => {
      const c = await route.setup();
      const raw = padded(c.body);
      expect(Buffer.byteLength(raw)).toBeGreaterThan(BODY_LIMIT);
      const res = await postRaw(t, c.path, raw, c.headers);
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(await c.written()).toBe(false);
    });
  });
});
