/**
 * The bad-input matrix for every catalog route that takes a body (create, edit, review, renew of
 * listings and needs) and for the search query parameters. Every refused write checks the error
 * shape, that the 400 names the field, and that nothing was written: no row with the body's
 * unique title, the target row byte-for-byte as before, and no audit event added. Bodies are
 * otherwise valid (the controls show they succeed), so a case passes only because the check under
 * test refused it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { bearer, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import {
  API,
  auditCount,
  BODY_LIMIT,
  catalog,
  createDraft,
  daysFromToday,
  expectInvalid,
  listingBody,
  needBody,
  pathOf,
  patentCheckChar,
  publish,
  rowsTitled,
  storedRow,
  tag,
  validPatentNumber,
  wrongCheckPatentNumber,
  type Body,
  type Kind,
} from './helpers.js';

type Method = 'post' | 'patch';

/** One request's worth of fixtures: where to send it, a valid body, and whether anything of it was written. */
interface Case {
  method: Method;
  path: string;
  headers: Record<string, string>;
  body: Body;
  written: () => Promise<boolean>;
}

interface RouteSpec {
  name: string;
  ok: number;
  setup: () => Promise<Case>;
  unknownFields: [string, unknown][];
  /** [field, bad value, field the 400 names (default: field)] */
  invalid: [string, unknown, string?][];
  required: string[];
}

const MALFORMED_MONEY: unknown[] = ['1e3', '-1', '0.001', 1500000, '1,500,000', '', ' 100', '¥100', true];

function withField(body: Body, path: string, value: unknown): Body {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Body;
  target[keys[keys.length - 1]] = value;
  return copy;
}

function without(body: Body, field: string): Body {
  const copy = structuredClone(body);
  delete copy[field];
  return copy;
}

/** A JSON body made larger than `size` bytes with insignificant whitespace: still valid JSON. */
function padded(body: object, size = BODY_LIMIT + 1024): string {
  const json = JSON.stringify(body);
  return json.slice(0, -1) + ' '.repeat(Math.max(0, size - json.length)) + '}';
}

