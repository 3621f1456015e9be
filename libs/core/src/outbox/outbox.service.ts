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

  /** Writes the job through `manager`, which must belong to an active transaction. Returns its id, which is also its BullMQ job id. */
  async enqueue<J extends JobName>(manager: EntityManager, name: J, payload: JobPayloads[J]): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) throw new OutboxTransactionRequiredError(name);
    return this.messages.insert(manager, { queue: JOB_QUEUE[name], jobName: name, payload });
  }

  /** What is waiting to reach Redis (for health checks and metrics). */
  backlog(): Promise<OutboxBacklog> {
    return this.messages.backlog();
  }
}
