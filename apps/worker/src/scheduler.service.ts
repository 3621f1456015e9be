import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { JOB_QUEUE, within } from '#yizhi/core';
import { SCHEDULE_TIME_ZONE, SCHEDULES } from './schedules.js';

/** How long start-up waits for the schedulers before it goes on without them. */
const SCHEDULERS_WAIT_MS = 5_000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Upserts the job schedulers; every worker does it, and BullMQ keeps one scheduler per id. With
 * Redis away at start-up the worker does not wait for it: the relay must run meanwhile (it keeps
 * the outbox's rows and retries them), and the upserts, queued on BullMQ's connection, complete
 * when Redis answers.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SchedulerService.name);

  constructor(private readonly modules: ModuleRef) {}

  async onApplicationBootstrap(): Promise<void> {
    const upserted = this.upsertAll();
    try {
      await within(upserted, SCHEDULERS_WAIT_MS, `Redis did not answer within ${SCHEDULERS_WAIT_MS} ms`);
    } catch (error) {
      this.logger.warn(`The job schedulers are not in place yet (${messageOf(error)}); they will be once Redis answers`);
      upserted.catch((late: unknown) => this.logger.error(`The job schedulers could not be put in place: ${messageOf(late)}`));
    }
  }

  private async upsertAll(): Promise<void> {
    for (const schedule of SCHEDULES) {
      const queue = this.modules.get<Queue>(getQueueToken(JOB_QUEUE[schedule.job]), { strict: false });
      await queue.upsertJobScheduler(schedule.id, { pattern: schedule.pattern, tz: SCHEDULE_TIME_ZONE }, { name: schedule.job, data: {} });
    }
    this.logger.log(`${SCHEDULES.length} job schedulers in place`);
  }
}
