import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, createOperator, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import { expectError, expectValidation } from './helpers.js';

const orgPath = (id: string) => `/api/v1/organizations/${id}`;

async function orgRow(id: string) {
  const [row] = await sql<{ status: string; status_reason: string | null; verified_at: Date | null }>(
    'SELECT status, status_reason, verified_at FROM organization WHERE id = $1',
    [id],
  );
  return row;
}

describe('organizations', () => {
  let t: TestApp;
  let admin: Session;
  let operator: Session;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    operator = await createOperator(t, admin);
  });
  afterAll(() => t.close());

  describe('GET /organizations/:id', () => {
    it('lets a member read their own organization', async () => {
      const member = await registerAndLogin(t);
      const res = await t.http().get(orgPath(member.organizationId!)).set(bearer(member)).expect(200);
      expect(res.body).toEqual({
        id: member.organizationId,
        name: expect.stringContaining('重庆'),
        kind: 'enterprise',
        creditCode: expect.stringMatching(/^[0-9A-Z]{18}$/),
        region: '重庆市渝北区',
        status: 'pending',
        statusReason: null,
        relatedPartyGroup: null,
        verifiedAt: null,
        createdAt: expect.any(String),
      });
      expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
    });

    it('lets an institute member read their own institute', async () => {
      const member = await registerAndLogin(t, 'institute');
      const res = await t.http().get(orgPath(member.organizationId!)).set(bearer(member)).expect(200);
      expect(res.body).toMatchObject({ id: member.organizationId, kind: 'institute' });
    });

    it("answers 404, not 403, when an enterprise reads another's organization", async () => {
      const owner = await registerAndLogin(t);
      const stranger = await registerAndLogin(t);
      const res = await t.http().get(orgPath(owner.organizationId!)).set(bearer(stranger)).expect(404);
      expectError(res, 404, 'NOT_FOUND');

      const missing = await t.http().get(orgPath(randomUUID())).set(bearer(stranger)).expect(404);
      expect(missing.body.code).toBe(res.body.code);
    });

    it('answers 404 to an institute and an operator too', async () => {
      const owner = await registerAndLogin(t);
      const institute = await registerAndLogin(t, 'institute');
      expectError(await t.http().get(orgPath(owner.organizationId!)).set(bearer(institute)).expect(404), 404, 'NOT_FOUND');
      expectError(await t.http().get(orgPath(owner.organizationId!)).set(bearer(operator)).expect(404), 404, 'NOT_FOUND');
    });

    it('lets an admin read any organization, and gives 404 for one that does not exist', async () => {
      const owner = await registerAndLogin(t);
      const res = await t.http().get(orgPath(owner.organizationId!)).set(bearer(admin)).expect(200);
      expect(res.body).toMatchObject({ id: owner.organizationId, status: 'pending' });
      expectError(await t.http().get(orgPath(randomUUID())).set(bearer(admin)).expect(404), 404, 'NOT_FOUND');
    });

    it('refuses a malformed id with 400 naming id', async () => {
      for (const id of ['not-a-uuid', '123', `${randomUUID()}x`]) {
        const res = await t.http().get(orgPath(id)).set(bearer(admin)).expect(400);
        expectValidation(res, 'id');
      }
    });

    it('refuses an anonymous caller with 401', async () => {
      const owner = await registerAndLogin(t);
      expectError(await t.http().get(orgPath(owner.organizationId!)).expect(401), 401, 'UNAUTHENTICATED');
    });
  });

  describe('POST /organizations/:id/verify', () => {
    const verify = (session: Session | null, id: string, body: object) => {
      const req = t.http().post(`${orgPath(id)}/verify`);
      return (session ? req.set(bearer(session)) : req).send(body);
    };

    it('lets an admin verify a pending organization: status verified, verifiedAt set', async () => {
      const member = await registerAndLogin(t);
      const before = Date.now();
      const res = await verify(admin, member.organizationId!, { decision: 'verified', reason: '资料齐全' }).expect(200);
      expect(res.body).toMatchObject({ id: member.organizationId, status: 'verified', statusReason: '资料齐全' });
      expect(Date.parse(res.body.verifiedAt)).toBeGreaterThanOrEqual(before - 5_000);

      const row = await orgRow(member.organizationId!);
      expect(row.status).toBe('verified');
      expect(row.verified_at).toBeInstanceOf(Date);

      const seen = await t.http().get(orgPath(member.organizationId!)).set(bearer(member)).expect(200);
      expect(seen.body).toMatchObject({ status: 'verified', verifiedAt: res.body.verifiedAt });
    });

    it('accepts a verification without a reason', async () => {
      const member = await registerAndLogin(t);
      const res = await verify(admin, member.organizationId!, { decision: 'verified' }).expect(200);
      expect(res.body).toMatchObject({ status: 'verified', statusReason: null });
    });

    it('lets an admin reject with a reason: status rejected, no verifiedAt', async () => {
      const member = await registerAndLogin(t, 'institute');
      const res = await verify(admin, member.organizationId!, { decision: 'rejected', reason: '信用代码与名称不符' }).expect(200);
      expect(res.body).toMatchObject({ status: 'rejected', statusReason: '信用代码与名称不符', verifiedAt: null });
      expect(await orgRow(member.organizationId!)).toEqual({ status: 'rejected', status_reason: '信用代码与名称不符', verified_at: null });
    });

    it.each([{}, { reason: '' }, { reason: '   ' }])('refuses a rejection without a reason (%j) with 400 naming reason', async (extra) => {
      const member = await registerAndLogin(t);
      const res = await verify(admin, member.organizationId!, { decision: 'rejected', ...extra }).expect(400);
      expectValidation(res, 'reason');
      expect(await orgRow(member.organizationId!)).toEqual({ status: 'pending', status_reason: null, verified_at: null });
    });

    it.each(['approve', 'pending', 'VERIFIED'])('refuses decision %j with 400 naming decision', async (decision) => {
      const member = await registerAndLogin(t);
      expectValidation(await verify(admin, member.organizationId!, { decision, reason: 'x' }).expect(400), 'decision');
      expect((await orgRow(member.organizationId!)).status).toBe('pending');
    });

    it('refuses a second decision with 422, leaving the first in place', async () => {
      const member = await registerAndLogin(t);
      await verify(admin, member.organizationId!, { decision: 'verified' }).expect(200);
      const stored = await orgRow(member.organizationId!);

      const again = await verify(admin, member.organizationId!, { decision: 'rejected', reason: '重复审核' }).expect(422);
      expectError(again, 422, 'ORGANIZATION_ALREADY_DECIDED');
      expectError(await verify(admin, member.organizationId!, { decision: 'verified' }).expect(422), 422, 'ORGANIZATION_ALREADY_DECIDED');
      expect(await orgRow(member.organizationId!)).toEqual(stored);

      const rejected = await registerAndLogin(t);
      await verify(admin, rejected.organizationId!, { decision: 'rejected', reason: '材料缺失' }).expect(200);
      expectError(await verify(admin, rejected.organizationId!, { decision: 'verified' }).expect(422), 422, 'ORGANIZATION_ALREADY_DECIDED');
      expect((await orgRow(rejected.organizationId!)).status).toBe('rejected');
    });

    it('lets only one of two concurrent decisions win', async () => {
      const member = await registerAndLogin(t);
      const results = await Promise.all([
        verify(admin, member.organizationId!, { decision: 'verified' }),
        verify(admin, member.organizationId!, { decision: 'rejected', reason: '并发' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
      const winner = results.find((r) => r.status === 200)!;
      expect((await orgRow(member.organizationId!)).status).toBe(winner.body.status);
    });

    it('gives 404 for an organization that does not exist and 400 for a malformed id', async () => {
      expectError(await verify(admin, randomUUID(), { decision: 'verified' }).expect(404), 404, 'NOT_FOUND');
      expectValidation(await verify(admin, 'not-a-uuid', { decision: 'verified' }).expect(400), 'id');
    });

    it('refuses enterprise, institute and operator callers with 403, even members of the organization', async () => {
      const member = await registerAndLogin(t);
      const institute = await registerAndLogin(t, 'institute');
      for (const caller of [member, institute, operator]) {
        expectError(await verify(caller, member.organizationId!, { decision: 'verified' }).expect(403), 403, 'FORBIDDEN');
      }
      expectError(await verify(institute, institute.organizationId!, { decision: 'verified' }).expect(403), 403, 'FORBIDDEN');
      expect((await orgRow(member.organizationId!)).status).toBe('pending');
      expect((await orgRow(institute.organizationId!)).status).toBe('pending');
    });

    it('refuses an anonymous caller with 401', async () => {
      const member = await registerAndLogin(t);
      expectError(await verify(null, member.organizationId!, { decision: 'verified' }).expect(401), 401, 'UNAUTHENTICATED');
      expect((await orgRow(member.organizationId!)).status).toBe('pending');
    });
  });
});
