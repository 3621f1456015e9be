import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { QueueEvents, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  APP_CONFIG,
  ConfigModule,
  dropTestDatabase,
  JobName,
  loadConfig,
  OutboxModule,
  OutboxRelay,
  OutboxMessagesRepository,
  OutboxService,
  OutboxTransactionRequiredError,
  QueueName,
  redisConnectionOptions,
  type AppConfig,
  type OutboxRelayOptions,
} from '#yizhi/core';
import { DatabaseModule, migrate } from '#yizhi/database';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';

// This suite has a database of its own and queue prefixes of its own. Every worker process runs a
// relay, and BullMQ workers take any job under their prefix: on the shared database and prefix,
// another suite's worker would dispatch the rows this suite means to keep pending, and run its jobs.
const scratch = new URL(process.env.DATABASE_URL!);
scratch.pathname = `/yizhi_outbox_test_${randomUUID().slice(0, 8)}`;
const config: AppConfig = loadConfig({
  ...process.env,
  DATABASE_URL: scratch.toString(),
  QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-outbox`,
});
const redisUrl = new URL(config.redisUrl);

const JOB = JobName.PurgeDispatchedOutbox;

interface Row {
  id: string;
  attempts: number;
  last_error: string | null;
  available_at: Date;
  dispatched_at: Date | null;
}

/** Records what the code under test logs, and keeps the test output clean. */
class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string; context?: string }[] = [];
  log = (message: string, context?: string) => this.lines.push({ level: 'log', message, context });
  warn = (message: string, context?: string) => this.lines.push({ level: 'warn', message, context });
  error = (message: string, _trace?: string, context?: string) => this.lines.push({ level: 'error', message, context });
  debug = () => undefined;
  verbose = () => undefined;
}

/** Polls `read` until `done` holds. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting; last value: ${JSON.stringify(value)}`);
    await delay(50);
  }
}

