import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JOB_QUEUE, type JobName, type JobPayloads } from '../queue/queue-names.js';
import { OutboxMessagesRepository, type OutboxBacklog } from './outbox-messages.repository.js';

/** A programming error: an outbox row written outside the caller's transaction could outlive a rolled-back change. */
export class OutboxTransactionRequiredError extends Error {
  constructor(job: string) {
    super(`Job "${job}" must be enqueued through the EntityManager of an active transaction`);
    this.name = 'OutboxTransactionRequiredError';
  }
}

/**
 * How every feature enqueues a job: the job is a row written in the caller's transaction, so it
 * exists if and only if the state change commits. The worker's OutboxRelay hands it to BullMQ.
 */
@Injectable()
export class OutboxService {
  constructor(private readonly messages: OutboxMessagesRepository) {}

  /**
   * Writes the job through `manager`, which must belong to an active transaction. Returns its id,
   * which is also its BullMQ job id. With a `key` (what the job is about, and its version) the id
   * is derived from it, so enqueueing the same key twice is one job.
   */
  async enqueue<J extends JobName>(
    manager: EntityManager,
    name: J,
    payload: JobPayloads[J],
    options: { key?: string } = {},
  ): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) throw new OutboxTransactionRequiredError(name);
    const id = options.key === undefined ? undefined : keyedId(name, options.key);
    return this.messages.insert(manager, { id, queue: JOB_QUEUE[name], jobName: name, payload });
  }

  /** What is waiting to reach Redis (for health checks and metrics). */
  backlog(): Promise<OutboxBacklog> {
    return this.messages.backlog();
  }
}

/** A UUID (version 8, name-based) from the job name and key: the same key always gives the same id. */
export function keyedId(name: string, key: string): string {
  const hex = createHash('sha256').update(`${name}\n${key}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
