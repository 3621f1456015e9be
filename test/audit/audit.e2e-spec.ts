import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { DataSource, type EntityManager } from 'typeorm';
import { auditHash, AuditErrorCode, AuditService, GENESIS_HASH, type AuditEntityName, type AuditEventInput } from '#yizhi/audit';
import { dropTestDatabase, loadConfig, Money, Role, type Principal } from '#yizhi/core';
import { migrate } from '#yizhi/database';
import { createApiApp } from '../../apps/api/src/create-app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectErrorBody } from '../support/errors.js';
import { bearer, createOperator, loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';

/**
 * Other suites share this database and write audit events of their own while these tests run, so
 * the shared-database tests look only at events of resource ids they made up, and check the whole
 * chain only through properties every correct writer keeps (each link points at the previous
 * hash). Everything that breaks the chain on purpose runs on a scratch database of its own.
 */

interface AuditEventView {
  seq: string;
  at: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

interface StoredRow {
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  entity: string;
  entity_id: string;
  before: never;
  after: never;
  prev_hash: string;
  hash: string;
}

const VIEW_KEYS = ['action', 'actorId', 'actorRole', 'after', 'at', 'before', 'entity', 'entityId', 'hash', 'prevHash', 'seq'];
const HEX64 = /^[0-9a-f]{64}$/;

const principal = (session: Session, role: Role): Principal => ({
  userId: session.userId,
  role,
  organizationId: session.organizationId,
  baseId: session.baseId,
});

function event(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    actor: null,
    action: 'listing.submit',
    entity: 'listing',
    entityId: randomUUID(),
    before: { status: 'draft' },
    after: { status: 'pending_review' },
    ...overrides,
  };
}

/** The hash recomputed from a row as PostgreSQL gives it back. */
const rehash = (row: StoredRow) =>
  auditHash(row.prev_hash, {
    seq: row.seq,
    at: row.at,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
  });

/** Runs one statement in a transaction that is always rolled back, so that even a missing trigger changes nothing. */
async function attemptAndRollBack(url: string, statement: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query(statement);
      return 'accepted';
    } catch (error) {
      return (error as Error).message;
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    await client.end();
  }
}

