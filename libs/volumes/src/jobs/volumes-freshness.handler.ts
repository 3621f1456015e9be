import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { JobHandler, JobName, QueueName } from '#yizhi/core';
import { isStale, STALE_AFTER_SECONDS, VolumesService } from '../volumes.service.js';

/**
 * Hourly: how far the rollups lag the ledger. Beyond STALE_AFTER_SECONDS it logs a warning and
 * enqueues a rebuild (de-duplicated: one waiting at a time), which catches up whatever events were
 * lost or failed. It goes straight to the queue: no state change of the ledger comes with it.
 */
@Injectable()
export class VolumesFreshnessHandler {
  private readonly logger = new Logger(VolumesFreshnessHandler.name);

  constructor(
    private readonly volumes: VolumesService,
    @InjectQueue(QueueName.Volumes) private readonly queue: Queue,
  ) {}

  @JobHandler(JobName.CheckVolumesFreshness)
  async check(): Promise<{ stale: boolean; lagSeconds: number; outboxPending: number; rebuildJobId: string | null }> {
    const freshness = await this.volumes.freshness();
    const stale = isStale(freshness);
    let rebuildJobId: string | null = null;
    if (stale) {
      this.logger.warn(
        `the volumes lag the ledger beyond ${STALE_AFTER_SECONDS} s (ledger: ${Math.round(freshness.lagSeconds)} s; ` +
          `oldest pending event: ${Math.round(freshness.outbox.oldestAgeSeconds ?? 0)} s); enqueuing a rebuild`,
      );
      const job = await this.queue.add(JobName.RebuildVolumes, {}, { deduplication: { id: JobName.RebuildVolumes } });
      rebuildJobId = job.id ?? null;
    }
    return { stale, lagSeconds: freshness.lagSeconds, outboxPending: freshness.outbox.pending, rebuildJobId };
  }
}
