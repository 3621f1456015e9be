/**
 * Programs (multi-year plans): reading them with their milestones and per-base allocations,
 * creating the next plan, and replacing its allocations, which are accepted when they do not add
 * up to the targets but flagged in allocationCheck.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditTrail, expectInvalid } from '../catalog/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { createOperator, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import {
  allocationState,
  expectOk,
  freshBases,
  inactiveBase,
  programBody,
  programs,
  shiftDay,
  span,
  tracesOf,
  type Body,
} from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SUMMARY_KEYS = [
  'code',
  'createdAt',
  'endsOn',
  'enterprisesTarget',
  'id',
  'majorResultsTarget',
  'name',
  'startsOn',
  'volumeMeasure',
  'volumeTarget',
];
const DETAIL_KEYS = [...SUMMARY_KEYS, 'allocationCheck', 'allocations', 'milestones'].sort();
const ALLOCATION_KEYS = ['baseCode', 'baseId', 'baseName', 'enterprisesTarget', 'majorResultsTarget', 'updatedAt', 'volumeTarget'];
/** The largest amount a bigint of fen holds, and one fen more. */
const MAX_AMOUNT = '92233720368547758.07';
const OVER_MAX_AMOUNT = '92233720368547758.08';

/** Every malformed spelling of an amount the API must refuse, with what it is. */
const BAD_AMOUNTS: [string, unknown][] = [
  ['an exponent', '1e3'],
  ['a negative amount', '-1.00'],
  ['three decimals', '0.001'],
  ['full-width digits', '３０００'],
  ['a thousands separator', '12,000.00'],
  ['an empty string', ''],
  ['a JSON number', 30000000000],
  ['a JSON number with decimals', 1.5],
  ['an amount over the bigint range', OVER_MAX_AMOUNT],
  ['a plus sign', '+300'],
  ['surrounding spaces', ' 300 '],
  ['a trailing point', '300.'],
  ['a leading point', '.5'],
  ['a leading zero', '0300'],
  ['null', null],
  ['a boolean', true],
  ['an object', { yuan: '300' }],
];

/** Integers the count targets must refuse. */
const BAD_COUNTS: [string, unknown][] = [
  ['a string', '15000'],
  ['a fraction', 1.5],
  ['a negative number', -1],
  ['more than an integer column holds', 2_147_483_648],
  ['null', null],
];

