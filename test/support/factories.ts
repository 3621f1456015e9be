import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { creditCodeCheckChar, orgCodeCheckChar } from '#yizhi/identity';
import type { TestApp } from './app.js';

const ORG_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Real, published credit codes (they pass both checks); use them where a "real" code matters. */
export const REAL_CREDIT_CODES = ['914403001922038216', '9144030071526726XG', '91330100716105852F', '91110000802100433B'] as const;

/** A fresh, valid credit code (by default a Chongqing company: 91, 500000), both check characters computed. */
export function validCreditCode(kind = '91', division = '500000'): string {
  let body = '';
  for (let i = 0; i < 8; i++) body += ORG_CODE_ALPHABET[Math.floor(Math.random() * ORG_CODE_ALPHABET.length)];
  const first17 = `${kind}${division}${body}${orgCodeCheckChar(body)}`;
  return first17 + creditCodeCheckChar(first17);
}

export const uniqueEmail = (label = 'user') => `${label}.${randomUUID().slice(0, 8)}@example.cn`;

/** Each test that logs in from its own address keeps clear of the per-IP login throttle. */
export const randomIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

export const PASSWORD = 'correct-horse-battery';

export interface RegisterBody {
  email: string;
  password: string;
  displayName: string;
  organization: { name: string; kind: 'enterprise' | 'institute'; creditCode: string; region: string };
}

export function registerBody(kind: 'enterprise' | 'institute' = 'enterprise', overrides: Partial<RegisterBody> = {}): RegisterBody {
  return {
    email: uniqueEmail(kind),
    password: PASSWORD,
    displayName: kind === 'enterprise' ? '张伟' : '李娜',
    organization: {
      name:
        kind === 'enterprise'
          ? `重庆碳化硅功率器件有限公司${randomUUID().slice(0, 4)}`
          : `重庆大学先进材料研究院${randomUUID().slice(0, 4)}`,
      kind,
      creditCode: validCreditCode(),
      region: '重庆市渝北区',
    },
    ...overrides,
  };
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  userId: string;
  organizationId: string | null;
  baseId: string | null;
  email: string;
}

export async function login(t: TestApp, email: string, password: string): Promise<Session> {
  const res = await t.http().post('/api/v1/auth/login').set('x-forwarded-for', randomIp()).send({ email, password }).expect(200);
  const me = await t.http().get('/api/v1/auth/me').set('authorization', `Bearer ${res.body.accessToken}`).expect(200);
  return {
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
    userId: me.body.id,
    organizationId: me.body.organizationId,
    baseId: me.body.baseId,
    email,
  };
}

/** Registers an organisation and its first user, and signs that user in. */
export async function registerAndLogin(t: TestApp, kind: 'enterprise' | 'institute' = 'enterprise'): Promise<Session> {
  const body = registerBody(kind);
  await t.http().post('/api/v1/auth/register').send(body).expect(201);
  return login(t, body.email, body.password);
}

/** The bootstrap admin the seed created from ADMIN_EMAIL / ADMIN_PASSWORD. */
export function loginAdmin(t: TestApp): Promise<Session> {
  return login(t, process.env.ADMIN_EMAIL!, process.env.ADMIN_PASSWORD!);
}

/** An operator of the given base (default: the first seeded base), created by the admin. */
export async function createOperator(t: TestApp, admin: Session, baseId?: string): Promise<Session> {
  const base = baseId ?? (await t.http().get('/api/v1/bases').expect(200)).body.items[0].id;
  const email = uniqueEmail('operator');
  await t
    .http()
    .post('/api/v1/users')
    .set('authorization', `Bearer ${admin.accessToken}`)
    .send({ email, password: PASSWORD, displayName: '王芳', role: 'operator', baseId: base })
    .expect(201);
  return login(t, email, PASSWORD);
}

export const bearer = (session: Session) => ({ authorization: `Bearer ${session.accessToken}` });

/** Direct SQL on the test database, to check what was (not) written. */
export async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}
