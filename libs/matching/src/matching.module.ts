import { Module } from '@nestjs/common';
import { AuditModule } from '#yizhi/audit';
import { OutboxModule } from '#yizhi/core';
import { MatchingController } from './matching.controller.js';
import { MatchingEngine } from './matching.engine.js';
import { MatchingJobHandler } from './matching-job.handler.js';
import { MatchingService } from './matching.service.js';
import { MatchingRepository } from './storage/matching.repository.js';

const providers = [MatchingRepository, MatchingEngine, MatchingService];

/** Match routes of the API. */
@Module({
  imports: [AuditModule, OutboxModule],
  controllers: [MatchingController],
  providers,
  exports: [MatchingService],
})
export class MatchingModule {}

/** What the worker runs of matching: the compute-matches job. */
@Module({
  imports: [AuditModule, OutboxModule],
  providers: [...providers, MatchingJobHandler],
})
export class MatchingJobsModule {}
