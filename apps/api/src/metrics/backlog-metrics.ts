import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { OutboxService, QueueClient, within, type OutboxBacklog, type QueueJobCounts } from '#yizhi/core';
import { HttpMetrics } from './http-metrics.js';

const STATES: (keyof QueueJobCounts)[] = ['waiting', 'active', 'delayed', 'failed', 'completed'];

/**
 * Gauges of the background work, read at scrape time: the outbox backlog (PostgreSQL) and the
 * jobs per queue and state (Redis). A figure that cannot be read is left out rather than
 * reported as zero, and neither read may hold a scrape for more than about a second.
 */
@Injectable()
export class BacklogMetrics {
  constructor(metrics: HttpMetrics, outbox: OutboxService, queues: QueueClient) {
    // Both outbox gauges collect in the same scrape (prom-client collects concurrently): one query serves them.
    let reading: Promise<OutboxBacklog | null> | undefined;
    const backlog = () =>
      (reading ??= within(outbox.backlog(), 1_000, 'the outbox backlog took over 1000 ms')
        .catch(() => null)
        .finally(() => (reading = undefined)));

    new Gauge({
      name: 'yizhi_outbox_pending',
      help: 'Outbox rows not yet handed to Redis (absent when PostgreSQL does not answer)',
      registers: [metrics.registry],
      async collect() {
        const read = await backlog();
        if (read) this.set(read.pending);
        else this.remove();
      },
    });

    new Gauge({
      name: 'yizhi_outbox_oldest_pending_seconds',
      help: 'Age of the oldest outbox row not yet handed to Redis; 0 when there is none',
      registers: [metrics.registry],
      async collect() {
        const read = await backlog();
        if (read) this.set(read.oldestAgeSeconds ?? 0);
        else this.remove();
      },
    });

    new Gauge({
      name: 'yizhi_queue_jobs',
      help: 'BullMQ jobs per queue and state (absent while Redis cannot be reached)',
      labelNames: ['queue', 'state'] as const,
      registers: [metrics.registry],
      async collect() {
        const counts = await queues.counts().catch(() => null);
        this.reset();
        if (!counts) return;
        for (const [queue, c] of Object.entries(counts)) for (const state of STATES) this.set({ queue, state }, c[state]);
      },
    });
  }
}
