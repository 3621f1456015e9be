/** Helpers shared by the catalog e2e suites (not a suite itself): bodies, fixtures through HTTP, audit reads. */
import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import { addYears, platformDate } from '#yizhi/core';
// The check-character rule is not part of the catalog's public surface (#yizhi/catalog).
// eslint-disable-next-line no-restricted-imports
import { patentCheckChar } from '../../libs/catalog/src/patents/patent-number.js';
import type { TestApp } from '../support/app.js';

export { patentCheckChar };
import { expectErrorBody } from '../support/errors.js';
import { bearer, sql, type Session } from '../support/factories.js';

export type Body = Record<string, unknown>;
export type Kind = 'listing' | 'need';

export const API = '/api/v1';
export const BODY_LIMIT = 1024 * 1024;

/** A short random Latin tag, for titles and regions no other suite uses. */
export const tag = () => randomUUID().replace(/-/g, '').slice(0, 10);

/** Today in Chongqing, and dates around it, as the API judges validUntil. */
export const today = () => platformDate();
export function daysFromToday(days: number): string {
  const date = new Date(`${today()}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
export const yearsFrom = (date: string, years: number) => addYears(date, years);

/** A CN application number of the current form (year, type, 7-digit serial) with its check character. */
export function validPatentNumber(year = 2021, type = 1, serial = Math.floor(Math.random() * 10_000_000)): string {
  const digits = `${year}${type}${String(serial).padStart(7, '0')}`;
  return `${digits}.${patentCheckChar(digits)}`;
}

/** The same number with any other check character. */
export function wrongCheckPatentNumber(valid: string): string {
  const [digits, check] = valid.split('.');
  const wrong = '0123456789X'.split('').find((c) => c !== check)!;
  return `${digits}.${wrong}`;
}

export function listingBody(overrides: Body = {}): Body {
  return {
    title: `碳化硅功率模块封装技术${tag()}`,
    summary: '采用银烧结与铜线键合的碳化硅功率模块封装工艺，模块热阻降低30%，可在175℃下长期工作，适用于新能源汽车电驱系统。',
    field: 'materials',
    keywords: ['碳化硅', '功率模块'],
    maturity: 6,
    transferModes: ['transfer', 'license'],
    askingPrice: '1500000',
    patentNumbers: [validPatentNumber()],
    contact: { name: '王老师', phone: '023-68888888', email: 'tech-transfer@example.edu.cn' },
    region: '重庆市沙坪坝区',
    ...overrides,
  };
}

export function needBody(overrides: Body = {}): Body {
  return {
    title: `高精度MEMS压力传感器国产化需求${tag()}`,
    description: '我公司需要一种量程0～10MPa、精度优于0.1%FS的MEMS压力传感器芯片及封装方案，用于工业过程控制。',
    field: 'sensors',
    keywords: ['MEMS', '压力传感器'],
    budgetMin: '500000',
    budgetMax: '2000000',
    deadline: daysFromToday(400),
    contact: { name: '张经理', phone: '13800000000' },
    region: '重庆市渝北区',
    ...overrides,
  };
}

const plural = (kind: Kind) => (kind === 'listing' ? 'listings' : 'needs');
export const pathOf = (kind: Kind, id?: string, action?: string) =>
  `${API}/${plural(kind)}${id ? `/${id}` : ''}${action ? `/${action}` : ''}`;

/** Thin HTTP wrappers that return the response, for the caller to assert on. */
export function catalog(t: TestApp, kind: Kind) {
  const auth = (session?: Session) => (session ? bearer(session) : {});
  return {
    create: (session: Session | undefined, body: Body) => t.http().post(pathOf(kind)).set(auth(session)).send(body),
    patch: (session: Session | undefined, id: string, body: Body) => t.http().patch(pathOf(kind, id)).set(auth(session)).send(body),
    act: (session: Session | undefined, id: string, action: string, body?: Body) => {
      const req = t
        .http()
        .post(pathOf(kind, id, action))
        .set(auth(session));
      return body === undefined ? req : req.send(body);
    },
    review: (session: Session | undefined, id: string, body: Body) =>
      t
        .http()
        .post(pathOf(kind, id, 'review'))
        .set(auth(session))
        .send(body),
    get: (session: Session | undefined, id: string) => t.http().get(pathOf(kind, id)).set(auth(session)),
    search: (session: Session | undefined, query: Record<string, string | number | boolean>) =>
      t.http().get(pathOf(kind)).query(query).set(auth(session)),
  };
}

/** Creates a draft and expects 201. */
export async function createDraft(t: TestApp, kind: Kind, owner: Session, overrides: Body = {}): Promise<Body & { id: string }> {
  const body = kind === 'listing' ? listingBody(overrides) : needBody(overrides);
  const res = await catalog(t, kind).create(owner, body);
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  return res.body;
}

/** Draft → submit → approve, as the owner and the admin; returns the published view. */
export async function publish(
  t: TestApp,
  kind: Kind,
  owner: Session,
  admin: Session,
  overrides: Body = {},
  review: Body = {},
): Promise<Body & { id: string }> {
  const draft = await createDraft(t, kind, owner, overrides);
  await expectOk(catalog(t, kind).act(owner, draft.id, 'submit'));
  return (await expectOk(catalog(t, kind).review(admin, draft.id, { decision: 'approve', ...review }))).body;
}

/** Expects a 2xx, showing the body when it is not. */
export async function expectOk(pending: PromiseLike<Response>, status = 200): Promise<Response> {
  const res = await pending;
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  return res;
}

/** 422 ILLEGAL_TRANSITION whose message names the current state. */
export function expectIllegal(res: Response, current: string): void {
  const body = expectErrorBody(res, 422, 'ILLEGAL_TRANSITION');
  expect(body.message).toContain(`is ${current}`);
}

/** 400 VALIDATION_FAILED naming exactly these fields. */
export function expectInvalid(res: Response, ...fields: string[]): void {
  expectErrorBody(res, 400, 'VALIDATION_FAILED', fields);
}

export interface AuditEvent {
  seq: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: { status?: string; [key: string]: unknown } | null;
  after: { status?: string; [key: string]: unknown } | null;
}

/** One entity's audit events through GET /audit, oldest first (the route lists newest first). */
export async function auditTrail(t: TestApp, admin: Session, entity: string, entityId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const res: Response = await t
      .http()
      .get(`${API}/audit`)
      .query({ entity, entityId, limit: 100, ...(cursor ? { cursor } : {}) })
      .set(bearer(admin));
    expect(res.status).toBe(200);
    events.push(...(res.body.items as AuditEvent[]));
    cursor = res.body.nextCursor;
  } while (cursor);
  return events.reverse();
}

/** [action, before status, after status] of each event, oldest first. */
export const transitions = (events: AuditEvent[]) => events.map((e) => [e.action, e.before?.status ?? null, e.after?.status ?? null]);

/** How many audit events an entity has, straight from the table. */
export async function auditCount(entityId: string): Promise<number> {
  const [row] = await sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_event WHERE entity_id = $1', [entityId]);
  return row.n;
}

/** The stored row, whole, to prove a refused write changed nothing. */
export async function storedRow(kind: Kind, id: string): Promise<string | undefined> {
  const [row] = await sql<{ row: string }>(`SELECT row_to_json(c)::text AS row FROM ${kind} c WHERE id = $1`, [id]);
  return row?.row;
}

export async function rowsTitled(kind: Kind, title: string): Promise<number> {
  const [row] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${kind} WHERE title = $1`, [title]);
  return row.n;
}
