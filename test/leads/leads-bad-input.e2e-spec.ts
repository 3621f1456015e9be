/**
 * Bad input on every lead route, each refusal checked for its status, its error shape and the field
 * it names, and for having written nothing: no lead or lead event for the listing of a refused
 * interest, the lead's row, notes and audit trail as before for a refused change. Bodies are
 * otherwise valid (the controls show they succeed), so a case passes only because the check under
 * test refused it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { createOperator, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import { BODY_LIMIT, catalog, createDraft, expectOk } from '../catalog/helpers.js';
import {
  API,
  auth,
  expectInvalid,
  expressOk,
  freshBase,
  interestBody,
  leadState,
  leads,
  leadsOfListing,
  publishListing,
  publishNeed,
  registerIn,
  type Body,
} from './helpers.js';

/** A JSON body made larger than `size` bytes with insignificant whitespace: still valid JSON. */
function padded(body: object, size = BODY_LIMIT + 1024): string {
  const json = JSON.stringify(body);
  return json.slice(0, -1) + ' '.repeat(Math.max(0, size - json.length)) + '}';
}

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

/** [field, how the test title shows the value, value]: a long string is shown by its length. */
const labelled = (cases: [string, unknown][]): [string, string, unknown][] =>
  cases.map(([field, value]) => [
    field,
    typeof value === 'string' && value.length > 40 ? `${value.length} characters` : JSON.stringify(value),
    value,
  ]);

