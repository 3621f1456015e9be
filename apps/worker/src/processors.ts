import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { JobRegistry, QueueName } from '#yizhi/core';

/** Consumes the maintenance queue; the registry routes each job to its one handler. */
@Processor(QueueName.Maintenance, { concurrency: 2 })
export class MaintenanceProcessor extends WorkerHost {
  constructor(private readonly jobs: JobRegistry) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return this.jobs.dispatch(QueueName.Maintenance, job);
  }
}

/** Consumes the matching queue: one job recomputes one item's matches. */
@Processor(QueueName.Matching, { concurrency: 2 })
export class MatchingProcessor extends WorkerHost {
  constructor(private readonly jobs: JobRegistry) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return this.jobs.dispatch(QueueName.Matching, job);
  }
}

/**
 * Consumes the volumes queue: ledger events (each recomputes a few base months), the nightly
 * rebuild and the freshness check. Two at a time: recomputes of different months run side by
 * side, those of one month wait for each other on its lock.
 */
// A worker lost mid-job gives its job back within about 15 s (its lock lapses after 10 s and stalled
// jobs are looked for every 5 s) rather than BullMQ's minute: the totals wait for it. The lock is
// renewed every 5 s while a job runs, and no step holds the event loop that long.
@Processor(QueueName.Volumes, { concurrency: 2, lockDuration: 10_000, stalledInterval: 5_000 })
export class VolumesProcessor extends WorkerHost {
  constructor(private readonly jobs: JobRegistry) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return this.jobs.dispatch(QueueName.Volumes, job);
  }
}
