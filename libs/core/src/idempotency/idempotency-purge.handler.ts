import { Injectable, Logger } from '@nestjs/common';
import { JobHandler } from '../queue/job-handler.decorator.js';
import { JobName } from '../queue/queue-names.js';
import { IdempotencyService } from './idempotency.service.js';

/** Hourly job: drops idempotency keys past their 24 hours. */
@Injectable()
export class IdempotencyPurgeHandler {
  private readonly logger = new Logger(IdempotencyPurgeHandler.name);

  constructor(private readonly idempotency: IdempotencyService) {}

  @JobHandler(JobName.PurgeIdempotencyKeys)
  async purge(): Promise<{ deleted: number }> {
    const deleted = await this.idempotency.purgeExpired();
    if (deleted) this.logger.log(`purged ${deleted} expired idempotency keys`);
    return { deleted };
  }
}
