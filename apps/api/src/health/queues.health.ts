import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { QueueClient } from '#yizhi/core';

/**
 * Jobs per queue: waiting, active, delayed, failed. Figures, not a verdict: long queues stay
 * "up"; it is "down" only when Redis cannot be reached (QueueClient gives up within a second).
 */
@Injectable()
export class QueuesHealthIndicator {
  constructor(
    private readonly queues: QueueClient,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'queues'): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      const counts = await this.queues.counts();
      if (!counts) return indicator.down({ message: 'Redis cannot be reached' });
      const figures = Object.fromEntries(
        Object.entries(counts).map(([queue, c]) => [queue, { waiting: c.waiting, active: c.active, delayed: c.delayed, failed: c.failed }]),
      );
      return indicator.up(figures);
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
