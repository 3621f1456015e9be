import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigModule, IdempotencyJobsModule, JobRegistry, OutboxJobsModule, QueueModule } from '#yizhi/core';
import { DatabaseModule } from '#yizhi/database';
import { CatalogJobsModule } from '#yizhi/catalog';
import { DealsJobsModule } from '#yizhi/deals';
import { IdentityJobsModule } from '#yizhi/identity';
import { MatchingJobsModule } from '#yizhi/matching';
import { VolumesJobsModule } from '#yizhi/volumes';
import { MaintenanceProcessor, MatchingProcessor, VolumesProcessor } from './processors.js';
import { SchedulerService } from './scheduler.service.js';

@Module({
  imports: [
    ConfigModule.forRoot(),
    DatabaseModule.forRoot('yizhi-worker'),
    QueueModule.register(),
    DiscoveryModule,
    IdentityJobsModule,
    CatalogJobsModule,
    MatchingJobsModule,
    DealsJobsModule,
    VolumesJobsModule,
    // The outbox relay (started at bootstrap, stopped on shutdown) and the purge of dispatched rows.
    OutboxJobsModule,
    IdempotencyJobsModule,
  ],
  providers: [JobRegistry, MaintenanceProcessor, MatchingProcessor, VolumesProcessor, SchedulerService],
})
export class WorkerModule {}
