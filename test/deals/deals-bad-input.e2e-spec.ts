/**
 * The bad-input matrix for every deal route: POST /deals, PATCH /deals/:id, transition, verify,
 * payments, and the GET /deals query. Every refusal is checked for its status, the error shape and
 * the field it names, and for having written nothing: no deal or audit event by the caller (or
 * with the body's unique title) for a refused create; the deal's row, its payments and its audit
 * trail as before for a refused change. Bodies are otherwise valid (the controls show they
 * succeed), so a case passes only because the check under test refused it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { BODY_LIMIT, createDraft, daysFromToday, expectInvalid, tag } from '../catalog/helpers.js';
import { expressOk, freshBase, leadState, publishListing } from '../leads/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { bearer, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import {
  API,
  dealBody,
  dealIn,
  dealRow,
  deals,
  dealWorld,
  expectOk,
  paymentCount,
  registrationNo,
  type Body,
  type DealWorld,
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
  /** The route takes a deal id in its path. */
  byId: boolean;
  unknownFields: [string, unknown][];
  /** [field, bad value, field the 400 names (default: field)] */
  invalid: [string, unknown, string?][];
  required: string[];
}

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const MAX_AMOUNT = '92233720368547758.07';

/** Amounts the wire format refuses: JSON numbers, signs, a third decimal, separators, exponents, spaces, overflow. */
const MALFORMED_MONEY: unknown[] = [
  // The issue's list: "1e3", "-1.00", "0.001", "１２３", "12,000.00", "", a JSON number, a value over the column's range.
  '1e3',
  '-1.00',
  '１２３',
  '12,000.00',
  1500000,
  1500000.5,
  '-1',
  '-0.01',
  '+1',
  '0.001',
  '1500000.123',
  '1,500,000',
  '1 500 000',
  '1e6',
  '0x10',
  ' 100',
  '100 ',
  '',
  '¥100',
  '100元',
  '92233720368547758.08',
  '100000000000000000000',
  true,
  ['1500000'],
  { fen: '150000000' },
];

/** Anything but a YYYY-MM-DD calendar day. */
const BAD_DATES: unknown[] = [
  '2026-13-01',
  '2026-02-30',
  '2026-04-31',
  '2026-00-10',
  '2026/5/1',
  '2026/05/01',
  '01-05-2026',
  '2026-5-1',
  '2026年5月1日',
  '',
  1746057600000,
  '1746057600000',
  '2026-05-01T00:00:00Z',
  '2026-05-01T00:00:00+08:00',
  '2026-05-01 00:00',
  // ISO 8601 forms that are not a calendar day as YYYY-MM-DD: a year, a month, a week date, an ordinal date, the basic format.
  '2026',
  '2026-05',
  '2026-W18-5',
  '2026-121',
  '20260501',
  true,
  ['2026-05-01'],
  { date: '2026-05-01' },
];

/** Values that are no UUID. */
const BAD_UUIDS: unknown[] = ['not-a-uuid', '', 42, true, NO_SUCH_ID.replace(/-/g, ''), `${NO_SUCH_ID}0`, [NO_SUCH_ID], { id: NO_SUCH_ID }];

/** 登记编号 that break /^[0-9A-Z]{14,24}$/. */
const BAD_REGISTRATION_NOS: unknown[] = [
  '2026500001abcd2345',
  '2026500001002',
  '2026500001002345678901234',
  '2026-5000-0100-2345',
  '2026500001002345!',
  '2026 5000 0100 2345',
  '２０２６５０００１００２３４５',
  '',
  2026500001002345,
  ['2026500001002345'],
];

const TEXT_WRONG_TYPES: unknown[] = [42, true, ['合同'], { name: '合同' }];

