import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DEFAULT_JOB_OPTIONS, MERGEABLE_JOBS, type JobName } from '../queue/queue-names.js';
import { within } from '../queue/within.js';
import { OutboxMessagesRepository, type PendingMessage } from './outbox-messages.repository.js';
import { keyedId } from './outbox.service.js';
import { retryDelayMs } from './retry-delay.js';

export interface OutboxRelayOptions {
  /** The Redis to add jobs to; REDIS_URL when unset. */
  redisUrl?: string;
  /** Rows claimed per transaction. */
  batchSize?: number;
  /** Pause before the next claim when the last batch was not full. */
  pollIntervalMs?: number;
  /** How long one batch's adds may take before Redis counts as down and the rows are released. */
  addTimeoutMs?: number;
  /** First and longest retry delay, of each failed row and of the relay loop itself. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** Optional provider of OutboxRelayOptions. */
export const OUTBOX_RELAY_OPTIONS = Symbol('OUTBOX_RELAY_OPTIONS');

const DEFAULTS: Required<Omit<OutboxRelayOptions, 'redisUrl'>> = {
  batchSize: 100,
  pollIntervalMs: 250,
  addTimeoutMs: 5_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
};

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The BullMQ jobs of a batch of rows: one per row, with the row id as job id, except that the rows
 * of a mergeable job (MERGEABLE_JOBS) become one job, whose id is derived from all their ids: the
 * same rows claimed again give the same job (ignored by BullMQ), other rows another one.
 */
function jobsOf(rows: readonly PendingMessage[]): { name: string; data: unknown; opts: { jobId: string } }[] {
  const jobs: { name: string; data: unknown; opts: { jobId: string } }[] = [];
  const mergeable = new Map<JobName, PendingMessage[]>();
  for (const row of rows) {
    const name = row.jobName as JobName;
    if (MERGEABLE_JOBS[name]) mergeable.set(name, [...(mergeable.get(name) ?? []), row]);
    else jobs.push({ name: row.jobName, data: row.payload, opts: { jobId: row.id } });
  }
  for (const [name, merged] of mergeable) {
    const merge = MERGEABLE_JOBS[name] as (payloads: readonly unknown[]) => unknown;
    const jobId =
      merged.length === 1
        ? merged[0].id
        : keyedId(
            name,
            merged
              .map((row) => row.id)
              .sort()
              .join(','),
          );
    jobs.push({ name, data: merge(merged.map((row) => row.payload)), opts: { jobId } });
  }
  return jobs;
}

/**
 * Moves outbox rows to BullMQ: claims due rows in batches (SKIP LOCKED, so any number of
 * workers can run one), adds them with the row id as job id, and marks them dispatched in the
 * same transaction. A crash between the add and the commit re-adds the rows later, and BullMQ
 * ignores an id it still holds (finished jobs are kept 24 h / 1,000 by DEFAULT_JOB_OPTIONS), so
 * the job runs once; handlers stay idempotent for anything older.
 *
 * While Redis is down the rows stay in PostgreSQL, each retried with its own backoff, and the
 * loop backs off too. The adds go through a connection of the relay's own that fails commands
 * at once when disconnected, and are cut off after `addTimeoutMs` in any case: the queues'
 * shared connections wait for Redis forever, which here would hold the row locks forever.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly options: Required<OutboxRelayOptions>;
  private redis?: Redis;
  private readonly queues = new Map<string, Queue>();
  private running?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  /** Failed rounds in a row, for the loop's own backoff. */
  private failures = 0;
  /** When dispatching started failing, so that an outage is logged once, not once per round. */
  private failingSince?: number;

  constructor(
    private readonly messages: OutboxMessagesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(OUTBOX_RELAY_OPTIONS) options: OutboxRelayOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options, redisUrl: options.redisUrl ?? config.redisUrl };
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.redis = new Redis(this.options.redisUrl, {
      connectionName: 'yizhi-outbox-relay',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: this.options.addTimeoutMs,
      // Reconnect soon after Redis is back; the rows' own backoff paces the retries.
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    // Connection errors surface through the adds, which log them once per outage.
    this.redis.on('error', () => undefined);
    this.running = this.loop();
  }

  /** Finishes the batch in flight, then closes the relay's connection. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wake?.();
    await this.running;
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    this.redis?.disconnect();
    this.redis = undefined;
    this.running = undefined;
  }

  /** Claims one batch of due rows and relays it: how many were dispatched, or why they were not. */
  private relayOnce(): Promise<{ dispatched: number; error?: unknown }> {
    return this.messages.claimDue(this.options.batchSize, async (rows, manager) => {
      const ids = rows.map((row) => row.id);
      if (!ids.length) return { dispatched: 0 };
      try {
        await this.add(rows);
      } catch (error) {
        await this.messages.markFailed(manager, ids, messageOf(error), {
          baseMs: this.options.retryBaseMs,
          maxMs: this.options.retryMaxMs,
        });
        return { dispatched: 0, error };
      }
      await this.messages.markDispatched(manager, ids);
      return { dispatched: ids.length };
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let pause = this.options.pollIntervalMs;
      try {
        const result = await this.relayOnce();
        if (result.error !== undefined) pause = this.failed(result.error);
        else if (result.dispatched) {
          this.recovered();
          // A full batch: more rows are probably due.
          if (result.dispatched === this.options.batchSize) pause = 0;
        }
      } catch (error) {
        // PostgreSQL failed and the claim rolled back: the rows are claimed again later (a re-add is ignored by job id).
        pause = this.failed(error);
      }
      if (pause > 0 && !this.stopping) await this.sleep(pause);
    }
  }

  private async add(rows: PendingMessage[]): Promise<void> {
    const redis = this.redis!;
    // BullMQ waits, with no limit, for a connection that has never been ready; fail at once instead.
    if (redis.status !== 'ready') throw new Error(`Redis is not connected (${redis.status})`);
    const byQueue = new Map<string, PendingMessage[]>();
    for (const row of rows) {
      if (!byQueue.has(row.queue)) byQueue.set(row.queue, []);
      byQueue.get(row.queue)!.push(row);
    }
    const adds = [...byQueue].map(([name, queued]) => this.queue(name, redis).addBulk(jobsOf(queued)));
    // A late add is harmless: the row stays pending and its re-add is ignored by id.
    await within(Promise.all(adds), this.options.addTimeoutMs, `Redis did not answer within ${this.options.addTimeoutMs} ms`);
  }

  private queue(name: string, redis: Redis): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      // The relay's connection is shared by its queues (BullMQ leaves a client it was given open).
      queue = new Queue(name, { connection: redis, prefix: this.config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Records a failed round and returns how long to wait before the next. */
  private failed(error: unknown): number {
    this.failures += 1;
    if (this.failingSince === undefined) {
      this.failingSince = Date.now();
      this.logger.warn(`Outbox rows cannot be dispatched (${messageOf(error)}); they stay pending and are retried with backoff`);
    }
    return retryDelayMs(this.failures, this.options.retryBaseMs, this.options.retryMaxMs);
  }

  private recovered(): void {
    if (this.failingSince !== undefined) {
      const seconds = Math.round((Date.now() - this.failingSince) / 1_000);
      this.logger.log(`Outbox rows are dispatched again, after ${seconds} s of failures`);
      this.failingSince = undefined;
    }
    this.failures = 0;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
