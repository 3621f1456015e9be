import argon2 from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runSeed } from '../../apps/api/src/cli/run-seed.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { sql } from '../support/factories.js';

const SEEDED_BASE_CODES = [
  'online',
  'liangjiang',
  'gaoxin',
  ...['wanzhou', 'fuling', 'yongchuan', 'hechuan', 'jiangjin', 'bishan', 'changshou', 'rongchang', 'dazu', 'qianjiang'].map(
    (c) => `branch-${c}`,
  ),
  ...['chengdu', 'mianyang', 'deyang', 'yibin', 'luzhou', 'suining', 'nanchong'].map((c) => `branch-${c}`),
];

/**
 * Every column of the seeded rows, as PostgreSQL prints them (timestamps to the microsecond).
 * Bases are limited to the seeded codes: other suites create their own bases meanwhile.
 */
async function snapshot(): Promise<Record<string, string[]>> {
  const rows = async (query: string, params: unknown[] = []) => (await sql<{ row: string }>(query, params)).map((r) => r.row);
  return {
    base: await rows('SELECT row_to_json(b)::text AS row FROM base b WHERE code = ANY($1) ORDER BY code', [SEEDED_BASE_CODES]),
    field: await rows('SELECT row_to_json(f)::text AS row FROM field f ORDER BY code'),
    program: await rows('SELECT row_to_json(p)::text AS row FROM program p ORDER BY code'),
  };
}

describe('seed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(); // migrates and seeds this run's database once
  });
  afterAll(() => t.close());

  it('has seeded the 20 bases, the 17 fields, the program and the admin', async () => {
    const snap = await snapshot();
    expect(snap.base).toHaveLength(20);
    expect(snap.field).toHaveLength(17);
    expect(snap.program.length).toBeGreaterThanOrEqual(1);
    expect(await sql('SELECT count(*)::int AS n FROM "user" WHERE email = $1', [process.env.ADMIN_EMAIL])).toEqual([{ n: 1 }]);
  });

  it('inserts nothing when run again, and leaves every seeded row as it was', async () => {
    const before = await snapshot();
    const report = await runSeed();
    expect(report).toEqual({ bases: 0, fields: 0, programs: 0, admin: false });
    expect(await snapshot()).toEqual(before);
    expect(await sql('SELECT count(*)::int AS n FROM "user" WHERE email = $1', [process.env.ADMIN_EMAIL])).toEqual([{ n: 1 }]);
  });

  it("never overwrites an admin's edit to a seeded base", async () => {
    const [{ address }] = await sql<{ address: string | null }>('SELECT address FROM base WHERE code = $1', ['branch-nanchong']);
    try {
      await sql('UPDATE base SET address = $2 WHERE code = $1', ['branch-nanchong', '南充市顺庆区（管理员所改）']);
      expect(await runSeed()).toMatchObject({ bases: 0 });
      expect(await sql('SELECT address FROM base WHERE code = $1', ['branch-nanchong'])).toEqual([
        { address: '南充市顺庆区（管理员所改）' },
      ]);
    } finally {
      await sql('UPDATE base SET address = $2 WHERE code = $1', ['branch-nanchong', address]);
    }
  });

  it('seeds the five-year program 2021-2026 with its three targets', async () => {
    const rows = await sql(
      `SELECT code, starts_on::text AS starts_on, ends_on::text AS ends_on, volume_target::text AS volume_target,
              volume_measure::text AS volume_measure, enterprises_target, major_results_target
         FROM program WHERE code = '2021-2026'`,
    );
    expect(rows).toEqual([
      {
        code: '2021-2026',
        starts_on: '2021-06-01',
        ends_on: '2026-05-31',
        volume_target: '3000000000000', // fen: 30,000,000,000.00 yuan (300亿元)
        volume_measure: 'techTransactionAmount',
        enterprises_target: 15000,
        major_results_target: 100,
      },
    ]);
  });

  it('creates the bootstrap admin with role admin and an argon2id hash of ADMIN_PASSWORD', async () => {
    const rows = await sql<{ role: string; password_hash: string; organization_id: string | null; base_id: string | null }>(
      'SELECT role::text AS role, password_hash, organization_id, base_id FROM "user" WHERE email = $1',
      [process.env.ADMIN_EMAIL],
    );
    expect(rows).toHaveLength(1);
    const [admin] = rows;
    expect(admin).toMatchObject({ role: 'admin', organization_id: null, base_id: null });
    expect(admin.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(admin.password_hash).not.toContain(process.env.ADMIN_PASSWORD!);
    expect(await argon2.verify(admin.password_hash, process.env.ADMIN_PASSWORD!)).toBe(true);
    expect(await argon2.verify(admin.password_hash, 'not-the-admin-password')).toBe(false);
  });
});
