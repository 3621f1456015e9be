import { Module } from '@nestjs/common';
import { AuditModule } from '#yizhi/audit';
import { QueueClientModule } from '#yizhi/core';
import { LedgerChangedHandler } from './jobs/ledger-changed.handler.js';
import { RebuildVolumesHandler } from './jobs/rebuild-volumes.handler.js';
import { VolumesFreshnessHandler } from './jobs/volumes-freshness.handler.js';
import { VolumesReportService } from './progress/volumes-report.service.js';
import { VolumesController } from './volumes.controller.js';
import { VolumesRepository } from './volumes.repository.js';
import { VolumesService } from './volumes.service.js';

/** VolumesService: recompute, rebuild, reconcile and check the rollups. */
@Module({
  imports: [AuditModule],
  providers: [VolumesRepository, VolumesService],
  exports: [VolumesService],
})
export class VolumesModule {}

/** What the worker runs of the volumes: the ledger events' recomputes, the nightly rebuild and the hourly freshness check. */
@Module({
  imports: [VolumesModule],
  providers: [LedgerChangedHandler, RebuildVolumesHandler, VolumesFreshnessHandler],
})
export class VolumesJobsModule {}

/** The API's side: progress against the targets, breakdowns, and the admin's rebuild (a job, through QueueClient). */
@Module({
  imports: [QueueClientModule],
  controllers: [VolumesController],
  providers: [VolumesReportService],
})
export class VolumesHttpModule {}