/** A TCP proxy to the real Redis that can be told to stop passing bytes: a Redis that hangs rather than refuses. */
async function freezableProxy() {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(redisUrl.port || 6379), redisUrl.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      sockets.add(from);
      from.on('data', (chunk) => frozen || to.write(chunk));
      from.on('error', () => undefined);
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    freeze: () => (frozen = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

beforeAll(async () => {
  await migrate(config.databaseUrl);
});

afterAll(async () => {
  await dropTestDatabase(config.databaseUrl);
});

describe('outbox', () => {
  const logger = new RecordingLogger();
  let moduleRef: TestingModule;
  let dataSource: DataSource;
  let outbox: OutboxService;
  let worker: Worker;
  let events: QueueEvents;
  /** Every job the BullMQ worker ran, and every add BullMQ recorded, by job id. */
  const runs: { id: string; name: string; data: unknown }[] = [];
  const added: string[] = [];
  const duplicated: string[] = [];
  const relays: OutboxRelay[] = [];

  const count = (ids: string[], id: string) => ids.filter((x) => x === id).length;
  const runsOf = (id: string) => runs.filter((run) => run.id === id);

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot('yizhi-outbox-test'), OutboxModule],
    })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
    dataSource = moduleRef.get(DataSource);
    outbox = moduleRef.get(OutboxService);

    const connection = redisConnectionOptions(config.redisUrl);
    worker = new Worker(
      QueueName.Maintenance,
      async (job) => {
        runs.push({ id: job.id!, name: job.name, data: job.data });
      },
      { connection, prefix: config.queuePrefix, concurrency: 10 },
    );
    events = new QueueEvents(QueueName.Maintenance, { connection, prefix: config.queuePrefix });
    events.on('added', ({ jobId }) => added.push(jobId));
    events.on('duplicated', ({ jobId }) => duplicated.push(jobId));
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });

  afterAll(async () => {
    await worker?.close();
    await events?.close();
    await moduleRef?.close();
  });

  /** A relay over this suite's database, paced for tests; stopped after each test. */
  function relay(options: OutboxRelayOptions = {}): OutboxRelay {
    const created = new OutboxRelay(moduleRef.get(OutboxMessagesRepository), config, {
      pollIntervalMs: 50,
      addTimeoutMs: 1_000,
      retryBaseMs: 200,
      retryMaxMs: 1_000,
      ...options,
    });
    relays.push(created);
    created.start();
    return created;
  }

  /** Enqueues `n` jobs in one committed transaction. */
  function enqueueCommitted(n = 1): Promise<string[]> {
    return dataSource.transaction(async (manager) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(await outbox.enqueue(manager, JOB, {}));
      return ids;
    });
  }

  const rows = (ids: string[]): Promise<Row[]> =>
    dataSource.query('SELECT id, attempts, last_error, available_at, dispatched_at FROM outbox_message WHERE id = ANY($1) ORDER BY id', [
      ids,
    ]);

  const dispatched = (ids: string[]) =>
    eventually(
      () => rows(ids),
      (found) => found.length === ids.length && found.every((row) => row.dispatched_at !== null),
    );

  const ranAll = (ids: string[]) =>
    eventually(
      async () => ids.filter((id) => !runsOf(id).length),
      (missing) => !missing.length,
    );

  /** Locks the rows within a few seconds, or fails: proves that no relay is holding them. */
  const lockable = (ids: string[]) =>
    dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '3s'`);
      const locked: unknown[] = await manager.query('SELECT id FROM outbox_message WHERE id = ANY($1) FOR UPDATE', [ids]);
      return locked.length;
    });

  describe('backlog', () => {
    it('reports the undispatched rows and the age of the oldest', async () => {
      await expect(outbox.backlog()).resolves.toEqual({ pending: 0, oldestAgeSeconds: null });
      const ids: { id: string }[] = await dataSource.query(
        `INSERT INTO outbox_message (queue, job_name, payload, created_at, available_at, attempts)
         VALUES ('maintenance', $1, '{}', now() - interval '90 seconds', now() + interval '1 hour', 3),
                ('maintenance', $1, '{}', now() - interval '10 seconds', now() + interval '1 hour', 0),
                ('maintenance', $1, '{}', now() - interval '1 day', now() - interval '1 day', 0)
         RETURNING id`,
        [JOB],
      );
      // The third was dispatched long ago: not part of the backlog.
      await dataSource.query(`UPDATE outbox_message SET dispatched_at = now() - interval '23 hours' WHERE id = $1`, [ids[2].id]);

      const backlog = await outbox.backlog();
      expect(backlog.pending).toBe(2);
      expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(90);
      expect(backlog.oldestAgeSeconds).toBeLessThan(120);

      await dataSource.query('DELETE FROM outbox_message WHERE id = ANY($1)', [ids.map((r) => r.id)]);
      await expect(outbox.backlog()).resolves.toEqual({ pending: 0, oldestAgeSeconds: null });
    });
  });

  describe('enqueue', () => {
    it('writes nothing when the transaction rolls back', async () => {
      let id = '';
      await expect(
        dataSource.transaction(async (manager) => {
          id = await outbox.enqueue(manager, JOB, {});
          throw new Error('the state change failed');
        }),
      ).rejects.toThrow('the state change failed');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);

      relay();
      const [committed] = await enqueueCommitted();
      await ranAll([committed]);
      expect(await rows([id])).toEqual([]);
      expect(count(added, id)).toBe(0);
      expect(runsOf(id)).toEqual([]);
    });

    it('refuses a manager that is not inside a transaction, and writes nothing', async () => {
      const before = await dataSource.query('SELECT count(*)::int AS n FROM outbox_message');
      await expect(outbox.enqueue(dataSource.manager, JOB, {})).rejects.toThrow(OutboxTransactionRequiredError);
      const runner = dataSource.createQueryRunner();
      try {
        await expect(outbox.enqueue(runner.manager, JOB, {})).rejects.toThrow(
          `Job "${JOB}" must be enqueued through the EntityManager of an active transaction`,
        );
      } finally {
        await runner.release();
      }
      await expect(dataSource.query('SELECT count(*)::int AS n FROM outbox_message')).resolves.toEqual(before);
    });
  });

  describe('relay', () => {
    it('runs a committed job once, with the outbox id as its job id, and marks the row dispatched', async () => {
      relay();
      const [id] = await enqueueCommitted();
      await ranAll([id]);
      const [row] = await dispatched([id]);
      expect(row).toMatchObject({ attempts: 0, last_error: null });

      await delay(300);
      expect(runsOf(id)).toEqual([{ id, name: JOB, data: {} }]);
      expect(count(added, id)).toBe(1);
    });

    it('keeps rows pending while Redis is unreachable, backing off, without hanging, and delivers them once it is back', async () => {
      logger.lines.length = 0;
      const down = relay({ redisUrl: 'redis://127.0.0.1:1', retryBaseMs: 1_000, retryMaxMs: 4_000 });
      const ids = await enqueueCommitted(3);

      const once = await eventually(
        () => rows(ids),
        (found) => found.every((row) => row.attempts >= 1),
      );
      const twice = await eventually(
        () => rows(ids),
        (found) => found.every((row) => row.attempts >= 2),
      );
      for (const [i, row] of twice.entries()) {
        expect(row.dispatched_at).toBeNull();
        expect(row.last_error).toMatch(/^Redis is not connected/);
        // Not retried before its time, and pushed back twice as far the second time.
        if (once[i].attempts === 1 && row.attempts === 2) {
          expect(row.available_at.getTime() - once[i].available_at.getTime()).toBeGreaterThanOrEqual(2_000);
        }
      }
      // Meanwhile the rows are not held: a relay that waited on Redis would keep them locked.
      await expect(lockable(ids)).resolves.toBe(3);
      // Several failed rounds of several rows: one warning for the outage.
      expect(logger.lines.filter((line) => line.context === OutboxRelay.name && line.level === 'warn')).toHaveLength(1);

      const stopping = Date.now();
      await down.stop();
      expect(Date.now() - stopping).toBeLessThan(2_000);
      expect(ids.filter((id) => count(added, id) || runsOf(id).length)).toEqual([]);

      relay();
      await ranAll(ids);
      const delivered = await dispatched(ids);
      expect(delivered.every((row) => row.attempts >= 2)).toBe(true);
      await delay(300);
      for (const id of ids) expect(runsOf(id)).toHaveLength(1);
    });

    it('gives up on a Redis that stops answering within its timeout, releasing the rows', async () => {
      const proxy = await freezableProxy();
      try {
        const hanging = relay({ redisUrl: proxy.url, addTimeoutMs: 1_000 });
        const [first] = await enqueueCommitted();
        await ranAll([first]);

        proxy.freeze();
        const [id] = await enqueueCommitted();
        const [row] = await eventually(
          () => rows([id]),
          ([found]) => found.attempts >= 1,
        );
        expect(row.last_error).toBe('Redis did not answer within 1000 ms');
        expect(row.dispatched_at).toBeNull();
        await expect(lockable([id])).resolves.toBe(1);

        // Stopping waits at most for the batch in flight, which the timeout bounds.
        const stopping = Date.now();
        await hanging.stop();
        expect(Date.now() - stopping).toBeLessThan(2_500);

        relay();
        await ranAll([id]);
        await dispatched([id]);
        await delay(300);
        expect(runsOf(id)).toHaveLength(1);
        expect(count(added, id)).toBe(1);
      } finally {
        await proxy.close();
      }
    });

    it('lets two relays share the work without adding any row twice', async () => {
      relay({ batchSize: 5 });
      relay({ batchSize: 5 });
      const ids = await enqueueCommitted(60);
      await ranAll(ids);
      await dispatched(ids);
      await delay(300);
      for (const id of ids) {
        expect(runsOf(id)).toHaveLength(1);
        expect(count(added, id)).toBe(1);
      }
      expect(ids.filter((id) => duplicated.includes(id))).toEqual([]);
    });

    it('skips a row that another relay holds instead of waiting for it', async () => {
      const [held] = await enqueueCommitted();
      const holder = dataSource.createQueryRunner();
      await holder.startTransaction();
      try {
        await holder.query('SELECT id FROM outbox_message WHERE id = $1 FOR UPDATE', [held]);
        const [next] = await enqueueCommitted();
        relay();
        await ranAll([next]);
        await dispatched([next]);
        expect(await rows([held])).toEqual([expect.objectContaining({ attempts: 0, dispatched_at: null })]);
        expect(runsOf(held)).toEqual([]);
      } finally {
        await holder.rollbackTransaction();
        await holder.release();
      }
      await ranAll([held]);
      await dispatched([held]);
    });

    it('does not run a job twice when an already added row is relayed again', async () => {
      relay();
      const [id] = await enqueueCommitted();
      await ranAll([id]);
      await dispatched([id]);

      // As if the relay had died after the add, before its commit.
      await dataSource.query('UPDATE outbox_message SET dispatched_at = NULL WHERE id = $1', [id]);
      await eventually(
        async () => count(duplicated, id),
        (n) => n === 1,
      );
      await dispatched([id]);
      await delay(300);
      expect(runsOf(id)).toHaveLength(1);
      expect(count(added, id)).toBe(1);
    });
  });
});

describe('worker with the outbox', () => {
  let app: TestingModule;
  let dataSource: DataSource;

  beforeAll(async () => {
    app = await Test.createTestingModule({ imports: [WorkerModule] })
      .overrideProvider(APP_CONFIG)
      .useValue({ ...config, queuePrefix: `${config.queuePrefix}-worker` })
      .setLogger(new RecordingLogger())
      .compile();
    await app.init();
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('relays an enqueued purge job to its handler, which deletes dispatched rows older than 7 days and nothing else', async () => {
    const [old, recent, pending]: { id: string }[] = await dataSource.query(
      `INSERT INTO outbox_message (queue, job_name, payload, created_at, available_at, attempts, dispatched_at)
       VALUES ('maintenance', $1, '{}', now() - interval '9 days', now() - interval '9 days', 0, now() - interval '8 days'),
              ('maintenance', $1, '{}', now() - interval '7 days', now() - interval '7 days', 0, now() - interval '6 days 23 hours'),
              ('maintenance', $1, '{}', now() - interval '9 days', now() + interval '1 day', 40, NULL)
       RETURNING id`,
      [JOB],
    );

    const purge = await dataSource.transaction((manager) => app.get(OutboxService).enqueue(manager, JobName.PurgeDispatchedOutbox, {}));
    await eventually(
      () => dataSource.query('SELECT id FROM outbox_message WHERE id = $1', [old.id]),
      (found) => !found.length,
    );
    const left: { id: string; dispatched: boolean }[] = await dataSource.query(
      'SELECT id, dispatched_at IS NOT NULL AS dispatched FROM outbox_message WHERE id = ANY($1) ORDER BY created_at, id',
      [[old.id, recent.id, pending.id, purge]],
    );
    expect(left).toEqual(
      expect.arrayContaining([
        { id: recent.id, dispatched: true },
        { id: pending.id, dispatched: false },
        { id: purge, dispatched: true },
      ]),
    );
    expect(left).toHaveLength(3);
  });
});
