import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BasesModule } from '#yizhi/bases';
import { ConfigModule, RedisModule } from '#yizhi/core';
import { DatabaseModule } from '#yizhi/database';
import { FieldsModule } from '#yizhi/fields';
import { AccessGuard, IdentityModule } from '#yizhi/identity';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule.forRoot('yizhi-api'),
    RedisModule,
    IdentityModule,
    BasesModule,
    FieldsModule,
    HealthModule,
    MetricsModule,
  ],
  providers: [{ provide: APP_GUARD, useExisting: AccessGuard }],
})
export class AppModule {}
