import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { JOB_QUEUE } from '#yizhi/core';
import { SCHEDULE_TIME_ZONE, SCHEDULES } from './schedules.js';

/** Upserts the job schedulers; every worker does it, and BullMQ keeps one scheduler per id. */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SchedulerService.name);

  constructor(private readonly modules: ModuleRef) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const schedule of SCHEDULES) {
      const queue = this.modules.get<Queue>(getQueueToken(JOB_QUEUE[schedule.job]), { strict: false });
      await queue.upsertJobScheduler(schedule.id, { pattern: schedule.pattern, tz: SCHEDULE_TIME_ZONE }, { name: schedule.job, data: {} });
    }
    this.logger.log(`${SCHEDULES.length} job schedulers in place`);
  }
}