describe('bad input on lead routes', () => {
  let t: TestApp;
  let admin: Session;
  let institute: Session;
  let enterprise: Session;
  let otherEnterprise: Session;
  let operator: Session;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
    const base = await freshBase(t, admin);
    [institute, enterprise, otherEnterprise, operator] = await Promise.all([
      registerAndLogin(t, 'institute'),
      registerIn(t, 'enterprise', base.region),
      registerAndLogin(t, 'enterprise'),
      createOperator(t, admin, base.id),
    ]);
  });
  afterAll(() => t.close());

  describe('POST /listings/:id/interest', () => {
    const path = (id: string) => `${API}/listings/${id}/interest`;
    const send = (listingId: string, body: unknown) =>
      t
        .http()
        .post(path(listingId))
        .set(auth(enterprise))
        .send(body as Body);
    const sendRaw = (listingId: string, raw: string) =>
      t.http().post(path(listingId)).set(auth(enterprise)).set('content-type', 'application/json').send(raw);

    /** A published listing and proof that nothing was written for it. */
    async function listing(): Promise<{ id: string; nothingWritten: () => Promise<void> }> {
      const { id } = await publishListing(t, institute, admin);
      return { id, nothingWritten: async () => expect(await leadsOfListing(id)).toEqual({ rows: 0, events: 0 }) };
    }

    it('control: a valid body is written, with a message of exactly 2000 characters', async () => {
      const l = await listing();
      await expectOk(send(l.id, interestBody({ message: '洽'.repeat(2000) })), 201);
      expect(await leadsOfListing(l.id)).toEqual({ rows: 1, events: 1 });
    });

    it('control: needId null is no need, like leaving it out', async () => {
      const l = await listing();
      const res = await expectOk(send(l.id, interestBody({ needId: null })), 201);
      expect(res.body.needId).toBeNull();
    });

    it('control: the same body padded with whitespace to just under 1 MiB succeeds', async () => {
      const l = await listing();
      await expectOk(sendRaw(l.id, padded(interestBody(), BODY_LIMIT - 4096)), 201);
    });

    it.each(
      labelled([
        ['message', 42],
        ['message', ''],
        ['message', '   '],
        ['message', null],
        ['message', ['你好']],
        ['message', '洽'.repeat(2001)],
        ['needId', 'not-a-uuid'],
        ['needId', 42],
        ['needId', ''],
        ['needId', { id: NO_SUCH_ID }],
      ]),
    )('refuses %s = %s with 400 naming it, writing nothing', async (field, _, value) => {
      const l = await listing();
      expectInvalid(await send(l.id, { ...interestBody(), [field]: value }), field);
      await l.nothingWritten();
    });

    it('refuses a body without message with 400 "message is required", writing nothing', async () => {
      const l = await listing();
      const res = await send(l.id, { needId: undefined });
      expectInvalid(res, 'message');
      expect(res.body.details[0].message).toBe('message is required');
      await l.nothingWritten();
    });

    it.each<[string, unknown]>([
      ['status', 'contacted'],
      ['baseId', NO_SUCH_ID],
      ['operatorId', NO_SUCH_ID],
      ['listingId', NO_SUCH_ID],
    ])('refuses the unknown field %s with 400 naming it, writing nothing', async (field, value) => {
      const l = await listing();
      expectInvalid(await send(l.id, { ...interestBody(), [field]: value }), field);
      await l.nothingWritten();
    });

    it('refuses a malformed listing id with 400 naming id', async () => {
      expectInvalid(await send('not-a-uuid', interestBody()), 'id');
    });

    it.each(['null', '[]', '"text"', '42'])('refuses the non-object JSON body %s with 400, writing nothing', async (raw) => {
      const l = await listing();
      expectErrorBody(await sendRaw(l.id, raw), 400, 'VALIDATION_FAILED');
      await l.nothingWritten();
    });

    it('refuses malformed JSON with 400 MALFORMED_JSON and a body over 1 MiB with 413, writing nothing', async () => {
      const l = await listing();
      expectErrorBody(await sendRaw(l.id, '{"message": "你好"'), 400, 'MALFORMED_JSON', []);
      expectErrorBody(await sendRaw(l.id, padded(interestBody())), 413, 'PAYLOAD_TOO_LARGE');
      await l.nothingWritten();
    });

    describe('needId', () => {
      it("of another organization's published need is a 422 naming needId, writing nothing", async () => {
        const [l, need] = [await listing(), await publishNeed(t, otherEnterprise, admin)];
        expectErrorBody(await send(l.id, interestBody({ needId: need.id })), 422, 'NEED_NOT_ELIGIBLE', ['needId']);
        await l.nothingWritten();
      });

      it.each(['draft', 'pending_review', 'closed'])('of an own %s need is a 422 naming needId, writing nothing', async (state) => {
        const l = await listing();
        let needId: string;
        if (state === 'closed') {
          needId = (await publishNeed(t, enterprise, admin)).id;
          await expectOk(catalog(t, 'need').act(enterprise, needId, 'close'));
        } else {
          needId = (await createDraft(t, 'need', enterprise)).id;
          if (state === 'pending_review') await expectOk(catalog(t, 'need').act(enterprise, needId, 'submit'));
        }
        expectErrorBody(await send(l.id, interestBody({ needId })), 422, 'NEED_NOT_ELIGIBLE', ['needId']);
        await l.nothingWritten();
      });

      it('that names no need is a 422 naming needId, writing nothing', async () => {
        const l = await listing();
        expectErrorBody(await send(l.id, interestBody({ needId: NO_SUCH_ID })), 422, 'NEED_NOT_ELIGIBLE', ['needId']);
        await l.nothingWritten();
      });
    });

    describe('the listing', () => {
      it('that does not exist is a 404', async () => {
        expectErrorBody(await send(NO_SUCH_ID, interestBody()), 404, 'NOT_FOUND');
      });

      it.each(['draft', 'pending_review', 'withdrawn'])('that is %s is a 404, writing nothing', async (state) => {
        const api = catalog(t, 'listing');
        let id: string;
        if (state === 'withdrawn') {
          id = (await publishListing(t, institute, admin)).id;
          await expectOk(api.act(institute, id, 'withdraw'));
        } else {
          id = (await createDraft(t, 'listing', institute)).id;
          if (state === 'pending_review') await expectOk(api.act(institute, id, 'submit'));
        }
        const res = await send(id, interestBody());
        expectErrorBody(res, 404, 'NOT_FOUND');
        expect(res.body.message).toBe(`listing ${id} not found`);
        expect(await leadsOfListing(id)).toEqual({ rows: 0, events: 0 });
      });

      it('whose offer ran out (published, past validUntil) is a 422 LISTING_EXPIRED, writing nothing', async () => {
        const l = await listing();
        await sql('UPDATE listing SET valid_until = current_date - 2 WHERE id = $1', [l.id]);
        expectErrorBody(await send(l.id, interestBody()), 422, 'LISTING_EXPIRED');
        await l.nothingWritten();
      });
    });
  });

  describe('PATCH /leads/:id', () => {
    let lead: { id: string };

    beforeAll(async () => {
      lead = await expressOk(t, enterprise, (await publishListing(t, institute, admin)).id);
    });

    const patch = (body: unknown, id = lead.id) =>
      t
        .http()
        .patch(`${API}/leads/${id}`)
        .set(auth(operator))
        .send(body as Body);
    const patchRaw = (raw: string) =>
      t.http().patch(`${API}/leads/${lead.id}`).set(auth(operator)).set('content-type', 'application/json').send(raw);

    /** Runs the refused request and checks that the lead, its notes and its audit trail are as before. */
    async function refused(attempt: () => PromiseLike<Response>): Promise<Response> {
      const before = await leadState(lead.id);
      const res = await attempt();
      expect(await leadState(lead.id)).toBe(before);
      return res;
    }

    it.each(
      labelled([
        ['status', 'done'],
        ['status', 'CONTACTED'],
        ['status', 2],
        ['status', ['contacted']],
        ['status', null],
        ['operatorId', 'op-1'],
        ['operatorId', 7],
        ['operatorId', null],
        ['note', ''],
        ['note', '  '],
        ['note', 42],
        ['note', null],
        ['note', '记'.repeat(2001)],
      ]),
    )('refuses %s = %s with 400 naming it, changing nothing', async (field, _, value) => {
      expectInvalid(await refused(() => patch({ [field]: value })), field);
    });

    it.each<[string, Body]>([
      ['a reason of the wrong type', { status: 'closed', reason: 42 }],
      ['a reason of 1001 characters', { status: 'closed', reason: 'x'.repeat(1001) }],
      ['closing without a reason', { status: 'closed' }],
      ['a reason without closing', { status: 'contacted', reason: '无' }],
    ])('refuses %s with 400 naming reason, changing nothing', async (_, body) => {
      expectInvalid(await refused(() => patch(body)), 'reason');
    });

    it.each<[string, unknown]>([
      ['dealId', NO_SUCH_ID],
      ['baseId', NO_SUCH_ID],
      ['message', '改写留言'],
      ['overdue', false],
    ])('refuses the unknown field %s with 400 naming it, changing nothing', async (field, value) => {
      expectInvalid(await refused(() => patch({ note: '合法的备注', [field]: value })), field);
    });

    it('refuses an empty change with 400, changing nothing', async () => {
      const res = await refused(() => patch({}));
      expectErrorBody(res, 400, 'VALIDATION_FAILED', []);
      expect(res.body.message).toMatch(/status, operatorId or note/);
    });

    it.each(['null', '[]', '"contacted"', '42'])('refuses the non-object JSON body %s with 400, changing nothing', async (raw) => {
      expectErrorBody(await refused(() => patchRaw(raw)), 400, 'VALIDATION_FAILED');
    });

    it('refuses malformed JSON with 400 and a body over 1 MiB with 413, changing nothing', async () => {
      expectErrorBody(await refused(() => patchRaw('{"status": ')), 400, 'MALFORMED_JSON', []);
      expectErrorBody(await refused(() => patchRaw(padded({ note: '备注' }))), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses a malformed id with 400 naming id, and an unknown one with 404', async () => {
      expectInvalid(await patch({ status: 'contacted' }, 'nope'), 'id');
      expectErrorBody(await patch({ status: 'contacted' }, NO_SUCH_ID), 404, 'NOT_FOUND');
    });

    it('control: a valid change is written', async () => {
      const before = await leadState(lead.id);
      await expectOk(patch({ status: 'contacted', note: '已联系' }));
      expect(await leadState(lead.id)).not.toBe(before);
    });
  });

  describe('GET /leads and GET /leads/:id', () => {
    it.each<[string, string]>([
      ['limit', '0'],
      ['limit', '101'],
      ['limit', 'ten'],
      ['status', 'open'],
      ['baseId', 'base-1'],
      ['overdue', 'yes'],
      ['overdue', '1'],
      ['cursor', 'garbage'],
      ['cursor', Buffer.from(JSON.stringify({ c: 'yesterday', id: NO_SUCH_ID })).toString('base64url')],
      ['cursor', Buffer.from(JSON.stringify({ c: new Date().toISOString(), id: "1' OR '1'='1" })).toString('base64url')],
      ['sort', 'oldest'],
    ])('refuses ?%s=%s with 400 naming it', async (field, value) => {
      expectInvalid(await leads(t).list(operator, { [field]: value }), field);
    });

    it('refuses a malformed id with 400 naming id', async () => {
      expectInvalid(await leads(t).get(operator, 'nope'), 'id');
    });
  });
});
