/**
 * Overdue leads: open and untouched (no status change, reassignment or note) for 3 working days
 * (Mon–Fri, Asia/Shanghai). Last activity is set back by SQL with the same calendar helper the API
 * uses; `?overdue=true` and the `overdue` flag must agree.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { workingDaysCutoff } from '#yizhi/core';
import { createTestApp, type TestApp } from '../support/app.js';
import { createOperator, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import { expectOk, expressOk, freshBase, leads, listAll, publishListing, registerIn, type LeadBody } from './helpers.js';

const MINUTE = 60_000;

async function setLastActivity(leadId: string, at: Date): Promise<void> {
  await sql('UPDATE lead SET last_activity_at = $2 WHERE id = $1', [leadId, at.toISOString()]);
}

describe('overdue leads', () => {
  let t: TestApp;
  let admin: Session;
  let institute: Session;
  let enterprise: Session;
  let operator: Session;
  let baseId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    const base = await freshBase(t, admin);
    baseId = base.id;
    [institute, enterprise, operator] = await Promise.all([
      registerAndLogin(t, 'institute'),
      registerIn(t, 'enterprise', base.region),
      createOperator(t, admin, base.id),
    ]);
  });
  afterAll(() => t.close());

  const newLead = async () => expressOk(t, enterprise, (await publishListing(t, institute, admin)).id);
  const view = async (id: string): Promise<LeadBody> => (await expectOk(leads(t).get(operator, id))).body;
  const overdueIds = async (session: Session = operator) => (await listAll(t, session, { overdue: true })).map((l) => l.id);

  it('a fresh lead is not overdue', async () => {
    const lead = await newLead();
    expect(lead.overdue).toBe(false);
    expect(lead.lastActivityAt).toBeDefined();
    expect((await view(lead.id)).overdue).toBe(false);
    expect(await overdueIds()).not.toContain(lead.id);
  });

  it('a lead untouched for 5 working days is overdue: flagged, listed by ?overdue=true and left out of ?overdue=false', async () => {
    const lead = await newLead();
    const fiveWorkingDaysAgo = workingDaysCutoff(new Date(), 5);
    await setLastActivity(lead.id, fiveWorkingDaysAgo);
    const seen = await view(lead.id);
    expect(seen).toMatchObject({ overdue: true, lastActivityAt: fiveWorkingDaysAgo.toISOString() });
    expect(await overdueIds()).toContain(lead.id);
    expect((await listAll(t, operator, { overdue: false })).map((l) => l.id)).not.toContain(lead.id);
    // Every lead that ?overdue=true lists says so, and the parties see the same flag.
    expect((await listAll(t, operator, { overdue: true })).every((l) => l.overdue)).toBe(true);
    expect((await expectOk(leads(t).get(enterprise, lead.id))).body.overdue).toBe(true);
    expect((await listAll(t, admin, { overdue: true, baseId })).map((l) => l.id)).toContain(lead.id);
  });

  it('turns at three working days: a minute short is not overdue, a minute past is', async () => {
    const [young, old] = [await newLead(), await newLead()];
    const cutoff = workingDaysCutoff(new Date(), 3);
    await setLastActivity(young.id, new Date(cutoff.getTime() + MINUTE));
    await setLastActivity(old.id, new Date(cutoff.getTime() - MINUTE));
    expect((await view(young.id)).overdue).toBe(false);
    expect((await view(old.id)).overdue).toBe(true);
    const listed = await overdueIds();
    expect(listed).toContain(old.id);
    expect(listed).not.toContain(young.id);
  });

  it('is not overdue after two working days, however many weekend days lie between', async () => {
    const lead = await newLead();
    await setLastActivity(lead.id, workingDaysCutoff(new Date(), 2));
    expect((await view(lead.id)).overdue).toBe(false);
    expect(await overdueIds()).not.toContain(lead.id);
  });

  it.each([
    ['a status change', { status: 'contacted' }],
    ['a note', { note: '已再次联系企业' }],
  ])('%s makes an overdue lead current again', async (_, body) => {
    const lead = await newLead();
    await setLastActivity(lead.id, workingDaysCutoff(new Date(), 5));
    expect((await view(lead.id)).overdue).toBe(true);
    const res = await expectOk(leads(t).patch(operator, lead.id, body));
    expect(res.body.overdue).toBe(false);
    expect(await overdueIds()).not.toContain(lead.id);
  });

  it('a reassignment makes an overdue lead current again', async () => {
    const colleague = await createOperator(t, admin, baseId);
    const lead = await newLead();
    await setLastActivity(lead.id, workingDaysCutoff(new Date(), 5));
    const target = lead.operatorId === colleague.userId ? operator : colleague;
    const res = await expectOk(leads(t).patch(admin, lead.id, { operatorId: target.userId }));
    expect(res.body.overdue).toBe(false);
  });

  it.each(['closed', 'converted'])('a %s lead is never overdue, however old', async (status) => {
    const lead = await newLead();
    const steps =
      status === 'closed'
        ? [{ status: 'closed', reason: '需求取消' }]
        : ['contacted', 'negotiating', 'converted'].map((s) => ({ status: s }));
    for (const step of steps) await expectOk(leads(t).patch(operator, lead.id, step));
    await setLastActivity(lead.id, workingDaysCutoff(new Date(), 30));
    expect((await view(lead.id)).overdue).toBe(false);
    expect(await overdueIds()).not.toContain(lead.id);
    expect(await overdueIds(admin)).not.toContain(lead.id);
  });

  it('combines ?overdue=true with ?status=', async () => {
    const [fresh, contacted] = [await newLead(), await newLead()];
    await expectOk(leads(t).patch(operator, contacted.id, { status: 'contacted' }));
    for (const lead of [fresh, contacted]) await setLastActivity(lead.id, workingDaysCutoff(new Date(), 4));
    const newOnes = (await listAll(t, operator, { overdue: true, status: 'new' })).map((l) => l.id);
    expect(newOnes).toContain(fresh.id);
    expect(newOnes).not.toContain(contacted.id);
  });
});
