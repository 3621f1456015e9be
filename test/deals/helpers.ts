/** Helpers shared by the deal e2e suites (not a suite itself): a base with its people, deal bodies, HTTP wrappers, ledger reads. */
import { randomUUID } from 'node:crypto';
import type { TestApp } from '../support/app.js';
import { createOperator, registerAndLogin, sql, type Session } from '../support/factories.js';
import { expectOk, type Body } from '../catalog/helpers.js';
import { auth, freshBase } from '../leads/helpers.js';

export { expectOk, type Body };

export const API = '/api/v1';

/** A registration number (登记编号) no other deal has: 20 digits and capitals. */
export const registrationNo = () => `2026${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;

/** A base of this test alone, two of its operators, and a seller institute and a buyer enterprise. */
export interface DealWorld {
  baseId: string;
  operator: Session;
  colleague: Session;
  seller: Session;
  buyer: Session;
}

export async function dealWorld(t: TestApp, admin: Session): Promise<DealWorld> {
  const base = await freshBase(t, admin);
  const [operator, colleague, seller, buyer] = await Promise.all([
    createOperator(t, admin, base.id),
    createOperator(t, admin, base.id),
    registerAndLogin(t, 'institute'),
    registerAndLogin(t, 'enterprise'),
  ]);
  return { baseId: base.id, operator, colleague, seller, buyer };
}

/** A valid POST /deals body between the world's parties at its base. */
export function dealBody(world: DealWorld, overrides: Body = {}): Body {
  return {
    baseId: world.baseId,
    sellerOrgId: world.seller.organizationId,
    buyerOrgId: world.buyer.organizationId,
    title: '碳化硅功率模块封装技术许可合同',
    category: 'licence',
    field: 'ic',
    contractAmount: '1500000.00',
    techTransactionAmount: '1200000.00',
    serviceFee: '30000',
    signedAt: '2026-05-01',
    ...overrides,
  };
}

/** Thin HTTP wrappers that return the response, for the caller to assert on. */
export function deals(t: TestApp) {
  return {
    create: (session: Session | undefined, body: Body, headers: Record<string, string> = {}) =>
      t.http().post(`${API}/deals`).set(auth(session)).set(headers).send(body),
    get: (session: Session | undefined, id: string) => t.http().get(`${API}/deals/${id}`).set(auth(session)),
    list: (session: Session | undefined, query: Record<string, string | number | boolean> = {}) =>
      t.http().get(`${API}/deals`).query(query).set(auth(session)),
    patch: (session: Session | undefined, id: string, body: Body, version?: number | string) =>
      t
        .http()
        .patch(`${API}/deals/${id}`)
        .set(auth(session))
        .set(version === undefined ? {} : { 'if-match': typeof version === 'number' ? `"${version}"` : version })
        .send(body),
    transition: (session: Session | undefined, id: string, to: unknown) =>
      t.http().post(`${API}/deals/${id}/transition`).set(auth(session)).send({ to }),
    verify: (session: Session | undefined, id: string, body: Body) =>
      t.http().post(`${API}/deals/${id}/verify`).set(auth(session)).send(body),
    adjust: (session: Session | undefined, id: string, body: Body) =>
      t.http().post(`${API}/deals/${id}/adjustments`).set(auth(session)).send(body),
    pay: (session: Session | undefined, id: string, body: Body, headers: Record<string, string> = {}) =>
      t.http().post(`${API}/deals/${id}/payments`).set(auth(session)).set(headers).send(body),
  };
}

/** Creates a deal through the API (as the world's operator) and moves it to `status` along the legal path. */
export async function dealIn(
  t: TestApp,
  world: DealWorld,
  status: string,
  overrides: Body = {},
): Promise<Body & { id: string; version: number }> {
  const api = deals(t);
  let deal = (await expectOk(api.create(world.operator, dealBody(world, { registrationNo: registrationNo(), ...overrides }), {}), 201))
    .body;
  const path =
    status === 'cancelled'
      ? ['cancelled']
      : ['signed', 'registered', 'completed'].slice(0, ['draft', 'signed', 'registered', 'completed'].indexOf(status));
  for (const to of path) deal = (await expectOk(api.transition(world.operator, deal.id, to))).body;
  return deal;
}

/** The stored deal row as text, to prove a refused request changed nothing. */
export async function dealRow(id: string): Promise<string | null> {
  const [row] = await sql<{ row: string }>('SELECT d::text AS row FROM deal d WHERE id = $1', [id]);
  return row?.row ?? null;
}

export const dealCount = async (where = 'true', params: unknown[] = []) =>
  (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM deal WHERE ${where}`, params))[0].n;

export const paymentCount = async (dealId: string) =>
  (await sql<{ n: number }>('SELECT count(*)::int AS n FROM deal_payment WHERE deal_id = $1', [dealId]))[0].n;
