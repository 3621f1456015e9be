/**
 * Matching end to end: the real API and the real worker (outbox relay, BullMQ, the matching job)
 * against PostgreSQL and Redis. Publishing is the only step; matches appear by themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MatchingService } from '#yizhi/matching';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { catalog, expectOk, listingBody, needBody, publish, tag, type Body } from '../catalog/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { bearer, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';

interface Match {
  listing?: { id: string; field: string };
  need?: { id: string; field: string };
  score: number;
  reasons: { code: string; label: string }[];
}

/**
 * Polls `read` until `done` holds (the worker runs asynchronously), at most `ms`. Generous: in a full
 * run other suites' workers share the queue, refreshes run one at a time, and a job a closing worker
 * held is only picked up again after BullMQ's stalled-job check (30 s).
 */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 75_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('matching', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let admin: Session;
  let institute: Session;
  let enterprise: Session;
  const RUN = tag();

  beforeAll(async () => {
    t = await createTestApp();
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await worker.init();
    [admin, institute, enterprise] = await Promise.all([
      loginAdmin(t),
      registerAndLogin(t, 'institute'),
      registerAndLogin(t, 'enterprise'),
    ]);
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  const needMatches = async (session: Session, needId: string): Promise<Match[]> =>
    (await expectOk(t.http().get(`/api/v1/needs/${needId}/matches?limit=50`).set(bearer(session)))).body.items;
  const listingMatches = async (session: Session, listingId: string): Promise<Match[]> =>
    (await expectOk(t.http().get(`/api/v1/listings/${listingId}/matches?limit=50`).set(bearer(session)))).body.items;

  // A term only this run's fixtures carry, so that other suites' listings do not crowd them out.
  const marker = `氮化镓${RUN}`;
  const listing = (overrides: Body) =>
    publish(t, 'listing', institute, admin, listingBody({ keywords: [marker, '射频功放'], ...overrides }));
  const need = (overrides: Body = {}) =>
    publish(t, 'need', enterprise, admin, needBody({ keywords: [marker, '射频功放'], field: 'ic', ...overrides }));

  it('shows a published listing in the matches of a need that wants it, with truthful reasons, without a manual step', async () => {
    const suited = await listing({ title: `GaN射频功放芯片${RUN}`, field: 'ic', summary: '基于氮化镓的5G基站射频功放芯片，效率提升15%。' });
    const other = await listing({ title: `射频功放模块${RUN}`, field: 'electronics', summary: '射频功放模块的封装与测试。' });
    const wanted = await need({ title: `5G基站射频功放芯片国产化${RUN}`, description: '寻求氮化镓射频功放芯片设计方案。' });

    // The worker stores the pairs (a GET would compute them on demand, so look in the table first).
    const stored = await eventually(
      () => sql<{ other_id: string }>(`SELECT other_id FROM match_result WHERE kind = 'need' AND item_id = $1`, [wanted.id]),
      (rows) => [suited.id, other.id].every((id) => rows.some((r) => r.other_id === id)),
    );
    expect(stored.map((r) => r.other_id)).toEqual(expect.arrayContaining([suited.id, other.id]));
    const matches = await needMatches(enterprise, wanted.id);
    const byId = new Map(matches.map((m) => [m.listing!.id, m]));
    expect(byId.has(suited.id) && byId.has(other.id)).toBe(true);
    for (const m of matches) {
      expect(m.score).toBeGreaterThanOrEqual(0);
      expect(m.score).toBeLessThanOrEqual(1);
      const fieldMatch = m.reasons.some((r) => r.code === 'FIELD_MATCH');
      expect({ id: m.listing!.id, fieldMatch }).toEqual({ id: m.listing!.id, fieldMatch: m.listing!.field === 'ic' });
    }
    expect(byId.get(suited.id)!.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['KEYWORDS', 'FIELD_MATCH']));
    expect(byId.get(suited.id)!.reasons.find((r) => r.code === 'FIELD_MATCH')!.label).toBe('技术领域一致');
    expect(byId.get(other.id)!.reasons.some((r) => r.code === 'FIELD_MATCH')).toBe(false);
    expect(byId.get(suited.id)!.score).toBeGreaterThan(byId.get(other.id)!.score);

    // The institute sees the need among its listing's matches.
    const reverse = await eventually(
      () => listingMatches(institute, suited.id),
      (items) => items.some((m) => m.need?.id === wanted.id),
    );
    expect(reverse.some((m) => m.need?.id === wanted.id)).toBe(true);
  }, 120_000);

  it('finds a listing through the terms it shares, however many words of the need no listing uses', async () => {
    const shared = await listing({ title: `氮化镓开关器件${RUN}`, field: 'ic', summary: '氮化镓功率开关器件。' });
    // Words no listing has are the rarest of all; they must not be the only ones that look for candidates.
    const unknown = Array.from({ length: 16 }, (_, i) => `zq${RUN}${String.fromCharCode(97 + i)}`).join(' ');
    const wanted = await need({ title: `氮化镓开关器件需求${RUN}`, description: `需要氮化镓功率开关器件。${unknown}` });
    const matches = await eventually(
      () => needMatches(enterprise, wanted.id),
      (items) => items.some((m) => m.listing?.id === shared.id),
    );
    expect(matches.some((m) => m.listing?.id === shared.id)).toBe(true);
  }, 120_000);

  it('drops a withdrawn listing from the matches', async () => {
    const gone = await listing({ title: `氮化镓功放管${RUN}`, field: 'ic', summary: '氮化镓射频功放管。' });
    const wanted = await need({ title: `氮化镓功放管采购${RUN}`, description: '需要氮化镓射频功放管。' });
    await eventually(
      () => needMatches(enterprise, wanted.id),
      (items) => items.some((m) => m.listing?.id === gone.id),
    );
    await expectOk(catalog(t, 'listing').act(institute, gone.id, 'withdraw'));
    expect((await needMatches(enterprise, wanted.id)).some((m) => m.listing?.id === gone.id)).toBe(false);
  }, 120_000);

  it('hides a dismissed listing for that need, and counts the dismissal for admins', async () => {
    const shown = await listing({ title: `氮化镓外延片${RUN}`, field: 'ic', summary: '氮化镓外延片与射频功放。' });
    const wanted = await need({ title: `氮化镓外延片需求${RUN}`, description: '需要氮化镓外延片。' });
    await eventually(
      () => needMatches(enterprise, wanted.id),
      (items) => items.some((m) => m.listing?.id === shown.id),
    );
    const before = (await expectOk(t.http().get('/api/v1/matching/feedback').set(bearer(admin)))).body;
    await t
      .http()
      .post(`/api/v1/needs/${wanted.id}/matches/${shown.id}/dismissal`)
      .set(bearer(enterprise))
      .send({ reason: 'already_known', note: '已有合作' })
      .expect(204);
    expect((await needMatches(enterprise, wanted.id)).some((m) => m.listing?.id === shown.id)).toBe(false);
    const after = (await expectOk(t.http().get('/api/v1/matching/feedback').set(bearer(admin)))).body;
    expect(after.byReason.already_known).toBe(before.byReason.already_known + 1);
    expect(after.total).toBe(before.total + 1);
  }, 120_000);

  it('keeps the pair when a listing and a need that suit each other are refreshed at the same time', async () => {
    const matching = worker.get(MatchingService);
    for (let trial = 0; trial < 4; trial++) {
      const suited = await listing({ title: `氮化镓并发${trial}${RUN}`, field: 'ic', summary: '氮化镓射频功放并发测试。' });
      const wanted = await need({ title: `氮化镓并发需求${trial}${RUN}`, description: '需要氮化镓射频功放。' });
      await Promise.all([matching.refresh('listing', suited.id), matching.refresh('need', wanted.id)]);
      const pairs = await sql<{ kind: string }>(
        `SELECT kind FROM match_result WHERE (kind = 'need' AND item_id = $1 AND other_id = $2) OR (kind = 'listing' AND item_id = $2 AND other_id = $1)`,
        [wanted.id, suited.id],
      );
      expect({ trial, sides: pairs.map((p) => p.kind).sort() }).toEqual({ trial, sides: ['listing', 'need'] });
    }
  }, 120_000);

  it("keeps BM25's corpus figures and document frequencies equal to a recount through publication, edit and withdrawal", async () => {
    const matching = worker.get(MatchingService);
    const item = await listing({ title: `氮化镓计数${RUN}`, field: 'ic', summary: '氮化镓射频功放计数测试。' });
    await matching.refresh('listing', item.id);
    await expectOk(
      catalog(t, 'listing').patch(institute, item.id, { summary: '氮化镓射频功放计数测试，增加了碳化硅衬底与封装散热的说明。' }),
    );
    await expectOk(catalog(t, 'listing').review(admin, item.id, { decision: 'approve' }));
    await matching.refresh('listing', item.id);
    await expectOk(catalog(t, 'listing').act(institute, item.id, 'withdraw'));
    await matching.refresh('listing', item.id);
    // One statement, one snapshot: other suites' refreshes commit whole, before or after it.
    const [recount] = await sql<{ corpus: number; df: number }>(
      `SELECT (SELECT count(*)::int FROM (
                 SELECT kind, documents, total_length FROM match_corpus
                 EXCEPT SELECT k.kind, count(p.item_id)::int, coalesce(sum(p.length), 0)
                          FROM (VALUES ('listing'), ('need')) AS k(kind) LEFT JOIN match_profile p ON p.kind = k.kind GROUP BY k.kind) c) AS corpus,
              (SELECT count(*)::int FROM (
                 (SELECT kind, term, df FROM match_term_df WHERE df <> 0
                  EXCEPT SELECT p.kind, x.term, count(*)::int FROM match_profile p CROSS JOIN LATERAL unnest(p.terms) AS x(term) GROUP BY 1, 2)
                 UNION ALL
                 (SELECT p.kind, x.term, count(*)::int FROM match_profile p CROSS JOIN LATERAL unnest(p.terms) AS x(term) GROUP BY 1, 2
                  EXCEPT SELECT kind, term, df FROM match_term_df)) d) AS df`,
    );
    expect(recount).toEqual({ corpus: 0, df: 0 });
    expect(await sql('SELECT 1 FROM match_profile WHERE item_id = $1', [item.id])).toEqual([]);
  }, 120_000);

  it('shows matches to the owner, operators and admins only: anyone else gets 404', async () => {
    const wanted = await need({ title: `氮化镓可见性${RUN}` });
    const stranger = await registerAndLogin(t, 'enterprise');
    await t.http().get(`/api/v1/needs/${wanted.id}/matches`).set(bearer(stranger)).expect(404);
    await t.http().get(`/api/v1/needs/${wanted.id}/matches`).expect(401);
    await expectOk(t.http().get(`/api/v1/needs/${wanted.id}/matches`).set(bearer(admin)));
  });
});