describe('audit trail', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let audit: AuditService;
  let admin: Session;
  let enterprise: Session;
  let institute: Session;
  let operator: Session;

  /** Records the events, in order, in one transaction. */
  const recordAll = (events: AuditEventInput[]) =>
    dataSource.transaction(async (manager) => {
      const recorded = [];
      for (const e of events) recorded.push(await audit.record(manager, e));
      return recorded;
    });

  const list = (query: Record<string, string | number>) => t.http().get('/api/v1/audit').query(query).set(bearer(admin));

  beforeAll(async () => {
    t = await createTestApp();
    dataSource = t.app.get(DataSource);
    audit = t.app.get(AuditService);
    admin = await loginAdmin(t);
    [enterprise, institute, operator] = await Promise.all([
      registerAndLogin(t, 'enterprise'),
      registerAndLogin(t, 'institute'),
      createOperator(t, admin),
    ]);
  });
  afterAll(() => t.close());

  describe('record and GET /audit', () => {
    it("appends events in the caller's transaction and lists one resource's history newest first", async () => {
      const listingId = randomUUID();
      const actor = principal(institute, Role.Institute);
      const recorded = await recordAll([
        event({ actor, action: 'listing.create', entityId: listingId, before: null, after: { status: 'draft', title: '碳化硅功率模块' } }),
        event({ actor, action: 'listing.submit', entityId: listingId, before: { status: 'draft' }, after: { status: 'pending_review' } }),
        event({
          actor: principal(admin, Role.Admin),
          action: 'listing.review',
          entityId: listingId,
          before: { status: 'pending_review' },
          after: { status: 'published' },
        }),
      ]);
      // One transaction appends consecutively: each links to the one before.
      expect(recorded[1].prevHash).toBe(recorded[0].hash);
      expect(recorded[2].prevHash).toBe(recorded[1].hash);

      const res = await list({ entity: 'listing', entityId: listingId }).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items.map((e: AuditEventView) => e.action)).toEqual(['listing.review', 'listing.submit', 'listing.create']);
      const [review, submit, create] = res.body.items as AuditEventView[];
      expect(Object.keys(create).sort()).toEqual(VIEW_KEYS);
      expect(create).toEqual({
        seq: recorded[0].seq,
        at: recorded[0].at.toISOString(),
        actorId: institute.userId,
        actorRole: 'institute',
        action: 'listing.create',
        entity: 'listing',
        entityId: listingId,
        before: null,
        after: { status: 'draft', title: '碳化硅功率模块' },
        prevHash: recorded[0].prevHash,
        hash: recorded[0].hash,
      });
      expect(create.hash).toMatch(HEX64);
      expect(create.prevHash).toMatch(HEX64);
      expect(submit.prevHash).toBe(create.hash);
      expect(review).toMatchObject({ actorId: admin.userId, actorRole: 'admin', prevHash: submit.hash });
      expect(BigInt(review.seq)).toBeGreaterThan(BigInt(submit.seq));
      expect(BigInt(submit.seq)).toBeGreaterThan(BigInt(create.seq));
    });

    it('records the system as a null actor', async () => {
      const [recorded] = await recordAll([event({ actor: null, action: 'listing.expire' })]);
      const res = await list({ entity: 'listing', entityId: recorded.entityId }).expect(200);
      expect(res.body.items).toEqual([expect.objectContaining({ actorId: null, actorRole: null, action: 'listing.expire' })]);
    });

    it('stores at with millisecond precision, from the database clock, in chain order', async () => {
      const before = Date.now();
      const recorded = await recordAll([event(), event()]);
      const rows = await sql<{ seq: string; micros: number; at: Date }>(
        'SELECT seq::text, (extract(microseconds FROM at)::bigint % 1000)::int AS micros, at FROM audit_event WHERE seq = ANY($1::bigint[]) ORDER BY seq',
        [recorded.map((r) => r.seq)],
      );
      expect(rows.map((r) => r.micros)).toEqual([0, 0]);
      expect(rows.map((r) => r.at.getTime())).toEqual(recorded.map((r) => r.at.getTime()));
      expect(rows[0].at.getTime()).toBeLessThanOrEqual(rows[1].at.getTime());
      // Same machine: the database clock and ours agree to well within a minute.
      expect(Math.abs(rows[0].at.getTime() - before)).toBeLessThan(60_000);
    });

    it('hashes exactly what jsonb gives back: nested objects, Chinese, numbers, nulls, Money, Dates, bigints', async () => {
      const entityId = randomUUID();
      const after = {
        title: '“MEMS传感器”\t晶圆级封装\n第二行 \\ 😀',
        zeta: { nested: { deeper: [1, 2.5, -0, 1e21, 1e-7, 0.1 + 0.2, 2 ** 60, null, true, '重庆'] }, empty: {}, list: [] },
        askingPrice: Money.parse('300000000.5'),
        budget: null,
        validUntil: new Date('2027-06-30T16:00:00.000Z'),
        fen: 9_007_199_254_740_993n,
        dropped: undefined,
        alpha: { b: 1, a: 2, 中: 3, Z: 4 },
      };
      const [recorded] = await recordAll([event({ action: 'listing.update', entityId, before: { title: '旧标题' }, after })]);

      const [row] = await sql<StoredRow>('SELECT * FROM audit_event WHERE seq = $1', [recorded.seq]);
      expect(row.hash).toBe(recorded.hash);
      expect(rehash(row)).toBe(row.hash);

      const res = await list({ entity: 'listing', entityId }).expect(200);
      expect(res.body.items[0].after).toEqual({
        title: '“MEMS传感器”\t晶圆级封装\n第二行 \\ 😀',
        zeta: { nested: { deeper: [1, 2.5, 0, 1e21, 1e-7, 0.30000000000000004, 2 ** 60, null, true, '重庆'] }, empty: {}, list: [] },
        askingPrice: '300000000.50',
        budget: null,
        validUntil: '2027-06-30T16:00:00.000Z',
        fen: '9007199254740993',
        alpha: { b: 1, a: 2, 中: 3, Z: 4 },
      });
      expect((await t.http().get('/api/v1/audit/verify').set(bearer(admin)).expect(200)).body).toMatchObject({ ok: true });
    });

    it('lists every event of one entity kind when entityId is left out', async () => {
      const needId = randomUUID();
      await recordAll([event({ entity: 'need', action: 'need.submit', entityId: needId }), event({ entity: 'listing' })]);
      const res = await list({ entity: 'need', limit: 100 }).expect(200);
      const items = res.body.items as AuditEventView[];
      expect(items.map((e) => e.entityId)).toContain(needId);
      expect(new Set(items.map((e) => e.entity))).toEqual(new Set(['need']));
      for (let i = 1; i < items.length; i++) expect(BigInt(items[i - 1].seq)).toBeGreaterThan(BigInt(items[i].seq));
    });

    it('pages newest first with the cursor, each event exactly once', async () => {
      const entityId = randomUUID();
      const recorded = await recordAll(
        Array.from({ length: 5 }, (_, i) => event({ entity: 'deal', action: `deal.step_${'abcde'[i]}`, entityId })),
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string | number> = { entity: 'deal', entityId, limit: 2 };
        if (cursor) query.cursor = cursor;
        const body: { items: AuditEventView[]; nextCursor: string | null } = (await list(query).expect(200)).body;
        seen.push(...body.items.map((e) => e.seq));
        cursor = body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(recorded.map((r) => r.seq).reverse());
    });

    it('returns an empty page for a resource without events', async () => {
      expect((await list({ entity: 'payment', entityId: randomUUID() }).expect(200)).body).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('transactions', () => {
    it('leaves no event when the transaction rolls back', async () => {
      const entityId = randomUUID();
      await expect(
        dataSource.transaction(async (manager) => {
          await audit.record(manager, event({ entityId }));
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await sql('SELECT 1 FROM audit_event WHERE entity_id = $1', [entityId])).toEqual([]);
      expect((await list({ entity: 'listing', entityId }).expect(200)).body.items).toEqual([]);
      expect((await t.http().get('/api/v1/audit/verify').set(bearer(admin)).expect(200)).body).toMatchObject({ ok: true });
    });

    it('refuses to record outside a transaction, and writes nothing', async () => {
      const entityId = randomUUID();
      await expect(audit.record(dataSource.manager, event({ entityId }))).rejects.toMatchObject({ code: AuditErrorCode.NotInTransaction });
      expect(await sql('SELECT 1 FROM audit_event WHERE entity_id = $1', [entityId])).toEqual([]);
    });

    it.each<[string, Partial<AuditEventInput>]>([
      ['an unknown entity', { entity: 'listings' as AuditEntityName }],
      ['an action not of the form entity.verb', { action: 'Submit' }],
      ['an empty entityId', { entityId: '' }],
    ])('refuses %s, and writes nothing', async (_, change) => {
      const marker = randomUUID();
      await expect(recordAll([event({ entityId: marker }), event({ ...change })])).rejects.toMatchObject({
        code: AuditErrorCode.InvalidEvent,
      });
      // The valid event before it rolled back with the transaction.
      expect(await sql('SELECT 1 FROM audit_event WHERE entity_id = $1', [marker])).toEqual([]);
    });

    it('fails with a serialisation error under REPEATABLE READ, rather than fork the chain, when an append committed after its snapshot', async () => {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      try {
        // The first statement takes the transaction's snapshot; then another transaction appends and commits.
        await runner.query('SELECT 1');
        await recordAll([event()]);
        await expect(audit.record(runner.manager, event())).rejects.toMatchObject({ driverError: { code: '40001' } });
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    });

    it('serialises 20 concurrent transactions into one unbroken chain', async () => {
      const entityId = randomUUID();
      const recorded = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          dataSource.transaction(async (manager: EntityManager) => {
            const e = await audit.record(manager, event({ entity: 'lead', action: 'lead.update', entityId, after: { n: i } }));
            // Hold the head a little, as a real change would, so that the others queue behind it.
            await manager.query('SELECT pg_sleep(0.01)');
            return e;
          }),
        ),
      );
      expect(new Set(recorded.map((r) => r.seq)).size).toBe(20);

      const ours = await sql<StoredRow>('SELECT * FROM audit_event WHERE entity_id = $1 ORDER BY seq', [entityId]);
      expect(ours).toHaveLength(20);
      for (const row of ours) expect(rehash(row)).toBe(row.hash);

      // The whole chain, other suites' events included: every link points at the previous event, and nothing forks.
      const links = await sql<{ seq: string; prev_hash: string; previous: string | null }>(
        'SELECT seq::text, prev_hash, lag(hash) OVER (ORDER BY seq) AS previous FROM audit_event ORDER BY seq',
      );
      expect(links[0].prev_hash).toBe(GENESIS_HASH);
      expect(links.slice(1).filter((l) => l.prev_hash !== l.previous)).toEqual([]);
      expect(await sql('SELECT prev_hash FROM audit_event GROUP BY prev_hash HAVING count(*) > 1')).toEqual([]);
      const [head] = await sql<{ last_seq: string }>('SELECT last_seq::text FROM audit_chain_head');
      expect(BigInt(head.last_seq)).toBeGreaterThanOrEqual(BigInt(ours[19].seq));

      const verified = await t.http().get('/api/v1/audit/verify').set(bearer(admin)).expect(200);
      expect(verified.body).toEqual({ ok: true, checked: expect.any(Number), firstBrokenSeq: null });
      expect(verified.body.checked).toBeGreaterThanOrEqual(links.length);
    });
  });

  describe('append-only', () => {
    it.each([
      ['UPDATE', "UPDATE audit_event SET action = 'listing.tampered'"],
      ['DELETE', 'DELETE FROM audit_event'],
      ['an UPDATE matching no row', "UPDATE audit_event SET action = 'x' WHERE false"],
      ['TRUNCATE', 'TRUNCATE audit_event'],
    ])('refuses %s on audit_event', async (_, statement) => {
      await recordAll([event()]);
      expect(await attemptAndRollBack(process.env.DATABASE_URL!, statement)).toBe('audit_event is append-only');
    });

    it.each([
      ['DELETE', 'DELETE FROM audit_chain_head'],
      ['TRUNCATE', 'TRUNCATE audit_chain_head'],
      ['a second row', "INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (2, 0, repeat('0', 64))"],
    ])('refuses %s on audit_chain_head', async (_, statement) => {
      expect(await attemptAndRollBack(process.env.DATABASE_URL!, statement)).not.toBe('accepted');
    });
  });

  describe('access', () => {
    const routes = [
      ['GET /audit', '/api/v1/audit?entity=listing'],
      ['GET /audit/verify', '/api/v1/audit/verify'],
    ] as const;

    it.each(routes)('%s needs a signed-in caller (401)', async (_, url) => {
      expectErrorBody(await t.http().get(url), 401, 'UNAUTHENTICATED');
    });

    it.each(routes)('%s refuses enterprise, institute and operator users (403)', async (_, url) => {
      for (const session of [enterprise, institute, operator]) {
        expectErrorBody(await t.http().get(url).set(bearer(session)), 403, 'FORBIDDEN');
      }
    });
  });

  it('is documented in the OpenAPI document as admin-only', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as { paths: Record<string, { get?: Record<string, unknown> }> };
    for (const path of ['/api/v1/audit', '/api/v1/audit/verify']) {
      expect({ path, roles: doc.paths[path]?.get?.['x-roles'] }).toEqual({ path, roles: ['admin'] });
    }
  });

  describe('bad query input (400, naming the field)', () => {
    const badSeq = Buffer.from('{"seq":"1 OR 1=1"}').toString('base64url');
    it.each<[string, string, string]>([
      ['no entity', '', 'entity'],
      ['an unknown entity', 'entity=listings', 'entity'],
      ['the entity twice', 'entity=listing&entity=need', 'entity'],
      ['limit 0', 'entity=listing&limit=0', 'limit'],
      ['limit 101', 'entity=listing&limit=101', 'limit'],
      ['a limit that is not a number', 'entity=listing&limit=ten', 'limit'],
      ['a fractional limit', 'entity=listing&limit=2.5', 'limit'],
      ['an empty entityId', 'entity=listing&entityId=', 'entityId'],
      ['an entityId over 100 characters', `entity=listing&entityId=${'x'.repeat(101)}`, 'entityId'],
      ['an unknown parameter', 'entity=listing&actor=x', 'actor'],
      ['a cursor this API did not issue', 'entity=listing&cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['a cursor whose seq is not a positive integer', `entity=listing&cursor=${badSeq}`, 'cursor'],
    ])('%s', async (_, query, field) => {
      const res = await t.http().get(`/api/v1/audit?${query}`).set(bearer(admin));
      expectErrorBody(res, 400, 'VALIDATION_FAILED', [field]);
    });
  });

  /**
   * Tampering breaks the chain for every event after it, so it happens on a database of its own,
   * served by a second API app: the shared chain is never broken, even briefly. The admin's token
   * from the shared app is valid there (same JWT secret, and the guard reads the role from it).
   */
  describe('tampering, on a scratch database', () => {
    let url: string;
    let scratch: NestFastifyApplication;
    let scratchData: DataSource;
    let scratchAudit: AuditService;

    const scratchSql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as T[];
      } finally {
        await client.end();
      }
    };

    /** Runs statements with every user trigger of audit_event off, as a superuser with direct access could. */
    const tamper = (...statements: string[]) =>
      scratchSql(
        [
          'ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only',
          ...statements,
          'ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only',
        ]
          .map((s) => `${s};`)
          .join('\n'),
      );

    const verify = async () => (await request(scratch.getHttpServer()).get('/api/v1/audit/verify').set(bearer(admin)).expect(200)).body;

    /** An empty chain, then `n` events recorded through AuditService in one transaction; their seqs. */
    async function freshChain(n: number): Promise<string[]> {
      await scratchSql(
        [
          'ALTER TABLE audit_event DISABLE TRIGGER USER',
          'TRUNCATE audit_event RESTART IDENTITY',
          'ALTER TABLE audit_event ENABLE TRIGGER USER',
          "UPDATE audit_chain_head SET last_seq = 0, last_hash = repeat('0', 64)",
        ].join(';\n'),
      );
      const recorded = await scratchData.transaction(async (manager) => {
        const seqs: string[] = [];
        for (let i = 1; i <= n; i++) {
          const e = await scratchAudit.record(manager, {
            actor: principal(admin, Role.Admin),
            action: 'deal.update',
            entity: 'deal',
            entityId: `deal-${i}`,
            before: { status: 'draft', amount: Money.parse(String(i)) },
            after: { status: 'signed', amount: Money.parse(String(i)), note: `第${i}笔` },
          });
          seqs.push(e.seq);
        }
        return seqs;
      });
      return recorded;
    }

    beforeAll(async () => {
      const scratchUrl = new URL(process.env.DATABASE_URL!);
      scratchUrl.pathname = `/yizhi_audit_tamper_test_${randomUUID().slice(0, 8)}`;
      url = scratchUrl.toString();
      await migrate(url);
      scratch = await createApiApp({ ...loadConfig(), databaseUrl: url });
      scratchData = scratch.get(DataSource);
      scratchAudit = scratch.get(AuditService);
    });
    afterAll(async () => {
      await scratch?.close();
      await dropTestDatabase(url);
    });

    it('verifies an empty chain and an intact one', async () => {
      await freshChain(0);
      expect(await verify()).toEqual({ ok: true, checked: 0, firstBrokenSeq: null });
      await freshChain(5);
      expect(await verify()).toEqual({ ok: true, checked: 5, firstBrokenSeq: null });
    });

    it.each([
      ['after', `after = jsonb_set(after, '{status}', '"completed"')`],
      ['before, deep inside', `before = jsonb_set(before, '{amount}', '"3.01"')`],
      ['at, by one millisecond', `at = at + interval '1 millisecond'`],
      ['actor_role', `actor_role = 'operator'`],
      ['actor_id, to the system', 'actor_id = NULL, actor_role = NULL'],
      ['entity_id', `entity_id = 'deal-99'`],
      ['action', `action = 'deal.verify'`],
    ])('reports the first broken seq when %s of one row is changed in SQL, and ok again once restored', async (_, change) => {
      const seqs = await freshChain(5);
      const [original] = await scratchSql<{ row: string }>('SELECT row_to_json(e)::text AS row FROM audit_event e WHERE seq = $1', [
        seqs[2],
      ]);
      await tamper(`UPDATE audit_event SET ${change} WHERE seq = ${seqs[2]}`);
      expect(await verify()).toEqual({ ok: false, checked: 3, firstBrokenSeq: seqs[2] });
      // The listing still shows the forged row: verify is what tells.
      const listed = await request(scratch.getHttpServer()).get('/api/v1/audit?entity=deal').set(bearer(admin)).expect(200);
      expect(listed.body.items).toHaveLength(5);

      await tamper(
        `DELETE FROM audit_event WHERE seq = ${seqs[2]}`,
        `INSERT INTO audit_event SELECT * FROM json_populate_record(NULL::audit_event, '${original.row.replace(/'/g, "''")}'::json)`,
      );
      expect(await verify()).toEqual({ ok: true, checked: 5, firstBrokenSeq: null });
    });

    it("reports the next event when the forger also recomputes the changed row's hash", async () => {
      const seqs = await freshChain(5);
      await tamper(`UPDATE audit_event SET after = jsonb_set(after, '{status}', '"cancelled"') WHERE seq = ${seqs[1]}`);
      const [row] = await scratchSql<StoredRow>('SELECT * FROM audit_event WHERE seq = $1', [seqs[1]]);
      await tamper(`UPDATE audit_event SET hash = '${rehash(row)}' WHERE seq = ${seqs[1]}`);
      expect(await verify()).toEqual({ ok: false, checked: 3, firstBrokenSeq: seqs[2] });
    });

    it('reports the event after a deleted one', async () => {
      const seqs = await freshChain(5);
      await tamper(`DELETE FROM audit_event WHERE seq = ${seqs[1]}`);
      expect(await verify()).toEqual({ ok: false, checked: 2, firstBrokenSeq: seqs[2] });
    });

    it("reports the head's seq when the newest events are deleted", async () => {
      const seqs = await freshChain(5);
      await tamper(`DELETE FROM audit_event WHERE seq >= ${seqs[3]}`);
      expect(await verify()).toEqual({ ok: false, checked: 3, firstBrokenSeq: seqs[4] });
    });

    it('reports an event inserted directly, even with a correct link and hash', async () => {
      const seqs = await freshChain(3);
      const [last] = await scratchSql<StoredRow>('SELECT * FROM audit_event WHERE seq = $1', [seqs[2]]);
      const forged = { ...last, seq: String(BigInt(last.seq) + 1n), prev_hash: last.hash, entity_id: 'deal-forged' };
      const hash = rehash(forged);
      await scratchSql(
        `INSERT INTO audit_event (seq, at, actor_id, actor_role, action, entity, entity_id, "before", "after", prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          forged.seq,
          forged.at,
          forged.actor_id,
          forged.actor_role,
          forged.action,
          forged.entity,
          forged.entity_id,
          JSON.stringify(forged.before),
          JSON.stringify(forged.after),
          forged.prev_hash,
          hash,
        ],
      );
      expect(await verify()).toEqual({ ok: false, checked: 4, firstBrokenSeq: forged.seq });
    });

    it('walks a chain longer than one batch, and finds a change in a later batch', async () => {
      const seqs = await freshChain(2_001);
      expect(await verify()).toEqual({ ok: true, checked: 2_001, firstBrokenSeq: null });
      await tamper(`UPDATE audit_event SET after = jsonb_set(after, '{note}', '"改"') WHERE seq = ${seqs[1_499]}`);
      expect(await verify()).toEqual({ ok: false, checked: 1_500, firstBrokenSeq: seqs[1_499] });
    }, 60_000);
  });
});
