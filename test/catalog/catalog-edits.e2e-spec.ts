/**
 * Rules about what an owner or an admin may send, beyond the state machine: an empty edit is not an
 * edit, dates chosen by the owner do not lie in the past, and `major` belongs to an approval.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { loginAdmin, registerAndLogin, type Session } from '../support/factories.js';
import { auditCount, catalog, daysFromToday, expectInvalid, expectOk, listingBody, needBody, publish, today } from './helpers.js';

describe('catalog edits', () => {
  let t: TestApp;
  let admin: Session;
  let institute: Session;
  let enterprise: Session;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, institute, enterprise] = await Promise.all([
      loginAdmin(t),
      registerAndLogin(t, 'institute'),
      registerAndLogin(t, 'enterprise'),
    ]);
  });
  afterAll(() => t.close());

  it('keeps a published listing published after an edit that changes nothing, and writes no event', async () => {
    const listing = await publish(t, 'listing', institute, admin);
    const events = await auditCount(listing.id);
    const same = (await expectOk(catalog(t, 'listing').patch(institute, listing.id, {}))).body;
    expect(same.status).toBe('published');
    const sameTitle = (await expectOk(catalog(t, 'listing').patch(institute, listing.id, { title: listing.title }))).body;
    expect(sameTitle.status).toBe('published');
    expect(await auditCount(listing.id)).toBe(events);
    const changed = (await expectOk(catalog(t, 'listing').patch(institute, listing.id, { title: `${String(listing.title)}（修订）` })))
      .body;
    expect(changed.status).toBe('pending_review');
    expect(await auditCount(listing.id)).toBe(events + 1);
  });

  it('refuses a need deadline in the past, on create and on edit, and accepts today', async () => {
    const needs = catalog(t, 'need');
    expectInvalid(await needs.create(enterprise, needBody({ deadline: daysFromToday(-1) })), 'deadline');
    const draft = (await expectOk(needs.create(enterprise, needBody({ deadline: today() })), 201)).body;
    expectInvalid(await needs.patch(enterprise, draft.id, { deadline: daysFromToday(-1) }), 'deadline');
  });

  it('refuses major on a rejection: it belongs to an approval', async () => {
    const listings = catalog(t, 'listing');
    const draft = (await expectOk(listings.create(institute, listingBody()), 201)).body;
    await expectOk(listings.act(institute, draft.id, 'submit'));
    expectInvalid(await listings.review(admin, draft.id, { decision: 'reject', reason: '材料不全', major: true }), 'major');
    expect((await expectOk(listings.get(admin, draft.id))).body.status).toBe('pending_review');
  });
});
