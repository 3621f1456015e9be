import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, createOperator, loginAdmin, registerBody, type Session } from '../support/factories.js';

interface EventView {
  action: string;
  actorId: string | null;
  actorRole: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Identity and base changes write their audit events, with the actor, in the change's transaction. */
describe('audit events of identity and bases', () => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  const events = async (entity: string, entityId: string): Promise<EventView[]> =>
    (await t.http().get(`/api/v1/audit?entity=${entity}&entityId=${entityId}`).set(bearer(admin)).expect(200)).body.items;

  async function createBase(): Promise<{ code: string; base: { id: string } }> {
    const code = `e2e-audit-${randomUUID().slice(0, 8)}`;
    const res = await t
      .http()
      .post('/api/v1/bases')
      .set(bearer(admin))
      .send({ code, name: `审计基地${code}`, kind: 'branch', province: '四川', city: '绵阳' })
      .expect(201);
    return { code, base: res.body };
  }

  it('records a registration and the verification of the organization', async () => {
    const body = registerBody('enterprise');
    const registered = (await t.http().post('/api/v1/auth/register').send(body).expect(201)).body;
    await t
      .http()
      .post(`/api/v1/organizations/${registered.organization.id}/verify`)
      .set(bearer(admin))
      .send({ decision: 'verified' })
      .expect(200);

    const orgEvents = await events('organization', registered.organization.id);
    expect(orgEvents.map((e) => e.action)).toEqual(['organization.verify', 'organization.register']);
    expect(orgEvents[0]).toMatchObject({
      actorId: admin.userId,
      actorRole: 'admin',
      before: { status: 'pending' },
      after: { status: 'verified' },
    });
    expect(orgEvents[1]).toMatchObject({ actorId: registered.user.id, before: null, after: { creditCode: body.organization.creditCode } });

    const userEvents = await events('user', registered.user.id);
    expect(userEvents.map((e) => e.action)).toEqual(['user.create']);
    expect(JSON.stringify(userEvents[0].after)).not.toMatch(/password|argon2/i);
  });

  it('records staff created by an admin, with the admin as actor', async () => {
    const operator = await createOperator(t, admin);
    const [created] = await events('user', operator.userId);
    expect(created).toMatchObject({ action: 'user.create', actorId: admin.userId, after: { role: 'operator', baseId: operator.baseId } });
  });

  it('records the creation and each edit of a base, before and after', async () => {
    const { code, base } = await createBase();
    await t
      .http()
      .patch(`/api/v1/bases/${base.id}`)
      .set(bearer(admin))
      .send({ name: `改名${code}` })
      .expect(200);

    const baseEvents = await events('base', base.id);
    expect(baseEvents.map((e) => e.action)).toEqual(['base.update', 'base.create']);
    expect(baseEvents[0]).toMatchObject({ actorId: admin.userId, before: { name: `审计基地${code}` }, after: { name: `改名${code}` } });
  });

  it('writes no event for a refused change', async () => {
    const { base } = await createBase();
    await t.http().patch(`/api/v1/bases/${base.id}`).set(bearer(admin)).send({ name: '易智网线上平台' }).expect(409);
    expect((await events('base', base.id)).map((e) => e.action)).toEqual(['base.create']);
  });
});
