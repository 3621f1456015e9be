import { Module } from '@nestjs/common';
import { QueueClient } from './queue-client.js';

/** QueueClient, for the API: import it wherever jobs are added, read or counted (one instance, one connection). */
@Module({
  providers: [QueueClient],
  exports: [QueueClient],
})
export class QueueClientModule {}
