import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { QueueUnavailableException } from './queue-unavailable.exception.js';
import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, QueueName, type JobName, type JobPayloads } from './queue-names.js';
import { TimeoutError, within } from './within.js';

export interface QueueClientOptions {
  /** How long one call may take before Redis counts as unavailable. */
  timeoutMs?: number;
}

/** Optional provider of QueueClientOptions. */
export const QUEUE_CLIENT_OPTIONS = Symbol('QUEUE_CLIENT_OPTIONS');

const DEFAULT_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 2_000;

/** A job's state as the API reports it: BullMQ's `prioritized` and `waiting-children` count as waiting. */
export type QueueJobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

export interface QueueJobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface FoundJob {
  queue: QueueName;
  job: Job;
  state: QueueJobState;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The API's handle on the BullMQ queues (it runs no workers): adds jobs, finds them, counts them,
 * and gives the dashboard its queues. Every queue shares one connection of the client's own that
 * fails commands at once while Redis is away (no offline queue) and reconnects in the background,
 * and every call is cut off after `timeoutMs`: BullMQ's own connections wait for Redis for ever,
 * which here would hang a request. An unreachable Redis is a QueueUnavailableException (503).
 */
@Injectable()
export class QueueClient implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly byName: ReadonlyMap<QueueName, Queue>;
  private readonly timeoutMs: number;
  private attempt?: Promise<void>;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Optional() @Inject(QUEUE_CLIENT_OPTIONS) options: QueueClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.redis = new Redis(config.redisUrl, {
      connectionName: 'yizhi-queue-client',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    // An outage surfaces through the calls (503, null counts); the health check names it.
    this.redis.on('error', () => undefined);
    this.byName = new Map(
      Object.values(QueueName).map((name) => {
        const queue = new Queue(name, {
          connection: this.redis,
          prefix: config.queuePrefix,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
          // Nothing may wait for the connection: a command fails at once while it is down. Hence no
          // version check either (its INFO, failing once, would break the queue for good: BullMQ then
          // uses its pre-6.0.6 scripts, which give the same answers) and no meta update (the
          // workers' queues write it).
          skipWaitingForReady: true,
          skipVersionCheck: true,
          skipMetasUpdate: true,
        });
        queue.on('error', () => undefined);
        return [name, queue] as const;
      }),
    );
  }

  /** Every queue of QueueName, for the dashboard. */
  get queues(): Queue[] {
    return [...this.byName.values()];
  }

  /** Adds a job to its queue; a job id BullMQ still holds is not added again (the existing job is returned). */
  add<J extends JobName>(name: J, payload: JobPayloads[J], options: { jobId: string }): Promise<Job> {
    return this.call(() => this.byName.get(JOB_QUEUE[name])!.add(name, payload, { jobId: options.jobId }));
  }

  /** The job with this id in whichever queue holds it, or null when none does (any more). */
  findJob(id: string): Promise<FoundJob | null> {
    return this.call(async () => {
      const found = await Promise.all([...this.byName].map(async ([queue, q]) => ({ queue, job: await q.getJob(id) })));
      const hit = found.find((f): f is { queue: QueueName; job: Job } => f.job !== undefined);
      if (!hit) return null;
      const state = await hit.job.getState();
      // Removed between the two reads (its retention ran out).
      if (state === 'unknown') return null;
      return { ...hit, state: state === 'prioritized' || state === 'waiting-children' ? 'waiting' : state };
    });
  }

  /** Jobs per queue and state, or null when Redis cannot be reached. */
  async counts(): Promise<Record<QueueName, QueueJobCounts> | null> {
    try {
      return await this.call(async () => {
        const entries = await Promise.all(
          [...this.byName].map(async ([name, queue]) => {
            const c = await queue.getJobCounts('waiting', 'prioritized', 'waiting-children', 'active', 'delayed', 'failed', 'completed');
            const counts: QueueJobCounts = {
              waiting: c.waiting + c.prioritized + c['waiting-children'],
              active: c.active,
              delayed: c.delayed,
              failed: c.failed,
              completed: c.completed,
            };
            return [name, counts] as const;
          }),
        );
        return Object.fromEntries(entries) as Record<QueueName, QueueJobCounts>;
      });
    } catch (error) {
      if (error instanceof QueueUnavailableException) return null;
      throw error;
    }
  }

  async onModuleDestroy(): Promise<void> {
    // The queues leave a connection they were given open: close it ourselves.
    await Promise.all(this.queues.map((queue) => queue.close().catch(() => undefined)));
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  /**
   * Runs one call on the queues within `timeoutMs`. A connection attempt in flight (at start-up,
   * or as Redis comes back) is worth waiting for within that time; a disconnected client waiting
   * for its next reconnection is not: that fails at once.
   */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    const message = `Redis did not answer within ${this.timeoutMs} ms`;
    if (this.redis.status === 'connecting' || this.redis.status === 'connect') {
      await within(this.attemptSettled(), this.timeoutMs, message).catch(() => undefined);
    }
    if (this.redis.status !== 'ready') throw new QueueUnavailableException(`Redis is not connected (${this.redis.status})`);
    try {
      return await within(Promise.resolve().then(work), Math.max(1, deadline - Date.now()), message);
    } catch (error) {
      // A lost connection or a timeout is an outage; anything else (a bad job id, a bug) is not.
      if (error instanceof TimeoutError || this.redis.status !== 'ready') throw new QueueUnavailableException(messageOf(error));
      throw error;
    }
  }

  /** Settles when the connection attempt in flight succeeds or fails; one pair of listeners however many calls wait. */
  private attemptSettled(): Promise<void> {
    this.attempt ??= new Promise<void>((resolve) => {
      const settle = () => {
        this.redis.off('ready', settle).off('close', settle);
        this.attempt = undefined;
        resolve();
      };
      this.redis.once('ready', settle).once('close', settle);
    });
    return this.attempt;
  }
}
