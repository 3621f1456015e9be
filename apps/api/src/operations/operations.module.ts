import { Module } from '@nestjs/common';
import { QueueClientModule } from '#yizhi/core';
import { JobsController } from './jobs.controller.js';

/** What admins use to watch the background work: GET /jobs/:id (the queue dashboard is a Fastify plugin, see queue-board.ts). */
@Module({
  imports: [QueueClientModule],
  controllers: [JobsController],
})
export class OperationsModule {}
