import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JobName, type JobPayloads } from '#yizhi/core';
import { VolumesService } from '../volumes.service.js';

/** One ledger write's event: recompute the base months it may have moved (replayed, it changes nothing). */
@Injectable()
export class LedgerChangedHandler {
  constructor(private readonly volumes: VolumesService) {}

  @JobHandler(JobName.LedgerChanged)
  async recompute(payload: JobPayloads[JobName.LedgerChanged], job: Job): Promise<{ cells: number }> {
    const { cells } = await this.volumes.recompute(payload.cells ?? [], payload.dealIds ?? [], payload.listingIds ?? []);
    await job.updateProgress(100);
    return { cells: cells.length };
  }
}
