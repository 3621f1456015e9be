import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobName, loadConfig, QueueClient, QueueName, QueueUnavailableException, type AppConfig } from '#yizhi/core';

const queuePrefix = `${process.env.QUEUE_PREFIX}-client-${randomUUID().slice(0, 8)}`;
const config = (redisUrl?: string): AppConfig => ({ ...loadConfig(), queuePrefix, ...(redisUrl ? { redisUrl } : {}) });

/** Milliseconds `work` took to settle, and how. */
async function timed<T>(work: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await work;
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

/** A TCP proxy to the real Redis that can stop passing bytes: a Redis that hangs rather than refuses. */
async function freezableProxy(target: URL) {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      sockets.add(from);
      from.on('data', (chunk) => (frozen ? undefined : to.write(chunk)));
      from.on('error', () => undefined);
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    freeze: () => (frozen = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('QueueClient', () => {
  it('adds a job to the queue its name belongs to, once per job id', async () => {
    const client = new QueueClient(config());
    try {
      // Called at once, while the first connection attempt is in flight: the call waits for it rather than fail.
      expect(await client.counts()).not.toBeNull();
      const jobId = randomUUID();
      const job = await client.add(JobName.RebuildVolumes, {}, { jobId });
      expect(job).toMatchObject({ id: jobId, name: JobName.RebuildVolumes, queueName: QueueName.Volumes });
      expect(job.opts).toMatchObject({ attempts: 5, removeOnComplete: { age: 24 * 3600, count: 1_000 } });
      await client.add(JobName.RebuildVolumes, {}, { jobId });
      expect((await client.counts())?.[QueueName.Volumes]).toEqual({ waiting: 1, active: 0, delayed: 0, failed: 0, completed: 0 });
      expect(await client.findJob(jobId)).toMatchObject({ queue: QueueName.Volumes, state: 'waiting', job: { id: jobId } });
      expect(await client.findJob(randomUUID())).toBeNull();
      expect(client.queues.map((q) => q.name).sort()).toEqual(Object.values(QueueName).sort());
      expect(client.queues.every((q) => q.opts.prefix === queuePrefix)).toBe(true);
    } finally {
      await client.onModuleDestroy();
    }
  });

  describe('with Redis unreachable (a closed port)', () => {
    let client: QueueClient;
    beforeAll(() => {
      client = new QueueClient(config('redis://127.0.0.1:1'));
    });
    afterAll(() => client.onModuleDestroy());

    it('rejects add with a 503 SERVICE_UNAVAILABLE within two seconds instead of hanging', async () => {
      // Once right away (never connected) and once after reconnection attempts.
      for (const wait of [0, 500]) {
        await delay(wait);
        const { ms, error } = await timed(client.add(JobName.RebuildVolumes, {}, { jobId: randomUUID() }));
        expect(error).toBeInstanceOf(QueueUnavailableException);
        expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
        expect(ms).toBeLessThan(2_000);
      }
    });

    it('rejects findJob with a 503 and gives null counts, at once', async () => {
      const find = await timed(client.findJob(randomUUID()));
      expect(find.error).toBeInstanceOf(QueueUnavailableException);
      const counts = await timed(client.counts());
      expect(counts).toMatchObject({ value: null });
      expect(find.ms + counts.ms).toBeLessThan(1_000);
    });
  });

  it('cuts a call off after its timeout when Redis accepts the connection but stops answering', async () => {
    const proxy = await freezableProxy(new URL(loadConfig().redisUrl));
    const client = new QueueClient(config(proxy.url));
    try {
      expect(await client.counts()).not.toBeNull();
      proxy.freeze();
      const { ms, error } = await timed(client.add(JobName.RebuildVolumes, {}, { jobId: randomUUID() }));
      expect(error).toBeInstanceOf(QueueUnavailableException);
      expect((error as Error).message).toContain('did not answer within 1000 ms');
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(2_000);
      const counts = await timed(client.counts());
      expect(counts).toMatchObject({ value: null });
      expect(counts.ms).toBeLessThan(2_000);
    } finally {
      await proxy.close();
      await client.onModuleDestroy();
    }
  });
});
