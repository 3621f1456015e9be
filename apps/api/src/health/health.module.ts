import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OutboxModule, QueueClientModule } from '#yizhi/core';
import { HealthController } from './health.controller.js';
import { OutboxHealthIndicator } from './outbox.health.js';
import { QueuesHealthIndicator } from './queues.health.js';
import { RedisHealthIndicator } from './redis.health.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' }), OutboxModule, QueueClientModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, OutboxHealthIndicator, QueuesHealthIndicator],
})
export class HealthModule {}