function withField(body: Body, field: string, value: unknown): Body {
  return { ...structuredClone(body), [field]: value };
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

/** What a refused change must leave as it was: the deal's row, its payments, its and its payments' audit events. */
async function dealState(id: string): Promise<string> {
  const [row] = await sql<{ n: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM deal_payment WHERE deal_id = $1::uuid) AS n,
            (SELECT count(*)::int FROM audit_event
              WHERE (entity = 'deal' AND entity_id = $1::text) OR (entity = 'payment' AND after->>'dealId' = $1::text)) AS events`,
    [id],
  );
  return JSON.stringify([await dealRow(id), await paymentCount(id), row.n, row.events]);
}

/** What a refused create must not add: deals and audit events by the caller (unless an admin, shared by suites), or with the title. */
async function createdState(caller: Session | null, title: string): Promise<string> {
  const [row] = await sql<{ deals: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM deal WHERE created_by_id = $1::uuid OR title = $2) AS deals,
            (SELECT count(*)::int FROM audit_event
              WHERE actor_id = $1::uuid OR (entity = 'deal' AND after->>'title' = $2)) AS events`,
    [caller?.userId ?? NO_SUCH_ID, title],
  );
  return JSON.stringify(row);
}

/**
 * Asserts the refusal and that it wrote nothing in one comparison, so that a failure shows both
 * what was answered and whether anything was written; then the error shape and the fields named.
 */
async function expectRefused(
  res: Response,
  written: () => Promise<boolean>,
  status: number,
  code: string,
  fields?: readonly string[],
): Promise<void> {
  expect({ status: res.status, code: res.body?.code, written: await written() }).toEqual({ status, code, written: false });
  expectErrorBody(res, status, code, fields);
}

/** 400 VALIDATION_FAILED naming exactly `fields`, nothing written. */
const expectRefusedInvalid = (res: Response, written: () => Promise<boolean>, ...fields: string[]) =>
  expectRefused(res, written, 400, 'VALIDATION_FAILED', fields);

const DATE_FIELDS = ['signedAt', 'receivedAt'];

