import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { OutboxService, within } from '#yizhi/core';

/**
 * The outbox backlog: rows not yet handed to Redis, and the age of the oldest. A figure, not a
 * verdict: a large backlog (Redis down, no worker running) stays "up"; it is "down" only when
 * PostgreSQL does not answer, as the database check then is too.
 */
@Injectable()
export class OutboxHealthIndicator {
  constructor(
    private readonly outbox: OutboxService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'outbox'): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      const backlog = await within(this.outbox.backlog(), 1_000, 'timed out after 1000 ms');
      return indicator.up({
        pending: backlog.pending,
        oldestPendingSeconds: backlog.oldestAgeSeconds === null ? null : Math.round(backlog.oldestAgeSeconds),
      });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
