import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JobName } from '#yizhi/core';
import { VolumesService, type RebuildResult } from '../volumes.service.js';

/** The rebuild's share of the job's progress (percent); the reconciliation has the rest. */
const REBUILD_SHARE = 80;

/** Nightly (and on demand): every rollup replaced from the ledger, then reconciled with it. */
@Injectable()
export class RebuildVolumesHandler {
  constructor(private readonly volumes: VolumesService) {}

  @JobHandler(JobName.RebuildVolumes)
  async rebuild(_payload: unknown, job: Job): Promise<RebuildResult & { differences: number; findingId: string | null }> {
    const rebuilt = await this.volumes.rebuild((done, total) => job.updateProgress(Math.floor((REBUILD_SHARE * done) / total)));
    const reconciled = await this.volumes.reconcile((done, total) =>
      job.updateProgress(REBUILD_SHARE + Math.floor(((100 - REBUILD_SHARE) * done) / total)),
    );
    return { ...rebuilt, differences: reconciled.differences.length, findingId: reconciled.findingId };
  }
}
