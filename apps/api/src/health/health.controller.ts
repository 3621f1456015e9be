import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { DomainException, ErrorCode, Public } from '#yizhi/core';
import { OutboxHealthIndicator } from './outbox.health.js';
import { QueuesHealthIndicator } from './queues.health.js';
import { RedisHealthIndicator } from './redis.health.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly outbox: OutboxHealthIndicator,
    private readonly queues: QueuesHealthIndicator,
  ) {}

  @Public()
  @Get()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Liveness and readiness: PostgreSQL and Redis, 503 when either is down; with the outbox backlog ' +
      '(`outbox.pending`, `outbox.oldestPendingSeconds`) and the jobs per queue (`queues.<queue>.waiting|active|delayed|failed`), ' +
      'which are figures and never fail the check by being high',
  })
  @ApiServiceUnavailableResponse({
    description:
      "PostgreSQL or Redis is down: the error shape (`SERVICE_UNAVAILABLE`, naming the failed checks) with the checks' " +
      '`status`, `info` and `error` as extra members',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorView' } } },
  })
  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 1_000 }),
        () => this.redis.check(),
        () => this.outbox.check(),
        () => this.queues.check(),
      ]);
    } catch (error) {
      // Terminus's 503 carries the checks; keep them, in the API's error shape, rather than let the global filter drop them.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failed = Object.keys(result.error ?? {});
      throw new DomainException(
        ErrorCode.ServiceUnavailable,
        503,
        `Unhealthy: ${failed.join(', ') || 'a check'} down`,
        [],
        {},
        {
          status: result.status,
          info: result.info,
          error: result.error,
        },
      );
    }
  }
}
