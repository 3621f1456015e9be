/**
 * The outbox acceptance of matching: with Redis unreachable the API still publishes (the
 * compute-matches jobs are rows written in the approval's transaction), and the jobs run once
 * Redis is back. Phases: publish with no worker → a relay that cannot reach Redis leaves the rows
 * pending, counting attempts → the real worker pipeline on the real Redis computes the matches.
 *
 * Why a database and a queue prefix of its own: every other suite that boots WorkerModule runs a
 * relay that claims any due outbox row of the shared database, and BullMQ workers take any job
 * under their prefix. On the shared database this suite's rows could be dispatched by another
 * relay within milliseconds of the approval, and the "still pending while Redis is down" phase
 * would prove nothing (or would have to accept either outcome); and this suite's own worker would
 * claim, and might strand on shutdown, other suites' rows. Here nothing else can see the rows, so
 * every phase asserts exactly. It is the set-up test/outbox and test/audit use for the same reason.
 */
import 'reflect-metadata';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import {
  APP_CONFIG,
  appConfig,
  dropTestDatabase,
  ensureDatabase,
  JobName,
  keyedId,
  OutboxMessagesRepository,
  OutboxRelay,
  QueueName,
  type AppConfig,
} from '#yizhi/core';
import type { TestApp } from '../support/app.js';
import { loginAdmin, registerAndLogin, sql, type Session } from '../support/factories.js';
import { catalog, expectOk, listingBody, needBody, tag, type Body, type Kind } from '../catalog/helpers.js';