/** Whether an audit event was written for a created item with this title. */
async function auditedTitle(title: string): Promise<boolean> {
  const [row] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE after->>'title' = $1`, [title]);
  return row.n > 0;
}

describe('bad input on catalog routes', () => {
  let t: TestApp;
  let admin: Session;
  let institute: Session;
  let enterprise: Session;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, institute, enterprise] = await Promise.all([
      loginAdmin(t),
      registerAndLogin(t, 'institute'),
      registerAndLogin(t, 'enterprise'),
    ]);
  });
  afterAll(() => t.close());

  /** A create: written when a row or a creation event with the body's unique title exists. */
  const createCase = (kind: Kind, owner: () => Session, body: () => Body) => async (): Promise<Case> => {
    const b = body();
    const title = b.title as string;
    return {
      method: 'post',
      path: pathOf(kind),
      headers: bearer(owner()),
      body: b,
      written: async () => (await rowsTitled(kind, title)) > 0 || (await auditedTitle(title)),
    };
  };

  /** An action on an existing item: written when its row or its audit trail changed. */
  const changeCase = async (
    kind: Kind,
    id: string,
    method: Method,
    action: string | undefined,
    headers: Record<string, string>,
    body: Body,
  ) => {
    const [row, events] = [await storedRow(kind, id), await auditCount(id)];
    return {
      method,
      path: pathOf(kind, id, action),
      headers,
      body,
      written: async () => (await storedRow(kind, id)) !== row || (await auditCount(id)) !== events,
    };
  };

  const pendingItem = async (kind: Kind, owner: Session) => {
    const { id } = await createDraft(t, kind, owner);
    const res = await catalog(t, kind).act(owner, id, 'submit');
    expect(res.status).toBe(200);
    return id;
  };

  const listingInvalid: [string, unknown, string?][] = [
    ['title', 42],
    ['title', ''],
    ['title', '   '],
    ['title', '碳'.repeat(201)],
    ['summary', ['摘要']],
    ['summary', ''],
    ['field', 'nanotech'],
    ['field', ''],
    ['field', 7],
    ['keywords', '碳化硅'],
    ['keywords', ['碳化硅', '碳化硅']],
    ['keywords', ['碳'.repeat(31)]],
    ['keywords', [42]],
    ['maturity', 0],
    ['maturity', 10],
    ['maturity', '6'],
    ['maturity', 6.5],
    ['maturity', null],
    ['transferModes', []],
    ['transferModes', ['sale']],
    ['transferModes', ['transfer', 'sale']],
    ['transferModes', 'transfer'],
    ['transferModes', ['license', 'license']],
    ...MALFORMED_MONEY.map((v): [string, unknown] => ['askingPrice', v]),
    ['patentNumbers', [wrongCheckPatentNumber(validPatentNumber(2022, 1, 635727))]],
    ['patentNumbers', [validPatentNumber(), wrongCheckPatentNumber(validPatentNumber())]],
    ['patentNumbers', ['ZL' + wrongCheckPatentNumber(validPatentNumber(2019, 2))]],
    ['patentNumbers', ['95115608.1']],
    ['patentNumbers', ['CN123456']],
    ['patentNumbers', '202210635727.1'],
    ['patentNumbers', [202210635727]],
    ['validUntil', '2027/06/30'],
    ['validUntil', '2027-02-30'],
    ['validUntil', 20270630],
    ['validUntil', '2027-06-30T00:00:00Z'],
    ['validUntil', daysFromToday(-1)],
    ['validUntil', daysFromToday(0)],
    ['contact', '王老师'],
    ['contact', { phone: '023-68888888' }, 'contact.name'],
    ['contact.phone', 'call me'],
    ['contact.email', 'not-an-email'],
    ['region', 42],
    ['region', ''],
  ];

  const needInvalid: [string, unknown, string?][] = [
    ['title', 42],
    ['title', ''],
    ['description', 7],
    ['description', '  '],
    ['field', 'nanotech'],
    ['keywords', 'MEMS'],
    ...MALFORMED_MONEY.map((v): [string, unknown] => ['budgetMin', v]),
    ...MALFORMED_MONEY.map((v): [string, unknown] => ['budgetMax', v]),
    ['budgetMin', null],
    ['budgetMax', '499999.99'],
    ['deadline', '2027-02-30'],
    ['deadline', '明年六月'],
    ['deadline', 20270630],
    ['contact', 42],
    ['contact.phone', '电话'],
    ['region', ['重庆']],
  ];

  const routes: RouteSpec[] = [
    {
      name: 'POST /listings',
      ok: 201,
      setup: createCase('listing', () => institute, listingBody),
      unknownFields: [
        ['major', true],
        ['status', 'published'],
        ['ownerOrganizationId', '00000000-0000-0000-0000-000000000000'],
        ['publishedAt', '2025-01-01T00:00:00Z'],
      ],
      invalid: listingInvalid,
      required: ['title', 'summary', 'field', 'maturity', 'transferModes', 'askingPrice'],
    },
    {
      name: 'PATCH /listings/:id',
      ok: 200,
      setup: async () => {
        const { id } = await createDraft(t, 'listing', institute);
        return changeCase('listing', id, 'patch', undefined, bearer(institute), {
          title: `碳化硅功率模块改进型封装${tag()}`,
          maturity: 7,
          contact: { name: '李老师' },
        });
      },
      unknownFields: [
        ['major', true],
        ['status', 'published'],
        ['expired', false],
      ],
      invalid: listingInvalid.filter(([field, value]) => !(field === 'maturity' && value === null)),
      required: [],
    },
    {
      name: 'POST /listings/:id/review',
      ok: 200,
      setup: async () =>
        changeCase('listing', await pendingItem('listing', institute), 'post', 'review', bearer(admin), {
          decision: 'reject',
          reason: '成果转化收益分配方案缺失',
        }),
      unknownFields: [
        ['status', 'published'],
        ['validUntil', '2030-01-01'],
      ],
      invalid: [
        ['decision', 'maybe'],
        ['decision', true],
        ['reason', 42],
        ['reason', ''],
        ['reason', 'x'.repeat(1001)],
        ['major', 'yes'],
        ['major', 1],
      ],
      required: ['decision', 'reason'],
    },
    {
      name: 'POST /listings/:id/renew',
      ok: 200,
      setup: async () => {
        const { id } = await publish(t, 'listing', institute, admin);
        return changeCase('listing', id, 'post', 'renew', bearer(institute), { validUntil: daysFromToday(900) });
      },
      unknownFields: [
        ['years', 2],
        ['major', true],
      ],
      invalid: [
        ['validUntil', 20300101],
        ['validUntil', '2030-13-01'],
        ['validUntil', '明年'],
        ['validUntil', daysFromToday(-1)],
        ['validUntil', daysFromToday(0)],
      ],
      required: [],
    },
    {
      name: 'POST /needs',
      ok: 201,
      setup: createCase('need', () => enterprise, needBody),
      unknownFields: [
        ['status', 'published'],
        ['major', true],
        ['askingPrice', '100'],
      ],
      invalid: needInvalid,
      required: ['title', 'description', 'field', 'budgetMin', 'budgetMax', 'deadline'],
    },
    {
      name: 'PATCH /needs/:id',
      ok: 200,
      setup: async () => {
        const { id } = await createDraft(t, 'need', enterprise);
        return changeCase('need', id, 'patch', undefined, bearer(enterprise), {
          title: `MEMS压力传感器需求修订${tag()}`,
          budgetMax: '3000000',
          contact: { name: '赵经理' },
        });
      },
      unknownFields: [
        ['status', 'published'],
        ['publishedAt', '2025-01-01T00:00:00Z'],
      ],
      invalid: needInvalid.filter(([field, value]) => !(field === 'budgetMin' && value === null)),
      required: [],
    },
    {
      name: 'POST /needs/:id/review',
      ok: 200,
      setup: async () =>
        changeCase('need', await pendingItem('need', enterprise), 'post', 'review', bearer(admin), {
          decision: 'reject',
          reason: '预算不明确',
        }),
      unknownFields: [
        ['major', true],
        ['status', 'published'],
      ],
      invalid: [
        ['decision', 'approved'],
        ['decision', 1],
        ['reason', 42],
        ['reason', '  '],
      ],
      required: ['decision', 'reason'],
    },
  ];

  describe.each(routes)('$name', (route) => {
    const send = (c: Case, body: Body) => t.http()[c.method](c.path).set(c.headers).send(body);
    const sendRaw = (c: Case, raw: string) => t.http()[c.method](c.path).set(c.headers).set('content-type', 'application/json').send(raw);

    it('control: the valid body succeeds and is seen as written', async () => {
      const c = await route.setup();
      expect(await c.written()).toBe(false);
      const res = await send(c, c.body);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: route.ok });
      expect(await c.written()).toBe(true);
    });

    it('control: the same body padded with whitespace to just under 1 MiB succeeds', async () => {
      const c = await route.setup();
      const raw = padded(c.body, BODY_LIMIT - 4096);
      expect(Buffer.byteLength(raw)).toBeLessThan(BODY_LIMIT);
      expect((await sendRaw(c, raw)).status).toBe(route.ok);
      expect(await c.written()).toBe(true);
    });

    it.each(route.unknownFields)('refuses the unknown field %s (%j) with 400 naming it, writing nothing', async (field, value) => {
      const c = await route.setup();
      expectInvalid(await send(c, { ...c.body, [field]: value }), field);
      expect(await c.written()).toBe(false);
    });

    // Every row gets its third element: with fewer, Jest would pass `done` as the third argument.
    const invalid = route.invalid.map(([field, value, named]): [string, unknown, string] => [field, value, named ?? field]);
    it.each(invalid)('refuses %s = %j with 400 naming %s, writing nothing', async (field, value, named) => {
      const c = await route.setup();
      const res = await send(c, withField(c.body, field, value));
      expectInvalid(res, named);
      expect(await c.written()).toBe(false);
    });

    if (route.required.length) {
      it.each(route.required)('refuses a body without %s with 400 naming it, writing nothing', async (field) => {
        const c = await route.setup();
        const res = await send(c, without(c.body, field));
        expectInvalid(res, field);
        expect(res.body.details[0].message).toMatch(/required/);
        expect(await c.written()).toBe(false);
      });
    }

    it('refuses malformed JSON with 400 MALFORMED_JSON, writing nothing', async () => {
      const c = await route.setup();
      for (const raw of ['{bad', JSON.stringify(c.body).slice(0, -1), `${JSON.stringify(c.body)},`, "{'title': '碳化硅'}"]) {
        const res = await sendRaw(c, raw);
        expectErrorBody(res, 400, 'MALFORMED_JSON', []);
      }
      expect(await c.written()).toBe(false);
    });

    it.each(['null', '[]', '"text"', '42'])('refuses the non-object JSON body %s with 400, writing nothing', async (raw) => {
      const c = await route.setup();
      expectErrorBody(await sendRaw(c, raw), 400, 'VALIDATION_FAILED');
      expect(await c.written()).toBe(false);
    });

    it('refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE, writing nothing', async () => {
      const c = await route.setup();
      const raw = padded(c.body);
      expect(Buffer.byteLength(raw)).toBeGreaterThan(BODY_LIMIT);
      expectErrorBody(await sendRaw(c, raw), 413, 'PAYLOAD_TOO_LARGE');
      expect(await c.written()).toBe(false);
    });
  });

  describe('values the validators accept and canonicalise', () => {
    it('stores patent numbers in canonical form (prefix and spaces dropped, upper-case X) and old 8-digit ones', async () => {
      const current = validPatentNumber(2022, 1, 635727);
      const legacyDigits = '95115608';
      const legacy = `${legacyDigits}.${patentCheckChar(legacyDigits)}`;
      const res = await catalog(t, 'listing').create(
        institute,
        listingBody({ patentNumbers: [`ZL ${current.slice(0, 4)} ${current.slice(4)}`, `CN${legacy.toLowerCase()}`] }),
      );
      expect(res.status).toBe(201);
      expect(res.body.patentNumbers).toEqual([current, legacy]);
    });

    it('reads amounts with zero to two decimals and answers with exactly two; null askingPrice is 面议', async () => {
      const listings = catalog(t, 'listing');
      expect((await listings.create(institute, listingBody({ askingPrice: '300' }))).body.askingPrice).toBe('300.00');
      expect((await listings.create(institute, listingBody({ askingPrice: '300.5' }))).body.askingPrice).toBe('300.50');
      expect((await listings.create(institute, listingBody({ askingPrice: null }))).body.askingPrice).toBeNull();
      expect((await catalog(t, 'need').create(enterprise, needBody({ budgetMin: '0', budgetMax: null }))).body).toMatchObject({
        budgetMin: '0.00',
        budgetMax: null,
      });
    });

    it('refuses budgetMax below budgetMin on create with 400 naming budgetMax, writing nothing', async () => {
      const body = needBody({ budgetMin: '2000000', budgetMax: '1999999.99' });
      expectInvalid(await catalog(t, 'need').create(enterprise, body), 'budgetMax');
      expect(await rowsTitled('need', body.title as string)).toBe(0);
      expect(await auditedTitle(body.title as string)).toBe(false);
    });
  });

  describe.each<Kind>(['listing', 'need'])('GET /%ss query parameters', (kind) => {
    const common: [string, string][] = [
      ['limit', '0'],
      ['limit', '101'],
      ['limit', 'abc'],
      ['limit', '1.5'],
      ['sort', 'best'],
      ['field', 'nanotech'],
      ['q', ''],
      ['q', '碳'.repeat(101)],
      ['region', ''],
      ['mine', 'yes'],
      ['cursor', 'garbage!!'],
      ['cursor', 'x'.repeat(513)],
      ['cursor', Buffer.from('{"p":123}').toString('base64url')],
      ['cursor', Buffer.from('{"p":"not-a-date","id":"not-a-uuid"}').toString('base64url')],
      ['cursor', Buffer.from('{"p":"2025-01-01T00:00:00.000Z","id":"not-a-uuid"}').toString('base64url')],
      ['cursor', Buffer.from('{"p":"2025-02-30T00:00:00.000Z","id":"00000000-0000-0000-0000-000000000000"}').toString('base64url')],
      ['unknown', '1'],
      ['ownerOrganizationId', '00000000-0000-0000-0000-000000000000'],
    ];
    const specific: [string, string][] =
      kind === 'listing'
        ? [
            ['maturityMin', '0'],
            ['maturityMin', '10'],
            ['maturityMin', 'abc'],
            ['transferMode', 'sale'],
            ['priceMax', 'abc'],
            ['priceMax', '-1'],
            ['priceMax', '1e3'],
            ['priceMax', '0.001'],
            ['budgetMin', '100'],
          ]
        : [
            ['budgetMin', 'abc'],
            ['budgetMin', '-1'],
            ['budgetMax', '1e3'],
            ['budgetMax', '0.001'],
            ['priceMax', '100'],
            ['maturityMin', '3'],
          ];

    it.each([...common, ...specific])('refuses %s=%j with 400 naming it', async (param, value) => {
      const res = await t
        .http()
        .get(`${API}/${kind}s`)
        .query({ [param]: value });
      expectInvalid(res, param);
    });

    it('refuses a relevance cursor given to sort=newest (and the reverse) with 400 naming cursor', async () => {
      const relevance = Buffer.from(JSON.stringify({ r: 0.5, id: '00000000-0000-0000-0000-000000000000' })).toString('base64url');
      const newest = Buffer.from(JSON.stringify({ p: '2025-01-01T00:00:00.000Z', id: '00000000-0000-0000-0000-000000000000' })).toString(
        'base64url',
      );
      expectInvalid(await t.http().get(`${API}/${kind}s`).query({ sort: 'newest', cursor: relevance }), 'cursor');
      expectInvalid(await t.http().get(`${API}/${kind}s`).query({ q: '碳化硅', sort: 'relevance', cursor: newest }), 'cursor');
    });

    it('control: valid parameters at their bounds are accepted', async () => {
      const query: Record<string, string> = { limit: '100', sort: 'newest', field: 'materials', q: '碳', region: '重庆', mine: 'false' };
      if (kind === 'listing') Object.assign(query, { maturityMin: '9', transferMode: 'license', priceMax: '100.5' });
      else Object.assign(query, { budgetMin: '0', budgetMax: '100.50' });
      const res = await t.http().get(`${API}/${kind}s`).query(query);
      expect(res.status).toBe(200);
      expect((await t.http().get(`${API}/${kind}s`).query({ limit: '1' })).status).toBe(200);
    });
  });
});
