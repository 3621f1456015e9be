/** Helpers of the program e2e suite (not a suite itself): plan bodies on dates of their own, HTTP wrappers, stored state. */
import { randomUUID } from 'node:crypto';
import type { TestApp } from '../support/app.js';
import { bearer, sql, type Session } from '../support/factories.js';
import { expectOk, type Body } from '../catalog/helpers.js';
import { freshBase } from '../leads/helpers.js';

export { expectOk, type Body };

export const API = '/api/v1';

export const tag = () => randomUUID().replace(/-/g, '').slice(0, 10);

/**
 * Programs may not overlap, and the database is shared with the other suites: each plan here
 * takes six years of its own, far from the seeded 2021–2026, from a starting year drawn per run.
 */
let nextYear = 2100 + 10 * Math.floor(Math.random() * 600);
export function span(years = 5): { startsOn: string; endsOn: string } {
  const first = nextYear;
  nextYear += years + 1;
  return { startsOn: `${first}-06-01`, endsOn: `${first + years}-05-31` };
}

/** The day after / before a YYYY-MM-DD date. */
export function shiftDay(date: string, days: number): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** A valid POST /programs body on dates of its own: 300亿 / 15,000 / 100 with three yearly milestones. */
export function programBody(overrides: Body = {}): Body & { code: string; startsOn: string; endsOn: string } {
  const { startsOn, endsOn } = span();
  const year = Number(startsOn.slice(0, 4));
  return {
    code: `e2e-${tag()}`,
    name: `易智网五年目标（${year}—${year + 5}）`,
    startsOn,
    endsOn,
    volumeTarget: '30000000000.00',
    enterprisesTarget: 15000,
    majorResultsTarget: 100,
    milestones: [
      { yearEnd: `${year + 1}-05-31`, volumeTarget: '4000000000', enterprisesTarget: 2000, majorResultsTarget: 10 },
      { yearEnd: `${year + 3}-05-31`, volumeTarget: '16000000000.5', enterprisesTarget: 8000, majorResultsTarget: 50 },
      { yearEnd: `${year + 5}-05-31`, volumeTarget: '30000000000.00', enterprisesTarget: 15000, majorResultsTarget: 100 },
    ],
    ...overrides,
  } as Body & { code: string; startsOn: string; endsOn: string };
}

/** Thin HTTP wrappers that return the response, for the caller to assert on. */
export function programs(t: TestApp) {
  const auth = (session?: Session | null) => (session ? bearer(session) : {});
  return {
    list: (session: Session | null, query: Record<string, string | number> = {}) =>
      t.http().get(`${API}/programs`).query(query).set(auth(session)),
    get: (session: Session | null, id: string) => t.http().get(`${API}/programs/${id}`).set(auth(session)),
    create: (session: Session | null, body: unknown) =>
      t
        .http()
        .post(`${API}/programs`)
        .set(auth(session))
        .send(body as object),
    allocate: (session: Session | null, id: string, body: unknown) =>
      t
        .http()
        .put(`${API}/programs/${id}/allocations`)
        .set(auth(session))
        .send(body as object),
  };
}

/** `count` fresh active bases of this test alone, in their listing order (all branch bases: by code). */
export async function freshBases(t: TestApp, admin: Session, count: number): Promise<{ id: string; code: string; name: string }[]> {
  const bases: { id: string; code: string; name: string }[] = [];
  for (let i = 0; i < count; i++) {
    const base = await freshBase(t, admin);
    const [row] = await sql<{ name: string }>('SELECT name FROM base WHERE id = $1', [base.id]);
    bases.push({ id: base.id, code: base.code, name: row.name });
  }
  return bases.sort((a, b) => (a.code < b.code ? -1 : 1));
}

/** An inactive base. */
export async function inactiveBase(t: TestApp, admin: Session): Promise<{ id: string }> {
  const suffix = tag();
  const res = await expectOk(
    t
      .http()
      .post(`${API}/bases`)
      .set(bearer(admin))
      .send({
        code: `branch-closed-${suffix}`,
        name: `易智网停用${suffix}分基地`,
        kind: 'branch',
        province: '四川',
        city: '乐山',
        active: false,
      }),
    201,
  );
  return { id: res.body.id };
}

/** Programs, milestones and audit events a POST with this code (or on these dates) left behind: all zero when it was refused. */
export async function tracesOf(body: { code?: unknown; startsOn?: unknown; endsOn?: unknown }): Promise<Record<string, number>> {
  const code = typeof body.code === 'string' ? body.code : '-';
  const [row] = await sql<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM program WHERE code = $1) AS programs,
            (SELECT count(*)::int FROM program_milestone m JOIN program p ON p.id = m.program_id WHERE p.code = $1) AS milestones,
            (SELECT count(*)::int FROM audit_event WHERE entity = 'program' AND "after"->>'code' = $1) AS events`,
    [code],
  );
  return row;
}

/** A program's stored allocations as text, and its audit events: what a refused PUT must leave as it was. */
export async function allocationState(programId: string): Promise<{ rows: string; events: number }> {
  const [row] = await sql<{ rows: string; events: number }>(
    `SELECT coalesce((SELECT json_agg(a ORDER BY a.base_id)::text FROM program_allocation a WHERE a.program_id = $1), '[]') AS rows,
            (SELECT count(*)::int FROM audit_event WHERE entity = 'program' AND entity_id = $1::text) AS events`,
    [programId],
  );
  return row;
}
