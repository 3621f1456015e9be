import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JobName } from '#yizhi/core';
import { VolumesService, type RebuildResult } from '../volumes.service.js';

/** The reconciliation's share of the job's progress (percent); the rebuild has the rest. */
const RECONCILE_SHARE = 40;

/**
 * Nightly (and on demand): the rollups reconciled with the ledger first, so that whatever drift
 * crept in since the last run is found and recorded (and repaired), then every rollup replaced
 * from the ledger. The other way round, the reconciliation would only ever check the rebuild it
 * follows.
 */
@Injectable()
export class RebuildVolumesHandler {
  constructor(private readonly volumes: VolumesService) {}

  @JobHandler(JobName.RebuildVolumes)
  async rebuild(_payload: unknown, job: Job): Promise<RebuildResult & { differences: number; findingId: string | null }> {
    const reconciled = await this.volumes.reconcile((done, total) => job.updateProgress(Math.floor((RECONCILE_SHARE * done) / total)));
    const rebuilt = await this.volumes.rebuild((done, total) =>
      job.updateProgress(RECONCILE_SHARE + Math.floor(((100 - RECONCILE_SHARE) * done) / total)),
    );
    return { ...rebuilt, differences: reconciled.differences.length, findingId: reconciled.findingId };
  }
}