describe('programs', () => {
  let t: TestApp;
  let admin: Session;
  let operator: Session;
  let enterprise: Session;
  let institute: Session;
  const api = () => programs(t);

  /** Creates a program as the admin and expects 201. */
  const create = async (overrides: Body = {}) => (await expectOk(api().create(admin, programBody(overrides)), 201)).body;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    [operator, enterprise, institute] = await Promise.all([
      createOperator(t, admin),
      registerAndLogin(t, 'enterprise'),
      registerAndLogin(t, 'institute'),
    ]);
  });
  afterAll(() => t.close());

  describe('GET /programs', () => {
    it('lists the seeded five-year program to operators and admins, in the list shape', async () => {
      for (const session of [operator, admin]) {
        const items: Body[] = [];
        let cursor: string | null = null;
        do {
          const res = await expectOk(api().list(session, { limit: 100, ...(cursor ? { cursor } : {}) }));
          expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
          items.push(...res.body.items);
          cursor = res.body.nextCursor;
        } while (cursor);
        const seeded = items.find((p) => p.code === '2021-2026');
        expect(seeded).toEqual({
          id: expect.stringMatching(UUID),
          code: '2021-2026',
          name: '易智网五年目标（2021—2026）',
          startsOn: '2021-06-01',
          endsOn: '2026-05-31',
          volumeTarget: '30000000000.00',
          volumeMeasure: 'techTransactionAmount',
          enterprisesTarget: 15000,
          majorResultsTarget: 100,
          createdAt: expect.any(String),
        });
        for (const item of items) expect(Object.keys(item).sort()).toEqual(SUMMARY_KEYS);
      }
    });

    it('lists newest first, and walks every program once with ?limit=1 and nextCursor', async () => {
      const older = await create();
      const newer = await create();
      const first = await expectOk(api().list(admin, { limit: 2 }));
      expect(first.body.items.map((p: Body) => p.id)).toEqual([newer.id, older.id]);
      expect(typeof first.body.nextCursor).toBe('string');

      const walked: Body[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await expectOk(api().list(admin, { limit: 1, ...(cursor ? { cursor } : {}) }));
        expect(res.body.items.length).toBeLessThanOrEqual(1);
        walked.push(...res.body.items);
        cursor = res.body.nextCursor;
        expect(++pages).toBeLessThan(500);
      } while (cursor);
      const ids = walked.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining([older.id, newer.id]));
      expect(walked.map((p) => p.code)).toContain('2021-2026');
      const created = walked.map((p) => Date.parse(p.createdAt as string));
      expect(created).toEqual([...created].sort((a, b) => b - a));
    });

    const forged = Buffer.from(JSON.stringify({ c: 'yesterday', id: 'x' })).toString('base64url');
    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${forged}`, 'cursor'],
      ['code=2021-2026', 'code'],
    ])('refuses ?%s with a 400 naming %s', async (query, field) => {
      expectInvalid(
        await t
          .http()
          .get(`/api/v1/programs?${query}`)
          .set({ authorization: `Bearer ${admin.accessToken}` }),
        field,
      );
    });
  });

  describe('GET /programs/:id', () => {
    it('shows a program with its milestones by date, its allocations and their check', async () => {
      const [seeded] = await sql<{ id: string }>("SELECT id FROM program WHERE code = '2021-2026'");
      const res = await expectOk(api().get(operator, seeded.id));
      expect(Object.keys(res.body).sort()).toEqual(DETAIL_KEYS);
      expect(res.body).toMatchObject({ id: seeded.id, code: '2021-2026', volumeTarget: '30000000000.00', milestones: [] });
      expect(res.body.allocationCheck.volume.target).toBe('30000000000.00');
      expect(res.body.allocationCheck.enterprisesServed.target).toBe(15000);
      expect(res.body.allocationCheck.majorResults.target).toBe(100);
      expect((await expectOk(api().get(admin, seeded.id))).body).toEqual(res.body);
    });

    it('answers 404 for an unknown id and 400 naming id for a malformed one', async () => {
      expectErrorBody(await api().get(admin, randomUUID()), 404, 'NOT_FOUND', []);
      for (const id of ['not-a-uuid', '123', `${randomUUID()}0`]) expectInvalid(await api().get(admin, encodeURIComponent(id)), 'id');
    });
  });

  describe('POST /programs', () => {
    it('creates the next plan with its milestones, shown by date, stored in fen, and audited', async () => {
      const body = programBody({ volumeMeasure: 'contractAmount' });
      const milestones = body.milestones as Body[];
      // Sent out of date order; shown in date order.
      body.milestones = [milestones[2], milestones[0], milestones[1]];
      const res = await expectOk(api().create(admin, body), 201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        code: body.code,
        name: body.name,
        startsOn: body.startsOn,
        endsOn: body.endsOn,
        volumeTarget: '30000000000.00',
        volumeMeasure: 'contractAmount',
        enterprisesTarget: 15000,
        majorResultsTarget: 100,
        createdAt: expect.any(String),
        milestones: [
          { ...milestones[0], volumeTarget: '4000000000.00' },
          { ...milestones[1], volumeTarget: '16000000000.50' },
          { ...milestones[2], volumeTarget: '30000000000.00' },
        ],
        allocations: [],
        allocationCheck: {
          balanced: false,
          volume: { allocated: '0.00', target: '30000000000.00', balanced: false },
          enterprisesServed: { allocated: 0, target: 15000, balanced: false },
          majorResults: { allocated: 0, target: 100, balanced: false },
        },
      });
      expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
      expect((await expectOk(api().get(admin, res.body.id))).body).toEqual(res.body);

      expect(
        await sql(
          `SELECT volume_target::text AS volume, volume_measure::text AS measure, starts_on::text AS starts, ends_on::text AS ends
             FROM program WHERE id = $1`,
          [res.body.id],
        ),
      ).toEqual([{ volume: '3000000000000', measure: 'contractAmount', starts: body.startsOn, ends: body.endsOn }]);
      expect(
        await sql(
          'SELECT year_end::text AS "yearEnd", volume_target::text AS fen FROM program_milestone WHERE program_id = $1 ORDER BY 1',
          [res.body.id],
        ),
      ).toEqual([
        { yearEnd: milestones[0].yearEnd, fen: '400000000000' },
        { yearEnd: milestones[1].yearEnd, fen: '1600000000050' },
        { yearEnd: milestones[2].yearEnd, fen: '3000000000000' },
      ]);

      const events = await auditTrail(t, admin, 'program', res.body.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'program.create', actorId: admin.userId, actorRole: 'admin', before: null });
      expect(events[0].after).toMatchObject({
        id: res.body.id,
        code: body.code,
        volumeTarget: '30000000000.00',
        milestones: res.body.milestones,
      });
    });

    it('measures techTransactionAmount by default, and takes a plan without milestones', async () => {
      const res = await expectOk(api().create(admin, programBody({ milestones: undefined })), 201);
      expect(res.body).toMatchObject({ volumeMeasure: 'techTransactionAmount', milestones: [] });
      const empty = await expectOk(api().create(admin, programBody({ milestones: [] })), 201);
      expect(empty.body.milestones).toEqual([]);
    });

    it('takes amounts with zero to two decimals, up to the largest a bigint of fen holds, exactly', async () => {
      const short = await create({ volumeTarget: '300', milestones: [] });
      expect(short.volumeTarget).toBe('300.00');
      const one = await create({ volumeTarget: '300.5', milestones: [] });
      expect(one.volumeTarget).toBe('300.50');
      const largest = await create({ volumeTarget: MAX_AMOUNT, milestones: [] });
      expect(largest.volumeTarget).toBe(MAX_AMOUNT);
      expect(await sql('SELECT volume_target::text AS fen FROM program WHERE id = $1', [largest.id])).toEqual([
        { fen: '9223372036854775807' },
      ]);
    });

    it('accepts milestones on the first and last day, with equal consecutive targets', async () => {
      const { startsOn, endsOn } = span();
      const flat = { volumeTarget: '100.00', enterprisesTarget: 10, majorResultsTarget: 1 };
      const res = await expectOk(
        api().create(
          admin,
          programBody({
            startsOn,
            endsOn,
            milestones: [
              { yearEnd: startsOn, ...flat },
              { yearEnd: endsOn, ...flat },
            ],
          }),
        ),
        201,
      );
      expect(res.body.milestones.map((m: Body) => m.yearEnd)).toEqual([startsOn, endsOn]);
    });

    describe('refuses a plan that overlaps another (422 PROGRAM_DATES_OVERLAP), and writes nothing', () => {
      it('with the seeded 2021–2026 program, naming it', async () => {
        const body = programBody({ startsOn: '2026-05-31', endsOn: '2031-05-30', milestones: [] });
        const error = expectErrorBody(await api().create(admin, body), 422, 'PROGRAM_DATES_OVERLAP', ['startsOn', 'endsOn']);
        expect(error.message).toContain('2021-2026');
        expect(await tracesOf(body)).toEqual({ programs: 0, milestones: 0, events: 0 });
      });

      it('in every way two date ranges can share a day (both ends count)', async () => {
        const existing = await create({ milestones: [] });
        const { startsOn: s, endsOn: e } = existing as { startsOn: string; endsOn: string };
        const overlapping: [string, string][] = [
          [s, e], // the same dates
          [shiftDay(s, -30), s], // ends on its first day
          [e, shiftDay(e, 30)], // starts on its last day
          [shiftDay(s, -30), shiftDay(s, 30)], // across its start
          [shiftDay(e, -30), shiftDay(e, 30)], // across its end
          [shiftDay(s, 30), shiftDay(e, -30)], // inside it
          [shiftDay(s, -30), shiftDay(e, 30)], // around it
        ];
        for (const [startsOn, endsOn] of overlapping) {
          const body = programBody({ startsOn, endsOn, milestones: [] });
          const error = expectErrorBody(await api().create(admin, body), 422, 'PROGRAM_DATES_OVERLAP', ['startsOn', 'endsOn']);
          expect(error.message).toContain(existing.code as string);
          expect(await tracesOf(body)).toEqual({ programs: 0, milestones: 0, events: 0 });
        }
        // The days just before and just after are free.
        await expectOk(api().create(admin, programBody({ startsOn: shiftDay(s, -30), endsOn: shiftDay(s, -1), milestones: [] })), 201);
        await expectOk(api().create(admin, programBody({ startsOn: shiftDay(e, 1), endsOn: shiftDay(e, 30), milestones: [] })), 201);
      });

      it('when admins create overlapping plans at once: exactly one wins', async () => {
        const { startsOn, endsOn } = span();
        const bodies = [0, 10, 20, 30, 40].map((days) => programBody({ startsOn: shiftDay(startsOn, days), endsOn, milestones: [] }));
        const results = await Promise.all(bodies.map((body) => api().create(admin, body)));
        expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422]);
        for (const [i, res] of results.entries()) {
          if (res.status === 201) continue;
          expectErrorBody(res, 422, 'PROGRAM_DATES_OVERLAP', ['startsOn', 'endsOn']);
          expect(await tracesOf(bodies[i])).toEqual({ programs: 0, milestones: 0, events: 0 });
        }
      });

      it('even from SQL: the database holds the rule', async () => {
        const existing = await create({ milestones: [] });
        await expect(
          sql(
            `INSERT INTO program (code, name, starts_on, ends_on, volume_target, enterprises_target, major_results_target)
             VALUES ($1, '直接写入', $2, $3, 100, 1, 1)`,
            [`e2e-sql-${randomUUID().slice(0, 8)}`, existing.endsOn, shiftDay(existing.endsOn as string, 30)],
          ),
        ).rejects.toMatchObject({ code: '23P01', constraint: 'program_dates_excl' });
      });
    });

    it('answers 409 PROGRAM_CODE_TAKEN for a code in use, and writes nothing', async () => {
      const seeded = programBody({ code: '2021-2026' });
      const [before] = await sql<{ n: number }>("SELECT count(*)::int AS n FROM program WHERE code = '2021-2026'");
      expectErrorBody(await api().create(admin, seeded), 409, 'PROGRAM_CODE_TAKEN', ['code']);
      expect(await sql("SELECT count(*)::int AS n FROM program WHERE code = '2021-2026'")).toEqual([before]);
      expect(await sql('SELECT count(*)::int AS n FROM program WHERE starts_on = $1', [seeded.startsOn])).toEqual([{ n: 0 }]);

      // Two admins sending the same code at once: one 201, one 409.
      const code = `e2e-${randomUUID().slice(0, 8)}`;
      const results = await Promise.all([programBody({ code }), programBody({ code })].map((body) => api().create(admin, body)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expectErrorBody(
        results.find((r) => r.status === 409)!,
        409,
        'PROGRAM_CODE_TAKEN',
        ['code'],
      );
      expect(await tracesOf({ code })).toEqual({ programs: 1, milestones: 3, events: 1 });
    });

    describe('refuses a plan that contradicts itself (400 naming the field), and writes nothing', () => {
      const milestone = (yearEnd: string, volumeTarget: string, enterprisesTarget: number, majorResultsTarget: number) => ({
        yearEnd,
        volumeTarget,
        enterprisesTarget,
        majorResultsTarget,
      });
      const cases: [string, () => Body, string[]][] = [
        [
          'endsOn equal to startsOn',
          () => {
            const { startsOn } = span();
            return programBody({ startsOn, endsOn: startsOn, milestones: [] });
          },
          ['endsOn'],
        ],
        [
          'endsOn before startsOn',
          () => {
            const { startsOn, endsOn } = span();
            return programBody({ startsOn: endsOn, endsOn: startsOn, milestones: [] });
          },
          ['endsOn'],
        ],
        ['a zero volume target', () => programBody({ volumeTarget: '0.00', milestones: [] }), ['volumeTarget']],
        [
          'a milestone before the start and one after the end',
          () => {
            const { startsOn, endsOn } = span();
            return programBody({
              startsOn,
              endsOn,
              milestones: [milestone(shiftDay(startsOn, -1), '1', 1, 1), milestone(shiftDay(endsOn, 1), '2', 2, 2)],
            });
          },
          ['milestones[0].yearEnd', 'milestones[1].yearEnd'],
        ],
        [
          'two milestones on one date',
          () => {
            const body = programBody();
            const [first] = body.milestones as Body[];
            return { ...body, milestones: [first, { ...first }] };
          },
          ['milestones[1].yearEnd'],
        ],
        [
          'a milestone above each of the targets',
          () => {
            const body = programBody();
            const [first] = body.milestones as Body[];
            return {
              ...body,
              milestones: [{ ...first, volumeTarget: '30000000000.01', enterprisesTarget: 15001, majorResultsTarget: 101 }],
            };
          },
          ['milestones[0].volumeTarget', 'milestones[0].enterprisesTarget', 'milestones[0].majorResultsTarget'],
        ],
        [
          'milestones that go down (they are cumulative)',
          () => {
            const body = programBody();
            const [first, second, third] = body.milestones as Body[];
            return {
              ...body,
              milestones: [
                first,
                { ...second, volumeTarget: '3999999999.99' },
                { ...third, enterprisesTarget: 7999, majorResultsTarget: 49 },
              ],
            };
          },
          ['milestones[1].volumeTarget', 'milestones[2].enterprisesTarget', 'milestones[2].majorResultsTarget'],
        ],
      ];
      it.each(cases)('%s', async (_, make, fields) => {
        const body = make();
        expectInvalid(await api().create(admin, body), ...fields);
        expect(await tracesOf(body as Body & { code: string })).toEqual({ programs: 0, milestones: 0, events: 0 });
      });
    });

    describe('refuses malformed input with a 400 naming the field, and writes nothing', () => {
      const without = (field: string) => () => {
        const body: Body = programBody();
        delete body[field];
        return body;
      };
      const withMilestone = (patch: Body) => () => {
        const body = programBody();
        const [first, ...rest] = body.milestones as Body[];
        return { ...body, milestones: [{ ...first, ...patch }, ...rest] };
      };
      const cases: [string, () => Body, string[]][] = [
        ['no code', without('code'), ['code']],
        ['no name', without('name'), ['name']],
        ['no startsOn', without('startsOn'), ['startsOn']],
        ['no endsOn', without('endsOn'), ['endsOn']],
        ['no volumeTarget', without('volumeTarget'), ['volumeTarget']],
        ['no enterprisesTarget', without('enterprisesTarget'), ['enterprisesTarget']],
        ['no majorResultsTarget', without('majorResultsTarget'), ['majorResultsTarget']],
        ['an unknown field', () => programBody({ approved: true }), ['approved']],
        ['a server-owned field', () => programBody({ id: randomUUID() }), ['id']],
        ['an unknown field in a milestone', withMilestone({ baseId: randomUUID() }), ['milestones.0.baseId']],
        ['a code with capitals and spaces', () => programBody({ code: 'Next Plan' }), ['code']],
        ['a code as a number', () => programBody({ code: 2026 }), ['code']],
        ['a code of 65 characters', () => programBody({ code: 'a'.repeat(65) }), ['code']],
        ['an empty name', () => programBody({ name: '  ' }), ['name']],
        ['a name of 201 characters', () => programBody({ name: '划'.repeat(201) }), ['name']],
        ['startsOn not a date', () => programBody({ startsOn: '2026-13-01' }), ['startsOn']],
        ['startsOn with slashes', () => programBody({ startsOn: '2026/06/01' }), ['startsOn']],
        ['endsOn a timestamp', () => programBody({ endsOn: '2031-05-31T00:00:00Z' }), ['endsOn']],
        ['endsOn as a number', () => programBody({ endsOn: 20310531 }), ['endsOn']],
        ['an unknown volumeMeasure', () => programBody({ volumeMeasure: 'receivedAmount' }), ['volumeMeasure']],
        ['a null volumeMeasure', () => programBody({ volumeMeasure: null }), ['volumeMeasure']],
        ['enterprisesTarget zero', () => programBody({ enterprisesTarget: 0 }), ['enterprisesTarget']],
        ['majorResultsTarget zero', () => programBody({ majorResultsTarget: 0 }), ['majorResultsTarget']],
        ...BAD_COUNTS.map(([what, value]): [string, () => Body, string[]] => [
          `enterprisesTarget as ${what}`,
          () => programBody({ enterprisesTarget: value }),
          ['enterprisesTarget'],
        ]),
        ...BAD_COUNTS.map(([what, value]): [string, () => Body, string[]] => [
          `a milestone's majorResultsTarget as ${what}`,
          withMilestone({ majorResultsTarget: value }),
          ['milestones.0.majorResultsTarget'],
        ]),
        ...BAD_AMOUNTS.map(([what, value]): [string, () => Body, string[]] => [
          `volumeTarget as ${what}`,
          () => programBody({ volumeTarget: value }),
          ['volumeTarget'],
        ]),
        ...BAD_AMOUNTS.map(([what, value]): [string, () => Body, string[]] => [
          `a milestone's volumeTarget as ${what}`,
          withMilestone({ volumeTarget: value }),
          ['milestones.0.volumeTarget'],
        ]),
        [
          'one milestone rather than an array of them',
          () => ({ ...programBody(), milestones: (programBody().milestones as Body[])[0] }),
          ['milestones'],
        ],
        ['milestones null', () => programBody({ milestones: null }), ['milestones']],
        ['a milestone that is not an object', () => programBody({ milestones: [5] }), ['milestones.0']],
        ['a milestone without yearEnd', withMilestone({ yearEnd: undefined }), ['milestones.0.yearEnd']],
        ['a milestone with a bad yearEnd', withMilestone({ yearEnd: '2027-02-30' }), ['milestones.0.yearEnd']],
        [
          'more than 50 milestones',
          () => {
            const body = programBody();
            const [first] = body.milestones as Body[];
            return { ...body, milestones: Array.from({ length: 51 }, () => first) };
          },
          ['milestones'],
        ],
        ['several problems at once', () => programBody({ code: 5, volumeTarget: 5, extra: 1 }), ['code', 'volumeTarget', 'extra']],
      ];
      it.each(cases)('%s', async (_, make, fields) => {
        const body = make();
        const error = expectErrorBody(await api().create(admin, body), 400, 'VALIDATION_FAILED', fields);
        for (const field of fields) {
          if (!(field in body) && !field.includes('.'))
            expect(error.details.find((d) => d.field === field)?.message).toBe(`${field} is required`);
        }
        expect(await tracesOf(body)).toEqual({ programs: 0, milestones: 0, events: 0 });
      });

      it('names every required field of an empty object', async () => {
        const error = expectErrorBody(await api().create(admin, {}), 400, 'VALIDATION_FAILED', [
          'code',
          'name',
          'startsOn',
          'endsOn',
          'volumeTarget',
          'enterprisesTarget',
          'majorResultsTarget',
        ]);
        expect(error.details.every((d) => d.message === `${d.field} is required`)).toBe(true);
      });

      it('answers 400 MALFORMED_JSON and 413 PAYLOAD_TOO_LARGE', async () => {
        const body = programBody();
        const send = (raw: string) =>
          t
            .http()
            .post('/api/v1/programs')
            .set({ authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' })
            .send(raw);
        expectErrorBody(await send(JSON.stringify(body).slice(0, -1)), 400, 'MALFORMED_JSON', []);
        expectErrorBody(await send(JSON.stringify({ ...body, name: 'x'.repeat(1024 * 1024) })), 413, 'PAYLOAD_TOO_LARGE', []);
        expect(await tracesOf(body)).toEqual({ programs: 0, milestones: 0, events: 0 });
      });
    });
  });

  describe('PUT /programs/:id/allocations', () => {
    /** A program whose targets are 300.00 / 10 / 2, and three fresh bases in listing order. */
    const world = async () => {
      const program = await create({ volumeTarget: '300.00', enterprisesTarget: 10, majorResultsTarget: 2, milestones: [] });
      const bases = await freshBases(t, admin, 3);
      return { program: program as Body & { id: string }, bases };
    };
    const share = (baseId: string, volumeTarget: string, enterprisesTarget: number, majorResultsTarget: number) => ({
      baseId,
      volumeTarget,
      enterprisesTarget,
      majorResultsTarget,
    });

    it('replaces the allocations and flags them when they do not add up; the response is GET /programs/:id', async () => {
      const { program, bases } = await world();
      // Sent out of listing order; shown in it.
      const res = await expectOk(
        api().allocate(admin, program.id, { allocations: [share(bases[1].id, '100', 4, 1), share(bases[0].id, '150.5', 5, 1)] }),
      );
      expect(Object.keys(res.body).sort()).toEqual(DETAIL_KEYS);
      expect(res.body.allocations).toEqual([
        {
          baseId: bases[0].id,
          baseCode: bases[0].code,
          baseName: bases[0].name,
          volumeTarget: '150.50',
          enterprisesTarget: 5,
          majorResultsTarget: 1,
          updatedAt: expect.any(String),
        },
        {
          baseId: bases[1].id,
          baseCode: bases[1].code,
          baseName: bases[1].name,
          volumeTarget: '100.00',
          enterprisesTarget: 4,
          majorResultsTarget: 1,
          updatedAt: expect.any(String),
        },
      ]);
      for (const allocation of res.body.allocations) expect(Object.keys(allocation).sort()).toEqual(ALLOCATION_KEYS);
      expect(res.body.allocationCheck).toEqual({
        balanced: false,
        volume: { allocated: '250.50', target: '300.00', balanced: false },
        enterprisesServed: { allocated: 9, target: 10, balanced: false },
        majorResults: { allocated: 2, target: 2, balanced: true },
      });
      expect((await expectOk(api().get(operator, program.id))).body).toEqual(res.body);
      expect(
        await sql(
          `SELECT base_id AS "baseId", volume_target::text AS fen, enterprises_target AS e, major_results_target AS m
             FROM program_allocation WHERE program_id = $1 ORDER BY volume_target`,
          [program.id],
        ),
      ).toEqual([
        { baseId: bases[1].id, fen: '10000', e: 4, m: 1 },
        { baseId: bases[0].id, fen: '15050', e: 5, m: 1 },
      ]);

      const events = (await auditTrail(t, admin, 'program', program.id)).filter((e) => e.action === 'program.allocate');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorId: admin.userId, actorRole: 'admin' });
      expect(events[0].before).toEqual({
        allocations: [],
        allocationCheck: {
          balanced: false,
          volume: { allocated: '0.00', target: '300.00', balanced: false },
          enterprisesServed: { allocated: 0, target: 10, balanced: false },
          majorResults: { allocated: 0, target: 2, balanced: false },
        },
      });
      expect(events[0].after).toEqual({
        allocations: res.body.allocations.map(({ baseId, volumeTarget, enterprisesTarget, majorResultsTarget }: Body) => ({
          baseId,
          volumeTarget,
          enterprisesTarget,
          majorResultsTarget,
        })),
        allocationCheck: res.body.allocationCheck,
      });
    });

    it('says balanced when every target adds up, and flags an allocation above the target too', async () => {
      const { program, bases } = await world();
      const balanced = await expectOk(
        api().allocate(admin, program.id, {
          allocations: [share(bases[0].id, '100.01', 3, 0), share(bases[1].id, '99.99', 3, 1), share(bases[2].id, '100', 4, 1)],
        }),
      );
      expect(balanced.body.allocationCheck).toEqual({
        balanced: true,
        volume: { allocated: '300.00', target: '300.00', balanced: true },
        enterprisesServed: { allocated: 10, target: 10, balanced: true },
        majorResults: { allocated: 2, target: 2, balanced: true },
      });
      const above = await expectOk(api().allocate(admin, program.id, { allocations: [share(bases[0].id, '300.01', 10, 2)] }));
      expect(above.body.allocationCheck).toMatchObject({ balanced: false, volume: { allocated: '300.01', balanced: false } });
      expect(above.body.allocationCheck.enterprisesServed.balanced).toBe(true);
    });

    it('replaces the whole set: bases left out go, a base whose figures stay keeps its updatedAt; [] clears', async () => {
      const { program, bases } = await world();
      const first = await expectOk(
        api().allocate(admin, program.id, { allocations: [share(bases[0].id, '100', 4, 1), share(bases[1].id, '100', 3, 1)] }),
      );
      const second = await expectOk(
        api().allocate(admin, program.id, { allocations: [share(bases[0].id, '100', 4, 1), share(bases[2].id, '200', 6, 1)] }),
      );
      expect(second.body.allocations.map((a: Body) => a.baseId)).toEqual([bases[0].id, bases[2].id]);
      expect(second.body.allocations[0].updatedAt).toBe(first.body.allocations[0].updatedAt);
      expect(Date.parse(second.body.allocations[1].updatedAt)).toBeGreaterThan(Date.parse(first.body.allocations[0].updatedAt));
      expect(second.body.allocationCheck.balanced).toBe(true);

      const changed = await expectOk(
        api().allocate(admin, program.id, { allocations: [share(bases[0].id, '100', 5, 1), share(bases[2].id, '200', 6, 1)] }),
      );
      expect(Date.parse(changed.body.allocations[0].updatedAt)).toBeGreaterThan(Date.parse(first.body.allocations[0].updatedAt));
      expect(changed.body.allocations[1].updatedAt).toBe(second.body.allocations[1].updatedAt);

      const cleared = await expectOk(api().allocate(admin, program.id, { allocations: [] }));
      expect(cleared.body.allocations).toEqual([]);
      expect(cleared.body.allocationCheck.volume).toEqual({ allocated: '0.00', target: '300.00', balanced: false });
      expect(await sql('SELECT count(*)::int AS n FROM program_allocation WHERE program_id = $1', [program.id])).toEqual([{ n: 0 }]);

      const events = (await auditTrail(t, admin, 'program', program.id)).filter((e) => e.action === 'program.allocate');
      expect(events).toHaveLength(4);
      // Each event starts where the one before it ended.
      for (let i = 1; i < events.length; i++) expect(events[i].before).toEqual(events[i - 1].after);
      expect(events[3].after).toMatchObject({ allocations: [] });
    });

    it('serialises replacements sent at once: each starts from where the one before it ended', async () => {
      const { program, bases } = await world();
      const sets = [
        [share(bases[0].id, '300', 10, 2)],
        [share(bases[1].id, '1', 1, 0), share(bases[2].id, '2', 2, 0)],
        [share(bases[0].id, '3', 3, 0), share(bases[2].id, '4', 4, 0)],
        [share(bases[1].id, '5', 5, 1)],
        [share(bases[0].id, '6', 6, 1), share(bases[1].id, '7', 7, 1), share(bases[2].id, '8', 8, 0)],
        [],
      ];
      const results = await Promise.all(sets.map((allocations) => api().allocate(admin, program.id, { allocations })));
      expect(results.map((r) => r.status)).toEqual(sets.map(() => 200));
      const events = (await auditTrail(t, admin, 'program', program.id)).filter((e) => e.action === 'program.allocate');
      expect(events).toHaveLength(sets.length);
      for (let i = 1; i < events.length; i++) expect(events[i].before).toEqual(events[i - 1].after);
      const final = (await expectOk(api().get(admin, program.id))).body;
      expect({ allocations: final.allocations.map((a: Body) => a.baseId) }).toEqual({
        allocations: (events[events.length - 1].after as { allocations: Body[] }).allocations.map((a) => a.baseId),
      });
    });

    it('answers 422 REFERENCE_INVALID naming each allocation to an unknown or inactive base, and changes nothing', async () => {
      const { program, bases } = await world();
      await expectOk(api().allocate(admin, program.id, { allocations: [share(bases[0].id, '100', 4, 1)] }));
      const state = await allocationState(program.id);
      const closed = await inactiveBase(t, admin);

      const unknown = await api().allocate(admin, program.id, {
        allocations: [share(bases[1].id, '1', 1, 1), share(randomUUID(), '1', 1, 1)],
      });
      const error = expectErrorBody(unknown, 422, 'REFERENCE_INVALID', ['allocations[1].baseId']);
      expect(error.details[0].message).toContain('not a base');

      const inactive = await api().allocate(admin, program.id, { allocations: [share(closed.id, '1', 1, 1)] });
      expect(expectErrorBody(inactive, 422, 'REFERENCE_INVALID', ['allocations[0].baseId']).details[0].message).toContain('inactive');

      const both = await api().allocate(admin, program.id, {
        allocations: [share(closed.id, '1', 1, 1), share(bases[2].id, '1', 1, 1), share(randomUUID(), '1', 1, 1)],
      });
      expectErrorBody(both, 422, 'REFERENCE_INVALID', ['allocations[0].baseId', 'allocations[2].baseId']);
      expect(await allocationState(program.id)).toEqual(state);
    });

    it('answers 400 naming a base allocated twice (in any case of its UUID), and changes nothing', async () => {
      const { program, bases } = await world();
      const state = await allocationState(program.id);
      expectInvalid(
        await api().allocate(admin, program.id, { allocations: [share(bases[0].id, '1', 1, 1), share(bases[0].id, '2', 2, 1)] }),
        'allocations[1].baseId',
      );
      expectInvalid(
        await api().allocate(admin, program.id, {
          allocations: [share(bases[0].id, '1', 1, 1), share(bases[1].id, '1', 1, 1), share(bases[0].id.toUpperCase(), '2', 2, 1)],
        }),
        'allocations[2].baseId',
      );
      expect(await allocationState(program.id)).toEqual(state);
    });

    it('answers 400 when the volume targets add up to more than a bigint of fen holds, and changes nothing', async () => {
      const { program, bases } = await world();
      const state = await allocationState(program.id);
      expectInvalid(
        await api().allocate(admin, program.id, { allocations: [share(bases[0].id, MAX_AMOUNT, 1, 1), share(bases[1].id, '0.01', 1, 1)] }),
        'allocations',
      );
      expect(await allocationState(program.id)).toEqual(state);
    });

    it('answers 404 for an unknown program and 400 naming id for a malformed one', async () => {
      const [base] = await freshBases(t, admin, 1);
      const body = { allocations: [share(base.id, '1', 1, 1)] };
      expectErrorBody(await api().allocate(admin, randomUUID(), body), 404, 'NOT_FOUND', []);
      expectInvalid(await api().allocate(admin, 'not-a-uuid', body), 'id');
      expect(await sql('SELECT count(*)::int AS n FROM program_allocation WHERE base_id = $1', [base.id])).toEqual([{ n: 0 }]);
    });

    describe('refuses malformed input with a 400 naming the field, and changes nothing', () => {
      let program: Body & { id: string };
      let baseId: string;
      let state: { rows: string; events: number };
      beforeAll(async () => {
        const made = await world();
        program = made.program;
        baseId = made.bases[0].id;
        await expectOk(api().allocate(admin, program.id, { allocations: [share(made.bases[1].id, '100', 4, 1)] }));
        state = await allocationState(program.id);
      });
      const one = (patch: Body) => ({ allocations: [{ ...share(baseId, '100', 4, 1), ...patch }] });
      const cases: [string, () => unknown, string[]][] = [
        ['no allocations', () => ({}), ['allocations']],
        ['allocations null', () => ({ allocations: null }), ['allocations']],
        ['allocations as an object', () => ({ allocations: share(baseId, '1', 1, 1) }), ['allocations']],
        ['an allocation that is not an object', () => ({ allocations: ['x'] }), ['allocations.0']],
        ['an unknown field', () => ({ ...one({}), replace: true }), ['replace']],
        ['an unknown field in an allocation', () => one({ note: '两江' }), ['allocations.0.note']],
        ['an allocation without baseId', () => one({ baseId: undefined }), ['allocations.0.baseId']],
        ['a baseId that is no UUID', () => one({ baseId: 'liangjiang' }), ['allocations.0.baseId']],
        ['an allocation without volumeTarget', () => one({ volumeTarget: undefined }), ['allocations.0.volumeTarget']],
        ['an allocation without enterprisesTarget', () => one({ enterprisesTarget: undefined }), ['allocations.0.enterprisesTarget']],
        ['an allocation without majorResultsTarget', () => one({ majorResultsTarget: undefined }), ['allocations.0.majorResultsTarget']],
        ...BAD_AMOUNTS.map(([what, value]): [string, () => unknown, string[]] => [
          `volumeTarget as ${what}`,
          () => one({ volumeTarget: value }),
          ['allocations.0.volumeTarget'],
        ]),
        ...BAD_COUNTS.map(([what, value]): [string, () => unknown, string[]] => [
          `enterprisesTarget as ${what}`,
          () => one({ enterprisesTarget: value }),
          ['allocations.0.enterprisesTarget'],
        ]),
        ...BAD_COUNTS.map(([what, value]): [string, () => unknown, string[]] => [
          `majorResultsTarget as ${what}`,
          () => one({ majorResultsTarget: value }),
          ['allocations.0.majorResultsTarget'],
        ]),
        [
          'more than 200 allocations',
          () => ({ allocations: Array.from({ length: 201 }, () => share(randomUUID(), '1', 1, 1)) }),
          ['allocations'],
        ],
      ];
      it.each(cases)('%s', async (_, make, fields) => {
        expectErrorBody(await api().allocate(admin, program.id, make()), 400, 'VALIDATION_FAILED', fields);
        expect(await allocationState(program.id)).toEqual(state);
      });

      it('answers 400 MALFORMED_JSON and 413 PAYLOAD_TOO_LARGE', async () => {
        const send = (raw: string) =>
          t
            .http()
            .put(`/api/v1/programs/${program.id}/allocations`)
            .set({ authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' })
            .send(raw);
        expectErrorBody(await send('{"allocations": ['), 400, 'MALFORMED_JSON', []);
        const big = JSON.stringify({ allocations: [{ ...share(baseId, '1', 1, 1), padding: 'x'.repeat(1024 * 1024) }] });
        expectErrorBody(await send(big), 413, 'PAYLOAD_TOO_LARGE', []);
        expect(await allocationState(program.id)).toEqual(state);
      });
    });
  });

  describe('who may call', () => {
    let program: Body & { id: string };
    let baseId: string;
    beforeAll(async () => {
      program = await create({ milestones: [] });
      [{ id: baseId }] = await freshBases(t, admin, 1);
    });
    const who = (name: 'anonymous' | 'enterprise' | 'institute' | 'operator'): Session | null =>
      ({ anonymous: null, enterprise, institute, operator })[name];
    const share = (id: string) => ({ baseId: id, volumeTarget: '1.00', enterprisesTarget: 1, majorResultsTarget: 1 });

    it.each([
      ['anonymous', 401, 'UNAUTHENTICATED'],
      ['enterprise', 403, 'FORBIDDEN'],
      ['institute', 403, 'FORBIDDEN'],
    ] as const)('refuses %s the reads with %d', async (name, status, code) => {
      expectErrorBody(await api().list(who(name)), status, code, []);
      expectErrorBody(await api().get(who(name), program.id), status, code, []);
    });

    it('lets operators and admins read', async () => {
      for (const session of [operator, admin]) {
        await expectOk(api().list(session));
        expect((await expectOk(api().get(session, program.id))).body.id).toBe(program.id);
      }
    });

    it.each([
      ['anonymous', 401, 'UNAUTHENTICATED'],
      ['enterprise', 403, 'FORBIDDEN'],
      ['institute', 403, 'FORBIDDEN'],
      ['operator', 403, 'FORBIDDEN'],
    ] as const)('refuses %s the writes with %d, and writes nothing', async (name, status, code) => {
      const body = programBody();
      expectErrorBody(await api().create(who(name), body), status, code, []);
      expect(await tracesOf(body)).toEqual({ programs: 0, milestones: 0, events: 0 });

      const state = await allocationState(program.id);
      const res = await api().allocate(who(name), program.id, { allocations: [share(baseId)] });
      expectErrorBody(res, status, code, []);
      expect(await allocationState(program.id)).toEqual(state);
    });

    it('refuses a bad token with 401', async () => {
      const res = await t.http().get('/api/v1/programs').set({ authorization: 'Bearer not.a.token' });
      expectErrorBody(res, 401, 'UNAUTHENTICATED', []);
    });
  });
});