const RUN = tag();
const scratch = new URL(process.env.DATABASE_URL!);
scratch.pathname = `/yizhi_matching_outbox_test_${RUN}`;
// Under the run's prefix (so that global teardown deletes its keys) but distinct from it.
const QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}-matching-outbox-${RUN}`;
// Jest gives each test file its own process.env. createTestApp, the seed and WorkerModule read the
// configuration from it, the seed and WorkerModule when first imported: hence the dynamic imports
// below, after this assignment (beforeAll checks that nothing read the configuration earlier).
Object.assign(process.env, { DATABASE_URL: scratch.toString(), QUEUE_PREFIX });

/** A port nothing listens on: connections are refused at once. */
const UNREACHABLE_REDIS = 'redis://127.0.0.1:1';

interface OutboxRow {
  id: string;
  payload: { kind: Kind; id: string };
  attempts: number;
  last_error: string | null;
  dispatched_at: Date | null;
}

/** Keeps the worker's start-up lines out of the test output. */
const silent: LoggerService = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Polls `read` until `done` holds, or fails after `ms` showing the last value. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`Timed out after ${ms} ms; last value: ${JSON.stringify(value)}`);
    await delay(200);
  }
}

/** The compute-matches rows of these items. */
const outboxRows = (ids: string[]) =>
  sql<OutboxRow>(
    `SELECT id, payload, attempts, last_error, dispatched_at FROM outbox_message
      WHERE job_name = $1 AND payload->>'id' = ANY($2::text[]) ORDER BY created_at, id`,
    [JobName.ComputeMatches, ids],
  );

const matchStates = (ids: string[]) =>
  sql<{ kind: Kind; item_id: string; version: string }>('SELECT kind, item_id, version FROM match_state WHERE item_id = ANY($1::uuid[])', [
    ids,
  ]);

describe('matching through the outbox while Redis is down', () => {
  let config: AppConfig;
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let relay: OutboxRelay | undefined;
  let admin: Session;
  let institute: Session;
  let enterprise: Session;

  beforeAll(async () => {
    config = appConfig();
    // Proves the assignment above came first: otherwise the API and the seed would use the shared database.
    expect({ databaseUrl: config.databaseUrl, queuePrefix: config.queuePrefix }).toEqual({
      databaseUrl: scratch.toString(),
      queuePrefix: QUEUE_PREFIX,
    });
    // createTestApp migrates and seeds the database it is pointed at, but expects it to exist.
    await ensureDatabase(config.databaseUrl);
    const { createTestApp } = await import('../support/app.js');
    t = await createTestApp();
    [admin, institute, enterprise] = await Promise.all([
      loginAdmin(t),
      registerAndLogin(t, 'institute'),
      registerAndLogin(t, 'enterprise'),
    ]);
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    await worker?.close();
    await t?.close();
    await dropTestDatabase(scratch.toString());
  }, 30_000);

  /** Create (201) → submit (200) → approve (200), through the API; returns the published view. */
  async function publishStepByStep(kind: Kind, owner: Session, body: Body): Promise<{ id: string; status: string; updatedAt: string }> {
    const api = catalog(t, kind);
    const { id } = (await expectOk(api.create(owner, body), 201)).body;
    await expectOk(api.act(owner, id, 'submit'));
    return (await expectOk(api.review(admin, id, { decision: 'approve' }))).body;
  }

  it('publishes with no worker and no reachable Redis, keeps the jobs pending, and runs them once Redis is back', async () => {
    const marker = `固态电池${RUN}`;
    const listing = await publishStepByStep(
      'listing',
      institute,
      listingBody({
        title: `硫化物固态电解质${RUN}`,
        field: 'new-energy',
        keywords: [marker, '固态电解质'],
        summary: '硫化物固态电解质与全固态电池。',
      }),
    );
    const need = await publishStepByStep(
      'need',
      enterprise,
      needBody({
        title: `全固态电池电解质${RUN}`,
        field: 'new-energy',
        keywords: [marker, '固态电解质'],
        description: '寻求硫化物固态电解质方案。',
      }),
    );
    expect([listing.status, need.status]).toEqual(['published', 'published']);
    const ids = [listing.id, need.id];

    // 1. No worker: the approvals' jobs (keyed by the published version) are pending rows, like the
    // submissions' before them, and nothing ran.
    const approvals = [listing, need].map((item, i) =>
      keyedId(JobName.ComputeMatches, `${['listing', 'need'][i]}:${item.id}:${item.updatedAt}`),
    );
    const written = await outboxRows(ids);
    expect(written.map((row) => row.id)).toEqual(expect.arrayContaining(approvals));
    for (const row of written) expect({ attempts: row.attempts, dispatched: row.dispatched_at }).toEqual({ attempts: 0, dispatched: null });
    expect(await matchStates(ids)).toEqual([]);

    // 2. A relay that cannot reach Redis: the rows stay pending, each failed add counted and retried.
    relay = new OutboxRelay(t.app.get(OutboxMessagesRepository), config, {
      redisUrl: UNREACHABLE_REDIS,
      pollIntervalMs: 50,
      addTimeoutMs: 1_000,
      retryBaseMs: 200,
      retryMaxMs: 1_000,
    });
    relay.start();
    const failing = await eventually(
      () => outboxRows(ids),
      (rows) => rows.every((row) => row.attempts >= 2),
    );
    for (const row of failing) {
      expect({ dispatched: row.dispatched_at, error: row.last_error }).toEqual({
        dispatched: null,
        error: expect.stringMatching(/^Redis is not connected/),
      });
    }
    await relay.stop();
    relay = undefined;
    expect(await matchStates(ids)).toEqual([]);

    // 3. Redis is back: the real worker (relay, BullMQ processors, the matching job) on the real Redis, under this suite's prefix.
    const { WorkerModule } = await import('../../apps/worker/src/worker.module.js');
    const moduleRef = await Test.createTestingModule({ imports: [WorkerModule] })
      // The suite's configuration (the real REDIS_URL), given explicitly rather than through the module's own ConfigModule.forRoot().
      .overrideProvider(APP_CONFIG)
      .useValue(config)
      .setLogger(silent)
      .compile();
    worker = await moduleRef.init();

    const states = await eventually(
      () => matchStates(ids),
      (rows) => rows.length === 2,
      30_000,
    );
    // Computed from the published versions.
    expect(
      states.map(({ kind, item_id, version }) => ({ kind, id: item_id, version })).sort((a, b) => a.kind.localeCompare(b.kind)),
    ).toEqual([
      { kind: 'listing', id: listing.id, version: listing.updatedAt },
      { kind: 'need', id: need.id, version: need.updatedAt },
    ]);
    const stored = await eventually(
      () => sql<{ other_id: string }>(`SELECT other_id FROM match_result WHERE kind = 'need' AND item_id = $1`, [need.id]),
      (rows) => rows.some((row) => row.other_id === listing.id),
    );
    expect(stored.map((row) => row.other_id)).toContain(listing.id);
    const delivered = await eventually(
      () => outboxRows(ids),
      (rows) => rows.every((row) => row.dispatched_at !== null),
    );
    expect(delivered.map((row) => row.id)).toEqual(written.map((row) => row.id));
    // Through BullMQ under this suite's prefix: the approvals' jobs, with the row ids as job ids, completed.
    const queue = worker.get<Queue>(getQueueToken(QueueName.Matching), { strict: false });
    expect(queue.opts.prefix).toBe(QUEUE_PREFIX);
    const finished = await eventually(
      () => Promise.all(approvals.map(async (id) => (await queue.getJob(id))?.finishedOn ?? null)),
      (times) => times.every((time) => time !== null),
    );
    expect(finished).toHaveLength(2);
  }, 60_000);
});
