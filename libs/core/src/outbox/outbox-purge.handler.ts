import { Injectable, Logger } from '@nestjs/common';
import { JobHandler } from '../queue/job-handler.decorator.js';
import { JobName } from '../queue/queue-names.js';
import { OutboxMessagesRepository } from './outbox-messages.repository.js';

/** Dispatched rows are kept this long, to look into what was sent, then purged. */
export const OUTBOX_RETENTION_DAYS = 7;

/** Hourly job: drops dispatched outbox rows past their retention; pending rows are never touched. */
@Injectable()
export class OutboxPurgeHandler {
  private readonly logger = new Logger(OutboxPurgeHandler.name);

  constructor(private readonly messages: OutboxMessagesRepository) {}

  @JobHandler(JobName.PurgeDispatchedOutbox)
  async purge(): Promise<{ deleted: number }> {
    const deleted = await this.messages.deleteDispatchedOlderThan(OUTBOX_RETENTION_DAYS);
    if (deleted) this.logger.log(`purged ${deleted} dispatched outbox rows`);
    return { deleted };
  }
}