describe('bad input on deal routes', () => {
  let t: TestApp;
  let admin: Session;
  let world: DealWorld;
  let other: DealWorld;
  let outsider: { institute: Session; enterprise: Session };
  const api = () => deals(t);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    [world, other] = await Promise.all([dealWorld(t, admin), dealWorld(t, admin)]);
    const [institute, enterprise] = await Promise.all([registerAndLogin(t, 'institute'), registerAndLogin(t, 'enterprise')]);
    outsider = { institute, enterprise };
  });
  afterAll(() => t.close());

  /** A create by `caller`: written when the caller or the body's unique title left a deal or an audit event. */
  const createCase = async (caller: Session = world.operator, overrides: Body = {}): Promise<Case> => {
    const title = `技术许可合同${tag()}`;
    const body = dealBody(world, { title, registrationNo: registrationNo(), ...overrides });
    const before = await createdState(caller === admin ? null : caller, title);
    return {
      method: 'post',
      path: `${API}/deals`,
      headers: bearer(caller),
      body,
      written: async () => (await createdState(caller === admin ? null : caller, title)) !== before,
    };
  };

  /** A change to a fresh deal in `status`: written when its row, payments or audit trail changed. */
  const changeCase = async (
    status: string,
    method: Method,
    action: string | undefined,
    caller: Session,
    body: (deal: Body & { id: string; version: number }) => Body,
    overrides: Body = {},
  ): Promise<Case> => {
    const deal = await dealIn(t, world, status, overrides);
    const before = await dealState(deal.id);
    return {
      method,
      path: `${API}/deals/${deal.id}${action ? `/${action}` : ''}`,
      headers: { ...bearer(caller), ...(method === 'patch' ? { 'if-match': `"${deal.version}"` } : {}) },
      body: body(deal),
      written: async () => (await dealState(deal.id)) !== before,
    };
  };

  const send = (c: Case, body: unknown, path = c.path) =>
    t
      .http()
      [c.method](path)
      .set(c.headers)
      .send(body as Body);
  const sendRaw = (c: Case, raw: string, contentType = 'application/json') =>
    t.http()[c.method](c.path).set(c.headers).set('content-type', contentType).send(raw);

  const uuidCases = (field: string, nullable: boolean): [string, unknown][] => [
    ...BAD_UUIDS.map((v): [string, unknown] => [field, v]),
    ...(nullable ? [] : [[field, null] as [string, unknown]]),
  ];
  const moneyCases = (field: string, nullable: boolean): [string, unknown][] => [
    ...MALFORMED_MONEY.map((v): [string, unknown] => [field, v]),
    ...(nullable ? [] : [[field, null] as [string, unknown]]),
  ];

  /** The terms POST /deals and PATCH /deals/:id share: a PATCH may leave any out, but null clears only the optional ones. */
  const termCases = (): [string, unknown][] => [
    ...uuidCases('sellerOrgId', false),
    ...uuidCases('buyerOrgId', false),
    ...uuidCases('listingId', true),
    ...uuidCases('needId', true),
    ...uuidCases('brokerId', true),
    ...TEXT_WRONG_TYPES.map((v): [string, unknown] => ['title', v]),
    ['title', ''],
    ['title', '   '],
    ['title', '合'.repeat(201)],
    ['title', '碳化硅\u0000合同'],
    ['category', 'sale'],
    ['category', 'LICENCE'],
    ['category', ''],
    ['category', 1],
    ['category', true],
    ['category', ['licence']],
    ['category', null],
    ['field', 'nanotech'],
    ['field', 'IC'],
    ['field', ''],
    ['field', 7],
    ['field', ['ic']],
    ['field', null],
    ...moneyCases('contractAmount', false),
    ...moneyCases('techTransactionAmount', false),
    ...moneyCases('serviceFee', true),
    ...BAD_DATES.map((v): [string, unknown] => ['signedAt', v]),
    ['signedAt', null],
    ...BAD_REGISTRATION_NOS.map((v): [string, unknown] => ['registrationNo', v]),
  ];

  const routes: RouteSpec[] = [
    {
      name: 'POST /deals',
      ok: 201,
      byId: false,
      setup: () => createCase(),
      unknownFields: [
        ['status', 'signed'],
        ['version', 3],
        ['verification', 'verified'],
        ['verificationReason', '已核验'],
        ['receivedAmount', '100.00'],
        ['id', NO_SUCH_ID],
        ['createdById', NO_SUCH_ID],
        ['payments', []],
        ['createdAt', '2026-05-01T00:00:00Z'],
      ],
      invalid: [...termCases(), ...uuidCases('baseId', false), ...uuidCases('leadId', true)],
      required: ['baseId', 'sellerOrgId', 'buyerOrgId', 'category', 'field', 'contractAmount', 'techTransactionAmount', 'signedAt'],
    },
    {
      name: 'PATCH /deals/:id',
      ok: 200,
      byId: true,
      setup: () =>
        changeCase('signed', 'patch', undefined, world.operator, () => ({
          title: `修订后的技术许可合同${tag()}`,
          contractAmount: '1600000.00',
        })),
      unknownFields: [
        ['status', 'registered'],
        ['version', 9],
        ['verification', 'verified'],
        ['verificationReason', '已核验'],
        ['receivedAmount', '100.00'],
        ['id', NO_SUCH_ID],
        ['baseId', NO_SUCH_ID],
        ['leadId', NO_SUCH_ID],
        ['createdAt', '2026-05-01T00:00:00Z'],
      ],
      invalid: termCases(),
      required: [],
    },
    {
      name: 'POST /deals/:id/transition',
      ok: 200,
      byId: true,
      setup: () => changeCase('draft', 'post', 'transition', world.operator, () => ({ to: 'signed' })),
      unknownFields: [
        ['reason', '双方已签字'],
        ['status', 'signed'],
        ['from', 'draft'],
        ['version', 1],
      ],
      invalid: [
        ['to', 'done'],
        ['to', 'SIGNED'],
        ['to', ' signed'],
        ['to', ''],
        ['to', 'sign'],
        ['to', 2],
        ['to', true],
        ['to', ['signed']],
        ['to', { status: 'signed' }],
        ['to', null],
      ],
      required: ['to'],
    },
    {
      name: 'POST /deals/:id/verify',
      ok: 200,
      byId: true,
      setup: () =>
        changeCase('signed', 'post', 'verify', admin, () => ({
          decision: 'verified',
          reason: '合同与登记材料一致',
        })),
      unknownFields: [
        ['verification', 'verified'],
        ['verifiedAt', '2026-05-01T00:00:00Z'],
        ['verificationReason', '核验'],
        ['status', 'registered'],
        ['version', 2],
      ],
      invalid: [
        ['decision', 'unverified'],
        ['decision', 'approve'],
        ['decision', 'VERIFIED'],
        ['decision', ''],
        ['decision', 1],
        ['decision', true],
        ['decision', ['verified']],
        ['decision', null],
        ...TEXT_WRONG_TYPES.map((v): [string, unknown] => ['reason', v]),
        ['reason', ''],
        ['reason', '   '],
        ['reason', null],
        ['reason', '理'.repeat(1001)],
        ['reason', '合同与登记\u0000材料一致'],
      ],
      required: ['decision', 'reason'],
    },
    {
      name: 'POST /deals/:id/payments',
      ok: 201,
      byId: true,
      setup: () => changeCase('signed', 'post', 'payments', world.operator, () => ({ amount: '300000.00', receivedAt: '2026-06-15' })),
      unknownFields: [
        ['dealId', NO_SUCH_ID],
        ['id', NO_SUCH_ID],
        ['createdById', NO_SUCH_ID],
        ['receivedAmount', '300000.00'],
        ['status', 'completed'],
      ],
      invalid: [
        ...moneyCases('amount', false),
        ['amount', '0'],
        ['amount', '0.00'],
        ...BAD_DATES.map((v): [string, unknown] => ['receivedAt', v]),
        ['receivedAt', null],
      ],
      required: ['amount', 'receivedAt'],
    },
  ];

  /** [field, how the test title shows the value, field named, value]: a long string is shown by its length. */
  const labelled = (cases: [string, unknown, string?][]): [string, string, string, unknown][] =>
    cases.map(([field, value, named]) => [
      field,
      typeof value === 'string' && value.length > 40 ? `${value.length} characters` : JSON.stringify(value),
      named ?? field,
      value,
    ]);

  describe.each(routes)('$name', (route) => {
    it('control: the valid body succeeds and is seen as written', async () => {
      const c = await route.setup();
      expect(await c.written()).toBe(false);
      await expectOk(send(c, c.body), route.ok);
      expect(await c.written()).toBe(true);
    });

    it('control: the same body padded with whitespace to just under 1 MiB succeeds', async () => {
      const c = await route.setup();
      const raw = padded(c.body, BODY_LIMIT - 4096);
      expect(Buffer.byteLength(raw)).toBeLessThan(BODY_LIMIT);
      await expectOk(sendRaw(c, raw), route.ok);
      expect(await c.written()).toBe(true);
    });

    it.each(route.unknownFields)('refuses the unknown field %s (%j) with 400 naming it, writing nothing', async (field, value) => {
      const c = await route.setup();
      const res = await send(c, { ...c.body, [field]: value });
      await expectRefusedInvalid(res, c.written, field);
      expect(res.body.details[0].message).toBe(`${field} is not an allowed field`);
    });

    it.each(labelled(route.invalid))('refuses %s = %s with 400 naming %s, writing nothing', async (field, _, named, value) => {
      const c = await route.setup();
      const res = await send(c, withField(c.body, field, value));
      await expectRefusedInvalid(res, c.written, named);
      // A malformed date is refused as such, not for some later rule it happens to break.
      if (DATE_FIELDS.includes(field)) expect(res.body.details[0].message).toBe(`${field} must be a date such as 2027-06-30`);
    });

    if (route.required.length) {
      it.each(route.required)('refuses a body without %s with 400 "%s is required", writing nothing', async (field) => {
        const c = await route.setup();
        const res = await send(c, without(c.body, field));
        await expectRefusedInvalid(res, c.written, field);
        expect(res.body.details[0].message).toBe(`${field} is required`);
      });

      it('refuses an empty object with 400 naming every required field, writing nothing', async () => {
        const c = await route.setup();
        await expectRefusedInvalid(await send(c, {}), c.written, ...route.required);
      });
    }

    it('refuses malformed JSON with 400 MALFORMED_JSON, writing nothing', async () => {
      const c = await route.setup();
      const json = JSON.stringify(c.body);
      for (const raw of ['{bad', json.slice(0, -1), `${json},`, json.replace(/"/g, "'")]) {
        expectErrorBody(await sendRaw(c, raw), 400, 'MALFORMED_JSON', []);
      }
      expect(await c.written()).toBe(false);
    });

    it('refuses a body that sets __proto__ with 400 MALFORMED_JSON, writing nothing', async () => {
      const c = await route.setup();
      const raw = JSON.stringify(c.body).replace(/^\{/, '{"__proto__": {"status": "completed"}, ');
      await expectRefused(await sendRaw(c, raw), c.written, 400, 'MALFORMED_JSON', []);
    });

    it.each(['null', '[]', '"text"', '42', 'true'])('refuses the non-object JSON body %s with 400, writing nothing', async (raw) => {
      const c = await route.setup();
      expectErrorBody(await sendRaw(c, raw), 400, 'VALIDATION_FAILED');
      expect(await c.written()).toBe(false);
    });

    it('refuses the body as an array of the valid body with 400, writing nothing', async () => {
      const c = await route.setup();
      expectErrorBody(await sendRaw(c, JSON.stringify([c.body])), 400, 'VALIDATION_FAILED');
      expect(await c.written()).toBe(false);
    });

    it('refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE, writing nothing', async () => {
      const c = await route.setup();
      const raw = padded(c.body);
      expect(Buffer.byteLength(raw)).toBeGreaterThan(BODY_LIMIT);
      expectErrorBody(await sendRaw(c, raw), 413, 'PAYLOAD_TOO_LARGE');
      expect(await c.written()).toBe(false);
    });

    it('refuses a body of another media type with 415, writing nothing', async () => {
      const c = await route.setup();
      await expectRefused(await sendRaw(c, '<deal/>', 'application/xml'), c.written, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses the valid body sent as text/plain (read as a string) with 400, writing nothing', async () => {
      const c = await route.setup();
      await expectRefused(await sendRaw(c, JSON.stringify(c.body), 'text/plain'), c.written, 400, 'VALIDATION_FAILED');
    });

    if (route.byId) {
      it.each(['not-a-uuid', '42', `${NO_SUCH_ID}0`, NO_SUCH_ID.replace(/-/g, ''), "1' OR '1'='1"])(
        'refuses the malformed id %j with 400 naming id, writing nothing',
        async (id) => {
          const c = await route.setup();
          const path = c.path.replace(/\/deals\/[^/]+/, `/deals/${encodeURIComponent(id)}`);
          await expectRefusedInvalid(await send(c, c.body, path), c.written, 'id');
        },
      );

      it('answers an id that is no deal with 404', async () => {
        const c = await route.setup();
        const path = c.path.replace(/\/deals\/[^/]+/, `/deals/${NO_SUCH_ID}`);
        const res = await send(c, c.body, path);
        expectErrorBody(res, 404, 'NOT_FOUND', []);
        expect(res.body.message).toBe(`deal ${NO_SUCH_ID} not found`);
        expect(await c.written()).toBe(false);
      });
    }
  });

  describe('POST /deals: references that do not resolve', () => {
    /** Sends the case's body with `overrides` and expects `status`/`code` naming `fields`, nothing written. */
    async function refused(c: Case, overrides: Body, status: number, code: string, fields?: string[]): Promise<void> {
      await expectRefused(await send(c, { ...c.body, ...overrides }), c.written, status, code, fields);
    }

    it.each<[string, () => Body, string]>([
      ['an unknown seller', () => ({ sellerOrgId: NO_SUCH_ID }), 'sellerOrgId'],
      ['an unknown buyer', () => ({ buyerOrgId: NO_SUCH_ID }), 'buyerOrgId'],
      ['a user id as the seller', () => ({ sellerOrgId: world.seller.userId }), 'sellerOrgId'],
      ['an unknown listing', () => ({ listingId: NO_SUCH_ID }), 'listingId'],
      ['an unknown need', () => ({ needId: NO_SUCH_ID }), 'needId'],
      ['an unknown lead', () => ({ leadId: NO_SUCH_ID }), 'leadId'],
      ['an unknown broker', () => ({ brokerId: NO_SUCH_ID }), 'brokerId'],
      ['an operator of another base as broker', () => ({ brokerId: other.operator.userId }), 'brokerId'],
      ['the seller’s user as broker', () => ({ brokerId: world.seller.userId }), 'brokerId'],
      ['an admin as broker', () => ({ brokerId: admin.userId }), 'brokerId'],
    ])('refuses %s with 422 REFERENCE_INVALID naming it, writing nothing', async (_, overrides, field) => {
      await refused(await createCase(), overrides(), 422, 'REFERENCE_INVALID', [field]);
    });

    it("refuses another organization's listing with 422 naming listingId, writing nothing", async () => {
      const listing = await createDraft(t, 'listing', outsider.institute);
      await refused(await createCase(), { listingId: listing.id }, 422, 'REFERENCE_INVALID', ['listingId']);
    });

    it("refuses another organization's need with 422 naming needId, writing nothing", async () => {
      const need = await createDraft(t, 'need', outsider.enterprise);
      await refused(await createCase(), { needId: need.id }, 422, 'REFERENCE_INVALID', ['needId']);
    });

    it('refuses a lead of another base with 422 naming leadId, writing nothing and leaving the lead as it was', async () => {
      const listing = await publishListing(t, world.seller, admin);
      const lead = await expressOk(t, world.buyer, listing.id);
      expect(lead.baseId).not.toBe(world.baseId);
      const before = await leadState(lead.id);
      await refused(await createCase(), { leadId: lead.id }, 422, 'REFERENCE_INVALID', ['leadId']);
      expect(await leadState(lead.id)).toBe(before);
    });

    it('refuses the same organization as seller and buyer with 400 naming buyerOrgId, writing nothing', async () => {
      await refused(await createCase(), { buyerOrgId: world.seller.organizationId }, 400, 'VALIDATION_FAILED', ['buyerOrgId']);
    });

    it('refuses the same organization as seller and buyer, written in capitals once, with 400 naming buyerOrgId, writing nothing', async () => {
      await refused(await createCase(), { buyerOrgId: world.seller.organizationId!.toUpperCase() }, 400, 'VALIDATION_FAILED', [
        'buyerOrgId',
      ]);
    });

    it('refuses an operator a base that does not exist with 403 (its own base only), writing nothing', async () => {
      await refused(await createCase(), { baseId: NO_SUCH_ID }, 403, 'FORBIDDEN');
    });

    it('refuses an admin a base that does not exist with 422 naming baseId, writing nothing', async () => {
      await refused(await createCase(admin), { baseId: NO_SUCH_ID }, 422, 'REFERENCE_INVALID', ['baseId']);
    });

    it('refuses an admin an inactive base with 422 naming baseId, writing nothing', async () => {
      const base = await freshBase(t, admin);
      await expectOk(t.http().patch(`${API}/bases/${base.id}`).set(bearer(admin)).send({ active: false }));
      await refused(await createCase(admin), { baseId: base.id }, 422, 'REFERENCE_INVALID', ['baseId']);
    });

    it('refuses a technology-transaction amount above the contract amount with 400 naming it, writing nothing', async () => {
      await refused(await createCase(), { contractAmount: '100.00', techTransactionAmount: '100.01' }, 400, 'AMOUNT_RULE', [
        'techTransactionAmount',
      ]);
    });

    it('control: accepts the operator’s own base id written in capitals', async () => {
      const c = await createCase();
      await expectOk(send(c, { ...c.body, baseId: world.baseId.toUpperCase() }), 201);
      expect(await c.written()).toBe(true);
    });

    it('control: accepts the largest storable amounts', async () => {
      const c = await createCase();
      const res = await expectOk(send(c, { ...c.body, contractAmount: MAX_AMOUNT, techTransactionAmount: MAX_AMOUNT }), 201);
      expect(res.body).toMatchObject({ contractAmount: MAX_AMOUNT, techTransactionAmount: MAX_AMOUNT });
    });
  });

  describe('PATCH /deals/:id: references and rules', () => {
    const patchCase = () => changeCase('signed', 'patch', undefined, world.operator, () => ({}));

    async function refused(overrides: Body, status: number, code: string, fields: string[]): Promise<void> {
      const c = await patchCase();
      await expectRefused(await send(c, overrides), c.written, status, code, fields);
    }

    it.each<[string, () => Body, string]>([
      ['an unknown seller', () => ({ sellerOrgId: NO_SUCH_ID }), 'sellerOrgId'],
      ['an unknown buyer', () => ({ buyerOrgId: NO_SUCH_ID }), 'buyerOrgId'],
      ['an unknown listing', () => ({ listingId: NO_SUCH_ID }), 'listingId'],
      ['an unknown need', () => ({ needId: NO_SUCH_ID }), 'needId'],
      ['an unknown broker', () => ({ brokerId: NO_SUCH_ID }), 'brokerId'],
      ['an operator of another base as broker', () => ({ brokerId: other.operator.userId }), 'brokerId'],
    ])('refuses %s with 422 REFERENCE_INVALID naming it, changing nothing', async (_, overrides, field) => {
      await refused(overrides(), 422, 'REFERENCE_INVALID', [field]);
    });

    it('refuses the buyer as seller with 400 naming sellerOrgId, and the seller as buyer naming buyerOrgId, changing nothing', async () => {
      await refused({ sellerOrgId: world.buyer.organizationId }, 400, 'VALIDATION_FAILED', ['sellerOrgId']);
      await refused({ buyerOrgId: world.seller.organizationId }, 400, 'VALIDATION_FAILED', ['buyerOrgId']);
    });

    it('refuses the seller as buyer, written in capitals, with 400 naming buyerOrgId, changing nothing', async () => {
      await refused({ buyerOrgId: world.seller.organizationId!.toUpperCase() }, 400, 'VALIDATION_FAILED', ['buyerOrgId']);
    });

    it('refuses a contract amount below the technology-transaction amount with 400 naming contractAmount, changing nothing', async () => {
      await refused({ contractAmount: '1199999.99' }, 400, 'AMOUNT_RULE', ['contractAmount']);
    });

    it("refuses another deal's registration number with 409 naming registrationNo, changing nothing", async () => {
      const taken = await dealIn(t, world, 'draft');
      await refused({ registrationNo: taken.registrationNo }, 409, 'ALREADY_EXISTS', ['registrationNo']);
    });

    it.each(['"abc"', '"1.5"', '"-1"', '"1234567890"', 'W/', '1, 2'])(
      'refuses If-Match: %s with 400 naming If-Match, changing nothing',
      async (header) => {
        const c = await patchCase();
        await expectRefusedInvalid(await send(c, { title: '坏版本' }).set('if-match', header), c.written, 'If-Match');
      },
    );

    it('checks the body before If-Match: a bad body without If-Match is a 400 naming the field', async () => {
      const c = await patchCase();
      const { 'if-match': _, ...headers } = c.headers;
      await expectRefusedInvalid(await t.http().patch(c.path).set(headers).send({ contractAmount: 1600000 }), c.written, 'contractAmount');
    });
  });

  describe('POST /deals/:id/payments: dates and amounts the ledger refuses', () => {
    it.each(['2999-01-01', 'tomorrow'])('refuses a receivedAt in the future (%s) with 400 naming it, writing nothing', async (when) => {
      const c = await changeCase('signed', 'post', 'payments', world.operator, () => ({ amount: '1.00' }));
      const res = await send(c, { ...c.body, receivedAt: when === 'tomorrow' ? daysFromToday(1) : when });
      await expectRefusedInvalid(res, c.written, 'receivedAt');
      expect(res.body.details[0].message).toBe('cannot be in the future');
    });

    it('refuses a payment that would take the received total past the largest storable amount with 400 naming amount', async () => {
      const deal = await dealIn(t, world, 'signed', { contractAmount: MAX_AMOUNT, techTransactionAmount: '0' });
      await expectOk(api().pay(world.operator, deal.id, { amount: MAX_AMOUNT, receivedAt: '2026-06-01' }), 201);
      const before = await dealState(deal.id);
      const res = await api().pay(world.operator, deal.id, { amount: '0.01', receivedAt: '2026-06-01' });
      await expectRefused(res, async () => (await dealState(deal.id)) !== before, 400, 'AMOUNT_RULE', ['amount']);
    });
  });

  describe('GET /deals query parameters', () => {
    const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const DATE_PARAMS = [
      '2026-13-01',
      '2026-02-30',
      '2026/5/1',
      '1746057600000',
      '2026-05-01T00:00:00Z',
      '2026',
      '2026-05',
      '2026-W18-5',
      '2026-121',
      '20260501',
    ];

    it.each<[string, string]>([
      ['limit', '0'],
      ['limit', '101'],
      ['limit', '-1'],
      ['limit', 'ten'],
      ['limit', '1.5'],
      ['limit', ''],
      ['cursor', 'garbage!!'],
      ['cursor', 'x'.repeat(513)],
      ['cursor', cursor({ c: 'yesterday', id: NO_SUCH_ID })],
      ['cursor', cursor({ c: new Date().toISOString(), id: "1' OR '1'='1" })],
      ['cursor', cursor({ c: new Date().toISOString() })],
      ['cursor', cursor({ p: '2026-01-01T00:00:00.000Z', id: NO_SUCH_ID })],
      // Instants JavaScript prints and reads back, but PostgreSQL does not hold.
      ['cursor', cursor({ c: new Date(Date.UTC(-1, 0, 1)).toISOString(), id: NO_SUCH_ID })],
      ['cursor', cursor({ c: new Date(8.64e15).toISOString(), id: NO_SUCH_ID })],
      ['status', 'open'],
      ['status', 'SIGNED'],
      ['status', ''],
      ['verification', 'pending'],
      ['category', 'sale'],
      ['field', 'nanotech'],
      ['baseId', 'base-1'],
      ['baseId', ''],
      ...DATE_PARAMS.map((v): [string, string] => ['from', v]),
      ...DATE_PARAMS.map((v): [string, string] => ['to', v]),
      ['sort', 'newest'],
      ['q', '碳化硅'],
      ['sellerOrgId', NO_SUCH_ID],
      ['unknown', '1'],
    ])('refuses ?%s=%s with 400 naming it', async (param, value) => {
      expectInvalid(await api().list(world.operator, { [param]: value }), param);
    });

    it('refuses a repeated parameter with 400 naming it', async () => {
      const res = await t.http().get(`${API}/deals?status=draft&status=signed`).set(bearer(world.operator));
      expectInvalid(res, 'status');
    });

    it('control: valid parameters at their bounds are accepted', async () => {
      const query = {
        limit: '100',
        status: 'signed',
        verification: 'unverified',
        category: 'licence',
        field: 'ic',
        from: '2026-01-01',
        to: '2026-12-31',
        baseId: world.baseId,
      };
      await expectOk(api().list(world.operator, query));
      await expectOk(api().list(admin, { ...query, limit: '1', cursor: cursor({ c: new Date().toISOString(), id: randomUUID() }) }));
    });

    it('control: an operator may filter by its own base written in capitals', async () => {
      await expectOk(api().list(world.operator, { baseId: world.baseId.toUpperCase() }));
    });

    it('refuses a malformed id on GET /deals/:id with 400 naming id', async () => {
      expectInvalid(await api().get(world.operator, 'not-a-uuid'), 'id');
      expectErrorBody(await api().get(world.operator, NO_SUCH_ID), 404, 'NOT_FOUND');
    });

    it('refuses a query parameter on GET /deals/:id with 400 naming it', async () => {
      const deal = await dealIn(t, world, 'draft');
      expectInvalid(await t.http().get(`${API}/deals/${deal.id}`).query({ expand: 'payments' }).set(bearer(world.operator)), 'expand');
    });
  });
});
