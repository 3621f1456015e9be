/** Helpers shared by the lead e2e suites (not a suite itself): people in a region, bases, listings, interest, audit reads. */
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import type { TestApp } from '../support/app.js';
import { bearer, createOperator, login, registerBody, sql, type Session } from '../support/factories.js';
import { auditTrail, expectOk, publish, type AuditEvent, type Body } from '../catalog/helpers.js';

export { expectOk, type Body };

export const API = '/api/v1';

/** A short random Latin tag, for codes and districts no other suite uses. */
export const tag = () => randomUUID().replace(/-/g, '').slice(0, 10);

export const auth = (session?: Session) => (session ? bearer(session) : {});

/** Registers an organisation whose region is `region` and signs its first user in. */
export async function registerIn(t: TestApp, kind: 'enterprise' | 'institute', region: string): Promise<Session> {
  const body = registerBody(kind);
  body.organization.region = region;
  await expectOk(t.http().post(`${API}/auth/register`).send(body), 201);
  return login(t, body.email, body.password);
}

export async function baseIdOf(code: string): Promise<string> {
  const [row] = await sql<{ id: string }>('SELECT id FROM base WHERE code = $1', [code]);
  if (!row) throw new Error(`no base ${code}`);
  return row.id;
}

/** A fresh branch base serving a district no other base or suite has: its leads and operators are this test's alone. */
export async function freshBase(t: TestApp, admin: Session): Promise<{ id: string; code: string; district: string; region: string }> {
  const suffix = tag();
  const district = `测试${suffix}区`;
  const res = await expectOk(
    t
      .http()
      .post(`${API}/bases`)
      .set(bearer(admin))
      .send({ code: `branch-test-${suffix}`, name: `易智网测试${suffix}分基地`, kind: 'branch', province: '重庆', city: '重庆', district }),
    201,
  );
  return { id: res.body.id, code: res.body.code, district, region: `重庆市${district}` };
}

/** `count` operators of the base, created one after another (so their creation order is the array's). */
export async function operatorsOf(t: TestApp, admin: Session, baseId: string, count: number): Promise<Session[]> {
  const operators: Session[] = [];
  for (let i = 0; i < count; i++) operators.push(await createOperator(t, admin, baseId));
  return operators;
}

export function publishListing(t: TestApp, institute: Session, admin: Session, overrides: Body = {}): Promise<Body & { id: string }> {
  return publish(t, 'listing', institute, admin, overrides);
}

export function publishNeed(t: TestApp, enterprise: Session, admin: Session, overrides: Body = {}): Promise<Body & { id: string }> {
  return publish(t, 'need', enterprise, admin, overrides);
}

export const interestBody = (overrides: Body = {}): Body => ({
  message: '我公司正在开发新能源汽车电驱系统，希望就该成果的许可方式与贵院洽谈。',
  ...overrides,
});

/** Thin HTTP wrappers that return the response, for the caller to assert on. */
export function leads(t: TestApp) {
  return {
    express: (session: Session | undefined, listingId: string, body: Body = interestBody()) =>
      t.http().post(`${API}/listings/${listingId}/interest`).set(auth(session)).send(body),
    get: (session: Session | undefined, id: string) => t.http().get(`${API}/leads/${id}`).set(auth(session)),
    list: (session: Session | undefined, query: Record<string, string | number | boolean> = {}) =>
      t.http().get(`${API}/leads`).query(query).set(auth(session)),
    patch: (session: Session | undefined, id: string, body: Body) => t.http().patch(`${API}/leads/${id}`).set(auth(session)).send(body),
  };
}

export interface LeadBody {
  id: string;
  listingId: string;
  needId: string | null;
  enterpriseOrganizationId: string;
  ownerOrganizationId: string;
  baseId: string;
  operatorId: string | null;
  status: string;
  message: string;
  closeReason: string | null;
  dealId: string | null;
  overdue: boolean;
  lastActivityAt: string;
  createdAt: string;
  notes?: { id: string; authorId: string; body: string; createdAt: string }[] | null;
}

/** Expresses interest and expects 201; returns the lead. */
export async function expressOk(t: TestApp, enterprise: Session, listingId: string, body: Body = interestBody()): Promise<LeadBody> {
  return (await expectOk(leads(t).express(enterprise, listingId, body), 201)).body;
}

/** Every lead a caller's GET /leads lists with this query, following the cursors. */
export async function listAll(t: TestApp, session: Session, query: Record<string, string | number | boolean> = {}): Promise<LeadBody[]> {
  const items: LeadBody[] = [];
  let cursor: string | null = null;
  do {
    const res: Response = await expectOk(leads(t).list(session, { limit: 100, ...query, ...(cursor ? { cursor } : {}) }));
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

export { expectIllegal, expectInvalid, type AuditEvent } from '../catalog/helpers.js';

/** A lead's audit events through GET /audit, oldest first. */
export const leadAudit = (t: TestApp, admin: Session, leadId: string): Promise<AuditEvent[]> => auditTrail(t, admin, 'lead', leadId);

/** What a refused write must leave as it was: the lead's row, its notes and its audit trail. */
export async function leadState(id: string): Promise<string> {
  const [row] = await sql<{ state: string }>(
    `SELECT json_build_array(
       (SELECT row_to_json(l) FROM lead l WHERE l.id = $1::uuid),
       (SELECT count(*) FROM lead_note WHERE lead_id = $1::uuid),
       (SELECT count(*) FROM audit_event WHERE entity = 'lead' AND entity_id = $1::text)
     )::text AS state`,
    [id],
  );
  return row.state;
}

/** Leads, and lead audit events, of one listing: a refused interest must add neither. */
export async function leadsOfListing(listingId: string): Promise<{ rows: number; events: number }> {
  const [row] = await sql<{ rows: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM lead WHERE listing_id = $1::uuid) AS rows,
            (SELECT count(*)::int FROM audit_event WHERE entity = 'lead' AND after->>'listingId' = $1::text) AS events`,
    [listingId],
  );
  return row;
}
