import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnrecoverableError, Worker } from 'bullmq';
import request from 'supertest';
import { JobName, loadConfig, QueueClient, QueueName, redisConnectionOptions } from '#yizhi/core';
import { createApiApp } from '../../apps/api/src/create-app.js';
import type { TestApp } from '../support/app.js';
import { prepareTestDatabase } from '../support/database.js';
import { expectErrorBody } from '../support/errors.js';
import { bearer, createOperator, loginAdmin, registerAndLogin, type Session } from '../support/factories.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// Queues of this suite's own: the worker suite's BullMQ workers would otherwise take these jobs.
const queuePrefix = `${process.env.QUEUE_PREFIX}-jobs-${randomUUID().slice(0, 8)}`;

describe('GET /api/v1/jobs/:id', () => {
  let t: TestApp;
  let admin: Session;
  let queues: QueueClient;
  const job = (id: string) =>
    t
      .http()
      .get(`/api/v1/jobs/${encodeURIComponent(id)}`)
      .set(bearer(admin));

  beforeAll(async () => {
    await prepareTestDatabase();
    const app = await createApiApp({ ...loadConfig(), queuePrefix });
    t = { app, http: () => request(app.getHttpServer()), close: () => app.close() };
    admin = await loginAdmin(t);
    queues = app.get(QueueClient);
  });
  afterAll(() => t?.close());

  it('reports a job added through QueueClient: its queue, name, state "waiting" and progress 0', async () => {
    const id = randomUUID();
    const added = await queues.add(JobName.RebuildVolumes, {}, { jobId: id });
    expect(added.id).toBe(id);

    const res = await job(id).expect(200);
    expect(res.body).toEqual({
      id,
      name: JobName.RebuildVolumes,
      queue: QueueName.Volumes,
      state: 'waiting',
      progress: 0,
      attemptsMade: 0,
      timestamp: new Date(added.timestamp).toISOString(),
    });
  });

  it('follows jobs through active (with progress), completed, a pending retry and failed', async () => {
    const worker = new Worker(QueueName.Maintenance, null, {
      connection: redisConnectionOptions(process.env.REDIS_URL!),
      prefix: queuePrefix,
    });
    const token = randomUUID();
    try {
      const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of [first, second, third]) await queues.add(JobName.PurgeDispatchedOutbox, {}, { jobId: id });

      const running = await worker.getNextJob(token, { block: false });
      expect(running?.id).toBe(first);
      await running!.updateProgress(40);
      expect((await job(first).expect(200)).body).toMatchObject({ id: first, queue: QueueName.Maintenance, state: 'active', progress: 40 });

      await running!.moveToCompleted({ deleted: 0 }, token, false);
      const completed = (await job(first).expect(200)).body;
      expect(completed).toMatchObject({ state: 'completed', progress: 40, attemptsMade: 1, finishedOn: expect.stringMatching(ISO) });
      expect(completed).not.toHaveProperty('failedReason');

      // A failure with attempts left: delayed for its backoff, the reason already readable.
      const retried = await worker.getNextJob(token, { block: false });
      expect(retried?.id).toBe(second);
      await retried!.moveToFailed(new Error('database busy'), token, false);
      const pending = (await job(second).expect(200)).body;
      expect(pending).toMatchObject({ state: 'delayed', failedReason: 'database busy', attemptsMade: 1 });
      expect(pending).not.toHaveProperty('finishedOn');

      const failing = await worker.getNextJob(token, { block: false });
      expect(failing?.id).toBe(third);
      await failing!.moveToFailed(new UnrecoverableError('no such table'), token, false);
      expect((await job(third).expect(200)).body).toMatchObject({
        state: 'failed',
        failedReason: 'no such table',
        attemptsMade: 1,
        finishedOn: expect.stringMatching(ISO),
      });
    } finally {
      await worker.close();
    }
  });

  it('reports a delayed job as delayed', async () => {
    const id = randomUUID();
    const volumes = queues.queues.find((q) => q.name === QueueName.Volumes)!;
    await volumes.add(JobName.CheckVolumesFreshness, {}, { jobId: id, delay: 60_000 });
    expect((await job(id).expect(200)).body).toMatchObject({ id, name: JobName.CheckVolumesFreshness, state: 'delayed' });
  });

  it('answers 404 for an id no queue holds', async () => {
    expectErrorBody(await job(randomUUID()), 404, 'NOT_FOUND', []);
    expectErrorBody(await job('1234567'), 404, 'NOT_FOUND', []);
    expectErrorBody(await job('repeat:purge:1700000000000'), 404, 'NOT_FOUND', []);
  });

  it('is for admins only: 403 for enterprise, institute and operator users, 401 anonymous', async () => {
    const id = randomUUID();
    await queues.add(JobName.RebuildVolumes, {}, { jobId: id });
    const callers = [await registerAndLogin(t, 'enterprise'), await registerAndLogin(t, 'institute'), await createOperator(t, admin)];
    for (const caller of callers) {
      expectErrorBody(await t.http().get(`/api/v1/jobs/${id}`).set(bearer(caller)), 403, 'FORBIDDEN', []);
    }
    expectErrorBody(await t.http().get(`/api/v1/jobs/${id}`), 401, 'UNAUTHENTICATED', []);
    expectErrorBody(await t.http().get(`/api/v1/jobs/${id}`).set('authorization', 'Bearer not.a.token'), 401, 'UNAUTHENTICATED', []);
    await job(id).expect(200);
  });

  it('answers 503 SERVICE_UNAVAILABLE, at once, when Redis cannot be reached', async () => {
    // Nothing listens on port 1: the API's queue connection is refused.
    const down = await createApiApp({ ...loadConfig(), queuePrefix, redisUrl: 'redis://127.0.0.1:1' });
    try {
      const started = Date.now();
      const res = await request(down.getHttpServer()).get(`/api/v1/jobs/${randomUUID()}`).set(bearer(admin));
      expect(Date.now() - started).toBeLessThan(2_000);
      expectErrorBody(res, 503, 'SERVICE_UNAVAILABLE', []);
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      await down.close();
    }
  });
});
