import { Module } from '@nestjs/common';
import { OutboxMessagesRepository } from './outbox-messages.repository.js';
import { OutboxPurgeHandler } from './outbox-purge.handler.js';
import { OutboxRelay } from './outbox-relay.js';
import { OutboxService } from './outbox.service.js';

/** OutboxService, for any module whose state changes enqueue jobs. */
@Module({
  providers: [OutboxMessagesRepository, OutboxService],
  exports: [OutboxMessagesRepository, OutboxService],
})
export class OutboxModule {}

/** What the worker runs of the outbox: the relay to BullMQ and the purge of dispatched rows. */
@Module({
  imports: [OutboxModule],
  providers: [OutboxRelay, OutboxPurgeHandler],
})
export class OutboxJobsModule {}
