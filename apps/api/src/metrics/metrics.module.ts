import { Module } from '@nestjs/common';
import { OutboxModule, QueueClientModule } from '#yizhi/core';
import { BacklogMetrics } from './backlog-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';

@Module({
  imports: [OutboxModule, QueueClientModule],
  controllers: [MetricsController],
  providers: [HttpMetrics, BacklogMetrics],
  exports: [HttpMetrics],
})
export class MetricsModule {}
