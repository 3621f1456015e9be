import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { QueueEvents, type Queue } from 'bullmq';
import {
  ConfigModule,
  JobHandler,
  JobName,
  JobRegistry,
  JobRegistryError,
  JOB_QUEUE,
  QueueModule,
  QueueName,
  redisConnectionOptions,
} from '#yizhi/core';
import { DatabaseModule } from '#yizhi/database';
import { IdentityJobsModule } from '#yizhi/identity';
import { SCHEDULES } from '../../apps/worker/src/schedules.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { prepareTestDatabase } from '../support/database.js';
import { sql } from '../support/factories.js';

const boot = (module: unknown) => NestFactory.createApplicationContext(module as never, { logger: false, abortOnError: false });

describe('worker', () => {
  let worker: INestApplicationContext;
  let queue: Queue;

  beforeAll(async () => {
    await prepareTestDatabase();
    worker = await boot(WorkerModule);
    await worker.init();
    queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance), { strict: false });
  });

  afterAll(async () => {
    await worker?.close();
  });

  it('upserts its job schedulers at start-up, each on the queue of its job', async () => {
    for (const schedule of SCHEDULES) {
      const schedulers = await worker.get<Queue>(getQueueToken(JOB_QUEUE[schedule.job]), { strict: false }).getJobSchedulers();
      expect(schedulers).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: schedule.id, pattern: schedule.pattern, name: schedule.job })]),
      );
    }
  });

  it('purges expired refresh tokens through a real BullMQ job, keeping live ones', async () => {
    const [{ id: userId }] = await sql<{ id: string }>(
      `INSERT INTO "user" (email, password_hash, display_name, role) VALUES ($1, 'x', '测试', 'admin') RETURNING id`,
      [`purge.${randomUUID()}@example.cn`],
    );
    const hash = () => createHash('sha256').update(randomUUID()).digest('hex');
    const family = randomUUID();
    const [expired] = await sql<{ id: string }>(
      `INSERT INTO refresh_token (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, now() - interval '1 hour') RETURNING id`,
      [userId, family, hash()],
    );
    const [live] = await sql<{ id: string }>(
      `INSERT INTO refresh_token (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 day') RETURNING id`,
      [userId, family, hash()],
    );

    const events = new QueueEvents(QueueName.Maintenance, {
      connection: redisConnectionOptions(process.env.REDIS_URL!),
      prefix: process.env.QUEUE_PREFIX,
    });
    try {
      await events.waitUntilReady();
      const job = await queue.add(JobName.PurgeExpiredRefreshTokens, {});
      const result = (await job.waitUntilFinished(events, 15_000)) as { deleted: number };
      expect(result.deleted).toBeGreaterThanOrEqual(1);
    } finally {
      await events.close();
    }
    const left = await sql<{ id: string }>(`SELECT id FROM refresh_token WHERE id = ANY($1)`, [[expired.id, live.id]]);
    expect(left.map((r) => r.id)).toEqual([live.id]);
  });
});

describe('worker start-up check of job handlers', () => {
  beforeAll(() => prepareTestDatabase());

  const infrastructure = [ConfigModule.forRoot(), DatabaseModule.forRoot('yizhi-worker-test'), QueueModule.register(), DiscoveryModule];

  /** Compiles without initialising, so that the failed init can still be closed. */
  async function initFails(module: unknown): Promise<Error> {
    const moduleRef = await Test.createTestingModule({ imports: [module as never] }).compile();
    try {
      await moduleRef.init();
    } catch (error) {
      return error as Error;
    } finally {
      await moduleRef.close();
    }
    throw new Error('init succeeded');
  }

  it('refuses to start when a job name has no handler', async () => {
    @Module({ imports: infrastructure, providers: [JobRegistry] })
    class NoHandlers {}
    const error = await initFails(NoHandlers);
    expect(error).toBeInstanceOf(JobRegistryError);
    expect(error.message).toContain(`job "${JobName.PurgeExpiredRefreshTokens}" has no handler`);
  });

  it('refuses to start when a job name has two handlers', async () => {
    @Injectable()
    class SecondPurge {
      @JobHandler(JobName.PurgeExpiredRefreshTokens)
      async purge(): Promise<void> {}
    }
    @Module({ imports: [...infrastructure, IdentityJobsModule], providers: [JobRegistry, SecondPurge] })
    class TwoHandlers {}
    const error = await initFails(TwoHandlers);
    expect(error).toBeInstanceOf(JobRegistryError);
    expect(error.message).toMatch(/has 2 handlers: .*SecondPurge\.purge/);
  });
});
