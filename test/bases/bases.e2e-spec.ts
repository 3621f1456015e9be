import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { bearer, createOperator, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';

/**
 * Other suites share this database and may create bases while these tests run, so assertions
 * about "the 20" are made on the seeded codes, never on totals.
 */
const CHONGQING_BRANCHES = [
  'branch-bishan',
  'branch-changshou',
  'branch-dazu',
  'branch-fuling',
  'branch-hechuan',
  'branch-jiangjin',
  'branch-qianjiang',
  'branch-rongchang',
  'branch-wanzhou',
  'branch-yongchuan',
];
const SICHUAN_BRANCHES = [
  'branch-chengdu',
  'branch-deyang',
  'branch-luzhou',
  'branch-mianyang',
  'branch-nanchong',
  'branch-suining',
  'branch-yibin',
];
const SEEDED_BRANCHES = [...CHONGQING_BRANCHES, ...SICHUAN_BRANCHES].sort();
/** In listing order: online, then offline, then branch, each by code. */
const SEEDED_CODES = ['online', 'gaoxin', 'liangjiang', ...SEEDED_BRANCHES];
const SEEDED = new Set(SEEDED_CODES);

const KIND_RANK: Record<string, number> = { online: 0, offline: 1, branch: 2 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE_KEYS = ['active', 'address', 'city', 'code', 'createdAt', 'district', 'id', 'kind', 'name', 'province', 'updatedAt'];

interface BaseView {
  id: string;
  code: string;
  name: string;
  kind: string;
  province: string;
  city: string;
  district: string | null;
  address: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Strictly increasing by (kind as online < offline < branch, code): the documented order. */
function expectListingOrder(items: BaseView[]): void {
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [items[i - 1], items[i]];
    const before = KIND_RANK[a.kind] < KIND_RANK[b.kind] || (a.kind === b.kind && a.code < b.code);
    expect({ before: `${a.kind}/${a.code}`, after: `${b.kind}/${b.code}`, ordered: before }).toMatchObject({ ordered: true });
  }
}

const codesOf = (items: BaseView[]) => items.map((b) => b.code);
const seededIn = (items: BaseView[]) => items.filter((b) => SEEDED.has(b.code));

/** A valid create body with a fresh code and name; codes sort after the seeded ones. */
function newBase(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const tag = randomUUID().slice(0, 8);
  return { code: `e2e-${tag}`, name: `测试分基地${tag}`, kind: 'branch', province: '四川', city: '乐山', ...overrides };
}

const rowsWith = (code: unknown, name: unknown) =>
  sql<{ n: number }>('SELECT count(*)::int AS n FROM base WHERE code = $1 OR name = $2', [String(code), String(name)]).then((r) => r[0].n);

/** The whole row as stored, to prove that a refused write changed nothing (updated_at included). */
const storedRow = (id: string) =>
  sql<{ row: string }>('SELECT row_to_json(b)::text AS row FROM base b WHERE id = $1', [id]).then((r) => r[0]?.row);

describe('bases', () => {
  let t: TestApp;
  let admin: Session;
  let enterprise: Session;
  let institute: Session;
  let operator: Session;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    [enterprise, institute, operator] = await Promise.all([
      registerAndLogin(t, 'enterprise'),
      registerAndLogin(t, 'institute'),
      createOperator(t, admin),
    ]);
  });
  afterAll(() => t.close());

  const list = async (query: string): Promise<{ items: BaseView[]; nextCursor: string | null }> => {
    const res = await t.http().get(`/api/v1/bases${query}`).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
    return res.body;
  };

  /** Follows nextCursor to the end; every page but the last is full. */
  const walk = async (query: string, limit: number): Promise<{ items: BaseView[]; pages: number }> => {
    const items: BaseView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: BaseView[]; nextCursor: string | null } = await list(
        `?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (page.nextCursor !== null) expect(page.items).toHaveLength(limit);
      items.push(...page.items);
      cursor = page.nextCursor;
      expect(pages).toBeLessThan(100);
    } while (cursor !== null);
    return { items, pages };
  };

  const create = async (body: Record<string, unknown> = newBase()): Promise<BaseView> =>
    (await t.http().post('/api/v1/bases').set(bearer(admin)).send(body).expect(201)).body;

  describe('GET /api/v1/bases', () => {
    it('lists the seeded 1 + 2 + 17 bases, online first, then offline, then branch', async () => {
      const { items } = await list('?limit=100');
      const seeded = seededIn(items);
      expect(codesOf(seeded)).toEqual(SEEDED_CODES);

      const online = seeded.filter((b) => b.kind === 'online');
      expect(online.map(({ code, name }) => ({ code, name }))).toEqual([{ code: 'online', name: '易智网线上平台' }]);

      const offline = seeded.filter((b) => b.kind === 'offline');
      expect(offline).toHaveLength(2);
      expect(offline.find((b) => b.name.includes('两江新区'))?.code).toBe('liangjiang');
      expect(offline.find((b) => b.name.includes('重庆高新区'))?.code).toBe('gaoxin');

      const branches = seeded.filter((b) => b.kind === 'branch');
      expect(branches).toHaveLength(17);
      expect(new Set(branches.map((b) => b.province))).toEqual(new Set(['重庆', '四川']));
      expect(branches.filter((b) => b.province === '四川').map((b) => b.code)).toEqual(SICHUAN_BRANCHES);

      expectListingOrder(items);
      for (const base of seeded) {
        expect(Object.keys(base).sort()).toEqual(BASE_KEYS);
        expect(base.id).toMatch(UUID);
        expect(base.active).toBe(true);
        expect(new Date(base.createdAt).toISOString()).toBe(base.createdAt);
      }
    });

    it('gives 20 items by default, with a cursor to the rest', async () => {
      await create(); // at least 21 bases exist now, so the default limit shows
      const first = await list('');
      expect(first.items).toHaveLength(20);
      expect(typeof first.nextCursor).toBe('string');
      expectListingOrder(first.items);

      const next = await list(`?cursor=${encodeURIComponent(first.nextCursor!)}`);
      expect(next.items.length).toBeGreaterThan(0);
      expectListingOrder([...first.items, ...next.items]);
    });

    it('accepts limit at its bounds, 1 and 100', async () => {
      const one = await list('?limit=1');
      expect(one.items).toHaveLength(1);
      expect(one.nextCursor).not.toBeNull();
      const hundred = await list('?limit=100');
      expect(hundred.items.length).toBeGreaterThan(20);
      expect(hundred.items.length).toBeLessThanOrEqual(100);
    });

    it('walks every base exactly once with ?limit=7 and nextCursor', async () => {
      const before = await walk('', 100);

      const { items, pages } = await walk('', 7);
      const ids = items.map((b) => b.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(codesOf(seededIn(items))).toEqual(SEEDED_CODES);
      // Bases are never deleted: everything listed before is met once on the walk.
      const walked = new Set(ids);
      expect(before.items.filter((b) => !walked.has(b.id)).map((b) => b.code)).toEqual([]);
      expectListingOrder(items);
    });

    it('filters by kind', async () => {
      const offline = await walk('kind=offline', 100);
      expect(offline.items.every((b) => b.kind === 'offline')).toBe(true);
      expect(codesOf(seededIn(offline.items))).toEqual(['gaoxin', 'liangjiang']);

      const online = await walk('kind=online', 100);
      expect(online.items.every((b) => b.kind === 'online')).toBe(true);
      expect(codesOf(seededIn(online.items))).toEqual(['online']);

      const branch = await walk('kind=branch', 100);
      expect(branch.items.every((b) => b.kind === 'branch')).toBe(true);
      expect(codesOf(seededIn(branch.items))).toEqual(SEEDED_BRANCHES);
    });

    it('filters by province', async () => {
      const sichuan = await walk('province=%E5%9B%9B%E5%B7%9D', 100); // 四川
      expect(sichuan.items.every((b) => b.province === '四川')).toBe(true);
      expect(codesOf(seededIn(sichuan.items))).toEqual(SICHUAN_BRANCHES);

      const chongqing = await walk(`province=${encodeURIComponent('重庆')}`, 100);
      expect(chongqing.items.every((b) => b.province === '重庆')).toBe(true);
      expect(codesOf(seededIn(chongqing.items))).toEqual(['online', 'gaoxin', 'liangjiang', ...CHONGQING_BRANCHES]);
    });

    it('filters by active', async () => {
      const inactive = await create(newBase({ active: false }));
      const active = await create(newBase());

      const onlyInactive = await walk('active=false', 100);
      expect(onlyInactive.items.every((b) => b.active === false)).toBe(true);
      expect(codesOf(onlyInactive.items)).toContain(inactive.code);
      expect(codesOf(onlyInactive.items)).not.toContain(active.code);
      expect(seededIn(onlyInactive.items)).toEqual([]);

      const onlyActive = await walk('active=true', 100);
      expect(onlyActive.items.every((b) => b.active === true)).toBe(true);
      expect(codesOf(onlyActive.items)).not.toContain(inactive.code);
      expect(codesOf(onlyActive.items)).toContain(active.code);
      expect(codesOf(seededIn(onlyActive.items))).toEqual(SEEDED_CODES);

      const all = await walk('', 100);
      expect(codesOf(all.items)).toEqual(expect.arrayContaining([inactive.code, active.code]));
    });

    it('combines filters and pages through them', async () => {
      const { items, pages } = await walk(`kind=branch&province=${encodeURIComponent('四川')}`, 3);
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(items.every((b) => b.kind === 'branch' && b.province === '四川')).toBe(true);
      expect(codesOf(seededIn(items))).toEqual(SICHUAN_BRANCHES);
      expect(new Set(items.map((b) => b.id)).size).toBe(items.length);
    });

    const forgedCursor = Buffer.from(JSON.stringify({ kind: 'moon', code: 'x' })).toString('base64url');
    const shapelessCursor = Buffer.from(JSON.stringify({ k: 1 })).toString('base64url');
    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=-1', 'limit'],
      ['kind=moon', 'kind'],
      [`province=${encodeURIComponent('北京')}`, 'province'],
      ['active=yes', 'active'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${forgedCursor}`, 'cursor'],
      [`cursor=${shapelessCursor}`, 'cursor'],
      ['foo=1', 'foo'],
    ])('refuses ?%s with a 400 naming %s', async (query, field) => {
      const res = await t.http().get(`/api/v1/bases?${query}`);
      expectErrorBody(res, 400, 'VALIDATION_FAILED', [field]);
    });
  });

  describe('GET /api/v1/bases/:id', () => {
    it('returns one base to anyone', async () => {
      const { items } = await list('?limit=100');
      const liangjiang = items.find((b) => b.code === 'liangjiang')!;
      const res = await t.http().get(`/api/v1/bases/${liangjiang.id}`).expect(200);
      expect(res.body).toEqual(liangjiang);
      expect(res.body).toMatchObject({ kind: 'offline', province: '重庆', city: '重庆', district: '两江新区' });
      // The id is a UUID, whatever its case.
      await t.http().get(`/api/v1/bases/${liangjiang.id.toUpperCase()}`).expect(200);
    });

    it('answers 404 NOT_FOUND for an unknown id', async () => {
      const res = await t.http().get(`/api/v1/bases/${randomUUID()}`);
      expectErrorBody(res, 404, 'NOT_FOUND', []);
    });

    it.each(['not-a-uuid', '123', `${randomUUID()}0`, "1' OR '1'='1"])('answers 400 naming id for the malformed id %j', async (id) => {
      const res = await t.http().get(`/api/v1/bases/${encodeURIComponent(id)}`);
      expectErrorBody(res, 400, 'VALIDATION_FAILED', ['id']);
    });
  });

  describe('POST /api/v1/bases', () => {
    it('lets an admin create a base, with defaults, visible at once', async () => {
      const body = newBase();
      const res = await t.http().post('/api/v1/bases').set(bearer(admin)).send(body).expect(201);
      expect(res.body).toEqual({
        ...body,
        id: expect.stringMatching(UUID),
        district: null,
        address: null,
        active: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await t.http().get(`/api/v1/bases/${res.body.id}`).expect(200)).body).toEqual(res.body);
      const branches = await walk(`kind=branch&province=${encodeURIComponent('四川')}`, 100);
      expect(branches.items.find((b) => b.id === res.body.id)).toEqual(res.body);
      expect(await sql('SELECT code, name, kind::text, province, city, active FROM base WHERE id = $1', [res.body.id])).toEqual([
        { code: body.code, name: body.name, kind: 'branch', province: '四川', city: '乐山', active: true },
      ]);
    });

    it('takes every optional field', async () => {
      const body = newBase({
        kind: 'offline',
        province: '重庆',
        city: '重庆',
        district: '渝北区',
        address: '重庆市渝北区金开大道 1 号',
        active: false,
      });
      const created = await create(body);
      expect(created).toMatchObject(body);
      expect((await t.http().get(`/api/v1/bases/${created.id}`).expect(200)).body).toMatchObject(body);
    });

    it('answers 409 BASE_CODE_TAKEN for a code in use, and writes nothing', async () => {
      const body = newBase({ code: 'liangjiang' });
      const res = await t.http().post('/api/v1/bases').set(bearer(admin)).send(body);
      expectErrorBody(res, 409, 'BASE_CODE_TAKEN', ['code']);
      expect(await rowsWith('-', body.name)).toBe(0);
    });

    it('answers 409 BASE_NAME_TAKEN for a name in use, and writes nothing', async () => {
      const body = newBase({ name: '易智网线上平台' });
      const res = await t.http().post('/api/v1/bases').set(bearer(admin)).send(body);
      expectErrorBody(res, 409, 'BASE_NAME_TAKEN', ['name']);
      expect(await rowsWith(body.code, '-')).toBe(0);
    });

    it.each([
      ['anonymous', 401, 'UNAUTHENTICATED'],
      ['a bad token', 401, 'UNAUTHENTICATED'],
      ['enterprise', 403, 'FORBIDDEN'],
      ['institute', 403, 'FORBIDDEN'],
      ['operator', 403, 'FORBIDDEN'],
    ] as const)('refuses %s with %d, and writes nothing', async (who, status, code) => {
      const headers: Record<string, string> = {
        anonymous: {},
        'a bad token': { authorization: 'Bearer not.a.token' },
        enterprise: bearer(enterprise),
        institute: bearer(institute),
        operator: bearer(operator),
      }[who];
      const body = newBase();
      const res = await t.http().post('/api/v1/bases').set(headers).send(body);
      expectErrorBody(res, status, code);
      expect(await rowsWith(body.code, body.name)).toBe(0);
    });

    const without = (field: string) => () => {
      const body = newBase();
      delete body[field];
      return body;
    };
    it.each<[string, () => Record<string, unknown>, string[]]>([
      ['an unknown field', () => newBase({ extra: 1 }), ['extra']],
      ['a server-owned field', () => newBase({ id: randomUUID() }), ['id']],
      ['kind as a number', () => newBase({ kind: 5 }), ['kind']],
      ['an unknown kind', () => newBase({ kind: 'moon' }), ['kind']],
      ['active as a string', () => newBase({ active: 'yes' }), ['active']],
      ['name as a number', () => newBase({ name: 5 }), ['name']],
      ['an empty name', () => newBase({ name: '' }), ['name']],
      ['an empty city', () => newBase({ city: '' }), ['city']],
      ['district as a number', () => newBase({ district: 5 }), ['district']],
      ['a code with spaces and capitals', () => ({ ...newBase(), code: `Bad Code ${randomUUID().slice(0, 4)}` }), ['code']],
      ['a code with an underscore', () => ({ ...newBase(), code: `bad_${randomUUID().slice(0, 4)}` }), ['code']],
      ['a code with a leading hyphen', () => ({ ...newBase(), code: `-${randomUUID().slice(0, 4)}` }), ['code']],
      ['a code of 65 characters', () => ({ ...newBase(), code: `a${randomUUID().replace(/-/g, '')}`.padEnd(65, 'x') }), ['code']],
      ['a null code', () => newBase({ code: null }), ['code']],
      ['a null active (absent means true; null is not a boolean)', () => newBase({ active: null }), ['active']],
      ['province 北京', () => newBase({ province: '北京' }), ['province']],
      ['province 重庆市 (not the canonical 重庆)', () => newBase({ province: '重庆市' }), ['province']],
      ['no code', without('code'), ['code']],
      ['no name', without('name'), ['name']],
      ['no kind', without('kind'), ['kind']],
      ['no province', without('province'), ['province']],
      ['no city', without('city'), ['city']],
      ['several problems at once', () => newBase({ kind: 5, active: 'yes', extra: true }), ['extra', 'kind', 'active']],
    ])('answers 400 for %s, naming the field, and writes nothing', async (_, make, fields) => {
      const body = make();
      const res = await t.http().post('/api/v1/bases').set(bearer(admin)).send(body);
      const error = expectErrorBody(res, 400, 'VALIDATION_FAILED', fields);
      for (const field of fields) {
        if (!(field in body)) expect(error.details.find((d) => d.field === field)?.message).toBe(`${field} is required`);
      }
      expect(await rowsWith(body.code ?? '-', body.name ?? '-')).toBe(0);
    });

    it('answers 400 naming all five required fields for an empty object', async () => {
      const res = await t.http().post('/api/v1/bases').set(bearer(admin)).send({});
      const error = expectErrorBody(res, 400, 'VALIDATION_FAILED', ['code', 'name', 'kind', 'province', 'city']);
      expect(error.details.every((d) => d.message === `${d.field} is required`)).toBe(true);
    });

    it('answers 400 MALFORMED_JSON for a body that is not JSON, and for an empty JSON body', async () => {
      const before = await sql<{ n: number }>('SELECT count(*)::int AS n FROM base WHERE code = $1', ['bad']);
      const bad = await t.http().post('/api/v1/bases').set(bearer(admin)).set('content-type', 'application/json').send('{bad');
      expectErrorBody(bad, 400, 'MALFORMED_JSON', []);
      const empty = await t.http().post('/api/v1/bases').set(bearer(admin)).set('content-type', 'application/json').send('');
      expectErrorBody(empty, 400, 'MALFORMED_JSON', []);
      expect(await sql('SELECT count(*)::int AS n FROM base WHERE code = $1', ['bad'])).toEqual(before);
    });

    it('answers 413 PAYLOAD_TOO_LARGE above 1 MiB, and writes nothing', async () => {
      const body = newBase({ address: 'x'.repeat(1024 * 1024) });
      const res = await t
        .http()
        .post('/api/v1/bases')
        .set(bearer(admin))
        .set('content-type', 'application/json')
        .send(JSON.stringify(body));
      expectErrorBody(res, 413, 'PAYLOAD_TOO_LARGE', []);
      expect(await rowsWith(body.code, body.name)).toBe(0);
    });

    it('reads a body just under 1 MiB (and validates it)', async () => {
      const body = newBase({ address: 'x'.repeat(1024 * 1024 - 1024) });
      const res = await t.http().post('/api/v1/bases').set(bearer(admin)).send(body);
      expectErrorBody(res, 400, 'VALIDATION_FAILED', ['address']);
    });
  });

  describe('PATCH /api/v1/bases/:id', () => {
    const patch = (id: string, session: Session | null, body: unknown) => {
      const req = t.http().patch(`/api/v1/bases/${id}`);
      if (session) req.set(bearer(session));
      return req.send(body as object);
    };

    it('lets an admin rename a base', async () => {
      const base = await create();
      const name = `改名分基地${randomUUID().slice(0, 8)}`;
      const res = await patch(base.id, admin, { name }).expect(200);
      expect(res.body).toEqual({ ...base, name, updatedAt: expect.any(String) });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(base.updatedAt));
      expect((await t.http().get(`/api/v1/bases/${base.id}`).expect(200)).body).toEqual(res.body);
      expect(await sql('SELECT name FROM base WHERE id = $1', [base.id])).toEqual([{ name }]);
    });

    it('changes other fields, and clears the nullable ones with null', async () => {
      const base = await create(newBase({ district: '市中区', address: '乐山市市中区' }));
      const res = await patch(base.id, admin, { active: false, district: null, address: null, kind: 'offline' }).expect(200);
      expect(res.body).toMatchObject({
        id: base.id,
        code: base.code,
        active: false,
        district: null,
        address: null,
        kind: 'offline',
        name: base.name,
      });
      expect((await t.http().get(`/api/v1/bases/${base.id}`).expect(200)).body).toEqual(res.body);
    });

    it('accepts an empty patch and changes nothing', async () => {
      const base = await create();
      const res = await patch(base.id, admin, {}).expect(200);
      expect({ ...res.body, updatedAt: base.updatedAt }).toEqual(base);
    });

    it('refuses to change the code, the key the seed finds bases by, and changes nothing', async () => {
      const base = await create();
      const row = await storedRow(base.id);
      expectErrorBody(await patch(base.id, admin, { code: `e2e-${randomUUID().slice(0, 8)}` }), 400, 'VALIDATION_FAILED', ['code']);
      expectErrorBody(await patch(base.id, admin, { code: 'online' }), 400, 'VALIDATION_FAILED', ['code']);
      expect(await storedRow(base.id)).toBe(row);
    });

    it('answers 409 BASE_NAME_TAKEN for a name in use, and changes nothing', async () => {
      const base = await create();
      const row = await storedRow(base.id);
      expectErrorBody(await patch(base.id, admin, { name: '易智网两江新区线下服务基地' }), 409, 'BASE_NAME_TAKEN', ['name']);
      expect(await storedRow(base.id)).toBe(row);
    });

    it('answers 404 NOT_FOUND for an unknown id, and 400 naming id for a malformed one', async () => {
      expectErrorBody(await patch(randomUUID(), admin, { name: '不存在' }), 404, 'NOT_FOUND', []);
      expectErrorBody(await patch('not-a-uuid', admin, { name: '不存在' }), 400, 'VALIDATION_FAILED', ['id']);
    });

    it.each([
      ['anonymous', 401, 'UNAUTHENTICATED'],
      ['enterprise', 403, 'FORBIDDEN'],
      ['institute', 403, 'FORBIDDEN'],
      ['operator', 403, 'FORBIDDEN'],
    ] as const)('refuses %s with %d, and changes nothing', async (who, status, code) => {
      const session = { anonymous: null, enterprise, institute, operator }[who];
      const base = await create();
      const row = await storedRow(base.id);
      const res = await patch(base.id, session, { name: `越权${randomUUID().slice(0, 8)}`, active: false });
      expectErrorBody(res, status, code);
      expect(await storedRow(base.id)).toBe(row);
    });

    it("refuses an operator even on the operator's own base", async () => {
      const row = await storedRow(operator.baseId!);
      expectErrorBody(await patch(operator.baseId!, operator, { address: '越权地址' }), 403, 'FORBIDDEN');
      expect(await storedRow(operator.baseId!)).toBe(row);
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['an unknown field', { extra: 1 }, ['extra']],
      ['kind as a number', { kind: 5 }, ['kind']],
      ['active as a string', { active: 'yes' }, ['active']],
      ['a bad code slug', { code: 'Bad Code' }, ['code']],
      ['province 北京', { province: '北京' }, ['province']],
      ['an empty name', { name: '' }, ['name']],
      ['a null name', { name: null }, ['name']],
      ['a null code', { code: null }, ['code']],
      ['a null kind', { kind: null }, ['kind']],
      ['a null province', { province: null }, ['province']],
      ['a null city', { city: null }, ['city']],
      ['a null active', { active: null }, ['active']],
      ['several problems at once', { kind: 5, active: 'yes', extra: true }, ['extra', 'kind', 'active']],
    ])('answers 400 for %s, naming the field, and changes nothing', async (_, body, fields) => {
      const base = await create();
      const row = await storedRow(base.id);
      expectErrorBody(await patch(base.id, admin, body), 400, 'VALIDATION_FAILED', fields);
      expect(await storedRow(base.id)).toBe(row);
    });

    it('answers 400 MALFORMED_JSON and 413 PAYLOAD_TOO_LARGE, and changes nothing', async () => {
      const base = await create();
      const row = await storedRow(base.id);
      const bad = await t.http().patch(`/api/v1/bases/${base.id}`).set(bearer(admin)).set('content-type', 'application/json').send('{bad');
      expectErrorBody(bad, 400, 'MALFORMED_JSON', []);
      const big = await t
        .http()
        .patch(`/api/v1/bases/${base.id}`)
        .set(bearer(admin))
        .set('content-type', 'application/json')
        .send(JSON.stringify({ name: '超大', address: 'x'.repeat(1024 * 1024) }));
      expectErrorBody(big, 413, 'PAYLOAD_TOO_LARGE', []);
      expect(await storedRow(base.id)).toBe(row);
    });
  });
});
