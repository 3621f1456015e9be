import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, Public, UnauthenticatedException, type AppConfig } from '#yizhi/core';
import { HttpMetrics } from './http-metrics.js';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: HttpMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Public unless METRICS_TOKEN is set; then it needs that bearer token (not a user's JWT). */
  @Public()
  @Get()
  @ApiOperation({ summary: 'Prometheus metrics; needs `Authorization: Bearer $METRICS_TOKEN` when that is set' })
  @ApiProduces('text/plain')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const expected = this.config.metricsToken;
    if (expected && !sameToken(authorization ?? '', `Bearer ${expected}`)) {
      throw new UnauthenticatedException('The metrics token is missing or wrong');
    }
    await reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
