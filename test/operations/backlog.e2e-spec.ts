import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { JobName, loadConfig, QueueClient, QueueName } from '#yizhi/core';
import { createApiApp } from '../../apps/api/src/create-app.js';
import { prepareTestDatabase } from '../support/database.js';
import { sql } from '../support/factories.js';

// Queues of this suite's own, so that the counts are this suite's jobs alone.
const queuePrefix = `${process.env.QUEUE_PREFIX}-backlog-${randomUUID().slice(0, 8)}`;
const QUEUES = Object.values(QueueName);
const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'];

/** The samples of one metric in Prometheus text, as `{labels} → value`. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = line.match(/^(\w+)(\{.*\})? (\S+)$/);
    if (match?.[1] === name) found.set(match[2] ?? '', Number(match[3]));
  }
  return found;
}

describe('health and metrics of the background work', () => {
  let app: NestFastifyApplication;
  let down: NestFastifyApplication;
  let outboxRow: string;
  const http = (target: NestFastifyApplication) => request(target.getHttpServer());

  beforeAll(async () => {
    await prepareTestDatabase();
    app = await createApiApp({ ...loadConfig(), queuePrefix });
    // The same API with Redis unreachable (nothing listens on port 1).
    down = await createApiApp({ ...loadConfig(), queuePrefix, redisUrl: 'redis://127.0.0.1:1' });
    // A row an hour old that no relay will claim yet (not due for a day): pending however the other suites' workers run.
    [{ id: outboxRow }] = await sql<{ id: string }>(
      `INSERT INTO outbox_message (queue, job_name, payload, created_at, available_at)
       VALUES ($1, $2, '{}', now() - interval '1 hour', now() + interval '1 day') RETURNING id`,
      [QueueName.Maintenance, JobName.PurgeDispatchedOutbox],
    );
    const queues = app.get(QueueClient);
    await queues.add(JobName.RebuildVolumes, {}, { jobId: randomUUID() });
    await queues.add(JobName.RebuildVolumes, {}, { jobId: randomUUID() });
    await queues.queues
      .find((q) => q.name === QueueName.Matching)!
      .add(JobName.ComputeMatches, { kind: 'need', id: randomUUID() }, { delay: 60_000 });
  });

  afterAll(async () => {
    if (outboxRow) await sql('DELETE FROM outbox_message WHERE id = $1', [outboxRow]);
    await app?.close();
    await down?.close();
  });

  describe('GET /api/v1/health', () => {
    it('adds the outbox backlog and the jobs per queue, and stays up', async () => {
      const res = await http(app).get('/api/v1/health').expect(200);
      expect(res.body.status).toBe('ok');
      const { outbox, queues } = res.body.info;
      expect(outbox).toEqual({ status: 'up', pending: expect.any(Number), oldestPendingSeconds: expect.any(Number) });
      expect(outbox.pending).toBeGreaterThanOrEqual(1);
      expect(outbox.oldestPendingSeconds).toBeGreaterThanOrEqual(3_600);
      expect(queues).toEqual({
        status: 'up',
        [QueueName.Maintenance]: { waiting: 0, active: 0, delayed: 0, failed: 0 },
        [QueueName.Matching]: { waiting: 0, active: 0, delayed: 1, failed: 0 },
        [QueueName.Volumes]: { waiting: 2, active: 0, delayed: 0, failed: 0 },
      });
    });

    it('is 503 when Redis is down, naming the queues as down too, and answers within about a second', async () => {
      const started = Date.now();
      const res = await http(down).get('/api/v1/health').expect(503);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', details: [], status: 'error' });
      expect(res.body.message).toContain('redis');
      expect(res.body.error).toMatchObject({ redis: { status: 'down' }, queues: { status: 'down' } });
      // PostgreSQL still answers: the backlog is still reported.
      expect(res.body.info).toMatchObject({ database: { status: 'up' }, outbox: { status: 'up' } });
      expect(res.body.info.outbox.pending).toBeGreaterThanOrEqual(1);
    });
  });

  describe('GET /metrics', () => {
    it('has the outbox gauges and a gauge of jobs per queue and state, read at scrape time', async () => {
      const text = (await http(app).get('/metrics').expect(200)).text;
      expect(text).toMatch(/^# TYPE yizhi_outbox_pending gauge$/m);
      expect(samples(text, 'yizhi_outbox_pending').get('')).toBeGreaterThanOrEqual(1);
      expect(samples(text, 'yizhi_outbox_oldest_pending_seconds').get('')).toBeGreaterThanOrEqual(3_600);

      expect(text).toMatch(/^# TYPE yizhi_queue_jobs gauge$/m);
      const jobs = samples(text, 'yizhi_queue_jobs');
      expect([...jobs.keys()].sort()).toEqual(
        QUEUES.flatMap((queue) => STATES.map((state) => `{queue="${queue}",state="${state}"}`)).sort(),
      );
      expect(jobs.get(`{queue="${QueueName.Volumes}",state="waiting"}`)).toBe(2);
      expect(jobs.get(`{queue="${QueueName.Matching}",state="delayed"}`)).toBe(1);
      expect(jobs.get(`{queue="${QueueName.Maintenance}",state="waiting"}`)).toBe(0);

      // Read when scraped: a job added now is in the next scrape.
      await app.get(QueueClient).add(JobName.RebuildVolumes, {}, { jobId: randomUUID() });
      const next = samples((await http(app).get('/metrics').expect(200)).text, 'yizhi_queue_jobs');
      expect(next.get(`{queue="${QueueName.Volumes}",state="waiting"}`)).toBe(3);
    });

    it('leaves the queue gauges out (not zero) while Redis is down, and still answers within about a second', async () => {
      const started = Date.now();
      const text = (await http(down).get('/metrics').expect(200)).text;
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(samples(text, 'yizhi_queue_jobs').size).toBe(0);
      expect(samples(text, 'yizhi_outbox_pending').get('')).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    });
  });
});
