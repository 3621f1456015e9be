import { Module } from '@nestjs/common';
import { IdempotencyPurgeHandler } from './idempotency-purge.handler.js';
import { IdempotencyService } from './idempotency.service.js';

/** IdempotencyService, for modules whose routes take an Idempotency-Key. */
@Module({
  providers: [IdempotencyService],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}

/** What the worker runs of it: the hourly purge. */
@Module({
  imports: [IdempotencyModule],
  providers: [IdempotencyPurgeHandler],
})
export class IdempotencyJobsModule {}
